/**
 * What the server log may say about a request or an error, and nothing more (issue 14: the log
 * wrote full URLs with `callerPhone`, `q`, `api_key` and tokens). A request is logged as its method,
 * route pattern (`/api/track/:code`, never the path with its values) and its query with the values
 * of sensitive keys replaced and every other value through the one redaction path; headers and
 * bodies are never logged. Errors are logged by type, code and a redacted message: a database
 * error's detail, parameters and statement (where the values of a failing insert appear) are left
 * out. Every string message a log call writes goes through the same redaction (`logMethod` hook).
 */
import type { FastifyLoggerOptions } from 'fastify';
import type { LoggerOptions as PinoLoggerOptions } from 'pino';
import type { Config } from '../config/config.js';
import { redactFreeText } from '../lib/privacy.js';

/** Query keys whose values are never written: secrets, personal data and searches for them. */
const SENSITIVE_KEY =
  /phone|mobile|tel|token|secret|passw|pwd|api_?key|key$|auth|code|otp|session|csrf|cookie|id_?(number|card|no)|^q$|query|search|name|address|email|reporter|caller|contact|note|desc|text|purpose/i;

/** Longest value (after redaction) of a query parameter the log keeps. */
const MAX_VALUE = 64;
/** Most query parameters the log keeps (the rest are counted). */
const MAX_PARAMS = 20;

/** Shown instead of a value that is not logged. */
export const REDACTED = '[redacted]';

/**
 * The query string of a URL as the log shows it: sensitive keys' values replaced, others cut short
 * and redacted. A key that is itself odd (very long, not a plain name) is dropped.
 */
export function redactQuery(url: string): Record<string, string> | undefined {
  const at = url.indexOf('?');
  if (at < 0 || at === url.length - 1) return undefined;
  const out: Record<string, string> = {};
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(url.slice(at + 1));
  } catch {
    return { '(query)': REDACTED };
  }
  let n = 0;
  let dropped = 0;
  for (const [key, value] of params) {
    if (n >= MAX_PARAMS || !/^[A-Za-z][A-Za-z0-9_.[\]-]{0,40}$/.test(key)) {
      dropped++;
      continue;
    }
    n++;
    const name = key in out ? `${key}#${n}` : key;
    out[name] = SENSITIVE_KEY.test(key) ? REDACTED : safeValue(value);
  }
  if (dropped > 0) out['(more)'] = String(dropped);
  return out;
}

function safeValue(value: string): string {
  // Long values (a pasted token, a text) are not worth keeping; short ones are redacted as text.
  if (value.length > MAX_VALUE || /[A-Za-z0-9_-]{24,}/.test(value)) return REDACTED;
  return redactFreeText(value);
}

/**
 * The path of a request that matched no route, as the log shows it: plain lowercase words kept
 * (`/api/cases/…`), every other segment (ids, codes, tokens, names) replaced by `*`.
 */
export function redactPath(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path
    .split('/')
    .map((seg) => (seg === '' || /^[a-z][a-z0-9_-]{0,23}$/.test(seg) ? seg : '*'))
    .join('/')
    .slice(0, 120);
}

/** The part of a Fastify request the req serializer reads (it receives the Fastify request). */
interface LoggedRequest {
  method?: string;
  url?: string;
  ip?: string;
  routeOptions?: { url?: string | undefined };
}

/** The request as the log shows it: method, route pattern, redacted query, client address. */
export function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  const url = req.url ?? '';
  const route = req.routeOptions?.url;
  const query = redactQuery(url);
  return {
    method: req.method,
    ...(route ? { route } : { path: redactPath(url) }),
    ...(query ? { query } : {}),
    remoteAddress: req.ip,
  };
}

/** Database error fields that name where it failed, never with what values. */
const DB_ERROR_FIELDS = ['code', 'severity', 'routine', 'table', 'column', 'constraint', 'schema'] as const;

/**
 * An error message as it may be logged: phone and ID numbers masked, quoted literals and
 * `(key)=(value)` pairs (of database messages) emptied (`invalid input syntax for type integer: "13800138000"`,
 * `Key (phone)=(…) already exists`), query strings of URLs cut off, and the length bounded.
 */
export function redactLogMessage(message: string): string {
  return redactLogText(
    message.replace(/"[^"\n]{0,2000}"/g, '"…"').replace(/=\([^)\n]{0,2000}\)/g, '=(…)'),
  ).slice(0, 500);
}

/** An error as logged. */
export interface SerializedError {
  type: string;
  message: string;
  stack: string;
  [key: string]: unknown;
}

/** A log message string: phone and ID numbers masked, query strings of URLs cut off. */
export function redactLogText(message: string): string {
  return redactFreeText(message.replace(/(\/[^\s?]*)\?\S*/g, '$1?…'));
}

interface LoggedError {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
  stack?: unknown;
  cause?: unknown;
  [key: string]: unknown;
}

/**
 * An error as the log shows it: type, code, status, redacted message, the stack's frames (its
 * first line, which repeats the message, redacted too) and a database error's location fields.
 * Never `detail`, `where`, `params`, `query`, `parameters` or other values an error may carry.
 */
export function serializeError(err: unknown, depth = 0): SerializedError {
  if (err === null || typeof err !== 'object')
    return { type: typeof err, message: redactLogMessage(String(err)), stack: '' };
  const e = err as LoggedError;
  const out: SerializedError = {
    type: typeof e.name === 'string' ? e.name : 'Error',
    message: redactLogMessage(typeof e.message === 'string' ? e.message : ''),
    stack: '',
  };
  if (typeof e.statusCode === 'number') out.statusCode = e.statusCode;
  for (const f of DB_ERROR_FIELDS) {
    const v = e[f];
    if (typeof v === 'string' || typeof v === 'number') out[f] = typeof v === 'string' ? v.slice(0, 80) : v;
  }
  if (typeof e.stack === 'string') {
    const frames = e.stack.split('\n').filter((l) => /^\s+at /.test(l));
    out.stack = frames.slice(0, 15).join('\n');
  }
  if (e.cause !== undefined && depth < 3) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

/** Where log lines go (a pino destination or any object with write). */
export interface LogStream {
  write(line: string): void;
}

/** What the res serializer reads. */
interface LoggedReply {
  statusCode?: number;
}

/** Fastify's logger options: the serializers above, headers redacted, every message string too. */
export function loggerOptions(config: Config, stream?: LogStream): FastifyLoggerOptions & PinoLoggerOptions {
  return {
    level: config.logLevel,
    serializers: {
      req: (req: LoggedRequest) => serializeRequest(req),
      res: (res: LoggedReply) => ({ statusCode: res.statusCode }),
      err: (err: unknown) => serializeError(err),
    },
    // The serializers never write headers; this covers a log call that passes them itself.
    redact: {
      paths: [
        'headers.authorization',
        'headers.cookie',
        'headers["x-api-key"]',
        'headers["x-upload-key"]',
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'req.headers["x-upload-key"]',
      ],
      censor: REDACTED,
    },
    hooks: {
      logMethod(args, method) {
        const clean = args.map((a: unknown) => (typeof a === 'string' ? redactLogText(a) : a));
        return method.apply(this, clean as typeof args);
      },
    },
    ...(stream ? { stream } : {}),
  };
}
