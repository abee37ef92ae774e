/**
 * Point → unit grid lookup for the hot path (every report, sensor reading and patrol GPS fix is
 * assigned to a grid). Exact: answers are identical to `@turf/boolean-point-in-polygon` (boundary
 * counts as inside, its default) followed by the tie rule below, on every input, holes and
 * MultiPolygons included.
 *
 * TIE RULE: a point that lies inside or on the boundary of several grids (a shared edge or a shared
 * vertex, or an overlap) belongs to the grid whose `code` is lexicographically smallest (equal codes:
 * the one given first). A point on the outer boundary of a single grid belongs to that grid. A point
 * on a hole's boundary is on that grid's boundary, so it belongs to that grid (or to the smaller
 * code if an island grid fills the hole).
 *
 * Parts: geometry validation and flattening in locator-geometry.ts, the raster build in
 * locator-raster.ts, the exact orientation predicate in orient-sign.ts; the point lookup here.
 *
 * How it is fast: a uniform raster over the bounding box (typed arrays). A cell that no grid edge
 * touches lies wholly inside the same set of grids, so it stores its answer directly; a cell that
 * edges cross lists its candidate grids in code order (a grid that contains the whole cell is
 * flagged and answers without a test), and candidates are tested with a crossing-number loop over
 * Float64Array coordinates that mirrors point-in-polygon-hao (turf's engine) operation by
 * operation: same differences `vertex − point`, same branch order, and the exact sign of the same
 * 2×2 determinant (a float filter with a static error bound, then exact BigInt arithmetic, which
 * is what robust-predicates' orient2d guarantees), so the boundary predicate is the same.
 */

import { flattenGrids, type LocatorGrid } from './locator-geometry.js';
import { buildRaster, type GridLocatorOptions } from './locator-raster.js';
import { orientSign } from './orient-sign.js';

export type { LocatorGrid } from './locator-geometry.js';
export type { GridLocatorOptions } from './locator-raster.js';

/** Sizes of the built index, for benchmarks and capacity planning. */
export interface GridLocatorStats {
  grids: number;
  cellsX: number;
  cellsY: number;
  /** Cells whose answer needs a polygon test (edges cross them). */
  mixedCells: number;
  /** Candidate entries over all mixed cells. */
  candidateEntries: number;
  /** Bytes held in typed arrays. */
  bytes: number;
}

/** Exact point → grid index over many unit grids; see the module comment for the tie rule. */
export class GridLocator {
  /** Number of grids indexed. */
  readonly size: number;
  private readonly minX: number;
  private readonly minY: number;
  private readonly maxX: number;
  private readonly maxY: number;
  private readonly sx: number;
  private readonly sy: number;
  private readonly nx: number;
  private readonly ny: number;
  /** Per cell: >= 0 answer id, -1 no grid, <= -2 candidates at offset -(v + 2) in `cand`. */
  private readonly cells: Int32Array;
  /** At an offset: count, then entries (rank << 1 | containsWholeCell), ascending rank. */
  private readonly cand: Int32Array;
  private readonly rankId: Int32Array;
  private readonly partStart: Int32Array;
  private readonly ringStart: Int32Array;
  private readonly ringPoint: Int32Array;
  private readonly xy: Float64Array;
  /** Per rank: [first, end) point index of the only ring of a one-ring grid, or [-1, -1]. */
  private readonly simpleRing: Int32Array;
  private readonly mixedCells: number;

  /** Builds the index; throws on ids that are not non-negative int32 or rings that are not closed. */
  constructor(grids: ReadonlyArray<LocatorGrid>, options: GridLocatorOptions = {}) {
    this.size = grids.length;
    const flat = flattenGrids(grids);
    this.rankId = flat.rankId;
    this.partStart = flat.partStart;
    this.ringStart = flat.ringStart;
    this.ringPoint = flat.ringPoint;
    this.xy = flat.xy;
    this.simpleRing = flat.simpleRing;
    const raster = buildRaster(flat, options);
    this.minX = raster.minX;
    this.minY = raster.minY;
    this.maxX = raster.maxX;
    this.maxY = raster.maxY;
    this.sx = raster.sx;
    this.sy = raster.sy;
    this.nx = raster.nx;
    this.ny = raster.ny;
    this.cells = raster.cells;
    this.cand = raster.cand;
    this.mixedCells = raster.mixedCells;
  }

  /** Sizes of the index (cells, candidates, bytes). */
  stats(): GridLocatorStats {
    return {
      grids: this.size,
      cellsX: this.nx,
      cellsY: this.ny,
      mixedCells: this.mixedCells,
      candidateEntries: this.cand.length,
      bytes:
        this.cells.byteLength +
        this.cand.byteLength +
        this.rankId.byteLength +
        this.partStart.byteLength +
        this.ringStart.byteLength +
        this.ringPoint.byteLength +
        this.simpleRing.byteLength +
        this.xy.byteLength,
    };
  }

  /** The id of the grid containing (lng, lat) under the tie rule, or -1 outside every grid. */
  locate(lng: number, lat: number): number {
    if (!(lng >= this.minX && lng <= this.maxX && lat >= this.minY && lat <= this.maxY)) return -1;
    let cx = ((lng - this.minX) * this.sx) | 0;
    if (cx >= this.nx) cx = this.nx - 1;
    let cy = ((lat - this.minY) * this.sy) | 0;
    if (cy >= this.ny) cy = this.ny - 1;
    const v = this.cells[cy * this.nx + cx]!;
    if (v >= -1) return v;
    return this.testCandidates(-2 - v, lng, lat);
  }

  /** Batch form of `locate` for imports and analytics: writes one id (or -1) per point into `out`. */
  locateMany(lngs: Float64Array, lats: Float64Array, out: Int32Array): void {
    const n = lngs.length;
    if (lats.length !== n || out.length < n)
      throw new RangeError('lngs, lats and out must have the same length');
    const minX = this.minX;
    const minY = this.minY;
    const maxX = this.maxX;
    const maxY = this.maxY;
    const sx = this.sx;
    const sy = this.sy;
    const nx = this.nx;
    const ny = this.ny;
    const cells = this.cells;
    for (let i = 0; i < n; i++) {
      const x = lngs[i]!;
      const y = lats[i]!;
      if (!(x >= minX && x <= maxX && y >= minY && y <= maxY)) {
        out[i] = -1;
        continue;
      }
      let cx = ((x - minX) * sx) | 0;
      if (cx >= nx) cx = nx - 1;
      let cy = ((y - minY) * sy) | 0;
      if (cy >= ny) cy = ny - 1;
      const v = cells[cy * nx + cx]!;
      out[i] = v >= -1 ? v : this.testCandidates(-2 - v, x, y);
    }
  }

  private testCandidates(o: number, x: number, y: number): number {
    const cand = this.cand;
    const cnt = cand[o]!;
    for (let k = 1; k <= cnt; k++) {
      const e = cand[o + k]!;
      const rank = e >> 1;
      if (e & 1 || this.inside(rank, x, y)) return this.rankId[rank]!;
    }
    return -1;
  }

  /** turf booleanPointInPolygon(point, grid) with boundary inside, mirrored operation by operation. */
  private inside(rank: number, x: number, y: number): boolean {
    const xy = this.xy;
    const first = this.simpleRing[rank * 2]!;
    if (first >= 0) {
      // one polygon, one ring: the common case, without the part/ring indirections
      const end = this.simpleRing[rank * 2 + 1]! * 2;
      let i = first * 2;
      let k = 0;
      let u1 = xy[i]! - x;
      let v1 = xy[i + 1]! - y;
      for (i += 2; i < end; i += 2) {
        const u2 = xy[i]! - x;
        const v2 = xy[i + 1]! - y;
        if (v1 === 0 && v2 === 0) {
          if ((u2 <= 0 && u1 >= 0) || (u1 <= 0 && u2 >= 0)) return true;
        } else if ((v2 >= 0 && v1 <= 0) || (v2 <= 0 && v1 >= 0)) {
          const f = orientSign(u1, u2, v1, v2);
          if (f === 0) return true;
          if ((f > 0 && v2 > 0 && v1 <= 0) || (f < 0 && v2 <= 0 && v1 > 0)) k++;
        }
        u1 = u2;
        v1 = v2;
      }
      return (k & 1) === 1;
    }
    const ringStart = this.ringStart;
    const ringPoint = this.ringPoint;
    const partEnd = this.partStart[rank + 1]!;
    for (let part = this.partStart[rank]!; part < partEnd; part++) {
      let k = 0;
      const ringEnd = ringStart[part + 1]!;
      for (let r = ringStart[part]!; r < ringEnd; r++) {
        let i = ringPoint[r]! * 2;
        const end = ringPoint[r + 1]! * 2;
        let u1 = xy[i]! - x;
        let v1 = xy[i + 1]! - y;
        for (i += 2; i < end; i += 2) {
          const u2 = xy[i]! - x;
          const v2 = xy[i + 1]! - y;
          if (v1 === 0 && v2 === 0) {
            if ((u2 <= 0 && u1 >= 0) || (u1 <= 0 && u2 >= 0)) return true;
          } else if ((v2 >= 0 && v1 <= 0) || (v2 <= 0 && v1 >= 0)) {
            const f = orientSign(u1, u2, v1, v2);
            if (f === 0) return true;
            if ((f > 0 && v2 > 0 && v1 <= 0) || (f < 0 && v2 <= 0 && v1 > 0)) k++;
          }
          u1 = u2;
          v1 = v2;
        }
      }
      if (k & 1) return true;
    }
    return false;
  }
}
