/**
 * Idempotency keys of the web app's writes (no DOM here: unit-tested under Node).
 */

/**
 * A fresh idempotency key (8–100 of [A-Za-z0-9._:-]): the body field of a report, the
 * `Idempotency-Key` header of a case action. The server applies a repeated key once.
 */
export function newKey(prefix: string): string {
  const rand = crypto.getRandomValues(new Uint32Array(3));
  return `${prefix}-${Date.now().toString(36)}-${Array.from(rand, (n) => n.toString(36)).join('')}`;
}

/**
 * The idempotency key of one intended write (a case action, an evaluation): the same request sent
 * again after a failure without an answer (network error, 5xx, timeout) reuses its key, so the
 * server applies it once; a definite answer (success or 4xx) or a different request starts a new key.
 */
export class RetryKey {
  private current: { signature: string; key: string } | undefined;

  constructor(private readonly prefix: string) {}

  /** Runs `send` with the key for this request (identified by its signature: url + body). */
  async send<T>(signature: string, send: (key: string) => Promise<T>): Promise<T> {
    if (this.current?.signature !== signature) this.current = { signature, key: newKey(this.prefix) };
    try {
      const result = await send(this.current.key);
      this.current = undefined;
      return result;
    } catch (e) {
      // An ApiError (api.ts) carries the HTTP status; 0 means the request got no answer.
      const status = (e as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) this.current = undefined;
      throw e;
    }
  }
}
