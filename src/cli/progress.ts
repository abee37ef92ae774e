import cliProgress from 'cli-progress';

/** Reports progress of one long step; the demo, imports and benchmarks take one. */
export interface Progress {
  start(label: string, total: number): void;
  tick(n?: number): void;
  done(): void;
}

/** Progress that reports nothing (tests, API-triggered jobs). */
export const silentProgress: Progress = { start() {}, tick() {}, done() {} };

/**
 * A terminal progress bar on a TTY; on a pipe (CI, logs) one line per step with its count and
 * duration, so output stays readable.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let bar: cliProgress.SingleBar | undefined;
  let label = '';
  let total = 0;
  let started = 0;
  return {
    start(l, t) {
      label = l;
      total = t;
      started = Date.now();
      if (stream.isTTY) {
        bar = new cliProgress.SingleBar(
          {
            format: `${l.padEnd(28)} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}`,
            stream,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(t, 0);
      }
    },
    tick(n = 1) {
      bar?.increment(n);
    },
    done() {
      if (bar) {
        bar.update(total);
        bar.stop();
        bar = undefined;
      } else {
        stream.write(
          `${label.padEnd(28)} ${total} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
      }
    },
  };
}
