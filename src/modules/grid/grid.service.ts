import type { Db } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import type { Clock } from '../../lib/clock.js';
import { type AreaFilter, AreaRepository } from './area.repository.js';
import type { AreaGeometry, AreaLevelName, AreaRecord, NewArea } from './area.types.js';
import { describeGeometry } from './area-geometry.js';
import { type AreaFileCheck, checkAreaFile, type FeatureIssue, type TopologyWarning } from './area-import.js';
import { GridErrors } from './grid.errors.js';
import { areaPolicy } from './grid.policy.js';
import type { LocateService } from './locate.service.js';

/** What an area import did (also the body of the 422 when it refused). */
export interface AreaImportReport {
  total: number;
  /** New codes. */
  inserted: number;
  /** Existing codes with a new boundary: old version closed, new version inserted. */
  reshaped: number;
  /** Existing codes whose names changed only. */
  renamed: number;
  unchanged: number;
  /** Invalid features left out (skip-invalid only). */
  skipped: number;
  errors: FeatureIssue[];
  warnings: TopologyWarning[];
}

/** A GeoJSON feature of an exported area. */
export interface AreaFeature {
  type: 'Feature';
  properties: {
    code: string;
    level: AreaLevelName;
    parentCode: string | null;
    nameZh: string;
    nameEn: string;
    validFrom: string;
  };
  geometry: AreaGeometry;
}

/** Dependencies of the grid service. */
export interface GridServiceDeps {
  audit: AuditWriter;
  locate: LocateService;
  clock: Clock;
}

/** Stable JSON text for comparing boundaries (key order of stored jsonb is not the input's). */
function sameGeometry(a: AreaGeometry, b: AreaGeometry): boolean {
  return a.type === b.type && JSON.stringify(a.coordinates) === JSON.stringify(b.coordinates);
}

/**
 * Use cases on the area hierarchy. Area names and boundaries are public information (residents
 * see them on the map), so reading them needs no grant; writing them is an admin's job.
 */
export class GridService {
  constructor(
    private readonly db: Db,
    private readonly deps: GridServiceDeps,
    private readonly areas = new AreaRepository(),
  ) {}

  /** Lists current areas, e.g. the districts of the city or the grids of a community. */
  async listAreas(_actor: Actor, filter: AreaFilter): Promise<{ items: AreaRecord[]; total: number }> {
    return this.areas.list(this.db, filter);
  }

  /** One area with its boundary. */
  async getArea(_actor: Actor, code: string): Promise<AreaRecord> {
    const area = await this.areas.findByCode(this.db, code);
    if (!area) throw GridErrors.AreaNotFound({ params: { code } });
    return area;
  }

  /** Checks an area file without writing anything (dry run, and the first half of import). */
  async checkAreas(actor: Actor, collection: unknown): Promise<AreaFileCheck> {
    areaPolicy.assert(actor, 'import');
    const existing = new Set((await this.areas.currentNames(this.db)).map((a) => a.code));
    return checkAreaFile(collection, existing);
  }

  /**
   * Imports a GeoJSON FeatureCollection of areas in one transaction. Any invalid feature refuses
   * the whole file (AREA_IMPORT_INVALID with the per-feature report) unless `skipInvalid`. A code
   * that exists with another boundary keeps its history: the old version is closed and a new one
   * starts now, so records filed in the old grid keep pointing at the boundary they were filed in.
   */
  async importAreas(
    actor: Actor,
    collection: unknown,
    opts: { skipInvalid: boolean; fileName: string },
  ): Promise<AreaImportReport> {
    areaPolicy.assertPermits(actor, 'import');
    const report = await this.db.transaction(async (tx) => {
      // Check inside the transaction so parents seen are the ones we commit against.
      const existingNames = await this.areas.currentNames(tx);
      const check = checkAreaFile(collection, new Set(existingNames.map((a) => a.code)));
      // A scoped admin's file may only hold areas inside their own area: one outside refuses the
      // whole file before anything is written (skipInvalid does not skip authority).
      const outside = check.valid.filter((a) => !areaPolicy.can(actor, 'import', { areaCode: a.code }));
      if (outside.length > 0) {
        throw GridErrors.AreaImportOutsideScope({
          params: { count: outside.length },
          details: { codes: outside.slice(0, 20).map((a) => a.code) },
        });
      }
      if (check.errors.length > 0 && !opts.skipInvalid) {
        throw GridErrors.AreaImportInvalid({
          params: { count: check.errors.length },
          details: { errors: check.errors, warnings: check.warnings, total: check.total },
        });
      }
      const now = this.deps.clock.now();
      const current = new Map(
        (
          await this.areas.findCurrentByCodes(
            tx,
            check.valid.map((a) => a.code),
          )
        ).map((a) => [a.code, a]),
      );
      const toInsert: NewArea[] = [];
      const toClose: string[] = [];
      let renamed = 0;
      let unchanged = 0;
      for (const a of check.valid) {
        const old = current.get(a.code);
        const fresh: NewArea = {
          code: a.code,
          level: a.level,
          parentCode: a.parentCode,
          nameZh: a.nameZh,
          nameEn: a.nameEn,
          geometry: a.geometry,
          ...describeGeometry(a.geometry),
          validFrom: now,
        };
        if (!old) {
          toInsert.push(fresh);
        } else if (!old.geometry || !sameGeometry(old.geometry, a.geometry)) {
          toClose.push(a.code);
          toInsert.push(fresh);
        } else if (old.nameZh !== a.nameZh || old.nameEn !== a.nameEn || old.parentCode !== a.parentCode) {
          await this.areas.rename(tx, a);
          renamed++;
        } else {
          unchanged++;
        }
      }
      await this.areas.closeCurrent(tx, toClose, now);
      await this.areas.insertMany(tx, toInsert);
      const result: AreaImportReport = {
        total: check.total,
        inserted: toInsert.length - toClose.length,
        reshaped: toClose.length,
        renamed,
        unchanged,
        skipped: check.errors.length,
        errors: check.errors,
        warnings: check.warnings,
      };
      await this.deps.audit.record(tx, {
        actor,
        action: 'area.import',
        resourceType: 'area',
        resourceId: opts.fileName,
        details: {
          file: opts.fileName,
          total: result.total,
          inserted: result.inserted,
          reshaped: result.reshaped,
          renamed,
          skipped: result.skipped,
        },
      });
      return result;
    });
    // The trigger on `areas` tells other instances; this one rebuilds before answering.
    if (report.inserted + report.reshaped + report.renamed > 0) await this.deps.locate.reload();
    return report;
  }

  /** Current areas (a subtree with `within`) as GeoJSON features, ordered by code; public data. */
  async exportAreas(
    _actor: Actor,
    within?: string,
  ): Promise<{ type: 'FeatureCollection'; features: AreaFeature[] }> {
    const features: AreaFeature[] = [];
    const PAGE = 2000;
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.areas.list(this.db, {
        ...(within
          ? { within: within.length === 6 && within.endsWith('00') ? within.slice(0, 4) : within }
          : {}),
        withGeometry: true,
        limit: PAGE,
        offset,
      });
      for (const a of page.items) {
        features.push({
          type: 'Feature',
          properties: {
            code: a.code,
            level: a.level,
            parentCode: a.parentCode,
            nameZh: a.nameZh,
            nameEn: a.nameEn,
            validFrom: a.validFrom.toISOString(),
          },
          geometry: a.geometry!,
        });
      }
      if (page.items.length < PAGE) break;
    }
    return { type: 'FeatureCollection', features };
  }
}
