/**
 * The merge pipeline of one population batch, shared by the department-file import and the demo
 * city so both store people the same way. Rows are validated and sealed (person-row.ts) and
 * written chunk by chunk inside the caller's transaction; every row is kept as a source record
 * (person_records) of its person. The first row of an unknown identity number, and every row
 * without one, creates the person (with its provenance) — by COPY on PostgreSQL, in one
 * multi-row insert on PGlite; every other row goes
 * to a staging table and, after the last chunk, merges set-based in one pass (fill empty fields,
 * conflicts, provenance). While the database works on one chunk the next is parsed and sealed,
 * so CPU and database overlap.
 */

import type { Queryable } from '../../db/db.js';
import type { Progress } from '../../kernel/progress.js';
import type { FieldCipher } from '../../lib/privacy.js';
import type { Rejection, StagedPerson, ValidPerson } from './person.types.js';
import type { PersonMergeResult } from './person-merge.repository.js';
import { hasIdColumn, validatePersonRow } from './person-row.js';
import { sealPerson } from './person-seal.js';
import { RegistryErrors } from './registry.errors.js';
import type { RegistryRepository } from './registry.repository.js';
import { SealPool } from './seal-pool.js';
import type { TableRow } from './tabular-file.js';

/** Rows per chunk: large enough to amortise statements, small enough to bound memory and stage. */
export const PERSON_CHUNK = 10_000;

/** What one batch of person rows did. */
export interface PersonBatchOutcome extends PersonMergeResult {
  rows: number;
  rejections: Rejection[];
}

/** Everything the pipeline needs besides the rows. */
export interface PersonBatchInput {
  batchId: number;
  at: Date;
  rows: AsyncIterable<TableRow> | Iterable<TableRow>;
  cipher: FieldCipher;
  households: ReadonlyMap<string, { id: number; gridCode: string | null }>;
  progress?: Progress;
  chunkSize?: number;
  /** Seal worker threads for large batches (default SEAL_WORKERS; 0 seals in-thread). */
  sealWorkers?: number;
}

function isCsvError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('CSV_');
}

/**
 * Writes one chunk: new identity numbers (first row of each wins) and rows without a number
 * become people, each with its source record and provenance; every other row (a person that
 * already exists, or a later row of the same number) goes to the stage for the set-based merge
 * at the end of the batch.
 */
async function writeChunk(
  tx: Queryable,
  repo: RegistryRepository,
  batch: { id: number; source: string },
  at: Date,
  rows: readonly StagedPerson[],
): Promise<{ created: number; staged: number }> {
  const seen = new Set<string>();
  const firsts = rows.map((r) => {
    if (r.idHash === null) return true;
    if (seen.has(r.idHash)) return false;
    seen.add(r.idHash);
    return true;
  });
  return repo.personMerge.writePersonChunk(tx, batch, rows, firsts, at);
}

/**
 * Validates, seals and merges every row of one batch inside `tx`. Throws (and so rolls the
 * caller's transaction back) when the file cannot be read or lacks an identity-number column.
 * Batches beyond two chunks are sealed on worker threads (SealPool); small ones in-thread.
 */
export async function importPersonBatch(
  tx: Queryable,
  repo: RegistryRepository,
  input: PersonBatchInput,
): Promise<PersonBatchOutcome> {
  const chunkSize = input.chunkSize ?? PERSON_CHUNK;
  const total: PersonMergeResult = { created: 0, merged: 0, filled: 0, conflicts: 0 };
  let stagedRows = 0;
  const rejections: Rejection[] = [];
  let rows = 0;
  let chunks = 0;
  let headerChecked = false;
  let valid: ValidPerson[] = [];
  let pool: SealPool | undefined;
  // Chunks are sealed (possibly on workers) as soon as they are full and written to the
  // database strictly in file order, one at a time; at most three are outstanding. A failure
  // surfaces at the next await (the no-op catches only keep Node from calling it unhandled).
  let inflight: Promise<void> = Promise.resolve();
  const outstanding: Promise<void>[] = [];
  const flush = async (chunk: ValidPerson[]): Promise<void> => {
    chunks++;
    if (!pool && chunks > 2 && input.sealWorkers !== 0) pool = new SealPool(input.cipher, input.sealWorkers);
    const sealed = pool ? pool.seal(chunk) : Promise.resolve(chunk.map((r) => sealPerson(r, input.cipher)));
    sealed.catch(() => undefined);
    const previous = inflight;
    inflight = (async () => {
      await previous;
      const r = await writeChunk(tx, repo, batch, input.at, await sealed);
      total.created += r.created;
      total.merged += chunk.length - r.created;
      stagedRows += r.staged;
      input.progress?.tick(chunk.length);
    })();
    inflight.catch(() => undefined);
    outstanding.push(inflight);
    if (outstanding.length >= 3) await outstanding.shift();
  };
  await repo.personMerge.resetPersonStage(tx);
  if (tx.copyFrom) await repo.personMerge.lockPersonImports(tx);
  const batch = { id: input.batchId, source: await repo.personMerge.batchSource(tx, input.batchId) };
  try {
    for await (const row of input.rows) {
      if (!headerChecked) {
        headerChecked = true;
        if (!hasIdColumn(row.headers)) {
          throw RegistryErrors.MissingColumn({
            params: { column: 'id_number / 身份证号 / passport / 护照号 / phone / 电话 / address / 地址' },
          });
        }
      }
      rows++;
      const out = validatePersonRow(row, { asOf: input.at, households: input.households });
      if (Array.isArray(out)) {
        rejections.push(...out);
        input.progress?.tick(1);
      } else valid.push(out);
      if (valid.length >= chunkSize) {
        await flush(valid);
        valid = [];
      }
    }
    if (valid.length > 0) await flush(valid);
    await inflight;
    if (stagedRows > 0) {
      const merge = await repo.personMerge.mergeStagedPeople(tx, input.batchId, input.at);
      total.filled = merge.filled;
      total.conflicts = merge.conflicts;
    }
  } catch (err) {
    // Let a running statement finish before the caller rolls back.
    await inflight.catch(() => undefined);
    if (isCsvError(err)) throw RegistryErrors.UnreadableFile({ params: { detail: err.message } });
    throw err;
  } finally {
    await pool?.close();
  }
  return { ...total, rows, rejections };
}
