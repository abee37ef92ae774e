/**
 * Live case events for server-sent-event streams. One LISTEN on CASE_EVENTS_CHANNEL per process,
 * fanned out in memory to every open stream: a committed event costs one JSON parse and one
 * prefix test per connection, never a database round trip per client. Slow clients whose
 * unsent buffer grows past a limit are dropped (the browser's EventSource reconnects and resumes
 * with Last-Event-ID).
 */
import type { Db } from '../../db/db.js';
import { CASE_EVENTS_CHANNEL, type CaseEventMessage } from '../cases/index.js';

/** What one stream may see: areas by code prefix and/or departments, narrowed by `within`. */
export interface StreamFilter {
  /** Every area (city-wide staff, system). */
  all: boolean;
  /** Area code prefixes the actor reads. */
  areaPrefixes: readonly string[];
  /** Departments whose cases the actor handles. */
  departments: readonly string[];
  /** The subscriber's own narrowing (`?within=`), applied on top. */
  within?: string;
}

/** True when the event belongs on a stream with this filter. */
export function matchesFilter(f: StreamFilter, m: CaseEventMessage): boolean {
  if (f.within !== undefined && !m.gridCode.startsWith(f.within)) return false;
  if (f.all) return true;
  for (const p of f.areaPrefixes) if (m.gridCode.startsWith(p)) return true;
  return m.departmentCode !== null && f.departments.includes(m.departmentCode);
}

/** The SSE frame of one event: its id makes Last-Event-ID resume possible. */
export function eventFrame(eventId: number, json: string): string {
  return `id: ${eventId}\nevent: case\ndata: ${json}\n\n`;
}

/** An open stream as the hub sees it. */
export interface StreamSink {
  filter: StreamFilter;
  /** Writes a frame; false when the client is not keeping up (the hub then drops it). */
  write(frame: string, eventId?: number): boolean;
  /** Ends the stream (hub closing, client too slow). */
  end(): void;
}

/** Tuning of the hub. */
export interface CaseEventHubOptions {
  /** Comment line sent to every stream this often so proxies keep it open (default 15 s). */
  heartbeatMs?: number;
  /** Where a broken payload is reported. */
  onError?: (err: unknown) => void;
}

/** The process-wide fan-out of committed case events to SSE streams. */
export class CaseEventHub {
  private readonly sinks = new Set<StreamSink>();
  private unlisten: (() => Promise<void>) | undefined;
  private starting: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly opts: CaseEventHubOptions = {},
  ) {}

  /** Open streams (metrics, tests). */
  get size(): number {
    return this.sinks.size;
  }

  /** Adds a stream; the first one starts the LISTEN and the heartbeat. Returns the remover. */
  async subscribe(sink: StreamSink): Promise<() => void> {
    if (this.closed) throw new Error('event hub closed');
    await this.ensureListening();
    this.sinks.add(sink);
    return () => {
      this.sinks.delete(sink);
    };
  }

  /** Ends every stream and the LISTEN (app close: lets the HTTP server finish closing). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const s of this.sinks) s.end();
    this.sinks.clear();
    await this.starting?.catch(() => undefined);
    const un = this.unlisten;
    this.unlisten = undefined;
    await un?.().catch(() => undefined);
  }

  private ensureListening(): Promise<void> {
    this.starting ??= (async () => {
      this.unlisten = await this.db.listen(CASE_EVENTS_CHANNEL, (payload) => this.dispatch(payload));
      this.heartbeat = setInterval(() => this.beat(), this.opts.heartbeatMs ?? 15_000);
      this.heartbeat.unref();
    })().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  /** One NOTIFY payload to every stream that may see it. */
  dispatch(payload: string): void {
    let m: CaseEventMessage;
    try {
      m = JSON.parse(payload) as CaseEventMessage;
    } catch (err) {
      this.opts.onError?.(err);
      return;
    }
    if (typeof m.gridCode !== 'string' || typeof m.eventId !== 'number') return;
    const frame = eventFrame(m.eventId, payload);
    for (const s of this.sinks) {
      if (matchesFilter(s.filter, m) && !s.write(frame, m.eventId)) this.drop(s);
    }
  }

  private beat(): void {
    for (const s of this.sinks) if (!s.write(': heartbeat\n\n')) this.drop(s);
  }

  private drop(s: StreamSink): void {
    this.sinks.delete(s);
    s.end();
  }
}
