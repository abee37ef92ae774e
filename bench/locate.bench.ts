/**
 * Point → grid lookup benchmark: GridLocator against flatbush bbox search + turf
 * booleanPointInPolygon with the same tie rule (smallest code), on the same points in the same
 * process. Fails loudly if any answer differs. Run: `npx tsx bench/locate.bench.ts [--quick]`.
 */
import { pathToFileURL } from 'node:url';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import Flatbush from 'flatbush';
import { generateGridsForBenchmark } from '../src/kernel/demo-data/city-geometry.js';
import { bboxOf } from '../src/kernel/geojson.js';
import { createRng } from '../src/lib/random.js';
import { GridLocator } from '../src/modules/grid/grid-locator.js';
import type { BenchResult } from './bench-result.js';

/** Builds the grids and points, times both methods, checks they agree, and reports. */
export async function runLocateBench(opts: { quick: boolean }): Promise<BenchResult> {
  const gridCount = opts.quick ? 4_000 : 40_000;
  const pointCount = opts.quick ? 100_000 : 1_000_000;
  const log = (s: string): void => console.log(`[locate] ${s}`);

  let t = performance.now();
  const grids = generateGridsForBenchmark('locate-bench', gridCount);
  log(`generated ${gridCount.toLocaleString()} grids in ${(performance.now() - t).toFixed(0)} ms`);

  // Points: 90 % uniform over the bbox (some fall outside the city), 5 % on vertices, 5 % on edges.
  const rng = createRng('locate-bench-points');
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  const boxes = grids.map((g) => bboxOf(g.geometry));
  for (const [x0, y0, x1, y1] of boxes) {
    minX = Math.min(minX, x0);
    minY = Math.min(minY, y0);
    maxX = Math.max(maxX, x1);
    maxY = Math.max(maxY, y1);
  }
  const lngs = new Float64Array(pointCount);
  const lats = new Float64Array(pointCount);
  for (let i = 0; i < pointCount; i++) {
    const kind = rng.next();
    if (kind < 0.9) {
      lngs[i] = rng.range(minX, maxX);
      lats[i] = rng.range(minY, maxY);
      continue;
    }
    const ring = rng.pick(grids).geometry.coordinates[0]!;
    const k = rng.int(0, ring.length - 2);
    const a = ring[k]!;
    const b = ring[k + 1]!;
    const s = kind < 0.95 ? 0 : rng.chance(0.5) ? 0.5 : rng.next();
    lngs[i] = (a[0] as number) + ((b[0] as number) - (a[0] as number)) * s;
    lats[i] = (a[1] as number) + ((b[1] as number) - (a[1] as number)) * s;
  }

  // GridLocator
  t = performance.now();
  const locator = new GridLocator(grids);
  const locatorBuildMs = performance.now() - t;
  const stats = locator.stats();
  log(
    `GridLocator built in ${locatorBuildMs.toFixed(0)} ms: ${stats.cellsX}×${stats.cellsY} cells, ` +
      `${((100 * stats.mixedCells) / (stats.cellsX * stats.cellsY)).toFixed(1)} % mixed, ` +
      `${(stats.bytes / 1048576).toFixed(1)} MB`,
  );
  const out = new Int32Array(pointCount);
  locator.locateMany(lngs.subarray(0, 20_000), lats.subarray(0, 20_000), out); // warm-up
  let locatorMs = Number.POSITIVE_INFINITY;
  for (let rep = 0; rep < 5; rep++) {
    t = performance.now();
    locator.locateMany(lngs, lats, out);
    locatorMs = Math.min(locatorMs, performance.now() - t);
  }
  const single = new Int32Array(pointCount);
  t = performance.now();
  for (let i = 0; i < pointCount; i++) single[i] = locator.locate(lngs[i]!, lats[i]!);
  const singleMs = performance.now() - t;

  // Baseline: flatbush + turf, same tie rule.
  t = performance.now();
  const index = new Flatbush(grids.length);
  for (const [x0, y0, x1, y1] of boxes) index.add(x0, y0, x1, y1);
  index.finish();
  const order = grids.map((_, i) => i).sort((a, b) => (grids[a]!.code < grids[b]!.code ? -1 : 1));
  const rank = new Int32Array(grids.length);
  order.forEach((g, r) => {
    rank[g] = r;
  });
  const baselineBuildMs = performance.now() - t;
  const pt: [number, number] = [0, 0];
  const baseline = (from: number, to: number, into: Int32Array): void => {
    for (let i = from; i < to; i++) {
      const x = lngs[i]!;
      const y = lats[i]!;
      pt[0] = x;
      pt[1] = y;
      let best = -1;
      for (const g of index.search(x, y, x, y)) {
        if ((best === -1 || rank[g]! < rank[best]!) && booleanPointInPolygon(pt, grids[g]!.geometry))
          best = g;
      }
      into[i] = best === -1 ? -1 : grids[best]!.id;
    }
  };
  const expected = new Int32Array(pointCount);
  baseline(0, 20_000, expected); // warm-up
  t = performance.now();
  baseline(0, pointCount, expected);
  const baselineMs = performance.now() - t;

  // Identical answers on every point, or fail.
  let mismatches = 0;
  for (let i = 0; i < pointCount; i++) {
    if (out[i] !== expected[i] || single[i] !== expected[i]) {
      if (mismatches < 10) {
        console.error(
          `[locate] MISMATCH at (${lngs[i]}, ${lats[i]}): locator ${out[i]}/${single[i]}, reference ${expected[i]}`,
        );
      }
      mismatches++;
    }
  }
  if (mismatches > 0) throw new Error(`GridLocator disagrees with the reference on ${mismatches} points`);
  const outside = expected.reduce((n, v) => n + (v === -1 ? 1 : 0), 0);

  const locatorPps = pointCount / (locatorMs / 1000);
  const singlePps = pointCount / (singleMs / 1000);
  const baselinePps = pointCount / (baselineMs / 1000);
  const ratio = locatorPps / baselinePps;
  log(`GridLocator.locateMany: ${(locatorPps / 1e6).toFixed(2)} M points/s (best of 5)`);
  log(`GridLocator.locate:     ${(singlePps / 1e6).toFixed(2)} M points/s`);
  log(
    `flatbush + turf:        ${(baselinePps / 1e6).toFixed(2)} M points/s (build ${baselineBuildMs.toFixed(0)} ms)`,
  );
  log(
    `ratio ${ratio.toFixed(1)}×, all ${pointCount.toLocaleString()} answers identical (${outside} outside)`,
  );

  const goalPps = 5e6;
  return {
    name: 'locate (point → unit grid)',
    metrics: {
      grids: gridCount,
      points: pointCount,
      pointsOutside: outside,
      locatorBuildMs: Math.round(locatorBuildMs),
      locatorMB: Number((stats.bytes / 1048576).toFixed(1)),
      mixedCellsPct: Number(((100 * stats.mixedCells) / (stats.cellsX * stats.cellsY)).toFixed(1)),
      locateManyPointsPerSec: Math.round(locatorPps),
      locatePointsPerSec: Math.round(singlePps),
      baselineBuildMs: Math.round(baselineBuildMs),
      baselinePointsPerSec: Math.round(baselinePps),
      ratio: Number(ratio.toFixed(2)),
      mismatches,
    },
    goals: [
      { goal: '≥ 5M points/s (locateMany, single thread)', met: locatorPps >= goalPps },
      { goal: '≥ 2.5× flatbush + turf', met: ratio >= 2.5 },
      { goal: 'identical answers on every point', met: mismatches === 0 },
    ],
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  const result = await runLocateBench({ quick });
  console.log(JSON.stringify(result, null, 2));
}
