/**
 * Geometry validation and flattening for the grid locator: every grid's rings in rank (code)
 * order in typed arrays (parts → rings → points → coordinates), with ids, closed rings and finite
 * coordinates checked, and the edge walks the raster build uses.
 */

import { type AreaGeometry, polygonsOf } from '../../kernel/geojson.js';

/** One unit grid as the locator needs it: a non-negative int32 id, its area code and its shape. */
export interface LocatorGrid {
  id: number;
  code: string;
  geometry: AreaGeometry;
}

/** Growable Int32 buffer for building. */
export class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** Every grid's geometry flattened in rank order; ranks are positions in code order. */
export interface FlatGrids {
  /** Per rank: the grid id. */
  rankId: Int32Array;
  /** Per rank: [start, end) into ringStart (one entry per polygon). */
  partStart: Int32Array;
  /** Per polygon: [start, end) into ringPoint (one entry per ring). */
  ringStart: Int32Array;
  /** Per ring: [start, end) point index into xy. */
  ringPoint: Int32Array;
  /** x, y of every point. */
  xy: Float64Array;
  /** Per rank: [first, end) point index of the only ring of a one-ring grid, or [-1, -1]. */
  simpleRing: Int32Array;
  /** Number of points. */
  points: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** Largest |coordinate|. */
  maxAbs: number;
}

/** Flattens the grids in code order; throws on ids that are not non-negative int32 or rings that are not closed. */
export function flattenGrids(grids: ReadonlyArray<LocatorGrid>): FlatGrids {
  const n = grids.length;
  const order = grids.map((_, i) => i);
  order.sort((a, b) => {
    const ca = grids[a]!.code;
    const cb = grids[b]!.code;
    return ca < cb ? -1 : ca > cb ? 1 : a - b;
  });

  // Flatten geometry in rank (code) order.
  const rankId = new Int32Array(n);
  const partStart = new IntList(n + 1);
  const ringStart = new IntList(n + 1);
  const ringPoint = new IntList(n * 2 + 1);
  let points = 0;
  for (const g of grids)
    for (const poly of polygonsOf(g.geometry)) for (const ring of poly) points += ring.length;
  const xy = new Float64Array(points * 2);
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  let maxAbs = 0;
  let p = 0;
  for (let rank = 0; rank < n; rank++) {
    const g = grids[order[rank]!]!;
    if (!Number.isInteger(g.id) || g.id < 0 || g.id > 0x7fffffff) {
      throw new RangeError(`grid id must be a non-negative int32, got ${g.id} (code ${g.code})`);
    }
    rankId[rank] = g.id;
    partStart.push(ringStart.length);
    for (const poly of polygonsOf(g.geometry)) {
      ringStart.push(ringPoint.length);
      for (const ring of poly) {
        const first = ring[0];
        const last = ring[ring.length - 1];
        if (!first || !last || first[0] !== last[0] || first[1] !== last[1]) {
          throw new RangeError(`grid ${g.code}: every ring must be closed (first position = last)`);
        }
        ringPoint.push(p);
        for (const pos of ring) {
          const x = pos[0] as number;
          const y = pos[1] as number;
          if (!Number.isFinite(x) || !Number.isFinite(y)) {
            throw new RangeError(`grid ${g.code}: coordinates must be finite numbers`);
          }
          xy[p * 2] = x;
          xy[p * 2 + 1] = y;
          p++;
          if (x < minX) minX = x;
          if (x > maxX) maxX = x;
          if (y < minY) minY = y;
          if (y > maxY) maxY = y;
          const ax = Math.max(Math.abs(x), Math.abs(y));
          if (ax > maxAbs) maxAbs = ax;
        }
      }
    }
  }
  partStart.push(ringStart.length);
  ringStart.push(ringPoint.length);
  ringPoint.push(p);
  const flat: FlatGrids = {
    rankId,
    partStart: partStart.data.slice(0, partStart.length),
    ringStart: ringStart.data.slice(0, ringStart.length),
    ringPoint: ringPoint.data.slice(0, ringPoint.length),
    xy,
    simpleRing: new Int32Array(n * 2).fill(-1),
    points: p,
    minX,
    minY,
    maxX,
    maxY,
    maxAbs,
  };
  for (let rank = 0; rank < n; rank++) {
    const part = flat.partStart[rank]!;
    if (flat.partStart[rank + 1] !== part + 1) continue;
    const ring = flat.ringStart[part]!;
    if (flat.ringStart[part + 1] !== ring + 1) continue;
    flat.simpleRing[rank * 2] = flat.ringPoint[ring]!;
    flat.simpleRing[rank * 2 + 1] = flat.ringPoint[ring + 1]!;
  }
  return flat;
}

/** Calls fn for every edge of every ring of one polygon. */
export function forEachEdgeOfPart(
  flat: FlatGrids,
  part: number,
  fn: (x1: number, y1: number, x2: number, y2: number) => void,
): void {
  const xy = flat.xy;
  for (let r = flat.ringStart[part]!; r < flat.ringStart[part + 1]!; r++) {
    const end = flat.ringPoint[r + 1]! * 2;
    for (let i = flat.ringPoint[r]! * 2; i + 2 < end; i += 2) {
      fn(xy[i]!, xy[i + 1]!, xy[i + 2]!, xy[i + 3]!);
    }
  }
}

/** Calls fn for every edge of one grid (by rank). */
export function forEachEdge(
  flat: FlatGrids,
  rank: number,
  fn: (x1: number, y1: number, x2: number, y2: number) => void,
): void {
  for (let part = flat.partStart[rank]!; part < flat.partStart[rank + 1]!; part++) {
    forEachEdgeOfPart(flat, part, fn);
  }
}
