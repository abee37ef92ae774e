import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

/** One forward-only migration file: `NNNN_name.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Start-up must stop: the database and the code disagree about the schema. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Any constant works; it only has to be the same for every instance of CivicGrid. */
const MIGRATION_LOCK_KEY = 7_301_142;

/** Reads the migration files shipped with this version, in order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const version = Number(file.slice(0, 4));
    if (seen.has(version)) throw new MigrationError(`Two migration files share number ${version}: ${file}`);
    seen.add(version);
    const sql = readFileSync(`${dir}/${file}`, 'utf8').replace(/\r\n/g, '\n');
    return { version, name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

/** What migrate() did, for the CLI and the start-up log. */
export interface MigrateReport {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so several API nodes
 * starting together migrate once. Refuses to start when an applied file was edited, or when the
 * database knows a migration this code does not (an older version started on a newer database).
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<MigrateReport> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    const known = new Map(migrations.map((m) => [m.version, m]));
    for (const row of rows) {
      const m = known.get(row.version);
      if (!m) {
        throw new MigrationError(
          `The database has migration ${row.name}, which this version of CivicGrid does not know. ` +
            'Run a newer version, or restore a backup that matches this one.',
        );
      }
      if (m.checksum !== row.checksum) {
        throw new MigrationError(
          `Migration ${row.name} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… in the ` +
            `database, ${m.checksum.slice(0, 12)}… on disk). Migrations are forward-only: restore the file and add a new numbered migration instead.`,
        );
      }
    }
    const done = new Set(rows.map((r) => r.version));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      try {
        await tx.exec(m.sql);
      } catch (err) {
        throw new MigrationError(`Migration ${m.name} failed: ${(err as Error).message}`);
      }
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      applied.push(m.name);
    }
    return { applied, alreadyApplied: rows.length };
  });
}
