/**
 * The offline monitor: every interval it opens a silence episode for each device that has not
 * reported for longer than its configured silence, and files one "device offline" case per
 * episode. The episode is opened by a compare-and-set on the device row and the case is filed
 * with the key `iot:<device>:offline:<episode>`, so restarts and several nodes file it once; a
 * reading from the device ends the episode, and the next silence is a new one.
 */
import type { DeviceService } from './device.service.js';

/** What one pass did (logs, tests). */
export interface OfflinePassResult {
  raised: number;
  failed: number;
}

/** Periodic silence check over all devices. */
export class DeviceOfflineMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly devices: DeviceService,
    private readonly opts: { pageSize?: number; onError?: (err: unknown) => void } = {},
  ) {}

  /** Starts periodic passes (serve); tests call runOnce instead. */
  start(intervalMs: number): void {
    if (this.timer) return;
    const tick = () => {
      if (this.running) return;
      this.running = this.runOnce()
        .catch((err: unknown) => this.opts.onError?.(err))
        .finally(() => {
          this.running = undefined;
        });
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass at `now`: opens due silence episodes and files their cases. */
  async runOnce(now: Date = this.devices.deps.clock.now()): Promise<OfflinePassResult> {
    const { db } = this.devices.deps;
    const due = await db.transaction((tx) =>
      this.devices.repo.openOfflineEpisodes(tx, now, this.opts.pageSize ?? 500),
    );
    let raised = 0;
    let failed = 0;
    for (const d of due) {
      if (await this.devices.raiseOfflineCase(d)) raised += 1;
      else failed += 1;
    }
    return { raised, failed };
  }
}
