/**
 * The SQL of import runs: batches (one imported file each, with its outcome and rejections), the
 * departments they come from, and the provenance rows that point every value at its batch and row.
 * Shared by the people, records and parts imports.
 */
import type { Queryable } from '../../db/db.js';
import type { Rejection } from './person.types.js';

/** What a batch imports, and what provenance rows point at. */
export type RegistryEntityType = 'person' | 'household' | 'organisation' | 'part' | 'address' | 'building';

/** Where one row of one file put values into a record. */
export interface ProvenanceEntry {
  source: string;
  fileName: string;
  rowNo: number;
  importedAt: Date;
  fields: string[];
}

/** Batches, their outcome, and provenance (where each value came from). */
export class BatchRepository {
  /** Opens a batch (one imported file); its id is the provenance of every value in it. */
  async createBatch(
    q: Queryable,
    b: {
      kind: RegistryEntityType;
      source: string;
      fileName: string;
      at: Date;
      by: string;
    },
  ): Promise<number> {
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO registry_batches (kind, source, file_name, imported_at, imported_by) VALUES ($1, $2, $3, $4, $5)
       RETURNING id`,
      [b.kind, b.source, b.fileName, b.at, b.by],
    );
    return rows[0]!.id;
  }

  /** Records the outcome of a batch (rejections capped so a garbage file cannot bloat the table). */
  async finishBatch(
    q: Queryable,
    id: number,
    r: {
      total: number;
      imported: number;
      rejected: number;
      merged: number;
      conflicts: number;
      rejections: Rejection[];
    },
  ): Promise<void> {
    await q.query(
      `UPDATE registry_batches SET rows_total = $2, rows_imported = $3, rows_rejected = $4, rows_merged = $5,
         conflicts = $6, rejections = $7 WHERE id = $1`,
      [id, r.total, r.imported, r.rejected, r.merged, r.conflicts, r.rejections.slice(0, 10_000)],
    );
  }

  /** True when a department with this code exists (the source of a file). */
  async departmentExists(q: Queryable, code: string): Promise<boolean> {
    const { rows } = await q.query<{ ok: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM departments WHERE code = $1) AS ok',
      [code],
    );
    return rows[0]?.ok === true;
  }

  /** Provenance rows in one statement per few thousand: (record, source row, fields supplied). */
  async insertProvenance(
    q: Queryable,
    entityType: RegistryEntityType,
    batchId: number,
    entries: ReadonlyArray<{ entityId: number; rowNo: number; fields: readonly string[] }>,
  ): Promise<void> {
    const BATCH = 20_000;
    for (let i = 0; i < entries.length; i += BATCH) {
      const chunk = entries.slice(i, i + BATCH);
      await q.query(
        `INSERT INTO registry_provenance (entity_type, entity_id, batch_id, row_no, fields)
         SELECT $1, u.id, $2, u.row_no, string_to_array(u.fields, ',')
         FROM unnest($3::bigint[], $4::int[], $5::text[]) AS u(id, row_no, fields)`,
        [
          entityType,
          batchId,
          chunk.map((e) => e.entityId),
          chunk.map((e) => e.rowNo),
          chunk.map((e) => e.fields.join(',')),
        ],
      );
    }
  }

  /** Where each value of a record came from, oldest first. */
  async provenance(q: Queryable, entityType: string, entityId: number): Promise<ProvenanceEntry[]> {
    const { rows } = await q.query<{
      source: string;
      file_name: string;
      row_no: number;
      imported_at: Date;
      fields: string[];
    }>(
      `SELECT b.source, b.file_name, v.row_no, b.imported_at, v.fields
       FROM registry_provenance v JOIN registry_batches b ON b.id = v.batch_id
       WHERE v.entity_type = $1 AND v.entity_id = $2 ORDER BY b.imported_at, v.id`,
      [entityType, entityId],
    );
    return rows.map((r) => ({
      source: r.source,
      fileName: r.file_name,
      rowNo: r.row_no,
      importedAt: r.imported_at,
      fields: r.fields,
    }));
  }
}

/**
 * What another module that imports department files (the parts module) uses of the registry's
 * import batches: open one, and close it with its counts. Provenance stays the registry's.
 */
export type ImportBatches = Pick<BatchRepository, 'createBatch' | 'finishBatch'>;

/** The registry's import batches as other modules use them. */
export function importBatches(): ImportBatches {
  return new BatchRepository();
}
