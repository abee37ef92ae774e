/** Reports progress of one long step; the demo, imports and benchmarks take one. */
export interface Progress {
  start(label: string, total: number): void;
  tick(n?: number): void;
  done(): void;
}

/** Progress that reports nothing (tests, API-triggered jobs). */
export const silentProgress: Progress = { start() {}, tick() {}, done() {} };
