/**
 * Dashboard at city scale (PostgreSQL): 10M cases (quick: 1M) over 40,000 grid codes and one year,
 * generated in SQL (INSERT … SELECT generate_series, 1M rows per step, progress bar), with the
 * write-time rollups (case_rollup_daily, case_state_counts) built by the same definitions, then
 * VACUUM ANALYZE (what autovacuum does after a bulk load) and the dashboard's own sealing of
 * closed days into the street level (what the first summary read does). Then the dashboard's KPI
 * summary and map (DashboardService, what the API runs; median of 5) against the same figures
 * from a raw GROUP BY over `cases` (median of 3), in the same run: timings, ratio, and equality
 * of the figures (rollups = recount, street level = recount of the grid level).
 *
 * The bench schema is dropped afterwards, unless `BENCH_DASHBOARD_KEEP=1`: then it is kept as
 * `cg_bench_dash_keep_<cases>` and reused by the next run with the same size (generation skipped,
 * pending migrations applied, sealed days forgotten so sealing is measured again). Drop it with
 * `DROP SCHEMA cg_bench_dash_keep_<cases> CASCADE` when done.
 * Run alone: `npx tsx bench/dashboard.bench.ts [--quick]`.
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import cliProgress from 'cli-progress';
import pg from 'pg';
import type { Db } from '../src/db/db.js';
import { migrate } from '../src/db/migrate.js';
import { openPostgres } from '../src/db/postgres-driver.js';
import { systemActor } from '../src/kernel/actor.js';
import { FixedClock } from '../src/lib/clock.js';
import { localDay } from '../src/modules/cases/case-rollup.js';
import { LEVEL_CODE_LENGTH, OPEN_STATES } from '../src/modules/dashboard/dashboard.repository.js';
import { DashboardService } from '../src/modules/dashboard/dashboard.service.js';
import { dayBefore, sealableThrough } from '../src/modules/dashboard/street-rollup.js';
import { seedCity } from '../test/support/city.js';
import { createPgSchema } from '../test/support/server-process.js';
import type { BenchResult } from './bench-result.js';

const log = (s: string): void => console.log(`[dashboard] ${s}`);
const GRIDS = 40_000;
/** The generated year ends here (local time UTC+8); the dashboard's clock is set to it. */
const YEAR_END = new Date('2026-11-30T04:00:00Z');

/** Indexes the dashboard never reads, dropped in the throw-away schema so 10M rows load in minutes. */
const UNUSED_INDEXES = [
  'cases_description_trgm',
  'cases_tasks',
  'cases_reporter_phone',
  'cases_reporter',
  'cases_dup',
  'cases_running_clock',
  'cases_state_deadline',
  'cases_external_ref',
];

async function generate(db: Db, total: number): Promise<void> {
  const { rows: cats } = await db.query<{ version: number; code: string }>(
    'SELECT version, code FROM categories WHERE version = (SELECT max(version) FROM taxonomy_versions) ORDER BY code',
  );
  const { rows: area } = await db.query<{ id: number }>('SELECT id FROM areas ORDER BY id LIMIT 1');
  for (const ix of UNUSED_INDEXES) await db.exec(`DROP INDEX IF EXISTS ${ix}`);
  await db.exec('ALTER TABLE cases SET (autovacuum_enabled = false)');
  const step = 1_000_000;
  const bar = new cliProgress.SingleBar(
    { format: '[dashboard] cases {bar} {value}/{total} ({eta}s left)', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  const yearStart = YEAR_END.getTime() - 365 * 86_400_000;
  for (let lo = 1; lo <= total; lo += step) {
    const hi = Math.min(total, lo + step - 1);
    // h = a well-mixed hash of g: grid, category, state and deadline status come from its bits.
    // The rollups of each step are added in the same statement, as intake adds them at write time,
    // in day order: live writes put a day's rows on that day's pages, not spread over the table.
    const day = (col: string) => `((${col} AT TIME ZONE 'UTC') + interval '8 hours')::date`;
    await db.transaction(async (tx) => {
      await tx.query(`SET LOCAL work_mem = '256MB'`);
      await tx.query(
        `WITH ins AS (
         INSERT INTO cases (public_code, state, channel, category_version, category_code, description, lng, lat,
                          grid_code, area_id, reported_at, closed_at, evaluated_at, evaluation, updated_at,
                          deadline_status)
       SELECT 'B' || g, st, 'resident', $1::int, ($2::text[])[1 + (h % array_length($2::text[], 1))], 'bench', 120.5, 31.3,
              (320501 + (gr % 10))::text || lpad((1 + (gr / 10) % 10)::text, 3, '0')
                || lpad((1 + (gr / 100) % 20)::text, 3, '0') || lpad((1 + (gr / 2000) % 20)::text, 3, '0'),
              $3::bigint, rep,
              CASE WHEN st IN ('closed', 'evaluated') THEN rep + interval '2 days' END,
              CASE WHEN st = 'evaluated' THEN rep + interval '3 days' END,
              CASE WHEN st = 'evaluated' THEN (ARRAY['satisfied', 'basically_satisfied', 'dissatisfied'])[1 + (h / 7) % 3] END,
              rep,
              CASE WHEN st IN ('closed', 'evaluated') THEN 'ok'
                   WHEN (h / 13) % 10 = 0 THEN 'overdue' WHEN (h / 13) % 20 = 1 THEN 'due_soon' ELSE 'ok' END
         FROM (SELECT g, h, (h / 101) % ${GRIDS} AS gr,
                      to_timestamp($4::double precision + (g::double precision / $5) * 365 * 86400 + (h % 3600)) AS rep,
                      CASE WHEN g > $5 - $5 / 50 OR (h / 17) % 100 < 3
                           THEN (ARRAY['reported', 'filed', 'dispatched', 'handling', 'reported_back', 'suspended'])[1 + (h / 19) % 6]
                           WHEN (h / 23) % 3 = 0 THEN 'closed' ELSE 'evaluated' END AS st
                 FROM (SELECT g, abs(hashint8(g)) AS h FROM generate_series($6::bigint, $7::bigint) g) s) x
         RETURNING grid_code, state, reported_at, closed_at, evaluated_at, evaluation
       ), states AS (
         INSERT INTO case_state_counts (grid_code, state, n) SELECT grid_code, state, count(*) FROM ins GROUP BY 1, 2
         ON CONFLICT (grid_code, state) DO UPDATE SET n = case_state_counts.n + excluded.n
       ), metrics AS (
         SELECT ${day('reported_at')} AS day, grid_code, 'a.report' AS metric FROM ins
         UNION ALL SELECT ${day('closed_at')}, grid_code, 'a.verify_pass' FROM ins WHERE closed_at IS NOT NULL
         UNION ALL SELECT ${day('evaluated_at')}, grid_code, 'e.' || evaluation FROM ins WHERE evaluation IS NOT NULL
       )
       INSERT INTO case_rollup_daily (day, grid_code, department_code, metric, n)
       SELECT day, grid_code, '', metric, count(*) FROM metrics GROUP BY 1, 2, 4 ORDER BY 1, 2, 4
       ON CONFLICT (day, grid_code, department_code, metric) DO UPDATE SET n = case_rollup_daily.n + excluded.n`,
        [cats[0]!.version, cats.map((c) => c.code), area[0]!.id, yearStart / 1000, total, lo, hi],
      );
    });
    bar.update(hi);
  }
  bar.stop();
}

/**
 * What autovacuum does after a bulk load (it was off for the load): planner statistics, and the
 * visibility map that lets the partial indexes over open cases answer index-only.
 */
async function vacuumAnalyze(db: Db): Promise<void> {
  await db.exec('ALTER TABLE cases RESET (autovacuum_enabled)');
  await db.exec('VACUUM (ANALYZE) cases, case_state_counts, case_rollup_daily');
}

/** A kept schema from an earlier run with `BENCH_DASHBOARD_KEEP=1`, or a fresh one (dropped on dispose). */
async function openBenchSchema(
  baseUrl: string,
  total: number,
  keep: boolean,
): Promise<{ db: Db; reused: boolean; dispose(): Promise<void> }> {
  if (!keep) {
    const pgs = await createPgSchema(baseUrl, 'cg_bench_dash');
    return { db: pgs.db, reused: false, dispose: () => pgs.dispose() };
  }
  const schema = `cg_bench_dash_keep_${total}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const { rows } = await admin.query<{ done: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS done`, [
    `${schema}.bench_generated`,
  ]);
  const reused = rows[0]?.done === true;
  if (!reused) {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`CREATE SCHEMA ${schema}`);
  }
  await admin.end();
  const db = await openPostgres({ connectionString: baseUrl, schema: `${schema},public`, max: 4 });
  await migrate(db);
  log(reused ? `reusing kept schema ${schema}` : `generating into kept schema ${schema}`);
  return { db, reused, dispose: () => db.close() };
}

/** The dashboard's figures computed from `cases` alone (the raw GROUP BY baseline). */
async function rawFigures(db: Db, fromDay: string) {
  const day = (col: string) => `((${col} AT TIME ZONE 'UTC') + interval '8 hours')::date`;
  const map = async (len: number) =>
    (
      await db.query<{ code: string; open: number; overdue: number; due_soon: number }>(
        `SELECT substr(grid_code, 1, $1) AS code,
                count(*) FILTER (WHERE state = ANY($2))::int AS open,
                count(*) FILTER (WHERE state = ANY($2) AND deadline_status = 'overdue')::int AS overdue,
                count(*) FILTER (WHERE state = ANY($2) AND deadline_status = 'due_soon')::int AS due_soon
           FROM cases GROUP BY 1 HAVING count(*) FILTER (WHERE state = ANY($2)) > 0 ORDER BY 1`,
        [len, OPEN_STATES],
      )
    ).rows.map((r) => ({ code: r.code, open: r.open, overdue: r.overdue, dueSoon: r.due_soon }));
  const [district, grid, reported, closed, evals, top] = await Promise.all([
    map(LEVEL_CODE_LENGTH.district),
    map(LEVEL_CODE_LENGTH.grid),
    db.query<{ day: string; n: number }>(
      `SELECT ${day('reported_at')}::text AS day, count(*)::int AS n FROM cases
        WHERE reported_at >= ($1::date - interval '8 hours') GROUP BY 1`,
      [fromDay],
    ),
    db.query<{ day: string; n: number }>(
      `SELECT ${day('closed_at')}::text AS day, count(*)::int AS n FROM cases
        WHERE closed_at >= ($1::date - interval '8 hours') GROUP BY 1`,
      [fromDay],
    ),
    db.query<{ e: string; n: number }>(
      `SELECT evaluation AS e, count(*)::int AS n FROM cases
        WHERE evaluated_at >= ($1::date - interval '8 hours') GROUP BY 1`,
      [fromDay],
    ),
    db.query<{ code: string; n: number }>(
      `SELECT coalesce(category_code, '-') AS code, count(*)::int AS n FROM cases
        WHERE state = ANY($1) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 8`,
      [OPEN_STATES],
    ),
  ]);
  return {
    district,
    grid,
    reported: reported.rows,
    closed: closed.rows,
    evals: evals.rows,
    top: top.rows,
  };
}

async function timeIt<T>(fn: () => Promise<T>, reps: number): Promise<{ ms: number; value: T }> {
  let value = await fn(); // warm
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    value = await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, value };
}

/** The street level equals a recount from case_rollup_daily on every sealed day (rows differing). */
async function streetLevelDifferences(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH recount AS (
       SELECT day, substr(grid_code, 1, 9) AS street_code, metric, sum(n) AS n FROM case_rollup_daily
        WHERE day IN (SELECT day FROM dashboard_rollup_days) GROUP BY 1, 2, 3
     ), stored AS (SELECT day, street_code, metric, n FROM dashboard_rollup_street)
     SELECT count(*)::int AS n FROM ((SELECT * FROM recount EXCEPT ALL SELECT * FROM stored)
                                     UNION ALL (SELECT * FROM stored EXCEPT ALL SELECT * FROM recount)) d`,
  );
  return rows[0]?.n ?? -1;
}

/** Generates (or reuses a kept schema), times both ways, checks equality, drops the schema. */
export async function runDashboardBench(opts: { quick: boolean }): Promise<BenchResult> {
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!pgUrl) {
    log('skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL');
    return { name: 'dashboard at city scale', metrics: { skipped: 'no PostgreSQL URL' }, goals: [] };
  }
  const total = opts.quick ? 1_000_000 : 10_000_000;
  const bench = await openBenchSchema(pgUrl, total, process.env.BENCH_DASHBOARD_KEEP === '1');
  const db = bench.db;
  const loads: number[] = [];
  const sampler = setInterval(() => loads.push(os.loadavg()[0] ?? 0), 5_000);
  try {
    let genMs = 0;
    let vacuumMs = 0;
    if (!bench.reused) {
      await seedCity(db);
      let t = performance.now();
      await generate(db, total);
      genMs = performance.now() - t;
      log(
        `${total.toLocaleString()} cases in ${(genMs / 1000).toFixed(1)} s (${Math.round(total / (genMs / 1000)).toLocaleString()} rows/s)`,
      );
      t = performance.now();
      await vacuumAnalyze(db);
      vacuumMs = performance.now() - t;
      log(`VACUUM ANALYZE in ${(vacuumMs / 1000).toFixed(1)} s (rollups were added per step)`);
      await db.exec('CREATE TABLE bench_generated (at timestamptz NOT NULL DEFAULT now())');
    } else {
      // Measure sealing again: forget what an earlier run sealed.
      await db.exec('DELETE FROM dashboard_rollup_street; DELETE FROM dashboard_rollup_days;');
    }
    const sizes = (
      await db.query<{ rollup: number; states: number; mb: number }>(
        `SELECT (SELECT count(*) FROM case_rollup_daily)::int AS rollup, (SELECT count(*) FROM case_state_counts)::int AS states,
                (pg_total_relation_size('cases') / 1048576)::int AS mb`,
      )
    ).rows[0]!;
    log(
      `${sizes.rollup.toLocaleString()} daily rollup rows, ${sizes.states.toLocaleString()} state rows; cases table ${sizes.mb} MB`,
    );

    const clock = new FixedClock(YEAR_END);
    const dashboard = new DashboardService({ db, clock, tileUrl: '' });
    const admin = systemActor('bench');
    const fromDay = dayBefore(localDay(YEAR_END), 29);
    // What the first summary() of a day does (here: the whole window at once, as after a deploy).
    let t = performance.now();
    const sealedDays = await dashboard.streetRollup.seal(fromDay);
    const sealMs = performance.now() - t;
    const streetRows = (
      await db.query<{ n: number }>('SELECT count(*)::int AS n FROM dashboard_rollup_street')
    ).rows[0]!.n;
    log(
      `sealed ${sealedDays.length} closed days (${fromDay} … ${sealableThrough(YEAR_END)}) into ${streetRows.toLocaleString()} street rows in ${sealMs.toFixed(0)} ms`,
    );
    // Sealing one more day (what the first read after midnight does): the next day's clock.
    clock.advance(86_400_000);
    t = performance.now();
    const oneDay = await dashboard.streetRollup.seal(dayBefore(localDay(clock.now()), 29));
    const sealOneMs = performance.now() - t;
    clock.set(YEAR_END);
    log(`sealing one more day (${oneDay.join(', ')}): ${sealOneMs.toFixed(0)} ms`);

    const reps = 5;
    const summary = await timeIt(() => dashboard.summary(admin, null), reps);
    const mapDistrict = await timeIt(() => dashboard.map(admin, 'district', null), reps);
    const mapGrid = await timeIt(() => dashboard.map(admin, 'grid', null), reps);
    const raw = await timeIt(() => rawFigures(db, fromDay), 3);
    const dashMs = summary.ms + mapDistrict.ms + mapGrid.ms;
    log(
      `dashboard: summary ${summary.ms.toFixed(1)} ms, map(district) ${mapDistrict.ms.toFixed(1)} ms, map(grid, ${mapGrid.value.length} grids) ${mapGrid.ms.toFixed(1)} ms`,
    );
    log(`raw GROUP BY over cases (same figures): ${raw.ms.toFixed(0)} ms`);

    // Equality: the dashboard's answers = a recount from cases; the street level = a recount of the grid level.
    const mismatches: string[] = [];
    const same = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b)) mismatches.push(what);
    };
    same('map district', mapDistrict.value, raw.value.district);
    same('map grid', mapGrid.value, raw.value.grid);
    const byDay = (rows: Array<{ day: string; n: number }>) => new Map(rows.map((r) => [r.day, r.n]));
    const rep = byDay(raw.value.reported);
    const clo = byDay(raw.value.closed);
    for (const d of summary.value.trend) {
      if ((rep.get(d.day) ?? 0) !== d.reported || (clo.get(d.day) ?? 0) !== d.closed)
        mismatches.push(`trend ${d.day}`);
    }
    const trendDays = new Set(summary.value.trend.map((d) => d.day));
    for (const day of [...rep.keys(), ...clo.keys()]) {
      if (day >= fromDay && !trendDays.has(day)) mismatches.push(`trend misses ${day}`);
    }
    same(
      'open/overdue/dueSoon',
      [summary.value.open, summary.value.overdue, summary.value.dueSoon],
      [
        raw.value.district.reduce((s, c) => s + c.open, 0),
        raw.value.district.reduce((s, c) => s + c.overdue, 0),
        raw.value.district.reduce((s, c) => s + c.dueSoon, 0),
      ],
    );
    same('top categories', summary.value.topCategories, raw.value.top);
    const ev = new Map(raw.value.evals.map((r) => [r.e, r.n]));
    const evaluated =
      (ev.get('satisfied') ?? 0) + (ev.get('basically_satisfied') ?? 0) + (ev.get('dissatisfied') ?? 0);
    const sat =
      evaluated > 0
        ? ((ev.get('satisfied') ?? 0) + 0.9 * (ev.get('basically_satisfied') ?? 0)) / evaluated
        : null;
    same('satisfaction', summary.value.rates.satisfaction, sat);
    const streetDiff = await streetLevelDifferences(db);
    if (streetDiff !== 0) mismatches.push(`street level: ${streetDiff} rows differ from the recount`);
    if (mismatches.length > 0) log(`MISMATCH: ${mismatches.slice(0, 10).join(', ')}`);
    else
      log(
        'equal to the recount: map at district and grid level, trend, KPI counts, top categories, satisfaction; street level = grid level on every sealed day',
      );

    const worst = Math.max(summary.ms, mapDistrict.ms, mapGrid.ms);
    const ratio = raw.ms / dashMs;
    const loadAvg = loads.length > 0 ? loads.reduce((a, b) => a + b, 0) / loads.length : os.loadavg()[0]!;
    return {
      name: `dashboard at city scale (${total.toLocaleString()} cases, PostgreSQL)`,
      metrics: {
        cases: total,
        grids: GRIDS,
        reusedSchema: bench.reused ? 'yes' : 'no',
        generateSec: Number((genMs / 1000).toFixed(1)),
        vacuumAnalyzeSec: Number((vacuumMs / 1000).toFixed(1)),
        casesTableMB: sizes.mb,
        dailyRollupRows: sizes.rollup,
        sealedDays: sealedDays.length,
        streetRows,
        sealWindowMs: Math.round(sealMs),
        sealOneDayMs: Math.round(sealOneMs),
        summaryMs: Number(summary.ms.toFixed(1)),
        mapDistrictMs: Number(mapDistrict.ms.toFixed(1)),
        mapGridMs: Number(mapGrid.ms.toFixed(1)),
        rawGroupByMs: Math.round(raw.ms),
        ratio: Number(ratio.toFixed(1)),
        mismatches: mismatches.length,
        loadAverage1m: Number(loadAvg.toFixed(2)),
      },
      goals: [
        { goal: 'each dashboard query < 300 ms', met: worst < 300 },
        { goal: '≥ 10× the raw GROUP BY', met: ratio >= 10 },
        { goal: 'rollups equal a recount', met: mismatches.length === 0 },
      ],
    };
  } finally {
    clearInterval(sampler);
    await bench.dispose();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  console.log(JSON.stringify(await runDashboardBench({ quick }), null, 2));
}
