/**
 * The spatial index build of the grid locator: a uniform raster over the bounding box. A cell that
 * no grid edge touches lies wholly inside the same set of grids and stores its answer directly; a
 * cell that edges cross lists its candidate grids in rank (code) order, flagging a grid that contains
 * the whole cell so that it answers without a test.
 */

import { type FlatGrids, forEachEdge, forEachEdgeOfPart, IntList } from './locator-geometry.js';

/** Raster sizing; the defaults suit Voronoi-like grids and keep memory to a few bytes per cell. */
export interface GridLocatorOptions {
  /** Target raster cells per grid (more → more cells answered directly, more memory). Default 48. */
  cellsPerGrid?: number;
  /** Upper bound on raster cells. Default 16,777,216 (64 MB for the cell array). */
  maxCells?: number;
}

/** The built raster: bbox, scale, cells and candidate lists (see GridLocator for their encoding). */
export interface Raster {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  sx: number;
  sy: number;
  nx: number;
  ny: number;
  /** Per cell: >= 0 answer id, -1 no grid, <= -2 candidates at offset -(v + 2) in `cand`. */
  cells: Int32Array;
  /** At an offset: count, then entries (rank << 1 | containsWholeCell), ascending rank. */
  cand: Int32Array;
  /** Cells whose answer needs a polygon test. */
  mixedCells: number;
}

/** Builds the raster over flattened grids. */
export function buildRaster(flat: FlatGrids, options: GridLocatorOptions = {}): Raster {
  const n = flat.rankId.length;
  if (flat.points === 0) {
    // Nothing to find: a bbox that rejects every point.
    return {
      minX: 1,
      maxX: 0,
      minY: 1,
      maxY: 0,
      sx: 0,
      sy: 0,
      nx: 1,
      ny: 1,
      cells: new Int32Array([-1]),
      cand: new Int32Array(0),
      mixedCells: 0,
    };
  }
  const { minX, minY, maxX, maxY, maxAbs } = flat;

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
  const sx = w > 0 ? nx / w : 0;
  const sy = h > 0 ? ny / h : 0;
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
    forEachEdge(flat, rank, (x1, y1, x2, y2) => {
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
    for (let part = flat.partStart[rank]!; part < flat.partStart[rank + 1]!; part++) {
      rowList.length = 0;
      xList.length = 0;
      forEachEdgeOfPart(flat, part, (x1, y1, x2, y2) => {
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
      cells[c] = pr === -1 ? -1 : flat.rankId[pr]!;
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
      cells[c] = flat.rankId[firstEntry >> 1]!;
      continue;
    }
    cand[write] = kept;
    for (let i = 0; i < kept; i++) cand[write + 1 + i] = cand[o + 1 + i]!;
    cells[c] = -2 - write;
    write += 1 + kept;
    mixedLeft++;
  }
  return {
    minX,
    minY,
    maxX,
    maxY,
    sx,
    sy,
    nx,
    ny,
    cells,
    cand: cand.slice(0, write),
    mixedCells: mixedLeft,
  };
}
