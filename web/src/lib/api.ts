/**
 * The one place the web app talks HTTP: JSON in and out, the session cookie travels by itself,
 * unsafe requests echo the cg_csrf cookie in x-csrf-token, errors become ApiError with the
 * server's stable code and (already translated) message.
 */

/** An HTTP error reply ({code, message}) or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let locale = 'zh-CN';

/** The language the server should answer errors in. */
export function setApiLocale(l: string): void {
  locale = l;
}

function csrfToken(): string | undefined {
  const m = document.cookie.match(/(?:^|;\s*)cg_csrf=([^;]+)/);
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}

/** Extra request options: headers such as `Idempotency-Key`. */
export interface ApiOptions {
  headers?: Record<string, string>;
}

/** Calls the API; `body` is sent as JSON unless it is a Blob (sent raw with its type). */
export async function api<T>(method: string, url: string, body?: unknown, opts: ApiOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    ...opts.headers,
    'accept-language': locale,
    accept: 'application/json',
  };
  let payload: BodyInit | undefined;
  if (body instanceof Blob) {
    headers['content-type'] = body.type || 'application/octet-stream';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET') {
    const token = csrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: payload ?? null, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const err = (data ?? {}) as { code?: string; message?: string };
    throw new ApiError(res.status, err.code ?? 'HTTP_' + res.status, err.message ?? res.statusText);
  }
  return data as T;
}

/** Builds a query string, skipping empty values. */
export function qs(params: Record<string, string | number | undefined | null | readonly string[]>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) u.append(k, x);
    else u.set(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

export { newKey, RetryKey } from './keys';
