/**
 * Live campaign figures for server-sent-event streams: one LISTEN on PROGRESS_CHANNEL per
 * process, fanned out in memory to every open stream of that campaign (the NOTIFY carries the
 * grid's new figures, so no stream costs a database round trip per update). Like the case event
 * hub, a stream that stops reading is dropped and its EventSource reconnects (and re-reads the
 * figures in full).
 */
import type { Db } from '../../db/db.js';
import { type AreaScope, codeWithin } from '../../kernel/policy.js';
import { PROGRESS_CHANNEL, type ProgressMessage } from './emergency-support.js';

/** One open stream. */
export interface ProgressSink {
  campaignId: number;
  scope: AreaScope;
  /** False when the client is not keeping up (the hub then ends it). */
  write(frame: string): boolean;
  end(): void;
}

/** True when a grid lies in the scope. */
function inScope(scope: AreaScope, gridCode: string): boolean {
  return scope.all || scope.codes.some((c) => codeWithin(c, gridCode));
}

/** The process-wide fan-out of committed progress updates. */
export class ProgressHub {
  private readonly sinks = new Set<ProgressSink>();
  private starting: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Open streams (tests, metrics). */
  get size(): number {
    return this.sinks.size;
  }

  /** Adds a stream; the first one starts the LISTEN. Returns the remover. */
  async subscribe(sink: ProgressSink): Promise<() => void> {
    if (this.closed) throw new Error('progress hub closed');
    this.starting ??= (async () => {
      this.unlisten = await this.db.listen(PROGRESS_CHANNEL, (p) => this.dispatch(p));
      this.heartbeat = setInterval(() => {
        for (const s of this.sinks) if (!s.write(': heartbeat\n\n')) this.drop(s);
      }, 15_000);
      this.heartbeat.unref();
    })().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    await this.starting;
    this.sinks.add(sink);
    return () => {
      this.sinks.delete(sink);
    };
  }

  /** One NOTIFY payload to the streams of its campaign whose scope holds the grid. */
  dispatch(payload: string): void {
    let m: ProgressMessage;
    try {
      m = JSON.parse(payload) as ProgressMessage;
    } catch (err) {
      this.onError(err);
      return;
    }
    const frame = `event: progress\ndata: ${payload}\n\n`;
    for (const s of this.sinks)
      if (s.campaignId === m.campaignId && inScope(s.scope, m.gridCode) && !s.write(frame)) this.drop(s);
  }

  /** Ends every stream and the LISTEN. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const s of this.sinks) s.end();
    this.sinks.clear();
    await this.starting?.catch(() => undefined);
    await this.unlisten?.().catch(() => undefined);
  }

  private drop(s: ProgressSink): void {
    this.sinks.delete(s);
    s.end();
  }
}
