/** What every benchmark returns, so bench/run.ts can print one summary and BENCHMARKS.md stays uniform. */
export interface BenchResult {
  name: string;
  metrics: Record<string, number | string>;
  goals: Array<{ goal: string; met: boolean }>;
}
