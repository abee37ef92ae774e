/**
 * IoT intake: device registration (admin) and readings from MQTT or HTTP. A reading is parsed
 * against its device type; malformed ones are counted per device and never reach the case loop.
 * A well-formed reading updates the device row under its lock and, when the type's threshold
 * rule says "alarm", either counts a repeat on the open episode's case or opens a new episode
 * whose case is filed through the one intake use case (channel `sensor`, idempotency key
 * `iot:<device>:alarm:<episode>`, so a retry or a second node never files it twice).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/db.js';
import { type Actor, systemActor } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import type { Clock } from '../../lib/clock.js';
import type { CaseIntakeService, IntakeResult } from '../cases/index.js';
import type { LocateService } from '../grid/index.js';
import { categoryReader } from '../taxonomy/index.js';
import { DeviceErrors } from './device.errors.js';
import { devicePolicy } from './device.policy.js';
import { type DeviceListItem, type DeviceRecord, DeviceRepository } from './device.repository.js';
import {
  DEVICE_TYPE_SPECS,
  type DeviceType,
  judgeReading,
  OFFLINE_CATEGORY,
  parseReading,
} from './device-rules.js';

/** Every case a sensor files is reported by this actor (audited by name). */
export const IOT_ACTOR: Actor = systemActor('iot');

/** What an admin registers. */
export interface DeviceInput {
  id: string;
  type: DeviceType;
  name: string;
  lng: number;
  lat: number;
  categoryCode?: string;
  threshold?: number;
  consecutive?: number;
  silenceSeconds?: number;
}

/** What happened to one reading. */
export type IngestOutcome =
  | { kind: 'unknown_device' }
  | { kind: 'malformed'; reason: string }
  | { kind: 'stale' }
  | {
      kind: 'accepted';
      alarm: boolean;
      /** The alarm attached to the open case of its episode instead of filing a new one. */
      repeat: boolean;
      /** The episode's case, when the reading raised or attached to one. */
      caseCode: string | null;
    };

/** Dependencies of the device services. */
export interface DeviceDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  locate: LocateService;
  intake: CaseIntakeService;
  /** Where malformed payloads and failed case intakes are logged. */
  log: { warn(obj: object, msg: string): void };
}

/** SHA-256 of a device token (only the hash is stored). */
export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Device registration and reading intake. */
export class DeviceService {
  readonly repo = new DeviceRepository();
  private readonly taxonomy = categoryReader();

  constructor(readonly deps: DeviceDeps) {}

  /** Registers a device (admin; audited) and returns it with its token, shown only this once. */
  async register(actor: Actor, input: DeviceInput): Promise<{ device: DeviceRecord; token: string }> {
    devicePolicy.assert(actor, 'register');
    const { db, clock, audit, locate } = this.deps;
    const spec = DEVICE_TYPE_SPECS[input.type];
    const located = await locate.locate(input.lng, input.lat);
    if (!located)
      throw DeviceErrors.InvalidDevice({
        params: { detail: `(${input.lng}, ${input.lat}) is not inside any grid` },
        field: 'body/lng',
      });
    const token = `cgd_${randomBytes(24).toString('base64url')}`;
    return db.transaction(async (tx) => {
      const categoryCode = input.categoryCode ?? spec.categoryCode;
      if (!(await this.taxonomy.activeCategory(tx, categoryCode)))
        throw DeviceErrors.InvalidDevice({
          params: { detail: `category ${categoryCode} does not exist` },
          field: 'body/categoryCode',
        });
      const createdBy =
        actor.kind === 'user' ? `user:${actor.userId}` : actor.kind === 'system' ? actor.name : 'anonymous';
      const device = await this.repo.insert(tx, {
        id: input.id,
        type: input.type,
        name: input.name,
        lng: input.lng,
        lat: input.lat,
        gridCode: located.grid.code,
        categoryCode,
        threshold: input.threshold ?? spec.threshold,
        consecutive: input.consecutive ?? spec.consecutive,
        silenceSeconds: input.silenceSeconds ?? spec.silenceSeconds,
        tokenHash: hashDeviceToken(token),
        createdBy,
        createdAt: clock.now(),
      });
      if (!device) throw DeviceErrors.DeviceExists({ params: { id: input.id }, field: 'body/id' });
      await audit.record(tx, {
        actor,
        action: 'device.register',
        resourceType: 'device',
        resourceId: device.id,
        areaCode: device.gridCode,
        details: {
          type: device.type,
          categoryCode,
          threshold: device.threshold,
          consecutive: device.consecutive,
        },
      });
      return { device, token };
    });
  }

  /** Devices with their counters (admin). */
  async list(
    actor: Actor,
    page: { limit: number; offset: number },
  ): Promise<{ items: DeviceListItem[]; total: number }> {
    devicePolicy.assert(actor, 'list');
    return this.repo.list(this.deps.db, page.limit, page.offset);
  }

  /** A reading over HTTP: the token must be the device's own; malformed bodies are counted, then refused. */
  async ingestHttp(deviceId: string, token: string | undefined, payload: unknown): Promise<IngestOutcome> {
    const device = token ? await this.repo.findByTokenHash(this.deps.db, hashDeviceToken(token)) : undefined;
    if (!device || device.id !== deviceId) throw DeviceErrors.DeviceTokenInvalid();
    const outcome = await this.ingest(deviceId, payload);
    if (outcome.kind === 'malformed')
      throw DeviceErrors.ReadingMalformed({ params: { reason: outcome.reason } });
    return outcome;
  }

  /**
   * One reading of a device, from any transport. Never throws for bad input: unknown devices and
   * malformed payloads are counted and logged; only database failures propagate.
   */
  async ingest(deviceId: string, payload: unknown): Promise<IngestOutcome> {
    const { db, clock, log } = this.deps;
    const now = clock.now();
    const known = await this.repo.find(db, deviceId);
    if (!known?.active) {
      await this.repo.countMalformed(db, deviceId, now, 'unknown device');
      log.warn({ deviceId }, 'reading from an unknown device');
      return { kind: 'unknown_device' };
    }
    const parsed = parseReading(known.type, payload, now);
    if (!parsed.ok) {
      await this.repo.countMalformed(db, deviceId, now, parsed.reason);
      log.warn({ deviceId, reason: parsed.reason }, 'malformed device reading');
      return { kind: 'malformed', reason: parsed.reason };
    }
    const { reading } = parsed;
    const step = await db.transaction(async (tx) => {
      const d = (await this.repo.find(tx, deviceId, true))!;
      if (d.lastTs !== null && reading.ts.getTime() <= d.lastTs.getTime()) {
        await this.repo.countStale(tx, d.id);
        return { stale: true as const };
      }
      const judged = judgeReading(d, d.overCount, reading.value);
      const openCase =
        judged.alarm && d.alarmCaseId !== null && !(await this.repo.caseFinished(tx, d.alarmCaseId));
      const pending = judged.alarm && !openCase && d.alarmPending;
      const updated = await this.repo.applyReading(tx, {
        id: d.id,
        seenAt: now,
        ts: reading.ts,
        value: reading.value,
        battery: reading.battery,
        overCount: judged.overCount,
        repeat: openCase || pending,
        newEpisode: judged.alarm && !openCase && !pending,
      });
      return { stale: false as const, alarm: judged.alarm, repeat: openCase, device: updated };
    });
    if (step.stale) return { kind: 'stale' };
    if (!step.alarm) return { kind: 'accepted', alarm: false, repeat: false, caseCode: null };
    if (step.repeat) {
      const code = await this.caseCode(step.device.alarmCaseId);
      return { kind: 'accepted', alarm: true, repeat: true, caseCode: code };
    }
    const result = await this.raiseAlarmCase(step.device);
    return { kind: 'accepted', alarm: true, repeat: false, caseCode: result?.publicCode ?? null };
  }

  /** Files the case of the device's current alarm episode (idempotent per episode) and links it. */
  private async raiseAlarmCase(d: DeviceRecord): Promise<IntakeResult | undefined> {
    const spec = DEVICE_TYPE_SPECS[d.type];
    const value = d.alarmValue ?? d.lastValue ?? 0;
    try {
      const { result } = await this.deps.intake.report(IOT_ACTOR, {
        channel: 'sensor',
        idempotencyKey: `iot:${d.id}:alarm:${d.alarmEpisode}`,
        lng: d.lng,
        lat: d.lat,
        categoryCode: d.categoryCode,
        description: `【物联感知】${spec.nameZh}：设备 ${d.id}（${d.name}）读数 ${value}${spec.unit}，阈值 ${d.threshold}${spec.unit} / ${spec.nameEn}: device ${d.id} read ${value} ${spec.unit} (limit ${d.threshold})`,
        externalRef: `iot:${d.id}:alarm:${d.alarmEpisode}`,
      });
      await this.repo.setAlarmCase(this.deps.db, d.id, d.alarmEpisode, result.id);
      return result;
    } catch (err) {
      // The episode stays pending: the next alarm reading files it with the same key.
      this.deps.log.warn({ err, deviceId: d.id }, 'could not file the alarm case');
      return undefined;
    }
  }

  /** Files the "device offline" case of the device's current silence (idempotent per silence). */
  async raiseOfflineCase(d: DeviceRecord): Promise<IntakeResult | undefined> {
    const spec = DEVICE_TYPE_SPECS[d.type];
    const since = (d.lastSeenAt ?? d.createdAt).toISOString();
    try {
      const { result } = await this.deps.intake.report(IOT_ACTOR, {
        channel: 'sensor',
        idempotencyKey: `iot:${d.id}:offline:${d.offlineEpisode}`,
        lng: d.lng,
        lat: d.lat,
        categoryCode: OFFLINE_CATEGORY,
        description: `【物联感知】设备离线：${spec.nameZh}设备 ${d.id}（${d.name}）自 ${since} 起无数据 / Device offline: ${d.id} silent since ${since}`,
        externalRef: `iot:${d.id}:offline:${d.offlineEpisode}`,
      });
      await this.repo.setOfflineCase(this.deps.db, d.id, d.offlineEpisode, result.id);
      return result;
    } catch (err) {
      this.deps.log.warn({ err, deviceId: d.id }, 'could not file the offline case');
      return undefined;
    }
  }

  private async caseCode(caseId: number | null): Promise<string | null> {
    return caseId === null ? null : this.repo.casePublicCode(this.deps.db, caseId);
  }
}
