/**
 * Schema validation failures in both locales (issue 14: Ajv's English "must NOT have more than 100
 * characters" reached zh-CN clients inside a Chinese sentence). One place turns an Ajv error, a
 * control-character or non-finite-number refusal, or a router refusal into the `detail` of
 * VALIDATION_FAILED, as `text(zh, en)`. Field names stay as they are (they are the API's names).
 */
import { type Messages, text } from '../lib/errors.js';

/** One Ajv error as Fastify hands it over (`err.validation[i]`). */
export interface ValidationIssue {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Where in the request a field is, in both locales. */
const CONTEXT: Record<string, Messages> = {
  body: text('请求体', 'body'),
  querystring: text('查询参数', 'querystring'),
  params: text('路径参数', 'params'),
  headers: text('请求头', 'headers'),
  url: text('网址', 'url'),
};

const TYPE_NAMES: Record<string, Messages> = {
  string: text('字符串', 'a string'),
  integer: text('整数', 'an integer'),
  number: text('数字', 'a number'),
  boolean: text('布尔值', 'a boolean'),
  object: text('对象', 'an object'),
  array: text('数组', 'an array'),
  null: text('空值', 'null'),
};

const FORMAT_NAMES: Record<string, Messages> = {
  'date-time': text('日期时间（ISO 8601）', 'a date-time (ISO 8601)'),
  date: text('日期（YYYY-MM-DD）', 'a date (YYYY-MM-DD)'),
  time: text('时间', 'a time'),
  email: text('电子邮箱地址', 'an email address'),
  uri: text('网址', 'a URL'),
  uuid: text('唯一标识', 'a UUID'),
};

/** A field path (`body/location/lat`) in both locales: the part name translated, the rest kept. */
export function fieldName(field: string): Messages {
  const [ctx = '', ...rest] = field.split('/');
  const where = CONTEXT[ctx];
  const tail = rest.length > 0 ? `/${rest.join('/')}` : '';
  if (!where) return text(field, field);
  return text(`${where['zh-CN']}${tail}`, `${where.en}${tail}`);
}

const num = (v: unknown): string => (typeof v === 'number' || typeof v === 'string' ? String(v) : '?');

/** What is wrong with the value, by Ajv keyword. */
function problem(issue: ValidationIssue): Messages {
  const p = issue.params ?? {};
  switch (issue.keyword) {
    case 'required':
      return text('缺少此必填字段', 'is required');
    case 'additionalProperties':
      return text('不是可接受的字段', 'is not an accepted field');
    case 'type': {
      const names = String(p.type ?? '')
        .split(',')
        .map((t) => TYPE_NAMES[t]);
      if (names.some((n) => n === undefined) || names.length === 0)
        return text('类型不正确', 'has the wrong type');
      const known = names as Messages[];
      return text(
        `必须是${known.map((n) => n['zh-CN']).join('或')}`,
        `must be ${known.map((n) => n.en).join(' or ')}`,
      );
    }
    case 'minLength':
      return text(`长度不能少于 ${num(p.limit)} 个字符`, `must have at least ${num(p.limit)} characters`);
    case 'maxLength':
      return text(`长度不能超过 ${num(p.limit)} 个字符`, `must have at most ${num(p.limit)} characters`);
    case 'minimum':
      return text(`不能小于 ${num(p.limit)}`, `must be at least ${num(p.limit)}`);
    case 'maximum':
      return text(`不能大于 ${num(p.limit)}`, `must be at most ${num(p.limit)}`);
    case 'exclusiveMinimum':
      return text(`必须大于 ${num(p.limit)}`, `must be greater than ${num(p.limit)}`);
    case 'exclusiveMaximum':
      return text(`必须小于 ${num(p.limit)}`, `must be less than ${num(p.limit)}`);
    case 'multipleOf':
      return text(`必须是 ${num(p.multipleOf)} 的整数倍`, `must be a multiple of ${num(p.multipleOf)}`);
    case 'pattern':
      return text('格式不正确', 'has the wrong format');
    case 'format': {
      const f = FORMAT_NAMES[String(p.format)];
      return f ? text(`必须是${f['zh-CN']}`, `must be ${f.en}`) : text('格式不正确', 'has the wrong format');
    }
    case 'enum':
    case 'const':
    case 'anyOf':
    case 'oneOf':
      return text('不是允许的取值', 'is not one of the allowed values');
    case 'minItems':
      return text(`至少需要 ${num(p.limit)} 项`, `must have at least ${num(p.limit)} items`);
    case 'maxItems':
      return text(`最多 ${num(p.limit)} 项`, `must have at most ${num(p.limit)} items`);
    case 'uniqueItems':
      return text('不能有重复项', 'must not contain duplicates');
    case 'minProperties':
      return text(`至少需要 ${num(p.limit)} 个字段`, `must have at least ${num(p.limit)} fields`);
    case 'maxProperties':
      return text(`最多 ${num(p.limit)} 个字段`, `must have at most ${num(p.limit)} fields`);
    default:
      return text('不合法', 'is invalid');
  }
}

/** `field problem` in both locales. */
function describe(field: string, what: Messages): Messages {
  const f = fieldName(field);
  return text(`${f['zh-CN']} ${what['zh-CN']}`, `${f.en} ${what.en}`);
}

/**
 * The field and localized detail of a schema validation failure. Of a union's errors the union's
 * own (`anyOf`) is reported: the first branch's "must be equal to constant" would mislead.
 */
export function validationDetail(
  issues: readonly ValidationIssue[],
  context: string,
): { field: string; detail: Messages } {
  const first: ValidationIssue =
    issues.find((i) => i.keyword === 'anyOf' || i.keyword === 'oneOf') ?? issues[0] ?? {};
  const missing = typeof first.params?.missingProperty === 'string' ? `/${first.params.missingProperty}` : '';
  const extra =
    typeof first.params?.additionalProperty === 'string' ? `/${first.params.additionalProperty}` : '';
  const field = `${context}${first.instancePath ?? ''}${missing}${extra}`;
  return { field, detail: describe(field, problem(first)) };
}

/** A refused control character (control-chars.ts). */
export function controlCharDetail(field: string): Messages {
  return describe(field, text('不能包含控制字符', 'must not contain control characters'));
}

/** A refused non-finite number (finite-numbers.ts). */
export function nonFiniteDetail(field: string): Messages {
  return describe(field, text('必须是有限的数字', 'must be a finite number'));
}

/** Router refusals before any hook ran. */
export const ROUTER_DETAILS = {
  paramTooLong: text('路径参数过长', 'path parameter too long'),
  malformedUrl: text('网址格式不正确', 'malformed URL'),
  /** A 4xx the framework raised that has no mapping of its own. */
  badRequest: text('请求无法处理', 'the request could not be processed'),
} as const;
