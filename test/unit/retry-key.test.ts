import { describe, expect, it } from 'vitest';
import { RetryKey } from '../../web/src/lib/keys.js';

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

describe('RetryKey (web: one idempotency key per intended write)', () => {
  it('keeps the key across failures without an answer, drops it after an answer or for another request', async () => {
    const k = new RetryKey('act');
    const keys: string[] = [];
    const fail = (status: number) => async (key: string) => {
      keys.push(key);
      throw new ApiError(status, 'X', 'x');
    };
    const ok = async (key: string) => {
      keys.push(key);
      return 'done';
    };
    await expect(k.send('a', fail(0))).rejects.toThrow(); // network: no answer
    await expect(k.send('a', fail(503))).rejects.toThrow(); // server busy
    expect(await k.send('a', ok)).toBe('done');
    expect(new Set(keys.slice(0, 3)).size).toBe(1); // the same write, applied once by the server
    expect(await k.send('a', ok)).toBe('done'); // a new click after success: a new write
    expect(keys[3]).not.toBe(keys[2]);
    await expect(k.send('b', fail(409))).rejects.toThrow(); // refused: the next attempt is new
    await k.send('b', ok);
    expect(keys[5]).not.toBe(keys[4]);
    await expect(k.send('c', fail(0))).rejects.toThrow();
    await k.send('d', ok); // the user changed the request: new key
    expect(keys[7]).not.toBe(keys[6]);
    expect(keys.every((key) => /^act-[A-Za-z0-9._:-]{6,}$/.test(key))).toBe(true);
  });
});
