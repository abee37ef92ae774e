import type { Queryable } from '../db/db.js';

/** A counter in its current window. */
export interface ThrottleState {
  hits: number;
  windowStart: Date;
}

/**
 * Fixed-window counters in the database, so every API node shares them (an attacker gains
 * nothing by spreading guesses over nodes). Keys look like `login-user:alice`, `otp-ip:1.2.3.4`.
 */
export class ThrottleRepository {
  /** Counts one hit and returns the state of the window it fell into. */
  async hit(q: Queryable, key: string, now: Date, windowMs: number): Promise<ThrottleState> {
    const { rows } = await q.query<{ hits: number; window_start: Date }>(
      `INSERT INTO auth_throttle (key, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN auth_throttle.window_start <= $3 THEN 1 ELSE auth_throttle.hits + 1 END,
         window_start = CASE WHEN auth_throttle.window_start <= $3 THEN $2 ELSE auth_throttle.window_start END
       RETURNING hits, window_start`,
      [key, now, new Date(now.getTime() - windowMs)],
    );
    const r = rows[0]!;
    return { hits: r.hits, windowStart: r.window_start };
  }

  /** The hits of the current window (0 when it has expired). */
  async peek(q: Queryable, key: string, now: Date, windowMs: number): Promise<ThrottleState> {
    const { rows } = await q.query<{ hits: number; window_start: Date }>(
      'SELECT hits, window_start FROM auth_throttle WHERE key = $1 AND window_start > $2',
      [key, new Date(now.getTime() - windowMs)],
    );
    const r = rows[0];
    return r ? { hits: r.hits, windowStart: r.window_start } : { hits: 0, windowStart: now };
  }

  /** Forgets a counter (a successful sign-in clears its username's failures). */
  async clear(q: Queryable, key: string): Promise<void> {
    await q.query('DELETE FROM auth_throttle WHERE key = $1', [key]);
  }
}
