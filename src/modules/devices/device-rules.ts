/**
 * Sensor types, their readings and their threshold rules — pure, so the MQTT consumer, the HTTP
 * endpoint and the tests share one definition of "malformed" and of "alarm".
 */

/** The sensor types CivicGrid understands. */
export const DEVICE_TYPES = ['manhole_tilt', 'water_level', 'smoke', 'noise', 'bin_fill'] as const;
/** One of DEVICE_TYPES. */
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** What a type measures and when it alarms; per-device values override the defaults. */
export interface DeviceTypeSpec {
  /** The unit of `value`; a reading naming another unit is malformed. */
  unit: string;
  /** Physically possible values; outside them the reading is malformed, not an alarm. */
  min: number;
  max: number;
  /** Alarm when value > threshold (smoke: value ≥ 1 means detected, threshold 0.5). */
  threshold: number;
  /** Readings in a row over the threshold before it counts (noise: 3). */
  consecutive: number;
  /** Category a case is filed under unless the device names another. */
  categoryCode: string;
  /** Default silence before the device counts as offline. */
  silenceSeconds: number;
  nameZh: string;
  nameEn: string;
}

/** Defaults per type (DOMAIN §3: manhole covers, water level, smoke, noise, waste-bin fill). */
export const DEVICE_TYPE_SPECS: Readonly<Record<DeviceType, DeviceTypeSpec>> = {
  manhole_tilt: {
    unit: 'deg',
    min: 0,
    max: 180,
    threshold: 15,
    consecutive: 1,
    categoryCode: 'P0102',
    silenceSeconds: 3600,
    nameZh: '井盖倾斜',
    nameEn: 'Manhole cover tilted',
  },
  water_level: {
    unit: 'cm',
    min: -1000,
    max: 10000,
    threshold: 20,
    consecutive: 1,
    categoryCode: 'E0405',
    silenceSeconds: 3600,
    nameZh: '积水超限',
    nameEn: 'Water level over the limit',
  },
  smoke: {
    unit: 'bool',
    min: 0,
    max: 1,
    threshold: 0.5,
    consecutive: 1,
    categoryCode: 'E0408',
    silenceSeconds: 3600,
    nameZh: '烟感报警',
    nameEn: 'Smoke detected',
  },
  noise: {
    unit: 'dB',
    min: 0,
    max: 200,
    threshold: 70,
    consecutive: 3,
    categoryCode: 'E0509',
    silenceSeconds: 3600,
    nameZh: '噪声超标',
    nameEn: 'Noise over the limit',
  },
  bin_fill: {
    unit: '%',
    min: 0,
    max: 100,
    threshold: 90,
    consecutive: 1,
    categoryCode: 'P0302',
    silenceSeconds: 7200,
    nameZh: '垃圾桶满溢',
    nameEn: 'Waste bin full',
  },
};

/** The category of "device offline" cases: the IoT sensor part class. */
export const OFFLINE_CATEGORY = 'P0606';

/** A well-formed reading. */
export interface Reading {
  ts: Date;
  value: number;
  battery: number | null;
}

/** Either a reading or why the payload was refused. */
export type ParsedReading = { ok: true; reading: Reading } | { ok: false; reason: string };

const MAX_PAYLOAD_BYTES = 4096;
/** Readings more than a day in the future are refused (a broken device clock). */
const MAX_FUTURE_MS = 86_400_000;

/**
 * Parses a payload `{ts, value, unit?, battery?}`: ts is ISO 8601 with offset or epoch
 * milliseconds; smoke accepts true/false for value. Anything else is malformed, with a reason.
 */
export function parseReading(type: DeviceType, payload: unknown, now: Date): ParsedReading {
  let body = payload;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const text = body.toString();
    if (text.length > MAX_PAYLOAD_BYTES) return { ok: false, reason: 'payload too large' };
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      return { ok: false, reason: 'not JSON' };
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, reason: 'not a JSON object' };
  const o = body as Record<string, unknown>;
  const spec = DEVICE_TYPE_SPECS[type];
  const ts = parseTs(o.ts);
  if (!ts) return { ok: false, reason: 'ts missing or not a date' };
  if (ts.getTime() > now.getTime() + MAX_FUTURE_MS) return { ok: false, reason: 'ts in the future' };
  const value = typeof o.value === 'boolean' && type === 'smoke' ? (o.value ? 1 : 0) : o.value;
  if (typeof value !== 'number' || !Number.isFinite(value))
    return { ok: false, reason: 'value not a number' };
  if (value < spec.min || value > spec.max)
    return { ok: false, reason: `value outside ${spec.min}..${spec.max}` };
  if (o.unit !== undefined && o.unit !== spec.unit) return { ok: false, reason: `unit is not ${spec.unit}` };
  let battery: number | null = null;
  if (o.battery !== undefined && o.battery !== null) {
    if (typeof o.battery !== 'number' || !(o.battery >= 0 && o.battery <= 100))
      return { ok: false, reason: 'battery outside 0..100' };
    battery = o.battery;
  }
  return { ok: true, reading: { ts, value, battery } };
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseTs(v: unknown): Date | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v > 946_684_800_000 && v < 4_102_444_800_000)
    return new Date(v);
  if (typeof v === 'string' && ISO_WITH_ZONE.test(v)) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** The rule a device applies (its type's defaults, possibly overridden at registration). */
export interface ThresholdRule {
  threshold: number;
  consecutive: number;
}

/**
 * Judges one reading: the run of readings over the threshold grows or resets, and the device is
 * in alarm once the run reaches `consecutive`.
 */
export function judgeReading(
  rule: ThresholdRule,
  overCount: number,
  value: number,
): { overCount: number; alarm: boolean } {
  const next = value > rule.threshold ? overCount + 1 : 0;
  return { overCount: next, alarm: next >= rule.consecutive };
}
