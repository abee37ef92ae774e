/**
 * The one database interface every repository uses. Two drivers implement it with the same
 * SQL dialect: PGlite (embedded, the default) and PostgreSQL via `pg` (what a city deploys).
 */

/** A row as returned by the driver: column name → value. */
export type Row = Record<string, unknown>;

/** Result of one statement. */
export interface QueryResult<R> {
  rows: R[];
  /** Rows inserted/updated/deleted (or returned, for SELECT). */
  rowCount: number;
}

/** Anything that runs parameterised SQL: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one statement with $1..$n parameters. Objects are sent as JSON text. */
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk-loads rows with `COPY table (columns) FROM STDIN` on this connection (inside the
   * transaction when this is one): far cheaper for the server than multi-row INSERTs of large
   * arrays. Only the PostgreSQL driver has it; callers keep an INSERT path for when it is
   * absent (PGlite). Resolves to the number of rows copied.
   */
  copyFrom?(table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number>;
  /**
   * Only on a transaction: runs `fn` after this transaction has committed (never when it rolls
   * back), e.g. to wake a background worker that processes what the transaction wrote.
   * `afterCommitOf` gives the same on any Queryable (immediately when not in a transaction).
   */
  afterCommit?(fn: () => void): void;
}

/** Runs fn after q's transaction commits, or right away when q is not a transaction. */
export function afterCommitOf(q: Queryable, fn: () => void): void {
  if (q.afterCommit) q.afterCommit(fn);
  else fn();
}

/** Calls the queued after-commit callbacks; one that throws does not stop the others. */
export function runAfterCommit(callbacks: ReadonlyArray<() => void>): void {
  for (const fn of callbacks) {
    try {
      fn();
    } catch {
      // A wake-up hook must not turn a committed transaction into an error.
    }
  }
}

/** One value of a COPY row: arrays become PostgreSQL array literals, null/undefined NULL. */
export type CopyValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | null
  | undefined
  | ReadonlyArray<string | number | null>;

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function arrayLiteral(values: ReadonlyArray<string | number | null>): string {
  const items = values.map((v) =>
    v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${v.replace(/["\\]/g, '\\$&')}"`,
  );
  return `{${items.join(',')}}`;
}

/**
 * One value in COPY text format (tab-separated, `\N` for NULL, backslash escapes). Shared by the
 * driver and its tests so the escaping rules live in one place.
 */
export function copyTextValue(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value instanceof Date) return value.toISOString();
  else if (Array.isArray(value)) text = arrayLiteral(value);
  else return String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c) : text;
}

/** A handle to the database shared by the whole process. */
export interface Db extends Queryable {
  readonly driver: 'pglite' | 'postgres';
  /** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Subscribes to NOTIFY on a channel; resolves to an unsubscribe function. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  /** Sends a NOTIFY (delivered to listeners of every connected instance after commit). */
  notify(channel: string, payload: string): Promise<void>;
  /** Cheap round trip used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01', // admin_shutdown (terminated)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
  '53300', // too_many_connections
]);

/** True when the error means "the database cannot be reached right now" (→ 503, retry later). */
export function isDbUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  const message = (err as { message?: unknown }).message;
  return (
    typeof message === 'string' &&
    /Connection terminated|connection is closed|Client has encountered a connection error|PGlite is closed|timeout exceeded when trying to connect|Cannot use a pool after calling end/i.test(
      message,
    )
  );
}

/** The SQLSTATE of a database error, if it is one (e.g. '23505' unique violation). */
export function sqlState(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Values are normalised the same way by both drivers: JSON objects become text. */
export function toParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || value instanceof Date || Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return value;
  }
  if (Array.isArray(value)) {
    // Arrays of scalars are sent as PostgreSQL arrays; arrays of objects as JSON.
    return value.every((v) => v === null || typeof v !== 'object') ? value : JSON.stringify(value);
  }
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}
