/**
 * Intake under load: the full HTTP pipeline (validate, authenticate, locate, duplicate check,
 * route, persist, audit, notify — `civicgrid serve` as a child process) against a baseline bare
 * Fastify endpoint doing one INSERT into the same database (also a child process), both driven by
 * autocannon from a third process with a unique idempotency key per request. On PostgreSQL
 * (BENCH_DATABASE_URL or TEST_DATABASE_URL, a throw-away schema) and on PGlite. Then the p99 of
 * locate and of the duplicate check over the same points, on the database the load filled.
 * Run alone: `npx tsx bench/intake.bench.ts [--quick]`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Db } from '../src/db/db.js';
import { migrate } from '../src/db/migrate.js';
import { openPglite } from '../src/db/pglite-driver.js';
import { CaseRepository } from '../src/modules/cases/case.repository.js';
import { DUPLICATE_RADIUS_M, DUPLICATE_WINDOW_DAYS } from '../src/modules/cases/case-intake.service.js';
import { LocateService } from '../src/modules/grid/locate.service.js';
import { seedCity } from '../test/support/city.js';
import { createPgSchema, freePort, startServer } from '../test/support/server-process.js';
import type { BenchResult } from './bench-result.js';
import type { LoadResult, LoadSpec } from './support/load.worker.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const log = (s: string): void => console.log(`[intake] ${s}`);

/** Runs the load generator in its own process and returns its figures. */
async function load(spec: LoadSpec): Promise<LoadResult> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/support/load.worker.ts', JSON.stringify(spec)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load worker exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as LoadResult;
}

/** Starts the baseline INSERT server as a child process; resolves with its URL and a stopper. */
async function startBaseline(
  env: Record<string, string>,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/support/baseline-insert.server.ts'],
    { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => {
      if (b.toString().includes('ready')) resolve();
    });
    child.once('exit', (c) => reject(new Error(`baseline server exited with ${c}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/api/cases`,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** p50/p99 (ms) of locate and of the duplicate-check query over the points, on `db`. */
async function innerLatencies(db: Db, points: Array<[number, number]>, n: number) {
  const locate = new LocateService(db);
  await locate.locate(points[0]![0], points[0]![1]); // builds the index
  const repo = new CaseRepository();
  const since = new Date(Date.now() - DUPLICATE_WINDOW_DAYS * 86_400_000);
  const loc: number[] = [];
  const dup: number[] = [];
  for (let i = 0; i < n; i++) {
    const [lng, lat] = points[i % points.length]!;
    let t = performance.now();
    await locate.locate(lng, lat);
    loc.push(performance.now() - t);
    t = performance.now();
    await repo.findNearbyOpen(db, {
      lng,
      lat,
      categoryCode: null,
      meters: DUPLICATE_RADIUS_M,
      since,
      text: `bench report ${i}: garbage not collected near block ${i % 97}`,
      limit: 6,
    });
    dup.push(performance.now() - t);
  }
  loc.sort((a, b) => a - b);
  dup.sort((a, b) => a - b);
  return {
    locateP50: percentile(loc, 50),
    locateP99: percentile(loc, 99),
    dupP50: percentile(dup, 50),
    dupP99: percentile(dup, 99),
  };
}

async function gridPoints(db: Db): Promise<Array<[number, number]>> {
  const { rows } = await db.query<{ center_lng: number; center_lat: number }>(
    `SELECT center_lng, center_lat FROM areas WHERE level = 'grid' AND valid_to IS NULL ORDER BY code`,
  );
  return rows.map((r) => [r.center_lng, r.center_lat]);
}

interface DriverFigures {
  pipeline: LoadResult;
  baseline: LoadResult;
  cases: number;
  inner: Awaited<ReturnType<typeof innerLatencies>>;
}

function describe(name: string, r: LoadResult): string {
  return (
    `${name}: ${r.reqPerSec.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms ` +
    `(${r.ok} ok, ${r.non2xx} non-2xx${r.non2xx > 0 ? ` ${JSON.stringify(r.non2xxByStatus)}` : ''}, ${r.errors} errors)`
  );
}

async function benchDriver(
  driver: 'postgres' | 'pglite',
  opts: { quick: boolean; pgUrl?: string },
): Promise<DriverFigures> {
  const durationSec = opts.quick ? 5 : 20;
  const connections = 32;
  // Above what the baseline reaches (~10k req/s here): past the cap bodies repeat, which is not new work.
  const maxRequests = opts.quick ? 200_000 : 1_000_000;
  const run = `${driver}-${Date.now().toString(36)}`;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'civicgrid-intake-bench-'));
  let db: Db | undefined;
  let points: Array<[number, number]>;
  let dispose: () => Promise<void>;
  let serverEnv: { databaseUrl?: string; dataDir?: string };
  let baselineEnv: Record<string, string>;
  if (driver === 'postgres') {
    const pgs = await createPgSchema(opts.pgUrl!, 'cg_bench_intake');
    db = pgs.db;
    dispose = () => pgs.dispose();
    serverEnv = { databaseUrl: pgs.url };
    baselineEnv = { DATABASE_URL: pgs.url };
    await seedCity(pgs.db);
    points = await gridPoints(pgs.db);
  } else {
    // The server process owns the PGlite files while it runs: seed, read, close.
    const seedDb = await openPglite(path.join(tmp, 'pglite'));
    await migrate(seedDb);
    await seedCity(seedDb);
    points = await gridPoints(seedDb);
    await seedDb.close();
    serverEnv = { dataDir: tmp };
    baselineEnv = { PGLITE_DIR: path.join(tmp, 'baseline-pglite') };
    dispose = async () => undefined;
  }
  try {
    log(`${driver}: ${points.length} grid points, ${connections} connections, ${durationSec} s per run`);

    // A 1 s warm-up (JIT, connections, caches), then the measured run; every key is new work.
    const measure = async (url: string, prefix: string): Promise<LoadResult> => {
      await load({
        url,
        connections,
        durationSec: 1,
        maxRequests: 2_000,
        keyPrefix: `${run}-${prefix}w`,
        points,
      });
      return load({ url, connections, durationSec, maxRequests, keyPrefix: `${run}-${prefix}`, points });
    };
    const baselineSrv = await startBaseline(baselineEnv);
    const baseline = await measure(baselineSrv.url, 'b');
    await baselineSrv.stop();
    log(describe(`${driver} baseline (one INSERT)`, baseline));

    // One load generator is one client address: the per-address anonymous limit (a city sees many
    // addresses) would refuse all but the first 60 reports. Its own cost is bench/anon-limit.bench.ts's.
    const server = await startServer({
      ...serverEnv,
      env: { LOG_LEVEL: 'error', ANON_REPORT_LIMIT: '0', ANON_REPORT_PHONE_LIMIT: '0' },
      readyTimeoutMs: 120_000,
    });
    const pipeline = await measure(`${server.baseUrl}/api/cases`, 'p');
    await server.stop();
    log(describe(`${driver} full pipeline`, pipeline));
    if (pipeline.non2xx + pipeline.errors > 0) log(`server output (tail):\n${server.output().slice(-4000)}`);

    db ??= await openPglite(path.join(tmp, 'pglite'));
    const cases = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0]!.n;
    const inner = await innerLatencies(db, points, opts.quick ? 500 : 2_000);
    log(
      `${driver} inside the pipeline over ${cases.toLocaleString()} cases: locate p50 ${inner.locateP50.toFixed(3)} ms, ` +
        `p99 ${inner.locateP99.toFixed(3)} ms; duplicate check p50 ${inner.dupP50.toFixed(2)} ms, p99 ${inner.dupP99.toFixed(2)} ms`,
    );
    if (driver === 'pglite') await db.close();
    return { pipeline, baseline, cases, inner };
  } finally {
    await dispose();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Both drivers (PostgreSQL when a URL is configured), figures and goals. */
export async function runIntakeBench(opts: { quick: boolean }): Promise<BenchResult> {
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const metrics: BenchResult['metrics'] = {};
  const goals: BenchResult['goals'] = [];
  for (const driver of ['postgres', 'pglite'] as const) {
    if (driver === 'postgres' && !pgUrl) {
      log('PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL');
      metrics.postgres = 'skipped (no BENCH_DATABASE_URL/TEST_DATABASE_URL)';
      continue;
    }
    const f = await benchDriver(driver, { quick: opts.quick, ...(pgUrl ? { pgUrl } : {}) });
    const ratio = f.pipeline.reqPerSec / f.baseline.reqPerSec;
    Object.assign(metrics, {
      [`${driver}PipelineReqPerSec`]: Math.round(f.pipeline.reqPerSec),
      [`${driver}PipelineP50Ms`]: f.pipeline.p50,
      [`${driver}PipelineP99Ms`]: f.pipeline.p99,
      [`${driver}PipelineNon2xx`]: f.pipeline.non2xx + f.pipeline.errors,
      [`${driver}BaselineReqPerSec`]: Math.round(f.baseline.reqPerSec),
      [`${driver}BaselineP50Ms`]: f.baseline.p50,
      [`${driver}BaselineP99Ms`]: f.baseline.p99,
      [`${driver}Ratio`]: Number(ratio.toFixed(2)),
      [`${driver}Cases`]: f.cases,
      [`${driver}LocateP99Ms`]: Number(f.inner.locateP99.toFixed(3)),
      [`${driver}DuplicateCheckP50Ms`]: Number(f.inner.dupP50.toFixed(2)),
      [`${driver}DuplicateCheckP99Ms`]: Number(f.inner.dupP99.toFixed(2)),
    });
    goals.push({ goal: `${driver}: pipeline ≥ 0.5× the one-INSERT baseline`, met: ratio >= 0.5 });
    goals.push({
      goal: `${driver}: every request answered 2xx`,
      met: f.pipeline.non2xx + f.pipeline.errors === 0,
    });
    if (driver === 'postgres') {
      goals.push({ goal: 'postgres: ≥ 1,000 reports/s', met: f.pipeline.reqPerSec >= 1_000 });
      goals.push({ goal: 'postgres: p99 < 100 ms', met: f.pipeline.p99 < 100 });
    }
  }
  return { name: 'intake (HTTP pipeline vs one INSERT)', metrics, goals };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  console.log(JSON.stringify(await runIntakeBench({ quick }), null, 2));
}
