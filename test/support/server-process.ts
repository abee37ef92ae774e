/**
 * The real `civicgrid serve` as a child process over a throw-away PostgreSQL schema, for the
 * reliability tests (crash without loss) and the benchmarks: the same start-up path a city runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { openPostgres } from '../../src/db/postgres-driver.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A free loopback TCP port (asked from the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The connection URL of a schema: `search_path` set per connection through libpq `options`. */
export function schemaUrl(baseUrl: string, schema: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  return url.toString();
}

/** A migrated throw-away schema, a pool over it, and how to drop it. */
export interface PgSchema {
  schema: string;
  /** DATABASE_URL for a server process that should use this schema. */
  url: string;
  db: Db;
  dispose(): Promise<void>;
}

/** Creates and migrates a fresh schema in the database at `baseUrl`. */
export async function createPgSchema(baseUrl: string, prefix = 'cg_r'): Promise<PgSchema> {
  const schema = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = await openPostgres({ connectionString: baseUrl, schema: `${schema},public`, max: 4 });
  await migrate(db);
  return {
    schema,
    url: schemaUrl(baseUrl, schema),
    db,
    async dispose() {
      await db.close().catch(() => undefined);
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** A running server child process. */
export interface ServerProcess {
  readonly port: number;
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr/stdout (last 64 kB), for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown hooks, no flushing — a crash. Resolves when the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for exit (graceful). */
  stop(): Promise<void>;
}

/** Options for startServer. */
export interface StartServerOptions {
  databaseUrl?: string;
  port?: number;
  /** Extra environment (e.g. LOG_LEVEL). */
  env?: Record<string, string>;
  /** Give up waiting for /readyz after this long (default 60 s). */
  readyTimeoutMs?: number;
  /** DATA_DIR to use (kept); default a temp dir removed when the process exits. */
  dataDir?: string;
}

/**
 * Starts `civicgrid serve` (TypeScript through tsx, deadline scheduler off) on loopback and waits
 * until /readyz answers 200. Secrets are fixed test values; photos go to a temp DATA_DIR.
 */
export async function startServer(opts: StartServerOptions = {}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'civicgrid-srv-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    SESSION_SECRET: 's'.repeat(40),
    DATA_KEY: 'd'.repeat(40),
    LOG_LEVEL: 'warn',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...opts.env,
  };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--deadline-interval', '0'],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  if (!opts.dataDir) exited.then(() => rmSync(dataDir, { recursive: true, force: true }));
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    port,
    baseUrl,
    child,
    output: () => out,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.kill9();
      throw new Error(`server not ready within ${opts.readyTimeoutMs ?? 60_000} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
