/**
 * The MQTT side of IoT intake. Devices publish JSON readings to
 * `<prefix>/devices/<deviceId>/readings` (prefix `civicgrid` by default); the consumer holds a
 * shared subscription (`$share/civicgrid-api/...`) so that with several API nodes the broker
 * hands each message to one node. Messages of one device are handled in arrival order, several
 * devices at once (bounded); a failing message is logged and dropped — nothing a device sends can
 * stop the consumer. mqtt.js reconnects by itself (every second) and the subscription is renewed
 * on every connect.
 */
import { randomBytes } from 'node:crypto';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { IngestOutcome } from './device.service.js';

/** Where readings go (DeviceService.ingest). */
export type ReadingSink = (deviceId: string, payload: Buffer) => Promise<IngestOutcome>;

/** Consumer settings. */
export interface MqttConsumerOptions {
  url: string;
  /** First topic level (default `civicgrid`); tests use a unique prefix per run. */
  topicPrefix?: string;
  /** Messages handled at once across devices (default 8). */
  concurrency?: number;
  /** Milliseconds between reconnect attempts (default 1000). */
  reconnectMs?: number;
  log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
}

/** Counters of what the consumer saw (readiness, tests). */
export interface ConsumerStats {
  received: number;
  handled: number;
  malformed: number;
  unknownDevice: number;
  stale: number;
  alarms: number;
  failed: number;
  badTopic: number;
  connects: number;
}

const DEVICE_ID = /^[A-Za-z0-9_-]{3,64}$/;

/** The topic a device publishes its readings to. */
export function readingTopic(deviceId: string, prefix = 'civicgrid'): string {
  return `${prefix}/devices/${deviceId}/readings`;
}

/** Subscribes to device readings and feeds them to the sink. */
export class MqttReadingConsumer {
  readonly stats: ConsumerStats = {
    received: 0,
    handled: 0,
    malformed: 0,
    unknownDevice: 0,
    stale: 0,
    alarms: 0,
    failed: 0,
    badTopic: 0,
    connects: 0,
  };
  /** This consumer's MQTT client id (one per process). */
  readonly clientId = `civicgrid-${randomBytes(6).toString('hex')}`;
  private client: MqttClient | undefined;
  private readonly prefix: string;
  private readonly chains = new Map<string, Promise<void>>();
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private inFlight = 0;

  constructor(
    private readonly sink: ReadingSink,
    private readonly opts: MqttConsumerOptions,
  ) {
    this.prefix = opts.topicPrefix ?? 'civicgrid';
  }

  /** True while connected to the broker. */
  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connects (resolving at once; connection and reconnection happen in the background). */
  start(): void {
    if (this.client) return;
    const options: IClientOptions = {
      clientId: this.clientId,
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: this.opts.reconnectMs ?? 1000,
      connectTimeout: 10_000,
      resubscribe: false,
    };
    const client = connect(this.opts.url, options);
    this.client = client;
    const filter = `$share/civicgrid-api/${this.prefix}/devices/+/readings`;
    client.on('connect', () => {
      this.stats.connects += 1;
      this.opts.log.info({ url: redactUrl(this.opts.url), filter }, 'mqtt connected');
      client.subscribe(filter, { qos: 1 }, (err) => {
        if (err) this.opts.log.error({ err }, 'mqtt subscribe failed');
      });
    });
    client.on('error', (err) => this.opts.log.warn({ err: err.message }, 'mqtt error'));
    client.on('offline', () => this.opts.log.warn({}, 'mqtt offline; reconnecting'));
    client.on('message', (topic, payload) => this.accept(topic, payload));
  }

  /** Resolves when every received message has been handled (tests, shutdown). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Disconnects and waits for messages in progress. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync(true);
    await this.idle();
  }

  private accept(topic: string, payload: Buffer): void {
    this.stats.received += 1;
    const head = `${this.prefix}/devices/`;
    const deviceId =
      topic.startsWith(head) && topic.endsWith('/readings')
        ? topic.slice(head.length, -'/readings'.length)
        : '';
    if (!DEVICE_ID.test(deviceId)) {
      this.stats.badTopic += 1;
      return;
    }
    this.inFlight += 1;
    const previous = this.chains.get(deviceId) ?? Promise.resolve();
    const next = previous.then(() => this.handle(deviceId, payload));
    this.chains.set(deviceId, next);
    void next.then(() => {
      if (this.chains.get(deviceId) === next) this.chains.delete(deviceId);
      this.inFlight -= 1;
      if (this.inFlight === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    });
  }

  private async handle(deviceId: string, payload: Buffer): Promise<void> {
    await this.acquire();
    try {
      const outcome = await this.sink(deviceId, payload);
      this.stats.handled += 1;
      if (outcome.kind === 'malformed') this.stats.malformed += 1;
      else if (outcome.kind === 'unknown_device') this.stats.unknownDevice += 1;
      else if (outcome.kind === 'stale') this.stats.stale += 1;
      else if (outcome.alarm) this.stats.alarms += 1;
    } catch (err) {
      this.stats.failed += 1;
      this.opts.log.error({ err, deviceId }, 'device reading failed');
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < (this.opts.concurrency ?? 8)) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
