import { PGlite, types } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { Db, Queryable, QueryResult } from './db.js';
import { runAfterCommit, toParam } from './db.js';

type PGliteQueryable = Pick<PGlite, 'query' | 'exec'>;

/** Same value mapping as the pg driver: bigint → number, date → 'YYYY-MM-DD', numeric → number. */
const parsers = {
  [types.INT8]: (x: string) => Number(x),
  [types.NUMERIC]: (x: string) => Number(x),
  [types.DATE]: (x: string) => x,
};

function wrap(q: PGliteQueryable): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const res = await q.query<R>(sql, params.map(toParam));
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await q.exec(sql);
    },
  };
}

/**
 * Opens the embedded database. `dataDir` undefined = in memory (unit tests); otherwise the
 * files live there and survive restarts.
 */
export async function openPglite(dataDir: string | undefined): Promise<Db> {
  const pg = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    extensions: { pg_trgm },
    parsers,
  });
  const base = wrap(pg);
  return {
    driver: 'pglite',
    ...base,
    async transaction(fn) {
      const callbacks: Array<() => void> = [];
      const result = await pg.transaction((tx) =>
        fn({ ...wrap(tx), afterCommit: (cb: () => void) => void callbacks.push(cb) }),
      );
      runAfterCommit(callbacks);
      return result;
    },
    async listen(channel, handler) {
      const unlisten = await pg.listen(channel, handler);
      return async () => {
        // After close() the subscription is gone with the database; UNLISTEN would throw.
        if (!pg.closed) await unlisten();
      };
    },
    async notify(channel, payload) {
      await pg.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async ping() {
      if (pg.closed) throw Object.assign(new Error('PGlite is closed'), { code: '57P01' });
      await pg.query('SELECT 1');
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}
