/**
 * Application errors: a stable `code` clients can switch on, a `kind` that the HTTP edge (and
 * only the edge) maps to a status, and a message in every supported locale.
 */
import type { Locale } from '../config/config.js';

/** What went wrong, independent of transport; src/server/error-handler.ts maps it to HTTP. */
export type ErrorKind =
  | 'invalid' // 400
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'too_large' // 413
  | 'unsupported_media' // 415
  | 'unprocessable' // 422
  | 'rate_limited' // 429
  | 'unavailable' // 503
  | 'internal'; // 500

/** A message template per locale; `{name}` is replaced by params.name. */
export interface Messages {
  'zh-CN': string;
  en: string;
}

/**
 * A message parameter: a value shown as it is (a number, a code, a field name) or a text of its
 * own in every locale (`detail: text('缺少部门', 'departments required')`), so a zh-CN message
 * never carries an English phrase.
 */
export type Param = string | number | Messages;
type Params = Record<string, Param>;

/** A parameter text in both locales. */
export function text(zh: string, en: string): Messages {
  return { 'zh-CN': zh, en };
}

/** Every error the application raises on purpose. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    readonly messages: Messages,
    readonly params: Params = {},
    /** The failing input field, e.g. `body/location/lat`. */
    readonly field?: string,
    /** Extra machine-readable detail (e.g. per-feature import report). */
    readonly details?: unknown,
  ) {
    super(interpolate(messages.en, params, 'en'));
    this.name = 'AppError';
  }

  /** The human message in the requested locale. */
  localized(locale: Locale): string {
    return interpolate(this.messages[locale], this.params, locale);
  }
}

function interpolate(template: string, params: Params, locale: Locale): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => {
    const v = params[k];
    if (v === undefined) return m;
    return typeof v === 'object' ? v[locale] : String(v);
  });
}

/** Options when raising a defined error. */
export interface RaiseOptions {
  params?: Params;
  field?: string;
  details?: unknown;
}

/** A factory for one error code: `const NotFound = defineError(...); throw NotFound({ params })`. */
export type ErrorFactory = ((opts?: RaiseOptions) => AppError) & {
  readonly code: string;
  readonly kind: ErrorKind;
};

const registry = new Map<string, { kind: ErrorKind; messages: Messages }>();

/**
 * Declares an error code once, with its kind and messages. Codes are global and stable: a
 * duplicate definition with a different meaning is a programming error.
 */
export function defineError(code: string, kind: ErrorKind, messages: Messages): ErrorFactory {
  if (!/^[A-Z][A-Z0-9_]+$/.test(code)) throw new Error(`bad error code ${code}`);
  const existing = registry.get(code);
  if (existing && existing.kind !== kind) throw new Error(`error code ${code} defined twice`);
  // A code may have a second wording (e.g. when a limit is unknown); the catalogue keeps every one.
  registry.set(existing ? `${code}#${registry.size}` : code, { kind, messages });
  const factory = (opts: RaiseOptions = {}) =>
    new AppError(code, kind, messages, opts.params ?? {}, opts.field, opts.details);
  return Object.assign(factory, { code, kind });
}

/** All defined codes (documentation, tests). */
export function definedErrorCodes(): ReadonlyMap<string, { kind: ErrorKind; messages: Messages }> {
  return registry;
}

/** Errors every module may raise. */
export const CommonErrors = {
  ValidationFailed: defineError('VALIDATION_FAILED', 'invalid', {
    'zh-CN': '请求参数不合法：{detail}',
    en: 'Invalid request: {detail}',
  }),
  BadJson: defineError('BAD_JSON', 'invalid', {
    'zh-CN': '请求体不是合法的 JSON',
    en: 'The request body is not valid JSON',
  }),
  NotFound: defineError('NOT_FOUND', 'not_found', {
    'zh-CN': '未找到{what}',
    en: '{what} not found',
  }),
  RouteNotFound: defineError('ROUTE_NOT_FOUND', 'not_found', {
    'zh-CN': '接口不存在：{method} {url}',
    en: 'No such endpoint: {method} {url}',
  }),
  Conflict: defineError('CONFLICT', 'conflict', {
    'zh-CN': '与现有数据冲突：{detail}',
    en: 'Conflicts with existing data: {detail}',
  }),
  PayloadTooLarge: defineError('PAYLOAD_TOO_LARGE', 'too_large', {
    'zh-CN': '请求体过大（上限 {limit} 字节）',
    en: 'Request body too large (limit {limit} bytes)',
  }),
  UnsupportedMediaType: defineError('UNSUPPORTED_MEDIA_TYPE', 'unsupported_media', {
    'zh-CN': '不支持的内容类型：{type}',
    en: 'Unsupported content type: {type}',
  }),
  /** The framework's own refusals, where the limit or type is not known to the error mapping. */
  PayloadTooLargeUnknown: defineError('PAYLOAD_TOO_LARGE', 'too_large', {
    'zh-CN': '请求体或上传文件超过允许的大小',
    en: 'The request body or an uploaded file is larger than allowed',
  }),
  UnsupportedMediaTypeUnknown: defineError('UNSUPPORTED_MEDIA_TYPE', 'unsupported_media', {
    'zh-CN': '不支持此请求的内容类型',
    en: 'The content type of this request is not supported',
  }),
  Unauthenticated: defineError('UNAUTHENTICATED', 'unauthenticated', {
    'zh-CN': '请先登录',
    en: 'Sign-in required',
  }),
  Forbidden: defineError('FORBIDDEN', 'forbidden', {
    'zh-CN': '没有权限执行此操作',
    en: 'You are not allowed to do this',
  }),
  RateLimited: defineError('RATE_LIMITED', 'rate_limited', {
    'zh-CN': '请求过于频繁，请 {seconds} 秒后再试',
    en: 'Too many requests, try again in {seconds} s',
  }),
  DbUnavailable: defineError('DB_UNAVAILABLE', 'unavailable', {
    'zh-CN': '数据库暂时不可用，请稍后重试',
    en: 'The database is temporarily unavailable; retry shortly',
  }),
  Internal: defineError('INTERNAL', 'internal', {
    'zh-CN': '服务器内部错误（请求号 {requestId}）',
    en: 'Internal server error (request {requestId})',
  }),
} as const;
