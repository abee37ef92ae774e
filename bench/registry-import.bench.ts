/**
 * Base-data import benchmark: 1M person rows (quick: 100k) from one CSV file into PostgreSQL
 * through the real RegistryService (validation, AES-GCM sealing and keyed hashes on two worker
 * threads, new people in chunked multi-row inserts, rows of known people staged and merged
 * set-based, provenance), with the terminal progress bar. A second file of
 * 10 % overlapping people from another department measures the merge path and must give exactly
 * one person per ID number. Baseline in the same run: parsing the same CSV without sealing or
 * writing (the floor any import pays). Needs BENCH_DATABASE_URL or TEST_DATABASE_URL.
 * Run: `npx tsx bench/registry-import.bench.ts [--quick]`.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { terminalProgress } from '../src/cli/progress.js';
import { migrate } from '../src/db/migrate.js';
import { openPostgres } from '../src/db/postgres-driver.js';
import { systemActor } from '../src/kernel/actor.js';
import { idNumberCheckChar, personName, phoneNumber } from '../src/kernel/demo-data/demo-content.js';
import { systemClock } from '../src/lib/clock.js';
import { FieldCipher } from '../src/lib/privacy.js';
import { createRng } from '../src/lib/random.js';
import { AuditService } from '../src/modules/audit/audit.service.js';
import { DepartmentRepository } from '../src/modules/org/department.repository.js';
import { RegistryService } from '../src/modules/registry/registry.service.js';
import { countDataRows, readTable } from '../src/modules/registry/tabular-file.js';
import type { BenchResult } from './bench-result.js';

const RESIDENCE = ['户籍', '常住', '流动'] as const;
const DISTRICTS = ['320502', '320503', '320505', '320506', '320507'];

/** A unique valid ID number per index: district + birth date + sequence (GB 11643 check character). */
function uniqueId(i: number): string {
  const day = new Date(Date.UTC(1940, 0, 1) + (i % 29_000) * 86_400_000);
  const ymd = day.toISOString().slice(0, 10).replace(/-/g, '');
  const seq = String(1 + Math.floor(i / 29_000)).padStart(3, '0');
  const first17 = `${DISTRICTS[Math.floor(i / 29_000 / 999) % 5]}${ymd}${seq}`;
  return first17 + idNumberCheckChar(first17);
}

function makeCsv(seed: string, rows: number): Buffer {
  const rng = createRng(seed);
  const lines: string[] = ['姓名,身份证号,联系电话,居住类型'];
  for (let i = 0; i < rows; i++) {
    lines.push(`${personName(rng).zh},${uniqueId(i)},${phoneNumber(rng)},${RESIDENCE[i % 3]}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** Imports the generated files into a throw-away schema and reports rows per second. */
export async function runRegistryImportBench(opts: { quick: boolean }): Promise<BenchResult> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL database');
  const rows = opts.quick ? 100_000 : 1_000_000;
  const log = (s: string): void => console.log(`[registry-import] ${s}`);

  let t = performance.now();
  const file = makeCsv('registry-bench', rows);
  log(
    `generated ${rows.toLocaleString()} rows (${(file.length / 1e6).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  // Baseline: parse only.
  t = performance.now();
  let parsed = 0;
  for await (const _row of readTable(file, 'csv')) parsed++;
  const parseS = (performance.now() - t) / 1000;
  log(`parse-only baseline: ${parsed.toLocaleString()} rows in ${parseS.toFixed(1)} s`);

  const schema = `cg_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = await openPostgres({ connectionString: url, schema: `${schema},public`, max: 4 });
  try {
    await migrate(db);
    await new DepartmentRepository().upsertMany(db, [
      { code: 'public_security', nameZh: '公安局', nameEn: 'Public Security', kind: 'bureau' },
      { code: 'civil_affairs', nameZh: '民政局', nameEn: 'Civil Affairs', kind: 'bureau' },
    ]);
    const svc = new RegistryService(db, {
      audit: new AuditService(db, systemClock),
      cipher: new FieldCipher('bench-data-key-'.padEnd(40, 'x')),
      clock: systemClock,
    });
    t = performance.now();
    const first = await svc.importPeople(systemActor('bench'), {
      source: 'public_security',
      fileName: 'people.csv',
      rows: readTable(file, 'csv'),
      progress: terminalProgress(process.stdout),
      expectedRows: countDataRows(file, 'csv') ?? rows,
    });
    const importS = (performance.now() - t) / 1000;
    log(
      `import: ${first.created.toLocaleString()} people, ${first.rejected} rejected in ${importS.toFixed(1)} s`,
    );

    const overlapRows = Math.round(rows / 10);
    const second = makeCsv('registry-bench-2', overlapRows);
    t = performance.now();
    const merged = await svc.importPeople(systemActor('bench'), {
      source: 'civil_affairs',
      fileName: 'people-mz.csv',
      rows: readTable(second, 'csv'),
    });
    const mergeS = (performance.now() - t) / 1000;
    log(
      `merge file: ${merged.merged.toLocaleString()} merged, ${merged.conflicts.toLocaleString()} conflicts in ${mergeS.toFixed(1)} s`,
    );
    const { rows: count } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM people');
    const people = count[0]?.n ?? 0;
    if (people !== first.created) throw new Error(`merge duplicated people: ${people} ≠ ${first.created}`);
    const rate = rows / importS;
    return {
      name: 'registry-import',
      metrics: {
        rows,
        'import seconds': Number(importS.toFixed(1)),
        'rows/s': Math.round(rate),
        'parse-only baseline seconds': Number(parseS.toFixed(1)),
        'import / parse-only': Number((importS / parseS).toFixed(1)),
        'merge file rows': overlapRows,
        'merge seconds': Number(mergeS.toFixed(1)),
        'people after merge': people,
      },
      goals: [
        {
          goal: `${rows.toLocaleString()} person rows from CSV into PostgreSQL in < ${opts.quick ? 6 : 60} s`,
          met: importS < (opts.quick ? 6 : 60),
        },
        { goal: 'second department file merges without duplicating people', met: people === first.created },
      ],
    };
  } finally {
    await db.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  const r = await runRegistryImportBench({ quick });
  console.log(JSON.stringify(r, null, 2));
}
