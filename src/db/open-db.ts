import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Db } from './db.js';
import { openPglite } from './pglite-driver.js';
import { openPostgres } from './postgres-driver.js';

/** Opens the database the configuration names: PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR. */
export async function openDb(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  onError?: (e: Error) => void,
): Promise<Db> {
  if (config.databaseUrl) {
    return openPostgres({ connectionString: config.databaseUrl, ...(onError ? { onError } : {}) });
  }
  const dir = path.join(config.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  return openPglite(dir);
}
