import { writeFileSync } from 'node:fs';
import { type Config, ConfigError, loadConfig } from '../config/config.js';
import type { Db } from '../db/db.js';
import { MigrationError, migrate } from '../db/migrate.js';
import { openDb } from '../db/open-db.js';
import type { Progress } from '../kernel/progress.js';
import { systemClock } from '../lib/clock.js';
import { AppError } from '../lib/errors.js';
import { redactPendingCases } from '../modules/cases/index.js';
import { buildApp } from '../server/app.js';
import type { Services } from '../server/modules.js';
import { terminalProgress } from './progress.js';

/** What a command runs against: the validated config and the open, migrated database. */
export interface Runtime {
  config: Config;
  db: Db;
}

/** What `withDb`/`withServices` hand a command: the runtime and a progress bar it will stop on failure. */
export interface CommandContext extends Runtime {
  /** A terminal progress for one step; stopped if the command fails mid-step (see `withDb`). */
  progress(): Progress;
}

/** Writes start-up notes (applied migrations, connection errors) somewhere other than stdout by default. */
type Log = (msg: string) => void;

const toStderr: Log = (m) => process.stderr.write(`${m}\n`);

/** Loads config and opens + migrates the database, or exits with a message naming the problem. */
export async function openRuntime(log: Log = toStderr): Promise<Runtime> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const db = await openDb(config, (e) => log(`database connection error: ${e.message}`)).catch((err: Error) =>
    fail(
      `Cannot open the database (${config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`}): ${err.message}`,
    ),
  );
  try {
    const report = await migrate(db);
    if (report.applied.length > 0) log(`Applied migrations: ${report.applied.join(', ')}`);
    // Redacted search copies of cases stored before 0013 or by an older detector (idempotent).
    const redacted = await redactPendingCases(db);
    if (redacted > 0) log(`Wrote redacted search copies of ${redacted} cases`);
  } catch (err) {
    await db.close().catch(() => undefined);
    if (err instanceof MigrationError) fail(err.message);
    fail(`Cannot migrate the database: ${(err as Error).message}`);
  }
  return { config, db };
}

/**
 * Prints an error and exits non-zero: start-up problems must stop start-up. Only for use before
 * anything is open; inside `withDb`/`withServices` throw a `CliFailure` so the database is closed.
 */
export function fail(message: string): never {
  process.stderr.write(`civicgrid: ${message}\n`);
  process.exit(1);
}

/** A failure is one line: messages quoting file content (JSON.parse does) keep no line breaks. */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * An expected failure of a command (unreadable file, invalid input, refused use case): printed as
 * one `civicgrid: …` line without a stack, after everything the command opened has been closed.
 */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

/**
 * Runs a command against the open, migrated database, then closes it whether the command
 * succeeded or failed. An expected failure (`CliFailure`, `AppError`) becomes one line on stderr
 * and exit code 1; the process then ends by itself (nothing is left open). Anything else is
 * rethrown after closing, for the top-level handler to print with its stack.
 */
export async function withDb(
  fn: (ctx: CommandContext) => Promise<void>,
  opts: { log?: Log } = {},
): Promise<void> {
  const rt = await openRuntime(opts.log);
  const unfinished = new Set<Progress>();
  const ctx: CommandContext = { ...rt, progress: () => trackedProgress(unfinished) };
  let failure: unknown;
  try {
    await fn(ctx);
  } catch (err) {
    failure = err ?? new Error('command failed');
  }
  if (failure === undefined) {
    await rt.db.close();
    return;
  }
  // A bar left running by a failed step redraws on a timer that would keep the process alive;
  // on a pipe there is no timer, and "done" would be a false line.
  if (process.stderr.isTTY) for (const p of unfinished) p.done();
  // The command's own error is the news; a second one while closing would only hide it.
  await rt.db.close().catch(() => undefined);
  if (failure instanceof CliFailure) return exitWith(failure.message);
  if (failure instanceof AppError) return exitWith(`${failure.code}: ${failure.message}`);
  throw failure;
}

function trackedProgress(unfinished: Set<Progress>): Progress {
  const inner = terminalProgress();
  const tracked: Progress = {
    start(label, total) {
      unfinished.add(tracked);
      inner.start(label, total);
    },
    tick(n) {
      inner.tick(n);
    },
    done() {
      unfinished.delete(tracked);
      inner.done();
    },
  };
  return tracked;
}

/**
 * Runs a CLI command against the application's services (same use cases, policies and audit as
 * the API), then closes the app (pending audit records chained, locate index and timers
 * stopped) and the database, on success and on failure; failures as in `withDb`.
 */
export async function withServices(fn: (s: Services, ctx: CommandContext) => Promise<void>): Promise<void> {
  await withDb(async (ctx) => {
    const { app, services } = await buildApp({
      config: { ...ctx.config, logLevel: 'silent' },
      db: ctx.db,
      clock: systemClock,
    });
    let ok = false;
    try {
      await fn(services, ctx);
      ok = true;
    } finally {
      if (ok) await app.close();
      else await app.close().catch(() => undefined);
    }
  });
}

function exitWith(message: string): void {
  process.stderr.write(`civicgrid: ${oneLine(message)}\n`);
  process.exitCode = 1;
}

/** Writes a command's output file; a path that cannot be written is an expected failure, not a crash. */
export function writeOutputFile(file: string, data: string | Uint8Array): void {
  try {
    writeFileSync(file, data);
  } catch (err) {
    throw new CliFailure(`cannot write ${file}: ${(err as Error).message}`);
  }
}
