/**
 * A pass run every `intervalMs` that never overlaps itself: a tick while the previous pass is
 * still running is skipped. The timer does not keep the process alive; `stop()` waits for a pass
 * in progress. Used by the deadline scheduler, housekeeping and the care schedule.
 */
export class PeriodicPass {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly onError?: (err: unknown) => void,
  ) {}

  /** Starts the passes; the first one right away with `immediately`, else one interval after start. */
  start(intervalMs: number, opts: { immediately?: boolean } = {}): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
    if (opts.immediately) this.tick();
  }

  /** Stops the timer and waits for a pass in progress to finish (app close, shutdown). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.pass()
      .catch((err: unknown) => this.onError?.(err))
      .finally(() => {
        this.running = undefined;
      });
  }
}
