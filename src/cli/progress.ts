import cliProgress from 'cli-progress';
import type { Progress } from '../kernel/progress.js';

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
