/**
 * The merge pipeline of one population batch, shared by the department-file import and the demo
 * city so both store people the same way. Rows are validated and sealed (person-row.ts) and
 * written chunk by chunk inside the caller's transaction: the first row of an unknown identity
 * number creates the person in one multi-row insert, every other row goes through a small
 * staging table and merges set-based (fill empty fields, conflicts, provenance). While the
 * database works on one chunk, the next is parsed and sealed, so CPU and database overlap.
 */
import type { Progress } from '../../cli/progress.js';
import type { Queryable } from '../../db/db.js';
import type { FieldCipher } from '../../lib/privacy.js';
import { hasIdColumn, type Rejection, type StagedPerson, stagePersonRow } from './person-row.js';
import { RegistryErrors } from './registry.errors.js';
import type { PersonMergeResult, RegistryRepository } from './registry.repository.js';
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
}

function isCsvError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('CSV_');
}

/**
 * Writes one chunk: new identity numbers in one insert (first row of each wins), the rest
 * staged and merged. Rows arrive in file order, so "first row" is the same as in one big set.
 */
async function writeChunk(
  tx: Queryable,
  repo: RegistryRepository,
  batchId: number,
  at: Date,
  rows: readonly StagedPerson[],
): Promise<PersonMergeResult> {
  const firstIndex = new Map<string, number>();
  const firsts: StagedPerson[] = [];
  rows.forEach((r, i) => {
    if (!firstIndex.has(r.idHash)) {
      firstIndex.set(r.idHash, i);
      firsts.push(r);
    }
  });
  const made = await repo.insertNewPeople(tx, firsts, at);
  const createdId = new Map(made.map((m) => [m.idHash, m.id]));
  const provenance: Array<{ entityId: number; rowNo: number; fields: readonly string[] }> = [];
  const rest: StagedPerson[] = [];
  rows.forEach((r, i) => {
    const id = createdId.get(r.idHash);
    if (id !== undefined && firstIndex.get(r.idHash) === i) {
      provenance.push({ entityId: id, rowNo: r.rowNo, fields: r.fields });
    } else rest.push(r);
  });
  await repo.insertProvenance(tx, 'person', batchId, provenance);
  let filled = 0;
  let conflicts = 0;
  if (rest.length > 0) {
    await repo.resetPersonStage(tx);
    await repo.stagePeople(tx, rest);
    ({ filled, conflicts } = await repo.mergeStagedPeople(tx, batchId, at));
  }
  return { created: made.length, merged: rows.length - made.length, filled, conflicts };
}

/**
 * Validates, seals and merges every row of one batch inside `tx`. Throws (and so rolls the
 * caller's transaction back) when the file cannot be read or lacks an identity-number column.
 */
export async function importPersonBatch(
  tx: Queryable,
  repo: RegistryRepository,
  input: PersonBatchInput,
): Promise<PersonBatchOutcome> {
  const chunkSize = input.chunkSize ?? PERSON_CHUNK;
  const total: PersonMergeResult = { created: 0, merged: 0, filled: 0, conflicts: 0 };
  const rejections: Rejection[] = [];
  let rows = 0;
  let headerChecked = false;
  let staged: StagedPerson[] = [];
  // At most one chunk in the database while the next one is prepared; its failure surfaces at
  // the next await (the no-op catch only keeps Node from calling it unhandled meanwhile).
  let inflight: Promise<void> = Promise.resolve();
  const flush = async (chunk: StagedPerson[]): Promise<void> => {
    await inflight;
    inflight = writeChunk(tx, repo, input.batchId, input.at, chunk).then((r) => {
      total.created += r.created;
      total.merged += r.merged;
      total.filled += r.filled;
      total.conflicts += r.conflicts;
      input.progress?.tick(chunk.length);
    });
    inflight.catch(() => undefined);
  };
  try {
    for await (const row of input.rows) {
      if (!headerChecked) {
        headerChecked = true;
        if (!hasIdColumn(row.headers)) {
          throw RegistryErrors.MissingColumn({ params: { column: 'id_number / 身份证号' } });
        }
      }
      rows++;
      const out = stagePersonRow(row, { cipher: input.cipher, asOf: input.at, households: input.households });
      if (Array.isArray(out)) {
        rejections.push(...out);
        input.progress?.tick(1);
      } else staged.push(out);
      if (staged.length >= chunkSize) {
        await flush(staged);
        staged = [];
      }
    }
    if (staged.length > 0) await flush(staged);
    await inflight;
  } catch (err) {
    // Let a running statement finish before the caller rolls back.
    await inflight.catch(() => undefined);
    if (isCsvError(err)) throw RegistryErrors.UnreadableFile({ params: { detail: err.message } });
    throw err;
  }
  return { ...total, rows, rejections };
}
