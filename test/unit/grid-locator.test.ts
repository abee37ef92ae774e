import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { Delaunay } from 'd3-delaunay';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AreaGeometry, LinearRing, Polygon } from '../../src/kernel/geojson.js';
import { createRng, type Rng } from '../../src/lib/random.js';
import { GridLocator, type LocatorGrid } from '../../src/modules/grid/grid-locator.js';
import { exactOrientSign, orientSign } from '../../src/modules/grid/orient-sign.js';

/** The specification: turf (boundary inside) on every grid, then the smallest code, first given on ties. */
function reference(grids: LocatorGrid[], x: number, y: number): number {
  let best: LocatorGrid | null = null;
  for (const g of grids) {
    if (!booleanPointInPolygon([x, y], g.geometry)) continue;
    if (best === null || g.code < best.code) best = g;
  }
  return best === null ? -1 : best.id;
}

function scaledRing(ring: LinearRing, cx: number, cy: number, s: number): LinearRing {
  return ring.map((p) => [cx + ((p[0] as number) - cx) * s, cy + ((p[1] as number) - cy) * s]);
}

function centroidOf(ring: LinearRing): [number, number] {
  let x = 0;
  let y = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    x += ring[i]![0] as number;
    y += ring[i]![1] as number;
  }
  return [x / (ring.length - 1), y / (ring.length - 1)];
}

/**
 * A few hundred Voronoi grids in a city-like bbox, plus: holes with island grids inside them
 * (sharing the hole's ring), MultiPolygon grids made of two cells, an axis-aligned rectangle grid
 * overlapping others, and codes shuffled so the tie rule is exercised.
 */
function fixture(rng: Rng, count: number): LocatorGrid[] {
  const bounds = [120.5, 31.2, 120.7, 31.4] as const;
  const pts: number[] = [];
  for (let i = 0; i < count; i++) pts.push(rng.range(bounds[0], bounds[2]), rng.range(bounds[1], bounds[3]));
  const voronoi = new Delaunay(Float64Array.from(pts)).voronoi([...bounds]);
  const geoms: AreaGeometry[] = [];
  for (let i = 0; i < count; i++) {
    const cell = voronoi.cellPolygon(i);
    if (cell) geoms.push({ type: 'Polygon', coordinates: [cell as LinearRing] });
  }
  const out: AreaGeometry[] = [];
  for (let i = 0; i < geoms.length; i++) {
    const g = geoms[i]!;
    if (g.type !== 'Polygon') continue;
    const outer = g.coordinates[0]!;
    if (i % 17 === 3) {
      // hole + island grid exactly filling it
      const [cx, cy] = centroidOf(outer);
      const hole = scaledRing(outer, cx, cy, 0.5).reverse();
      out.push({ type: 'Polygon', coordinates: [outer, hole] });
      out.push({ type: 'Polygon', coordinates: [hole.slice().reverse()] });
    } else if (i % 23 === 5) {
      // hole with nothing inside: points there are outside every grid
      const [cx, cy] = centroidOf(outer);
      out.push({ type: 'Polygon', coordinates: [outer, scaledRing(outer, cx, cy, 0.4).reverse()] });
    } else if (i % 29 === 7 && i + 1 < geoms.length) {
      const next = geoms[i + 1]!;
      if (next.type === 'Polygon') {
        out.push({ type: 'MultiPolygon', coordinates: [g.coordinates, next.coordinates] });
        i++;
      }
    } else {
      out.push(g);
    }
  }
  // an overlapping axis-aligned rectangle and a small rectangle sharing its edges
  const rect: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [120.6, 31.3],
        [120.625, 31.3],
        [120.625, 31.3125],
        [120.6, 31.3125],
        [120.6, 31.3],
      ],
    ],
  };
  out.push(rect);
  out.push({
    type: 'Polygon',
    coordinates: [
      [
        [120.625, 31.3],
        [120.65, 31.3],
        [120.65, 31.3125],
        [120.625, 31.3125],
        [120.625, 31.3],
      ],
    ],
  });
  const codes = out.map((_, i) => `320502001001${String(i + 1).padStart(3, '0')}`);
  for (let i = codes.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [codes[i], codes[j]] = [codes[j]!, codes[i]!];
  }
  return out.map((geometry, i) => ({ id: i * 3 + 1, code: codes[i]!, geometry }));
}

/** Points that stress the boundary: vertices, midpoints, points on axis-aligned edges, holes, outside. */
function probePoints(rng: Rng, grids: LocatorGrid[], randomCount: number): Array<[number, number]> {
  const pts: Array<[number, number]> = [];
  for (let i = 0; i < randomCount; i++) pts.push([rng.range(120.45, 120.75), rng.range(31.15, 31.45)]);
  for (const g of grids) {
    const polys = g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates;
    for (const poly of polys) {
      for (const ring of poly) {
        const [cx, cy] = centroidOf(ring);
        pts.push([cx, cy]);
        for (let i = 0; i + 1 < ring.length; i++) {
          const a = ring[i]!;
          const b = ring[i + 1]!;
          const ax = a[0] as number;
          const ay = a[1] as number;
          const bx = b[0] as number;
          const by = b[1] as number;
          pts.push([ax, ay]);
          pts.push([(ax + bx) / 2, (ay + by) / 2]);
          const t = rng.next();
          pts.push([ax + (bx - ax) * t, ay + (by - ay) * t]);
          if (ay === by) pts.push([ax + (bx - ax) * t, ay]);
          if (ax === bx) pts.push([ax, ay + (by - ay) * t]);
        }
      }
    }
  }
  return pts;
}

describe('orientSign', () => {
  it('is exact where the float determinant is not', () => {
    expect(orientSign(1, 2, 3, 6)).toBe(0);
    expect(orientSign(0.1, 0.3, 0.2, 0.6)).toBe(0); // exactly equal products of doubles
    const e = 2 ** -52;
    // (1+e)(1-e) - 1*1 = -e^2: tiny but negative
    expect(orientSign(1, 1 + e, 1 - e, 1)).toBe(-1);
    expect(orientSign(0, 0, 0, 0)).toBe(0);
  });

  it('agrees with BigInt arithmetic on near-collinear inputs (property)', () => {
    const coord = fc.double({ min: -1, max: 1, noNaN: true });
    fc.assert(
      fc.property(
        coord,
        coord,
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.integer({ min: -4, max: 4 }),
        (a, b, k, ulps) => {
          // (u1, v1) and (u2, v2) ≈ k·(u1, v1): collinear up to rounding, nudged by a few ulps
          const u1 = a;
          const v1 = b;
          const u2 = a * k + ulps * Number.EPSILON * Math.abs(a * k);
          const v2 = b * k;
          return orientSign(u1, u2, v1, v2) === exactOrientSign(u1, u2, v1, v2);
        },
      ),
      { numRuns: 20_000, seed: 7 },
    );
    expect(exactOrientSign(1, 1 + 2 ** -52, 1 - 2 ** -52, 1)).toBe(-1);
  });
});

describe('GridLocator', () => {
  it('agrees with turf + smallest code on ~50k points incl. vertices, edges, holes, outside', () => {
    const rng = createRng('grid-locator-fixture');
    const grids = fixture(rng, 300);
    const pts = probePoints(rng, grids, 40_000);
    expect(pts.length).toBeGreaterThan(45_000);
    const want = pts.map(([x, y]) => reference(grids, x, y));
    let ties = 0;
    for (const [x, y] of pts) {
      let matches = 0;
      for (const g of grids) if (booleanPointInPolygon([x, y], g.geometry)) matches++;
      if (matches > 1) ties++;
    }
    expect(ties).toBeGreaterThan(2000);
    expect(want.filter((w) => w === -1).length).toBeGreaterThan(1000);
    const lngs = Float64Array.from(pts, (p) => p[0]);
    const lats = Float64Array.from(pts, (p) => p[1]);
    for (const options of [{}, { cellsPerGrid: 2 }, { cellsPerGrid: 200 }]) {
      const locator = new GridLocator(grids, options);
      const out = new Int32Array(pts.length);
      locator.locateMany(lngs, lats, out);
      let mismatches = 0;
      for (let i = 0; i < pts.length; i++) {
        const [x, y] = pts[i]!;
        if (out[i] !== want[i] || locator.locate(x, y) !== want[i]) {
          mismatches++;
          if (mismatches < 5) console.error('mismatch', x, y, out[i], want[i]);
        }
      }
      expect(mismatches).toBe(0);
    }
  });

  it('gives shared vertices and edges to the smallest code', () => {
    const sq = (x0: number, y0: number): Polygon => ({
      type: 'Polygon',
      coordinates: [
        [
          [x0, y0],
          [x0 + 1, y0],
          [x0 + 1, y0 + 1],
          [x0, y0 + 1],
          [x0, y0],
        ],
      ],
    });
    const grids: LocatorGrid[] = [
      { id: 10, code: '320502001001004', geometry: sq(0, 0) },
      { id: 11, code: '320502001001002', geometry: sq(1, 0) },
      { id: 12, code: '320502001001003', geometry: sq(0, 1) },
      { id: 13, code: '320502001001001', geometry: sq(1, 1) },
    ];
    const locator = new GridLocator(grids);
    expect(locator.locate(1, 1)).toBe(13); // vertex shared by four
    expect(locator.locate(1, 0.5)).toBe(11); // edge between 10 and 11
    expect(locator.locate(0.5, 1)).toBe(12); // edge between 10 and 12
    expect(locator.locate(0, 0)).toBe(10); // outer corner of a single grid
    expect(locator.locate(0.5, 0)).toBe(10); // outer edge of a single grid
    expect(locator.locate(0.5, 0.5)).toBe(10);
    expect(locator.locate(2.0000001, 1)).toBe(-1);
    expect(locator.locate(Number.NaN, 1)).toBe(-1);
  });

  it('handles an empty index and rejects unclosed rings', () => {
    expect(new GridLocator([]).locate(0, 0)).toBe(-1);
    expect(
      () =>
        new GridLocator([
          {
            id: 1,
            code: 'a',
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                ],
              ],
            },
          },
        ]),
    ).toThrow(RangeError);
  });

  it('matches the reference on random polygons (property)', () => {
    // Small integer lattice coordinates make exact boundary hits and collinear edges frequent.
    const coord = fc.integer({ min: 0, max: 12 }).map((v) => v / 4);
    const ring = fc
      .array(fc.tuple(coord, coord), { minLength: 3, maxLength: 8 })
      .map((pts) => [...pts, pts[0]!] as LinearRing);
    const grid = fc.tuple(
      ring,
      fc.option(ring, { nil: undefined }),
      fc.boolean(),
      fc.string({ maxLength: 3 }),
    );
    const point = fc.oneof(
      fc.tuple(coord, coord),
      fc.tuple(
        fc.double({ min: -0.5, max: 3.5, noNaN: true }),
        fc.double({ min: -0.5, max: 3.5, noNaN: true }),
      ),
    );
    fc.assert(
      fc.property(
        fc.array(grid, { minLength: 1, maxLength: 5 }),
        fc.array(point, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 64 }),
        (specs, points, cellsPerGrid) => {
          const grids: LocatorGrid[] = specs.map(([outer, second, multi, code], i) => ({
            id: i,
            code,
            geometry:
              second === undefined
                ? { type: 'Polygon', coordinates: [outer] }
                : multi
                  ? { type: 'MultiPolygon', coordinates: [[outer], [second]] }
                  : { type: 'Polygon', coordinates: [outer, second] },
          }));
          const locator = new GridLocator(grids, { cellsPerGrid });
          // also probe every vertex and every edge midpoint
          const probes = [...points];
          for (const g of specs) for (const p of g[0]) probes.push([p[0] as number, p[1] as number]);
          for (const [x, y] of probes) {
            const want = reference(grids, x, y);
            if (locator.locate(x, y) !== want) return false;
          }
          return true;
        },
      ),
      { numRuns: 400, seed: 20240611 },
    );
  });
});
