/**
 * Validation of an area GeoJSON file before anything is written: every feature is checked and
 * every problem reported with the feature's index, so an operator can fix the file in one go.
 * Overlaps between siblings and gaps inside a parent are warnings (real boundaries are drawn by
 * hand and rarely perfect); broken geometry, codes and missing parents are errors.
 */
import turfArea from '@turf/area';
import { kinks } from '@turf/kinks';
import polygonClipping, {
  type MultiPolygon as PcMultiPolygon,
  type Polygon as PcPolygon,
} from 'polygon-clipping';
import {
  AREA_LEVELS,
  type AreaLevel,
  levelOfCode,
  parentCode,
  validateAreaCode,
} from '../../kernel/area-code.js';
import { type AreaGeometry, bboxOf, polygonsOf } from '../../kernel/geojson.js';

/** One valid feature, ready to be stored. */
export interface ImportableArea {
  index: number;
  code: string;
  level: AreaLevel;
  parentCode: string | null;
  nameZh: string;
  nameEn: string;
  geometry: AreaGeometry;
}

/** A problem with one feature (index in the file's `features` array). */
export interface FeatureIssue {
  index: number;
  code?: string;
  reason: string;
}

/** A topology observation that does not block the import. */
export interface TopologyWarning {
  kind: 'overlap' | 'gap';
  parentCode: string | null;
  codes: string[];
  areaM2: number;
}

/** The result of checking a whole file. */
export interface AreaFileCheck {
  valid: ImportableArea[];
  errors: FeatureIssue[];
  warnings: TopologyWarning[];
  total: number;
}

/** Overlaps and gaps smaller than this are drawing noise, not findings. */
const TOPOLOGY_TOLERANCE_M2 = 1;
const MAX_WARNINGS = 500;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(props: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = props[k];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

/** Why a ring is unusable, or null. */
function ringReason(ring: unknown, where: string): string | null {
  if (!Array.isArray(ring)) return `${where} is not an array of positions`;
  if (ring.length < 4) return `${where} has ${ring.length} positions; a ring needs at least 4`;
  for (let i = 0; i < ring.length; i++) {
    const p: unknown = ring[i];
    if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number') {
      return `${where} position ${i} is not [lng, lat]`;
    }
    const [lng, lat] = p as [number, number];
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) return `${where} position ${i} is not finite`;
    if (lng < -180 || lng > 180 || lat < -90 || lat > 90) {
      return `${where} position ${i} [${lng}, ${lat}] is out of range (lng −180..180, lat −90..90)`;
    }
  }
  const first = ring[0] as number[];
  const last = ring[ring.length - 1] as number[];
  if (first[0] !== last[0] || first[1] !== last[1]) return `${where} is not closed (first position ≠ last)`;
  return null;
}

/** Why the geometry is unusable, or null. */
export function geometryReason(geometry: unknown): string | null {
  if (!isObject(geometry)) return 'feature has no geometry';
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') {
    return `geometry type must be Polygon or MultiPolygon, got ${String(geometry.type)}`;
  }
  const coords = geometry.coordinates;
  if (!Array.isArray(coords) || coords.length === 0) return 'geometry has no coordinates';
  const polygons: unknown[] = geometry.type === 'Polygon' ? [coords] : coords;
  for (let p = 0; p < polygons.length; p++) {
    const poly = polygons[p];
    const pw = geometry.type === 'Polygon' ? '' : `polygon ${p} `;
    if (!Array.isArray(poly) || poly.length === 0) return `${pw}has no rings`;
    for (let r = 0; r < poly.length; r++) {
      const reason = ringReason(poly[r], `${pw}${r === 0 ? 'outer ring' : `hole ${r}`}`);
      if (reason) return reason;
    }
  }
  const found = kinks(geometry as unknown as Parameters<typeof kinks>[0]).features;
  if (found.length > 0) {
    const at = found[0]!.geometry.coordinates;
    return `geometry intersects itself at [${at[0]}, ${at[1]}] (${found.length} point${found.length > 1 ? 's' : ''})`;
  }
  return null;
}

/** One feature on its own (everything but parents and duplicates). */
function checkFeature(f: unknown, index: number): ImportableArea | FeatureIssue {
  if (!isObject(f) || f.type !== 'Feature') return { index, reason: 'not a GeoJSON Feature' };
  const props = isObject(f.properties) ? f.properties : {};
  const code = str(props, 'code');
  if (!code) return { index, reason: 'properties.code is missing' };
  const issue = (reason: string): FeatureIssue => ({ index, code, reason });
  const givenLevel = str(props, 'level');
  let level: AreaLevel | null;
  if (givenLevel !== undefined) {
    if (!(AREA_LEVELS as readonly string[]).includes(givenLevel)) {
      return issue(`level must be one of ${AREA_LEVELS.join(', ')}, got ${givenLevel}`);
    }
    level = givenLevel as AreaLevel;
    const reason = validateAreaCode(level, code);
    if (reason) return issue(reason);
  } else {
    level = levelOfCode(code);
    if (!level) return issue(`code ${code} is not a valid area code of any level`);
  }
  const nameZh = str(props, 'nameZh', 'name_zh', 'name');
  const nameEn = str(props, 'nameEn', 'name_en') ?? nameZh;
  if (!nameZh || !nameEn) return issue('properties.nameZh (or name_zh/name) is missing');
  const parent = parentCode(code);
  const givenParent = str(props, 'parentCode', 'parent_code');
  if (givenParent !== undefined && givenParent !== parent) {
    return issue(`parentCode ${givenParent} does not match the code (expected ${parent ?? 'none'})`);
  }
  const gReason = geometryReason(f.geometry);
  if (gReason) return issue(gReason);
  return {
    index,
    code,
    level,
    parentCode: parent,
    nameZh,
    nameEn,
    geometry: f.geometry as unknown as AreaGeometry,
  };
}

/**
 * Checks every feature of a parsed GeoJSON FeatureCollection. `existingCodes` are the current
 * area codes in the database (parents may live there rather than in the file).
 */
export function checkAreaFile(collection: unknown, existingCodes: ReadonlySet<string>): AreaFileCheck {
  const errors: FeatureIssue[] = [];
  if (
    !isObject(collection) ||
    collection.type !== 'FeatureCollection' ||
    !Array.isArray(collection.features)
  ) {
    return {
      valid: [],
      errors: [{ index: -1, reason: 'the file is not a GeoJSON FeatureCollection' }],
      warnings: [],
      total: 0,
    };
  }
  const features = collection.features as unknown[];
  const candidates: ImportableArea[] = [];
  const seen = new Map<string, number>();
  for (let index = 0; index < features.length; index++) {
    const checked = checkFeature(features[index], index);
    if ('reason' in checked) {
      errors.push(checked);
      continue;
    }
    const dup = seen.get(checked.code);
    if (dup !== undefined) {
      errors.push({
        index,
        code: checked.code,
        reason: `code ${checked.code} already used by feature ${dup}`,
      });
      continue;
    }
    seen.set(checked.code, index);
    candidates.push(checked);
  }

  // Parents must exist among the valid features or in the database; a feature whose parent was
  // rejected is rejected too (top-down, so a broken district takes its subtree with it).
  const validCodes = new Set<string>();
  const valid: ImportableArea[] = [];
  const byDepth = [...candidates].sort((a, b) => a.code.length - b.code.length || a.index - b.index);
  const rejected = new Set<number>();
  for (const a of byDepth) {
    if (a.parentCode !== null && !validCodes.has(a.parentCode) && !existingCodes.has(a.parentCode)) {
      errors.push({
        index: a.index,
        code: a.code,
        reason: `parent area ${a.parentCode} is neither in the file nor in the database`,
      });
      rejected.add(a.index);
      continue;
    }
    validCodes.add(a.code);
  }
  for (const a of candidates) if (!rejected.has(a.index)) valid.push(a);
  errors.sort((a, b) => a.index - b.index);
  return { valid, errors, warnings: topologyWarnings(valid), total: features.length };
}

function toClip(geometry: AreaGeometry): PcMultiPolygon {
  return polygonsOf(geometry) as unknown as PcPolygon[];
}

function clipArea(mp: PcMultiPolygon): number {
  if (mp.length === 0) return 0;
  return turfArea({ type: 'MultiPolygon', coordinates: mp });
}

function overlaps(a: [number, number, number, number], b: [number, number, number, number]): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/**
 * Sibling overlaps and gaps inside a parent, among the areas of the file whose parent is also in
 * the file (a parent known only from the database is not re-checked here).
 */
export function topologyWarnings(areas: readonly ImportableArea[]): TopologyWarning[] {
  const warnings: TopologyWarning[] = [];
  const byCode = new Map(areas.map((a) => [a.code, a]));
  const children = new Map<string, ImportableArea[]>();
  for (const a of areas) {
    if (a.parentCode === null) continue;
    const list = children.get(a.parentCode) ?? [];
    list.push(a);
    children.set(a.parentCode, list);
  }
  for (const [parent, kids] of children) {
    if (warnings.length >= MAX_WARNINGS) break;
    const boxes = kids.map((k) => bboxOf(k.geometry));
    for (let i = 0; i < kids.length; i++) {
      for (let j = i + 1; j < kids.length; j++) {
        if (!overlaps(boxes[i]!, boxes[j]!)) continue;
        const inter = polygonClipping.intersection(toClip(kids[i]!.geometry), toClip(kids[j]!.geometry));
        const m2 = clipArea(inter);
        if (m2 > TOPOLOGY_TOLERANCE_M2) {
          warnings.push({
            kind: 'overlap',
            parentCode: parent,
            codes: [kids[i]!.code, kids[j]!.code],
            areaM2: Math.round(m2),
          });
        }
      }
    }
    const p = byCode.get(parent);
    if (!p) continue;
    const [first, ...rest] = kids.map((k) => toClip(k.geometry));
    const covered = polygonClipping.union(first!, ...rest);
    const gap = clipArea(polygonClipping.difference(toClip(p.geometry), covered));
    if (gap > TOPOLOGY_TOLERANCE_M2) {
      warnings.push({ kind: 'gap', parentCode: parent, codes: [parent], areaM2: Math.round(gap) });
    }
  }
  return warnings.slice(0, MAX_WARNINGS);
}
