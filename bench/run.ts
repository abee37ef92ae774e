/**
 * Runs every benchmark in one process and prints a summary table; `BENCH_QUICK=1` runs the small
 * variants (for CI smoke runs), `BENCH_ONLY=intake,dashboard` runs only the named ones. Exit code 1
 * when a benchmark throws (e.g. answers differ).
 */
import { runAnonLimitBench } from './anon-limit.bench.js';
import type { BenchResult } from './bench-result.js';
import { runDashboardBench } from './dashboard.bench.js';
import { runIntakeBench } from './intake.bench.js';
import { runLocateBench } from './locate.bench.js';
import { runRegistryImportBench } from './registry-import.bench.js';
import { runSseBench } from './sse.bench.js';

/** A benchmark entry: add new ones here. */
const BENCHES: Array<{ name: string; run: (opts: { quick: boolean }) => Promise<BenchResult> }> = [
  { name: 'locate', run: runLocateBench },
  { name: 'registry-import', run: runRegistryImportBench },
  { name: 'intake', run: runIntakeBench },
  { name: 'dashboard', run: runDashboardBench },
  { name: 'sse', run: runSseBench },
  { name: 'anon-limit', run: runAnonLimitBench },
];

async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  const selected = only ? BENCHES.filter((b) => only.includes(b.name)) : BENCHES;
  if (selected.length === 0)
    throw new Error(`BENCH_ONLY matches none of ${BENCHES.map((b) => b.name).join(', ')}`);
  const results: BenchResult[] = [];
  let failed = false;
  for (const bench of selected) {
    console.log(`\n=== ${bench.name}${quick ? ' (quick)' : ''} ===`);
    try {
      results.push(await bench.run({ quick }));
    } catch (err) {
      failed = true;
      console.error(`benchmark ${bench.name} failed:`, err);
    }
  }
  console.log('\n=== summary ===');
  for (const r of results) {
    console.log(`\n${r.name}`);
    const width = Math.max(...Object.keys(r.metrics).map((k) => k.length), 4);
    for (const [k, v] of Object.entries(r.metrics)) {
      console.log(`  ${k.padEnd(width)}  ${typeof v === 'number' ? formatNumber(v) : v}`);
    }
    for (const g of r.goals) console.log(`  ${g.met ? '✓' : '✗'} ${g.goal}`);
  }
  if (failed) process.exitCode = 1;
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

await main();
