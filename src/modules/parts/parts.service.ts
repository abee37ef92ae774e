import type { Db } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import { actorLabel } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import { refusal } from '../../kernel/policy.js';
import type { Progress } from '../../kernel/progress.js';
import type { Clock } from '../../lib/clock.js';
import { text } from '../../lib/errors.js';
import type { LocateService } from '../grid/index.js';
import type { Rejection, TableRow } from '../registry/index.js';
import { type ImportBatches, importBatches, RegistryErrors } from '../registry/index.js';
import { parsePartCode } from './part-code.js';
import { partImportPolicy, partPolicy } from './parts.policy.js';
import { type NewPart, type PartRecord, type PartState, PartsRepository } from './parts.repository.js';

const STATES: Record<string, PartState> = {
  normal: 'normal',
  damaged: 'damaged',
  missing: 'missing',
  repairing: 'repairing',
  removed: 'removed',
  完好: 'normal',
  正常: 'normal',
  损坏: 'damaged',
  丢失: 'missing',
  维修中: 'repairing',
  已拆除: 'removed',
};

const COLUMNS = {
  code: ['code', '部件编码', '标识码'],
  name: ['name', '名称', '部件名称'],
  owner: ['owner_department', 'ownerDepartment', '权属部门', '主管部门'],
  state: ['state', '状态'],
  lng: ['lng', 'longitude', '经度'],
  lat: ['lat', 'latitude', '纬度'],
} as const;

function pick(v: Record<string, string>, names: readonly string[]): string | undefined {
  for (const n of names) if (v[n] !== undefined && v[n] !== '') return v[n];
  return undefined;
}

/** What a parts import did. */
export interface PartImportReport {
  batchId: number;
  rows: number;
  created: number;
  updated: number;
  rejected: number;
  rejections: Rejection[];
}

/** A GeoJSON FeatureCollection of Points as table rows (row = feature index + 1). */
export function geojsonPartRows(collection: unknown): TableRow[] {
  const fc = collection as { type?: unknown; features?: unknown };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw RegistryErrors.UnreadableFile({
      params: { detail: text('不是 GeoJSON FeatureCollection', 'not a GeoJSON FeatureCollection') },
    });
  }
  const headers = ['code', 'name', 'owner_department', 'state', 'lng', 'lat'];
  return fc.features.map((f: unknown, i: number) => {
    const feat = f as {
      properties?: Record<string, unknown>;
      geometry?: { type?: unknown; coordinates?: unknown };
    };
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(feat?.properties ?? {})) {
      if (typeof v === 'string' || typeof v === 'number') values[k] = String(v);
    }
    const c =
      feat?.geometry?.type === 'Point' && Array.isArray(feat.geometry.coordinates)
        ? feat.geometry.coordinates
        : [];
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      values.lng = String(c[0]);
      values.lat = String(c[1]);
    }
    return { rowNo: i + 1, values, headers };
  });
}

/**
 * The city parts inventory (部件, GB/T 30428.2): imported from department files, each part
 * placed into its grid by the locate index so cases about a part route by grid and owner.
 */
export class PartsService {
  constructor(
    private readonly db: Db,
    private readonly deps: { audit: AuditWriter; locate: LocateService; clock: Clock },
    private readonly parts = new PartsRepository(),
    private readonly batches: ImportBatches = importBatches(),
  ) {}

  /** Imports one file of parts (upsert by code) in one transaction; bad rows are reported. */
  async importParts(
    actor: Actor,
    input: {
      source: string;
      fileName: string;
      rows: AsyncIterable<TableRow> | Iterable<TableRow>;
      progress?: Progress;
    },
  ): Promise<PartImportReport> {
    if (!partImportPolicy.permits(actor, 'import')) {
      throw refusal(actor);
    }
    const now = this.deps.clock.now();
    // Validate and locate before the transaction: the locate index reads the database itself,
    // and on the single-connection PGlite it must not wait behind our own open transaction.
    const departments = await this.parts.departmentCodes(this.db);
    if (!departments.has(input.source))
      throw RegistryErrors.UnknownSource({ params: { source: input.source } });
    const rejections: Rejection[] = [];
    const good: NewPart[] = [];
    const seen = new Set<string>();
    let rows = 0;
    for await (const row of input.rows) {
      rows++;
      const v = row.values;
      const problems: Rejection[] = [];
      const code = pick(v, COLUMNS.code);
      const parsed = code === undefined ? { reason: 'missing' } : parsePartCode(code);
      if ('reason' in parsed) problems.push({ row: row.rowNo, field: 'code', reason: parsed.reason });
      else if (seen.has(code!))
        problems.push({ row: row.rowNo, field: 'code', reason: 'appears twice in the file' });
      const lng = Number(pick(v, COLUMNS.lng));
      const lat = Number(pick(v, COLUMNS.lat));
      if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) {
        problems.push({ row: row.rowNo, field: 'location', reason: 'lng/lat missing or out of range' });
      }
      const stateRaw = pick(v, COLUMNS.state) ?? 'normal';
      const state = STATES[stateRaw.toLowerCase()] ?? STATES[stateRaw];
      if (!state) problems.push({ row: row.rowNo, field: 'state', reason: `unknown state ${stateRaw}` });
      const owner =
        pick(v, COLUMNS.owner) ?? ('reason' in parsed ? undefined : parsed.category.departmentCode);
      if (owner !== undefined && !departments.has(owner)) {
        problems.push({
          row: row.rowNo,
          field: 'owner_department',
          reason: `department ${owner} does not exist`,
        });
      }
      if (problems.length > 0 || 'reason' in parsed || !state || owner === undefined) {
        rejections.push(...problems);
        continue;
      }
      seen.add(code!);
      good.push({
        code: code!,
        categoryCode: parsed.categoryCode,
        name: pick(v, COLUMNS.name) ?? parsed.category.nameZh,
        ownerDepartment: owner,
        state,
        lng,
        lat,
        gridCode: null,
        rowNo: row.rowNo,
      });
    }
    const grids = await this.deps.locate.locateMany(good);
    const located: NewPart[] = [];
    good.forEach((p, i) => {
      const g = grids[i] ?? null;
      if (g === null)
        rejections.push({ row: p.rowNo, field: 'location', reason: 'lies outside every grid of the city' });
      else located.push({ ...p, gridCode: g });
    });
    return this.db.transaction(async (tx) => {
      const batchId = await this.batches.createBatch(tx, {
        kind: 'part',
        source: input.source,
        fileName: input.fileName,
        at: now,
        by: actorLabel(actor),
      });
      const { created } = await this.parts.upsertMany(tx, located, batchId, now);
      const rejected = new Set(rejections.map((r) => r.row)).size;
      await this.batches.finishBatch(tx, batchId, {
        total: rows,
        imported: located.length,
        rejected,
        merged: located.length - created,
        conflicts: 0,
        rejections,
      });
      await this.deps.audit.record(tx, {
        actor,
        action: 'registry.import',
        resourceType: 'registry_batch',
        resourceId: String(batchId),
        details: {
          kind: 'part',
          source: input.source,
          file: input.fileName,
          rows,
          imported: located.length,
          rejected,
        },
      });
      rejections.sort((a, b) => a.row - b.row);
      return { batchId, rows, created, updated: located.length - created, rejected, rejections };
    });
  }

  /** Parts in the reader's area. */
  async list(
    actor: Actor,
    f: { within?: string; categoryCode?: string; state?: PartState; limit: number; offset: number },
  ): Promise<{ items: PartRecord[]; total: number }> {
    if (!partPolicy.permits(actor, 'read')) {
      throw refusal(actor);
    }
    return this.parts.list(this.db, partPolicy.scopeFor(actor, 'read'), f);
  }
}
