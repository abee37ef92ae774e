import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import type { CopyValue, Db, Queryable, QueryResult } from './db.js';
import { copyTextValue, isDbUnavailable, runAfterCommit, toParam } from './db.js';

const { Pool, types } = pg;

/** Same value mapping as the PGlite driver: bigint → number, date → 'YYYY-MM-DD', numeric → number. */
const typeParsers: Record<number, (v: string) => unknown> = {
  [types.builtins.INT8]: (v) => Number(v),
  [types.builtins.NUMERIC]: (v) => Number(v),
  [types.builtins.DATE]: (v) => v,
};

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** A table or column name, checked and quoted: COPY takes no parameters for them. */
function quoteIdent(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENT.test(p))) throw new Error(`bad identifier ${name}`);
  return parts.map((p) => `"${p}"`).join('.');
}

/** COPY text lines, about 64 kB per piece so the socket sees few large writes. */
function* copyText(rows: Iterable<readonly CopyValue[]>): Generator<string> {
  let buf = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < row.length; i++) line += (i === 0 ? '' : '\t') + copyTextValue(row[i]);
    buf += `${line}\n`;
    if (buf.length >= 65_536) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/** COPY … FROM STDIN on one client (the transaction's own, so the rows share its fate). */
async function copyRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
): Promise<number> {
  const stream = client.query(
    copyFromStdin(`COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`),
  );
  await pipeline(Readable.from(copyText(rows)), stream);
  return stream.rowCount;
}

function wrap(q: pg.Pool | pg.PoolClient): Queryable {
  return {
    async copyFrom(table, columns, rows) {
      if (!(q instanceof pg.Pool)) return copyRows(q, table, columns, rows);
      const client = await q.connect();
      let failure: Error | undefined;
      try {
        return await copyRows(client, table, columns, rows);
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
        throw err;
      } finally {
        // A connection whose COPY failed mid-stream is not trusted back into the pool.
        client.release(failure);
      }
    },
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const res = await q.query(sql, params.map(toParam));
      return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await q.query(sql);
    },
  };
}

/** Options for the PostgreSQL driver. */
export interface PostgresOptions {
  connectionString: string;
  /** search_path for every connection (tests use a throw-away schema). */
  schema?: string;
  max?: number;
  /** Called for pool-level errors (idle client lost); the pool itself recovers. */
  onError?: (err: Error) => void;
}

/** Opens a pool to PostgreSQL; LISTEN uses one dedicated connection that reconnects itself. */
export async function openPostgres(opts: PostgresOptions): Promise<Db> {
  const poolConfig: pg.PoolConfig = {
    connectionString: opts.connectionString,
    max: opts.max ?? 20,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        typeParsers[oid] ?? types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  };
  const pool = new Pool(poolConfig);
  pool.on('error', (err) => opts.onError?.(err));
  const base = wrap(pool);

  // Listeners share one client; if it dies it is re-created and every channel re-subscribed.
  const handlers = new Map<string, Set<(payload: string) => void>>();
  let listener: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;

  let retry: NodeJS.Timeout | undefined;

  // Until LISTEN works again, try once a second: an outage longer than one attempt must not
  // leave the process deaf to NOTIFY (live streams, locate index) until it restarts.
  const scheduleReconnect = (): void => {
    if (closed || retry || handlers.size === 0) return;
    retry = setTimeout(() => {
      retry = undefined;
      ensureListener().catch(() => scheduleReconnect());
    }, 1_000);
    retry.unref();
  };
  const connectListener = async (): Promise<pg.Client> => {
    const client = new pg.Client(poolConfig);
    // Attached before connect: an error in the same packet as ReadyForQuery must not go unhandled.
    client.on('error', (err) => {
      opts.onError?.(err);
      if (listener === client) listener = undefined;
      client.end().catch(() => undefined);
      scheduleReconnect();
    });
    client.on('notification', (msg) => {
      for (const h of handlers.get(msg.channel) ?? []) h(msg.payload ?? '');
    });
    try {
      await client.connect();
      for (const channel of handlers.keys()) await client.query(`LISTEN "${channel}"`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    listener = client;
    return client;
  };
  const ensureListener = async (): Promise<pg.Client> => {
    if (listener) return listener;
    connecting ??= connectListener().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };
  /** A pool client with our error listener attached synchronously (see transaction). */
  const checkout = (onError: (err: Error) => void): Promise<pg.PoolClient> =>
    new Promise((resolve, reject) => {
      pool.connect((err, client) => {
        if (err || !client) {
          reject(err ?? new Error('no client'));
          return;
        }
        client.on('error', onError);
        resolve(client);
      });
    });

  return {
    driver: 'postgres',
    ...base,
    async transaction(fn) {
      let broken = false;
      // pg-pool removes its error listener while a client is checked out: a backend that dies
      // between two statements (terminated, failover, network) would otherwise emit an unhandled
      // 'error' and crash the process. Mark the client broken instead; the next statement fails
      // ("not queryable" → 503) and the transaction is rolled back by the server. The listener is
      // attached in pool.connect's callback, not after an await: an error in the packet that
      // completed the connection would otherwise fire before it is in place.
      const onError = (err: Error): void => {
        broken = true;
        opts.onError?.(err);
      };
      const client = await checkout(onError);
      const callbacks: Array<() => void> = [];
      try {
        await client.query('BEGIN');
        const result = await fn({ ...wrap(client), afterCommit: (cb) => void callbacks.push(cb) });
        await client.query('COMMIT');
        runAfterCommit(callbacks);
        return result;
      } catch (err) {
        broken ||= isDbUnavailable(err);
        if (!broken) await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        // A connection that failed mid-transaction is destroyed, not returned to the pool.
        client.off('error', onError);
        if (broken) client.on('error', () => undefined);
        client.release(broken);
      }
    },
    async listen(channel, handler) {
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
      let set = handlers.get(channel);
      const isNew = !set;
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
      }
      set.add(handler);
      const client = await ensureListener();
      if (isNew) await client.query(`LISTEN "${channel}"`);
      return async () => {
        set.delete(handler);
        if (set.size === 0) {
          handlers.delete(channel);
          await listener?.query(`UNLISTEN "${channel}"`).catch(() => undefined);
        }
      };
    },
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
