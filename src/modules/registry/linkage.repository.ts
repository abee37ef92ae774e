/**
 * The SQL of linkage runs: the source records a run compares (sealed; the service decrypts them
 * in memory), the run log, the review queue of uncertain pairs, and the labels decisions leave.
 */
import type { Queryable } from '../../db/db.js';
import { type AreaScope, scopeSql } from '../../kernel/policy.js';

/** A source record as a run loads it: sealed values only. */
export interface SealedRecord {
  id: number;
  personId: number;
  gridCode: string | null;
  idKind: 'id_card' | 'passport' | null;
  idValid: boolean;
  idEnc: string | null;
  nameEnc: string | null;
  phoneEnc: string | null;
  addressEnc: string | null;
  birthDateEnc: string | null;
  /** Not compared by a previous run (new rows, for the incremental run). */
  fresh: boolean;
}

/** A source record as the review queue and the person page show it: masked. */
export interface MaskedRecord {
  id: number;
  personId: number;
  source: string;
  fileName: string | null;
  rowNo: number | null;
  importedAt: Date | null;
  idKind: 'id_card' | 'passport' | null;
  idMasked: string | null;
  nameMasked: string | null;
  phoneMasked: string | null;
  addressMasked: string | null;
  gender: string | null;
  birthYear: number | null;
  gridCode: string | null;
  fields: string[];
}

/** One field's share of a pair's match weight (the review waterfall). */
export interface Contribution {
  field: string;
  level: string;
  /** log2(m/u) of the field's level; 0 when either side is missing. */
  weight: number;
}

export type PairStatus = 'pending' | 'accepted' | 'rejected' | 'unsure' | 'resolved';

/** A pair of the review queue. */
export interface ReviewPair {
  id: number;
  recordA: number;
  recordB: number;
  areaCode: string | null;
  probability: number;
  weight: number;
  prior: number;
  contributions: Contribution[];
  status: PairStatus;
  runId: number;
  resolvedRunId: number | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

/** What a run did, as its log row holds it. */
export interface RunSummary {
  id: number;
  mode: 'full' | 'incremental';
  runBy: string;
  scope: string[] | null;
  startedAt: Date;
  finishedAt: Date | null;
  records: number;
  pairsCompared: number;
  merged: number;
  queued: number;
  refused: number;
  durationMs: number;
  params: Record<string, unknown>;
}

/** A labelled pair: a decision turned into training data. */
export interface Label {
  recordA: number;
  recordB: number;
  isMatch: boolean;
}

const RECORD_MASKED = `r.id, r.person_id, r.source, b.file_name, r.row_no, b.imported_at, r.id_kind, r.id_masked,
  r.name_masked, r.phone_masked, r.address_masked, r.gender, r.birth_year, r.grid_code, r.fields`;

const PAIR_COLUMNS = `id, record_a, record_b, area_code, probability, weight, contributions, status, run_id,
  resolved_run_id, decided_by, decided_at, created_at`;

/** Linkage runs, their review queue and labels. */
export class LinkageRepository {
  /** Source records of live people inside the scope (person and record grid both count). */
  async loadRecords(q: Queryable, scope: AreaScope): Promise<SealedRecord[]> {
    const params: unknown[] = [];
    const { rows } = await q.query<{
      id: number;
      person_id: number;
      grid_code: string | null;
      id_kind: 'id_card' | 'passport' | null;
      id_valid: boolean;
      id_enc: string | null;
      name_enc: string | null;
      phone_enc: string | null;
      address_enc: string | null;
      birth_date_enc: string | null;
      fresh: boolean;
    }>(
      `SELECT r.id, r.person_id, coalesce(r.grid_code, p.grid_code) AS grid_code, r.id_kind, r.id_valid, r.id_enc,
         r.name_enc, r.phone_enc, r.address_enc, r.birth_date_enc, r.linked_run_id IS NULL AS fresh
       FROM person_records r JOIN people p ON p.id = r.person_id
       WHERE p.merged_into IS NULL AND ${scopeSql(scope, 'coalesce(r.grid_code, p.grid_code)', params)}
       ORDER BY r.id`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      personId: Number(r.person_id),
      gridCode: r.grid_code,
      idKind: r.id_kind,
      idValid: r.id_valid,
      idEnc: r.id_enc,
      nameEnc: r.name_enc,
      phoneEnc: r.phone_enc,
      addressEnc: r.address_enc,
      birthDateEnc: r.birth_date_enc,
      fresh: r.fresh,
    }));
  }

  /** The current person of each record. */
  async personsOf(q: Queryable, recordIds: readonly number[]): Promise<Map<number, number>> {
    const { rows } = await q.query<{ id: number; person_id: number }>(
      'SELECT id, person_id FROM person_records WHERE id = ANY($1::bigint[])',
      [recordIds],
    );
    return new Map(rows.map((r) => [Number(r.id), Number(r.person_id)]));
  }

  /** Masked source records by id. */
  async maskedRecords(q: Queryable, ids: readonly number[]): Promise<Map<number, MaskedRecord>> {
    const { rows } = await q.query<MaskedRow>(
      `SELECT ${RECORD_MASKED} FROM person_records r LEFT JOIN registry_batches b ON b.id = r.batch_id
       WHERE r.id = ANY($1::bigint[])`,
      [ids],
    );
    return new Map(rows.map((r) => [Number(r.id), toMasked(r)]));
  }

  /** The source records of one person, masked, oldest first. */
  async recordsOfPerson(q: Queryable, personId: number): Promise<MaskedRecord[]> {
    const { rows } = await q.query<MaskedRow>(
      `SELECT ${RECORD_MASKED} FROM person_records r LEFT JOIN registry_batches b ON b.id = r.batch_id
       WHERE r.person_id = $1 ORDER BY r.id`,
      [personId],
    );
    return rows.map(toMasked);
  }

  async startRun(
    q: Queryable,
    r: { mode: 'full' | 'incremental'; by: string; scope: string[] | null; at: Date },
  ): Promise<number> {
    const { rows } = await q.query<{ id: number }>(
      'INSERT INTO linkage_runs (mode, run_by, scope, started_at) VALUES ($1, $2, $3::text[], $4) RETURNING id',
      [r.mode, r.by, r.scope, r.at],
    );
    return Number(rows[0]?.id);
  }

  async finishRun(
    q: Queryable,
    id: number,
    r: {
      at: Date;
      records: number;
      pairsCompared: number;
      merged: number;
      queued: number;
      refused: number;
      durationMs: number;
      params: Record<string, unknown>;
      compared: readonly number[];
    },
  ): Promise<void> {
    await q.query(
      `UPDATE linkage_runs SET finished_at = $2, records = $3, pairs_compared = $4, merged = $5, queued = $6,
         refused = $7, duration_ms = $8, params = $9::jsonb WHERE id = $1`,
      [
        id,
        r.at,
        r.records,
        r.pairsCompared,
        r.merged,
        r.queued,
        r.refused,
        r.durationMs,
        JSON.stringify(r.params),
      ],
    );
    await q.query('UPDATE person_records SET linked_run_id = $1 WHERE id = ANY($2::bigint[])', [
      id,
      r.compared,
    ]);
  }

  async findRun(q: Queryable, id: number): Promise<RunSummary | undefined> {
    const { rows } = await q.query<RunRow>(`SELECT * FROM linkage_runs WHERE id = $1`, [id]);
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  async listRuns(q: Queryable, limit: number): Promise<RunSummary[]> {
    const { rows } = await q.query<RunRow>('SELECT * FROM linkage_runs ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map(toRun);
  }

  /** Every label (decisions so far). */
  async labels(q: Queryable): Promise<Label[]> {
    const { rows } = await q.query<{ record_a: number; record_b: number; is_match: boolean }>(
      'SELECT record_a, record_b, is_match FROM linkage_labels ORDER BY id',
    );
    return rows.map((r) => ({
      recordA: Number(r.record_a),
      recordB: Number(r.record_b),
      isMatch: r.is_match,
    }));
  }

  /** Records a decision as a label (the latest decision on a pair wins). */
  async upsertLabel(q: Queryable, l: Label & { pairId: number | null; by: string; at: Date }): Promise<void> {
    const [a, b] = l.recordA < l.recordB ? [l.recordA, l.recordB] : [l.recordB, l.recordA];
    await q.query(
      `INSERT INTO linkage_labels (record_a, record_b, is_match, pair_id, labelled_by, labelled_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (record_a, record_b) DO UPDATE SET is_match = EXCLUDED.is_match, pair_id = EXCLUDED.pair_id,
         labelled_by = EXCLUDED.labelled_by, labelled_at = EXCLUDED.labelled_at`,
      [a, b, l.isMatch, l.pairId, l.by, l.at],
    );
  }

  /** Queues an uncertain pair, or refreshes its score while it is still pending (or unsure). */
  async queuePair(
    q: Queryable,
    p: {
      recordA: number;
      recordB: number;
      areaCode: string | null;
      probability: number;
      weight: number;
      prior: number;
      contributions: Contribution[];
      runId: number;
      at: Date;
    },
  ): Promise<boolean> {
    const [a, b] = p.recordA < p.recordB ? [p.recordA, p.recordB] : [p.recordB, p.recordA];
    const { rows } = await q.query<{ inserted: boolean }>(
      `INSERT INTO linkage_pairs (record_a, record_b, area_code, probability, weight, contributions, run_id,
         created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $8)
       ON CONFLICT (record_a, record_b) DO UPDATE SET probability = EXCLUDED.probability, weight = EXCLUDED.weight,
         contributions = EXCLUDED.contributions, updated_at = EXCLUDED.updated_at
         WHERE linkage_pairs.status IN ('pending', 'unsure')
       RETURNING (xmax = 0) AS inserted`,
      [
        a,
        b,
        p.areaCode,
        p.probability,
        p.weight,
        JSON.stringify({ prior: p.prior, fields: p.contributions }),
        p.runId,
        p.at,
      ],
    );
    return rows[0]?.inserted === true;
  }

  /**
   * Pending (or unsure) pairs whose two records now belong to one person: a run (or a decision
   * on another pair) merged them. Marked resolved by `runId`; returns how many.
   */
  async resolveMergedPairs(q: Queryable, runId: number | null, at: Date): Promise<number> {
    const res = await q.query(
      `UPDATE linkage_pairs l SET status = 'resolved', resolved_run_id = $1, updated_at = $2
       FROM person_records a, person_records b
       WHERE a.id = l.record_a AND b.id = l.record_b AND a.person_id = b.person_id
         AND l.status IN ('pending', 'unsure')`,
      [runId, at],
    );
    return res.rowCount;
  }

  /** Pairs of the queue inside the scope (by the pair's area), newest first. */
  async listPairs(
    q: Queryable,
    scope: AreaScope,
    f: { status: PairStatus; within?: string; limit: number; offset: number },
  ): Promise<{ items: ReviewPair[]; total: number }> {
    const params: unknown[] = [f.status];
    const where = ['status = $1', scopeSql(scope, 'area_code', params)];
    if (f.within) {
      params.push(`${f.within}%`);
      where.push(`area_code LIKE $${params.length}`);
    }
    const sql = where.join(' AND ');
    const total = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM linkage_pairs WHERE ${sql}`,
      params,
    );
    params.push(f.limit, f.offset);
    const { rows } = await q.query<PairRow>(
      `SELECT ${PAIR_COLUMNS} FROM linkage_pairs WHERE ${sql}
       ORDER BY probability DESC, id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return { items: rows.map(toPair), total: total.rows[0]?.n ?? 0 };
  }

  /** One pair inside the scope, locked for a decision when `lock`. */
  async findPair(q: Queryable, scope: AreaScope, id: number, lock = false): Promise<ReviewPair | undefined> {
    const params: unknown[] = [id];
    const { rows } = await q.query<PairRow>(
      `SELECT ${PAIR_COLUMNS} FROM linkage_pairs WHERE id = $1 AND ${scopeSql(scope, 'area_code', params)}
       ${lock ? 'FOR UPDATE' : ''}`,
      params,
    );
    return rows[0] ? toPair(rows[0]) : undefined;
  }

  async decidePair(
    q: Queryable,
    id: number,
    d: { status: 'accepted' | 'rejected' | 'unsure'; by: string; at: Date },
  ): Promise<void> {
    await q.query(
      'UPDATE linkage_pairs SET status = $2, decided_by = $3, decided_at = $4, updated_at = $4 WHERE id = $1',
      [id, d.status, d.by, d.at],
    );
  }
}

interface MaskedRow {
  id: number;
  person_id: number;
  source: string;
  file_name: string | null;
  row_no: number | null;
  imported_at: Date | null;
  id_kind: 'id_card' | 'passport' | null;
  id_masked: string | null;
  name_masked: string | null;
  phone_masked: string | null;
  address_masked: string | null;
  gender: string | null;
  birth_year: number | null;
  grid_code: string | null;
  fields: string[];
}

function toMasked(r: MaskedRow): MaskedRecord {
  return {
    id: Number(r.id),
    personId: Number(r.person_id),
    source: r.source,
    fileName: r.file_name,
    rowNo: r.row_no,
    importedAt: r.imported_at,
    idKind: r.id_kind,
    idMasked: r.id_masked,
    nameMasked: r.name_masked,
    phoneMasked: r.phone_masked,
    addressMasked: r.address_masked,
    gender: r.gender,
    birthYear: r.birth_year,
    gridCode: r.grid_code,
    fields: r.fields,
  };
}

interface PairRow {
  id: number;
  record_a: number;
  record_b: number;
  area_code: string | null;
  probability: number;
  weight: number;
  contributions: { prior: number; fields: Contribution[] } | string;
  status: PairStatus;
  run_id: number;
  resolved_run_id: number | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
}

function toPair(r: PairRow): ReviewPair {
  const c = typeof r.contributions === 'string' ? JSON.parse(r.contributions) : r.contributions;
  return {
    id: Number(r.id),
    recordA: Number(r.record_a),
    recordB: Number(r.record_b),
    areaCode: r.area_code,
    probability: r.probability,
    weight: r.weight,
    prior: c.prior,
    contributions: c.fields,
    status: r.status,
    runId: Number(r.run_id),
    resolvedRunId: r.resolved_run_id === null ? null : Number(r.resolved_run_id),
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    createdAt: r.created_at,
  };
}

interface RunRow {
  id: number;
  mode: 'full' | 'incremental';
  run_by: string;
  scope: string[] | null;
  started_at: Date;
  finished_at: Date | null;
  records: number;
  pairs_compared: number;
  merged: number;
  queued: number;
  refused: number;
  duration_ms: number;
  params: Record<string, unknown> | string;
}

function toRun(r: RunRow): RunSummary {
  return {
    id: Number(r.id),
    mode: r.mode,
    runBy: r.run_by,
    scope: r.scope,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    records: r.records,
    pairsCompared: r.pairs_compared,
    merged: r.merged,
    queued: r.queued,
    refused: r.refused,
    durationMs: r.duration_ms,
    params: typeof r.params === 'string' ? JSON.parse(r.params) : r.params,
  };
}
