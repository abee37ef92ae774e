import type { Queryable } from '../../db/db.js';
import type { DeviceType } from './device-rules.js';

/** A device row as the services see it. */
export interface DeviceRecord {
  id: string;
  type: DeviceType;
  name: string;
  lng: number;
  lat: number;
  gridCode: string;
  categoryCode: string;
  threshold: number;
  consecutive: number;
  silenceSeconds: number;
  active: boolean;
  createdBy: string;
  createdAt: Date;
  lastSeenAt: Date | null;
  lastTs: Date | null;
  lastValue: number | null;
  battery: number | null;
  readings: number;
  staleReadings: number;
  overCount: number;
  alarmEpisode: number;
  alarmCaseId: number | null;
  alarmPending: boolean;
  alarmValue: number | null;
  alarmRepeats: number;
  offlineEpisode: number;
  offlineRaisedAt: Date | null;
  offlineCaseId: number | null;
}

/** A device with its counters and the public codes of its cases (admin listing). */
export interface DeviceListItem extends DeviceRecord {
  malformed: number;
  lastMalformedReason: string | null;
  alarmCaseCode: string | null;
  offlineCaseCode: string | null;
}

function toDevice(r: Record<string, unknown>): DeviceRecord {
  return {
    id: r.id as string,
    type: r.type as DeviceType,
    name: r.name as string,
    lng: r.lng as number,
    lat: r.lat as number,
    gridCode: r.grid_code as string,
    categoryCode: r.category_code as string,
    threshold: r.threshold as number,
    consecutive: r.consecutive as number,
    silenceSeconds: r.silence_seconds as number,
    active: r.active as boolean,
    createdBy: r.created_by as string,
    createdAt: r.created_at as Date,
    lastSeenAt: r.last_seen_at as Date | null,
    lastTs: r.last_ts as Date | null,
    lastValue: r.last_value as number | null,
    battery: r.battery as number | null,
    readings: Number(r.readings),
    staleReadings: Number(r.stale_readings),
    overCount: r.over_count as number,
    alarmEpisode: r.alarm_episode as number,
    alarmCaseId: r.alarm_case_id === null ? null : Number(r.alarm_case_id),
    alarmPending: r.alarm_pending as boolean,
    alarmValue: r.alarm_value as number | null,
    alarmRepeats: r.alarm_repeats as number,
    offlineEpisode: r.offline_episode as number,
    offlineRaisedAt: r.offline_raised_at as Date | null,
    offlineCaseId: r.offline_case_id === null ? null : Number(r.offline_case_id),
  };
}

/** What registering a device stores. */
export interface NewDevice {
  id: string;
  type: DeviceType;
  name: string;
  lng: number;
  lat: number;
  gridCode: string;
  categoryCode: string;
  threshold: number;
  consecutive: number;
  silenceSeconds: number;
  tokenHash: string;
  createdBy: string;
  createdAt: Date;
}

/** What one accepted reading changes on its device. */
export interface ReadingUpdate {
  id: string;
  seenAt: Date;
  ts: Date;
  value: number;
  battery: number | null;
  overCount: number;
  /** An alarm reading while the episode's case is open: counted on the device. */
  repeat: boolean;
  /** An alarm reading that opens a new episode (its case is raised next). */
  newEpisode: boolean;
}

/** Case states after which an alarm opens a new episode. */
export const FINISHED_CASE_STATES = ['closed', 'evaluated', 'rejected', 'voided'] as const;

/** The only SQL for devices and their counters. */
export class DeviceRepository {
  /** Inserts a device; false when the id is taken. */
  async insert(q: Queryable, d: NewDevice): Promise<DeviceRecord | undefined> {
    const { rows } = await q.query(
      `INSERT INTO devices (id, type, name, lng, lat, grid_code, category_code, threshold, consecutive,
         silence_seconds, token_hash, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (id) DO NOTHING RETURNING *`,
      [
        d.id,
        d.type,
        d.name,
        d.lng,
        d.lat,
        d.gridCode,
        d.categoryCode,
        d.threshold,
        d.consecutive,
        d.silenceSeconds,
        d.tokenHash,
        d.createdBy,
        d.createdAt,
      ],
    );
    return rows[0] ? toDevice(rows[0]) : undefined;
  }

  /** A device by id (locked for the rest of the transaction when asked). */
  async find(q: Queryable, id: string, forUpdate = false): Promise<DeviceRecord | undefined> {
    const { rows } = await q.query(`SELECT * FROM devices WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [
      id,
    ]);
    return rows[0] ? toDevice(rows[0]) : undefined;
  }

  /** A device by the hash of its token (HTTP readings). */
  async findByTokenHash(q: Queryable, tokenHash: string): Promise<DeviceRecord | undefined> {
    const { rows } = await q.query('SELECT * FROM devices WHERE token_hash = $1 AND active', [tokenHash]);
    return rows[0] ? toDevice(rows[0]) : undefined;
  }

  /** Every device with its malformed counter and case codes, by id. */
  async list(
    q: Queryable,
    limit: number,
    offset: number,
  ): Promise<{ items: DeviceListItem[]; total: number }> {
    const { rows } = await q.query(
      `SELECT d.*, m.count AS malformed, m.last_reason AS last_malformed_reason,
              ac.public_code AS alarm_case_code, oc.public_code AS offline_case_code,
              count(*) OVER () AS total
       FROM devices d
       LEFT JOIN device_malformed m ON m.device_id = d.id
       LEFT JOIN cases ac ON ac.id = d.alarm_case_id
       LEFT JOIN cases oc ON oc.id = d.offline_case_id
       ORDER BY d.id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return {
      total: rows[0] ? Number(rows[0].total) : 0,
      items: rows.map((r) => ({
        ...toDevice(r),
        malformed: r.malformed === null ? 0 : Number(r.malformed),
        lastMalformedReason: r.last_malformed_reason as string | null,
        alarmCaseCode: r.alarm_case_code as string | null,
        offlineCaseCode: r.offline_case_code as string | null,
      })),
    };
  }

  /** True when the case has finished (closed, evaluated, rejected or voided) or does not exist. */
  async caseFinished(q: Queryable, caseId: number): Promise<boolean> {
    const { rows } = await q.query<{ state: string }>('SELECT state FROM cases WHERE id = $1', [caseId]);
    const state = rows[0]?.state;
    return state === undefined || (FINISHED_CASE_STATES as readonly string[]).includes(state);
  }

  /** Stores an accepted reading and its effect on the alarm episode (caller holds the row lock). */
  async applyReading(q: Queryable, u: ReadingUpdate): Promise<DeviceRecord> {
    const { rows } = await q.query(
      `UPDATE devices SET last_seen_at = $2, last_ts = $3, last_value = $4, battery = coalesce($5, battery),
         readings = readings + 1, over_count = $6,
         alarm_repeats = CASE WHEN $7 THEN alarm_repeats + 1 ELSE alarm_repeats END,
         alarm_episode = CASE WHEN $8 THEN alarm_episode + 1 ELSE alarm_episode END,
         alarm_case_id = CASE WHEN $8 THEN NULL ELSE alarm_case_id END,
         alarm_pending = CASE WHEN $8 THEN true ELSE alarm_pending END,
         alarm_value = CASE WHEN $8 THEN $4 ELSE alarm_value END,
         offline_raised_at = NULL, offline_case_id = NULL
       WHERE id = $1 RETURNING *`,
      [u.id, u.seenAt, u.ts, u.value, u.battery, u.overCount, u.repeat, u.newEpisode],
    );
    return toDevice(rows[0]!);
  }

  /** Counts a reading not newer than the last one (a repeat delivery): ignored, not evidence of life. */
  async countStale(q: Queryable, id: string): Promise<void> {
    await q.query('UPDATE devices SET stale_readings = stale_readings + 1 WHERE id = $1', [id]);
  }

  /** The public tracking code of a case. */
  async casePublicCode(q: Queryable, caseId: number): Promise<string | null> {
    const { rows } = await q.query<{ public_code: string }>('SELECT public_code FROM cases WHERE id = $1', [
      caseId,
    ]);
    return rows[0]?.public_code ?? null;
  }

  /** Links the case of an alarm episode (only if the episode is still the current one). */
  async setAlarmCase(q: Queryable, id: string, episode: number, caseId: number): Promise<void> {
    await q.query(
      'UPDATE devices SET alarm_case_id = $3, alarm_pending = false WHERE id = $1 AND alarm_episode = $2',
      [id, episode, caseId],
    );
  }

  /** Counts a malformed payload for a device id (registered or not). */
  async countMalformed(q: Queryable, deviceId: string, at: Date, reason: string): Promise<void> {
    await q.query(
      `INSERT INTO device_malformed (device_id, count, last_at, last_reason) VALUES ($1, 1, $2, $3)
       ON CONFLICT (device_id) DO UPDATE SET count = device_malformed.count + 1, last_at = $2, last_reason = $3`,
      [deviceId.slice(0, 64), at, reason.slice(0, 200)],
    );
  }

  /** Malformed payloads counted for a device id. */
  async malformedCount(q: Queryable, deviceId: string): Promise<number> {
    const { rows } = await q.query<{ count: string | number }>(
      'SELECT count FROM device_malformed WHERE device_id = $1',
      [deviceId],
    );
    return rows[0] ? Number(rows[0].count) : 0;
  }

  /**
   * Opens an offline episode for every active device silent since before its own limit and not
   * already raised (compare-and-set: exactly one winner per silence), returning the devices whose
   * offline case must be raised — newly opened ones and earlier ones whose intake did not finish.
   */
  async openOfflineEpisodes(q: Queryable, now: Date, limit: number): Promise<DeviceRecord[]> {
    await q.query(
      `UPDATE devices SET offline_episode = offline_episode + 1, offline_raised_at = $1::timestamptz
       WHERE id IN (
         SELECT id FROM devices
         WHERE active AND offline_raised_at IS NULL
           AND coalesce(last_seen_at, created_at) < $1::timestamptz - make_interval(secs => silence_seconds)
         ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [now, limit],
    );
    const { rows } = await q.query(
      `SELECT * FROM devices WHERE active AND offline_raised_at IS NOT NULL AND offline_case_id IS NULL
       ORDER BY id LIMIT $1`,
      [limit],
    );
    return rows.map(toDevice);
  }

  /** Links the case of an offline episode (only if that silence is still the current one). */
  async setOfflineCase(q: Queryable, id: string, episode: number, caseId: number): Promise<void> {
    await q.query(
      `UPDATE devices SET offline_case_id = $3
       WHERE id = $1 AND offline_episode = $2 AND offline_raised_at IS NOT NULL`,
      [id, episode, caseId],
    );
  }
}
