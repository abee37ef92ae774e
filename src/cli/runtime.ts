import { type Config, ConfigError, loadConfig } from '../config/config.js';
import type { Db } from '../db/db.js';
import { MigrationError, migrate } from '../db/migrate.js';
import { openDb } from '../db/open-db.js';
import { systemClock } from '../lib/clock.js';
import { AppError } from '../lib/errors.js';
import { buildApp } from '../server/app.js';
import type { Services } from '../server/modules.js';

/** Loads config and opens + migrates the database, or exits with a message naming the problem. */
export async function openRuntime(
  log: (msg: string) => void = (m) => process.stderr.write(`${m}\n`),
): Promise<{
  config: Config;
  db: Db;
}> {
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
  } catch (err) {
    await db.close().catch(() => undefined);
    if (err instanceof MigrationError) fail(err.message);
    fail(`Cannot migrate the database: ${(err as Error).message}`);
  }
  return { config, db };
}

/** Prints an error and exits non-zero: start-up problems must stop start-up. */
export function fail(message: string): never {
  process.stderr.write(`civicgrid: ${message}\n`);
  process.exit(1);
}

/**
 * Runs a CLI command against the application's services (same use cases, policies and audit as
 * the API), then closes the app and the database; an AppError becomes a one-line failure.
 */
export async function withServices(fn: (s: Services) => Promise<void>): Promise<void> {
  const { config, db } = await openRuntime();
  const { app, services } = await buildApp({
    config: { ...config, logLevel: 'silent' },
    db,
    clock: systemClock,
  });
  try {
    await fn(services);
  } catch (err) {
    if (err instanceof AppError) fail(`${err.code}: ${err.message}`);
    throw err;
  } finally {
    await app.close();
    await db.close();
  }
}
