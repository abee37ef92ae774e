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
 * How it is fast: a uniform raster over the bounding box (typed arrays). A cell that no grid edge
 * touches lies wholly inside the same set of grids, so it stores its answer directly; a cell that
 * edges cross lists its candidate grids in code order (a grid that contains the whole cell is
 * flagged and answers without a test), and candidates are tested with a crossing-number loop over
 * Float64Array coordinates that mirrors point-in-polygon-hao (turf's engine) operation by
 * operation: same differences `vertex − point`, same branch order, and the exact sign of the same
 * 2×2 determinant (a float filter with a static error bound, then exact BigInt arithmetic, which
 * is what robust-predicates' orient2d guarantees), so the boundary predicate is the same.
 */

import { type AreaGeometry, polygonsOf } from '../../kernel/geojson.js';

/** One unit grid as the locator needs it: a non-negative int32 id, its area code and its shape. */
export interface LocatorGrid {
  id: number;
  code: string;
  geometry: AreaGeometry;
}

/** Raster sizing; the defaults suit Voronoi-like grids and keep memory to a few bytes per cell. */
export interface GridLocatorOptions {
  /** Target raster cells per grid (more → more cells answered directly, more memory). Default 48. */
  cellsPerGrid?: number;
  /** Upper bound on raster cells. Default 16,777,216 (64 MB for the cell array). */
  maxCells?: number;
}

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

// Error bound for the float filter of u2*v1 - u1*v2 (both products and the difference rounded):
// |error| <= 3ε(|dl| + |dr|) with ε = 2^-53; Shewchuk's ccwerrboundA is (3 + 16ε)ε.
const ORIENT_ERR = (3 + 16 * 2 ** -53) * 2 ** -53;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Exact x = m * 2^e as [m, e] with m a BigInt (x finite). */
function exactParts(x: number): [bigint, number] {
  if (x === 0) return [0n, 0];
  f64[0] = x;
  const hi = u32[LITTLE ? 1 : 0]!;
  const lo = u32[LITTLE ? 0 : 1]!;
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (hi & 0xfffff) * 4294967296 + lo;
  let exp: number;
  if (biased === 0) {
    exp = -1074;
  } else {
    mant += 4503599627370496; // 2^52, the implicit bit
    exp = biased - 1075;
  }
  const m = BigInt(mant);
  return [x < 0 ? -m : m, exp];
}

/** Exact sign of a*b - c*d for finite doubles. */
function exactSignDiffProducts(a: number, b: number, c: number, d: number): number {
  const [ma, ea] = exactParts(a);
  const [mb, eb] = exactParts(b);
  const [mc, ec] = exactParts(c);
  const [md, ed] = exactParts(d);
  let p = ma * mb;
  let q = mc * md;
  const ep = ea + eb;
  const eq = ec + ed;
  if (ep > eq) p <<= BigInt(ep - eq);
  else if (eq > ep) q <<= BigInt(eq - ep);
  return p > q ? 1 : p < q ? -1 : 0;
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp splitting for Dekker's exact product

/**
 * Exact sign of (u2*v1) - (u1*v2) with floating-point expansions (Dekker two-product, Shewchuk
 * two-sum/grow-expansion): no allocation, valid while no product over- or underflows.
 */
function orientSignExpansion(u1: number, u2: number, v1: number, v2: number): number {
  // x1 + y1 = u2*v1 exactly
  const x1 = u2 * v1;
  let c = SPLITTER * u2;
  let ahi = c - (c - u2);
  let alo = u2 - ahi;
  c = SPLITTER * v1;
  let bhi = c - (c - v1);
  let blo = v1 - bhi;
  const y1 = alo * blo - (x1 - ahi * bhi - alo * bhi - ahi * blo);
  // x2 + y2 = u1*v2 exactly
  const x2 = u1 * v2;
  c = SPLITTER * u1;
  ahi = c - (c - u1);
  alo = u1 - ahi;
  c = SPLITTER * v2;
  bhi = c - (c - v2);
  blo = v2 - bhi;
  const y2 = alo * blo - (x2 - ahi * bhi - alo * bhi - ahi * blo);
  // [e0, e1] = x1 - x2 exactly (two-diff)
  const e1 = x1 - x2;
  let bv = x1 - e1;
  let av = e1 + bv;
  const e0 = x1 - av + (bv - x2);
  // grow with y1: [f0, f1, f2]
  let q = y1;
  let x = q + e0;
  bv = x - q;
  av = x - bv;
  const f0 = q - av + (e0 - bv);
  q = x;
  x = q + e1;
  bv = x - q;
  av = x - bv;
  const f1 = q - av + (e1 - bv);
  const f2 = x;
  // grow with -y2: [g0, g1, g2, g3]
  q = -y2;
  x = q + f0;
  bv = x - q;
  av = x - bv;
  const g0 = q - av + (f0 - bv);
  q = x;
  x = q + f1;
  bv = x - q;
  av = x - bv;
  const g1 = q - av + (f1 - bv);
  q = x;
  x = q + f2;
  bv = x - q;
  av = x - bv;
  const g2 = q - av + (f2 - bv);
  const g3 = x;
  // the largest non-zero component of a non-overlapping expansion carries the sign
  const top = g3 !== 0 ? g3 : g2 !== 0 ? g2 : g1 !== 0 ? g1 : g0;
  return top > 0 ? 1 : top < 0 ? -1 : 0;
}

/** Magnitudes for which Dekker's product neither overflows nor loses its error term to underflow. */
function inExpansionRange(v: number): boolean {
  const a = Math.abs(v);
  return a === 0 || (a > 1e-140 && a < 1e150);
}

/**
 * Sign of robust-predicates' orient2d(u1, u2, v1, v2, 0, 0) = sign(u2*v1 - u1*v2), exactly:
 * the inner predicate of point-in-polygon-hao. Exported for tests.
 */
export function orientSign(u1: number, u2: number, v1: number, v2: number): number {
  const dl = u2 * v1;
  const dr = u1 * v2;
  const det = dl - dr;
  const bound = ORIENT_ERR * (Math.abs(dl) + Math.abs(dr));
  if (bound > 1e-290) {
    // the static filter is valid away from underflow
    if (det > bound) return 1;
    if (det < -bound) return -1;
  }
  if ((u2 === 0 || v1 === 0) && (u1 === 0 || v2 === 0)) return 0; // both products exactly zero
  if (inExpansionRange(u1) && inExpansionRange(u2) && inExpansionRange(v1) && inExpansionRange(v2)) {
    return orientSignExpansion(u1, u2, v1, v2);
  }
  return exactOrientSign(u1, u2, v1, v2);
}

/** The same sign with BigInt arithmetic: slow, valid for every finite input (tests, extremes). */
export function exactOrientSign(u1: number, u2: number, v1: number, v2: number): number {
  return exactSignDiffProducts(u2, v1, u1, v2);
}

/** Growable Int32 buffer for building. */
class IntList {
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
    const n = grids.length;
    this.size = n;
    const order = grids.map((_, i) => i);
    order.sort((a, b) => {
      const ca = grids[a]!.code;
      const cb = grids[b]!.code;
      return ca < cb ? -1 : ca > cb ? 1 : a - b;
    });

    // Flatten geometry in rank (code) order.
    this.rankId = new Int32Array(n);
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
      this.rankId[rank] = g.id;
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
    this.partStart = partStart.data.slice(0, partStart.length);
    this.ringStart = ringStart.data.slice(0, ringStart.length);
    this.ringPoint = ringPoint.data.slice(0, ringPoint.length);
    this.xy = xy;
    this.simpleRing = new Int32Array(n * 2).fill(-1);
    for (let rank = 0; rank < n; rank++) {
      const part = this.partStart[rank]!;
      if (this.partStart[rank + 1] !== part + 1) continue;
      const ring = this.ringStart[part]!;
      if (this.ringStart[part + 1] !== ring + 1) continue;
      this.simpleRing[rank * 2] = this.ringPoint[ring]!;
      this.simpleRing[rank * 2 + 1] = this.ringPoint[ring + 1]!;
    }

    if (p === 0) {
      // Nothing to find: a bbox that rejects every point.
      this.minX = 1;
      this.maxX = 0;
      this.minY = 1;
      this.maxY = 0;
      this.sx = 0;
      this.sy = 0;
      this.nx = 1;
      this.ny = 1;
      this.cells = new Int32Array([-1]);
      this.cand = new Int32Array(0);
      this.mixedCells = 0;
      return;
    }
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;

    // Raster size: about cellsPerGrid cells per grid, square-ish cells.
    const maxCells = Math.max(1, Math.floor(options.maxCells ?? 16_777_216));
    const target = Math.min(maxCells, Math.max(1, Math.round((options.cellsPerGrid ?? 48) * Math.max(1, n))));
    const w = maxX - minX;
    const h = maxY - minY;
    let nx: number;
    let ny: number;
    if (w > 0 && h > 0) {
      const side = Math.sqrt((w * h) / target);
      nx = Math.max(1, Math.min(target, Math.ceil(w / side)));
      ny = Math.max(1, Math.min(Math.floor(target / nx), Math.ceil(h / side)));
    } else if (w > 0) {
      nx = target;
      ny = 1;
    } else if (h > 0) {
      nx = 1;
      ny = target;
    } else {
      nx = 1;
      ny = 1;
    }
    this.nx = nx;
    this.ny = ny;
    const sx = w > 0 ? nx / w : 0;
    const sy = h > 0 ? ny / h : 0;
    this.sx = sx;
    this.sy = sy;
    const nCells = nx * ny;

    const cellX = (x: number): number => {
      const c = Math.floor((x - minX) * sx);
      return c < 0 ? 0 : c >= nx ? nx - 1 : c;
    };
    const cellY = (y: number): number => {
      const c = Math.floor((y - minY) * sy);
      return c < 0 ? 0 : c >= ny ? ny - 1 : c;
    };
    // Margins (in coordinate units) so that marking is conservative against rounding.
    const absMargin = 64 * Number.EPSILON * maxAbs;
    const mx = (sx > 0 ? 1e-6 / sx : 0) + absMargin;
    const my = (sy > 0 ? 1e-6 / sy : 0) + absMargin;

    // Pass 1: for each grid, the cells its edges touch (conservatively).
    const stamp = new Int32Array(nCells).fill(-1);
    const edgeCount = new Int32Array(nCells);
    const pairCell = new IntList(1 << 16);
    const pairEntry = new IntList(1 << 16);
    const gridPairStart = new Int32Array(n + 1);
    for (let rank = 0; rank < n; rank++) {
      gridPairStart[rank] = pairCell.length;
      this.forEachEdge(rank, (x1, y1, x2, y2) => {
        const ylo = Math.min(y1, y2);
        const yhi = Math.max(y1, y2);
        const xlo = Math.min(x1, x2);
        const xhi = Math.max(x1, x2);
        const r0 = cellY(ylo - my);
        const r1 = cellY(yhi + my);
        for (let r = r0; r <= r1; r++) {
          let lo = xlo;
          let hi = xhi;
          if (y1 !== y2 && sy > 0) {
            const sLo = Math.max(ylo, minY + r / sy - my);
            const sHi = Math.min(yhi, minY + (r + 1) / sy + my);
            if (sLo > sHi) continue;
            const k = (x2 - x1) / (y2 - y1);
            const xa = x1 + (sLo - y1) * k;
            const xb = x1 + (sHi - y1) * k;
            lo = Math.max(xlo, Math.min(xa, xb));
            hi = Math.min(xhi, Math.max(xa, xb));
          }
          const c0 = cellX(lo - mx);
          const c1 = cellX(hi + mx);
          const base = r * nx;
          for (let c = c0; c <= c1; c++) {
            const cell = base + c;
            if (stamp[cell] !== rank) {
              stamp[cell] = rank;
              edgeCount[cell]!++;
              pairCell.push(cell);
              pairEntry.push(rank << 1);
            }
          }
        }
      });
    }
    gridPairStart[n] = pairCell.length;

    // Pass 2: cells wholly inside each grid (scanline through cell centres, even-odd per polygon,
    // exactly turf's parity away from edges). Pure cells get the smallest rank; mixed cells get a
    // "contains the whole cell" entry.
    const pureRank = new Int32Array(nCells).fill(-1);
    const fullStamp = new Int32Array(nCells).fill(-1);
    const rowList = new IntList(256);
    const xList: number[] = [];
    for (let rank = 0; rank < n; rank++) {
      // stamp the grid's own edge cells with a distinct marker
      const mark = -2 - rank;
      for (let i = gridPairStart[rank]!; i < gridPairStart[rank + 1]!; i++) stamp[pairCell.data[i]!] = mark;
      if (sy === 0 || sx === 0) continue;
      for (let part = this.partStart[rank]!; part < this.partStart[rank + 1]!; part++) {
        rowList.length = 0;
        xList.length = 0;
        this.forEachEdgeOfPart(part, (x1, y1, x2, y2) => {
          if (y1 === y2) return;
          const ylo = Math.min(y1, y2);
          const yhi = Math.max(y1, y2);
          let r = Math.max(0, Math.floor((ylo - minY) * sy - 0.5));
          for (; r < ny; r++) {
            const yc = minY + (r + 0.5) / sy;
            if (yc < ylo) continue;
            if (yc >= yhi) break;
            rowList.push(r);
            xList.push(x1 + ((yc - y1) * (x2 - x1)) / (y2 - y1));
          }
        });
        const idx = Array.from({ length: rowList.length }, (_, i) => i);
        idx.sort((a, b) => rowList.data[a]! - rowList.data[b]! || xList[a]! - xList[b]!);
        for (let i = 0; i + 1 < idx.length; ) {
          const r = rowList.data[idx[i]!]!;
          if (rowList.data[idx[i + 1]!]! !== r) {
            i++; // unpaired crossing in a row cannot happen for closed rings; skip defensively
            continue;
          }
          const xa = xList[idx[i]!]!;
          const xb = xList[idx[i + 1]!]!;
          const c0 = Math.max(0, Math.ceil((xa - minX) * sx - 0.5));
          const c1 = Math.min(nx - 1, Math.floor((xb - minX) * sx - 0.5));
          const base = r * nx;
          for (let c = c0; c <= c1; c++) {
            const cell = base + c;
            if (stamp[cell] === mark || fullStamp[cell] === rank) continue;
            fullStamp[cell] = rank;
            if (edgeCount[cell] === 0) {
              if (pureRank[cell] === -1) pureRank[cell] = rank;
            } else {
              pairCell.push(cell);
              pairEntry.push((rank << 1) | 1);
            }
          }
          i += 2;
        }
      }
    }

    // Assemble: direct answers and candidate lists (sorted by rank, cut after a whole-cell entry).
    const counts = new Int32Array(nCells);
    for (let i = 0; i < pairCell.length; i++) counts[pairCell.data[i]!]!++;
    const offset = new Int32Array(nCells);
    let total = 0;
    for (let c = 0; c < nCells; c++) {
      if (edgeCount[c] === 0) continue;
      offset[c] = total;
      total += 1 + counts[c]!;
    }
    const cand = new Int32Array(total);
    const fill = new Int32Array(nCells);
    for (let i = 0; i < pairCell.length; i++) {
      const c = pairCell.data[i]!;
      cand[offset[c]! + 1 + fill[c]!] = pairEntry.data[i]!;
      fill[c]!++;
    }
    const cells = new Int32Array(nCells);
    let write = 0;
    let mixedLeft = 0;
    for (let c = 0; c < nCells; c++) {
      if (edgeCount[c] === 0) {
        const pr = pureRank[c]!;
        cells[c] = pr === -1 ? -1 : this.rankId[pr]!;
        continue;
      }
      const o = offset[c]!;
      const cnt = counts[c]!;
      // insertion sort by rank
      for (let i = o + 2; i <= o + cnt; i++) {
        const v = cand[i]!;
        let j = i - 1;
        while (j > o && cand[j]! >> 1 > v >> 1) {
          cand[j + 1] = cand[j]!;
          j--;
        }
        cand[j + 1] = v;
      }
      let kept = 0;
      for (let i = o + 1; i <= o + cnt; i++) {
        kept++;
        if (cand[i]! & 1) break;
      }
      const firstEntry = cand[o + 1]!;
      if (firstEntry & 1) {
        cells[c] = this.rankId[firstEntry >> 1]!;
        continue;
      }
      cand[write] = kept;
      for (let i = 0; i < kept; i++) cand[write + 1 + i] = cand[o + 1 + i]!;
      cells[c] = -2 - write;
      write += 1 + kept;
      mixedLeft++;
    }
    this.cand = cand.slice(0, write);
    this.cells = cells;
    this.mixedCells = mixedLeft;
  }

  private forEachEdgeOfPart(
    part: number,
    fn: (x1: number, y1: number, x2: number, y2: number) => void,
  ): void {
    const xy = this.xy;
    for (let r = this.ringStart[part]!; r < this.ringStart[part + 1]!; r++) {
      const end = this.ringPoint[r + 1]! * 2;
      for (let i = this.ringPoint[r]! * 2; i + 2 < end; i += 2) {
        fn(xy[i]!, xy[i + 1]!, xy[i + 2]!, xy[i + 3]!);
      }
    }
  }

  private forEachEdge(rank: number, fn: (x1: number, y1: number, x2: number, y2: number) => void): void {
    for (let part = this.partStart[rank]!; part < this.partStart[rank + 1]!; part++) {
      this.forEachEdgeOfPart(part, fn);
    }
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
