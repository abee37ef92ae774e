/**
 * IoT intake against the real Mosquitto broker (127.0.0.1:1883): 10,000 sensor messages — 5 %
 * malformed, bursts of repeated deliveries — through the app's MQTT consumer. Each run uses its
 * own topic prefix and device ids, so parallel runs (and both database drivers) never share a
 * message. Also: the token-authenticated HTTP endpoint, a new episode after a case closes, and a
 * simulated silence producing exactly one offline case.
 */
import { randomBytes } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor } from '../../src/kernel/actor.js';
import { FixedClock } from '../../src/lib/clock.js';
import type { DeviceType } from '../../src/modules/devices/device-rules.js';
import { readingTopic } from '../../src/modules/devices/mqtt-reading-consumer.js';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { createTestUser, sessionFor } from '../support/identity.js';

const ADMIN = systemActor('test-admin');
const BROKER = 'mqtt://127.0.0.1:1883';
const TOTAL = 10_000;
const MALFORMED = 500;

/** How a device behaves in the run: which values it sends. */
type Plan = 'alarm' | 'normal' | 'spikes';
const PLANS: Array<{ type: DeviceType; plan: Plan; value: (i: number) => number }> = [
  { type: 'manhole_tilt', plan: 'alarm', value: (i) => (i > 100 ? 40 : 2) },
  { type: 'manhole_tilt', plan: 'normal', value: (i) => i % 10 },
  { type: 'water_level', plan: 'alarm', value: (i) => (i > 50 ? 35 : 5) },
  { type: 'water_level', plan: 'normal', value: () => 12 },
  { type: 'smoke', plan: 'alarm', value: (i) => (i % 97 === 96 ? 1 : 0) },
  { type: 'smoke', plan: 'normal', value: () => 0 },
  { type: 'noise', plan: 'alarm', value: (i) => (i > 200 && i < 260 ? 80 : 55) },
  // Over 70 dB now and then, never three readings in a row: no case.
  { type: 'noise', plan: 'spikes', value: (i) => (i % 3 === 0 ? 85 : 60) },
  { type: 'bin_fill', plan: 'alarm', value: (i) => Math.min(100, i / 3) },
  { type: 'bin_fill', plan: 'normal', value: (i) => i % 80 },
];

function malformedPayload(n: number): string {
  const ts = new Date().toISOString();
  return [
    '{"ts": ',
    'not json at all',
    JSON.stringify({ value: 3 }),
    JSON.stringify({ ts, value: 'high' }),
    JSON.stringify({ ts, value: 99999 }),
    JSON.stringify({ ts, value: 1, unit: 'furlongs' }),
    JSON.stringify({ ts: 'yesterday', value: 1 }),
    JSON.stringify([1, 2, 3]),
    JSON.stringify({ ts, value: 1, battery: 140 }),
    '',
  ][n % 10]!;
}

describeEachDriver('IoT sensor intake', (t) => {
  let built: BuiltApp;
  let clock: FixedClock;
  const run = randomBytes(4).toString('hex');
  const prefix = `cgtest-${run}`;
  let grid: Awaited<ReturnType<typeof someGrid>>;

  beforeAll(async () => {
    await seedCity(t().db);
    grid = await someGrid(t().db, 5);
    clock = new FixedClock(new Date());
    built = await buildTestApp(t().db, { clock, env: { MQTT_URL: BROKER, MQTT_TOPIC_PREFIX: prefix } });
  }, 120_000);

  afterAll(async () => {
    await built?.app.close();
  });

  async function register(id: string, type: DeviceType, extra: { silenceSeconds?: number } = {}) {
    return built.services.iot.devices.register(ADMIN, {
      id,
      type,
      name: `${type} ${id}`,
      lng: grid.lng,
      lat: grid.lat,
      ...extra,
    });
  }

  async function casesOf(devicePrefix: string) {
    const { rows } = await t().db.query<{
      external_ref: string;
      public_code: string;
      channel: string;
      category_code: string;
    }>(
      'SELECT external_ref, public_code, channel, category_code FROM cases WHERE external_ref LIKE $1 ORDER BY external_ref',
      [`iot:${devicePrefix}%`],
    );
    return rows;
  }

  it('10,000 MQTT messages: one case per alarming device, repeats attached, malformed counted, consumer still up', async () => {
    const devices = PLANS.map((p, i) => ({ ...p, id: `${run}-m${String(i).padStart(2, '0')}` }));
    for (const d of devices) await register(d.id, d.type);
    const consumer = built.services.iot.mqtt!;
    consumer.start();
    const pub = await connectAsync(BROKER, { clientId: `cgtest-pub-${run}`, protocolVersion: 5 });
    for (let i = 0; i < 50 && !consumer.connected; i++) await new Promise((r) => setTimeout(r, 100));
    expect(consumer.connected).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // the subscription is acknowledged

    // Build the message list: readings with rising ts, every 40th delivered 5 times in a burst,
    // and 500 malformed payloads spread over the devices, until exactly 10,000 messages.
    const messages: Array<{ topic: string; payload: string }> = [];
    const base = clock.now().getTime() - 3_600_000;
    const valid = TOTAL - MALFORMED;
    let i = 0;
    while (messages.length < valid) {
      for (const d of devices) {
        if (messages.length >= valid) break;
        const payload = JSON.stringify({
          ts: new Date(base + i * 1000).toISOString(),
          value: d.value(i),
          battery: 80,
        });
        const copies = i % 40 === 0 ? 5 : 1;
        for (let c = 0; c < copies && messages.length < valid; c++)
          messages.push({ topic: readingTopic(d.id, prefix), payload });
      }
      i += 1;
    }
    for (let m = 0; m < MALFORMED; m++) {
      const at = Math.floor((m * messages.length) / MALFORMED) + m;
      messages.splice(at, 0, {
        topic: readingTopic(devices[m % devices.length]!.id, prefix),
        payload: malformedPayload(m),
      });
    }
    expect(messages).toHaveLength(TOTAL);

    // Published as fast as the consumer takes them, at most WINDOW ahead: the broker keeps a
    // bounded queue per subscriber (mosquitto: max_queued_messages, default 1000) and drops the rest.
    const started = Date.now();
    const WINDOW = 600;
    for (let from = 0; from < TOTAL; from += 200) {
      for (let w = 0; w < 600 && from - consumer.stats.received > WINDOW - 200; w++)
        await new Promise((r) => setTimeout(r, 20));
      await Promise.all(
        messages.slice(from, from + 200).map((m) => pub.publishAsync(m.topic, m.payload, { qos: 1 })),
      );
    }
    for (let w = 0; w < 600 && consumer.stats.received < TOTAL; w++)
      await new Promise((r) => setTimeout(r, 100));
    expect(consumer.stats.received).toBe(TOTAL);
    await consumer.idle();
    const seconds = (Date.now() - started) / 1000;
    console.info(`${t().db.driver}: ${TOTAL} messages handled in ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(60);

    expect(consumer.stats.failed).toBe(0);
    expect(consumer.stats.malformed).toBe(MALFORMED);
    expect(consumer.stats.stale).toBeGreaterThan(0); // the repeated deliveries were recognised
    const { rows: malformed } = await t().db.query<{ n: string }>(
      'SELECT sum(count)::text AS n FROM device_malformed WHERE device_id LIKE $1',
      [`${run}-m%`],
    );
    expect(Number(malformed[0]!.n)).toBe(MALFORMED);

    const cases = await casesOf(`${run}-m`);
    const alarming = devices.filter((d) => d.plan === 'alarm').map((d) => d.id);
    expect(cases.map((c) => c.external_ref)).toEqual(alarming.map((id) => `iot:${id}:alarm:1`).sort());
    expect(new Set(cases.map((c) => c.public_code)).size).toBe(cases.length);
    expect(cases.every((c) => c.channel === 'sensor')).toBe(true);
    const listed = await built.services.iot.devices.list(ADMIN, { limit: 100, offset: 0 });
    const tilt = listed.items.find((d) => d.id === devices[0]!.id)!;
    expect(tilt.alarmRepeats).toBeGreaterThan(100); // later alarms attached to the open case
    expect(tilt.alarmCaseCode).toBe(
      cases.find((c) => c.external_ref.startsWith(`iot:${tilt.id}:`))!.public_code,
    );
    expect(listed.items.find((d) => d.id === devices[7]!.id)!.alarmCaseCode).toBeNull(); // spikes only

    // Still consuming: one more alarm reading is handled and attaches to the open case.
    const handled = consumer.stats.handled;
    await pub.publishAsync(
      readingTopic(devices[0]!.id, prefix),
      JSON.stringify({ ts: new Date(base + 10_000_000).toISOString(), value: 50 }),
      { qos: 1 },
    );
    for (let w = 0; w < 50 && consumer.stats.handled === handled; w++)
      await new Promise((r) => setTimeout(r, 100));
    await consumer.idle();
    expect(consumer.connected).toBe(true);
    expect(consumer.stats.handled).toBe(handled + 1);
    expect(await casesOf(`${run}-m`)).toHaveLength(alarming.length);

    // The broker drops the consumer (a client with the same id takes over): it reconnects by itself.
    const intruder = await connectAsync(BROKER, { clientId: consumer.clientId, protocolVersion: 5 });
    for (let w = 0; w < 50 && consumer.connected; w++) await new Promise((r) => setTimeout(r, 20));
    await intruder.endAsync(true);
    for (let w = 0; w < 100 && !(consumer.connected && consumer.stats.connects >= 2); w++)
      await new Promise((r) => setTimeout(r, 100));
    expect(consumer.stats.connects).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 300)); // resubscribed
    const before = consumer.stats.handled;
    await pub.publishAsync(
      readingTopic(devices[1]!.id, prefix),
      JSON.stringify({ ts: new Date(base + 10_000_000).toISOString(), value: 1 }),
      { qos: 1 },
    );
    for (let w = 0; w < 50 && consumer.stats.handled === before; w++)
      await new Promise((r) => setTimeout(r, 100));
    expect(consumer.stats.handled).toBe(before + 1);
    await pub.endAsync();
  }, 120_000);

  it('HTTP readings: device token, malformed refused and counted, repeats attach, a closed case starts a new episode', async () => {
    const id = `${run}-h1`;
    const { token } = await register(id, 'manhole_tilt');
    const send = (body: unknown, bearer = token) =>
      built.app.inject({
        method: 'POST',
        url: `/api/devices/${id}/readings`,
        headers: { authorization: `Bearer ${bearer}` },
        payload: body as object,
      });
    const ts = (s: number) => new Date(clock.now().getTime() - 600_000 + s * 1000).toISOString();

    expect((await send({ ts: ts(1), value: 3 }, 'cgd_wrong-token-value')).statusCode).toBe(401);
    const bad = await send({ ts: ts(1), value: 'tilted' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'DEVICE_READING_MALFORMED' });
    expect(await built.services.iot.devices.repo.malformedCount(t().db, id)).toBe(1);

    expect((await send({ ts: ts(2), value: 3, unit: 'deg' })).json()).toMatchObject({
      outcome: 'accepted',
      alarm: false,
    });
    const first = (await send({ ts: ts(3), value: 25 })).json() as { caseCode: string; repeat: boolean };
    expect(first).toMatchObject({ alarm: true, repeat: false, caseCode: expect.any(String) });
    const again = (await send({ ts: ts(4), value: 30 })).json() as { caseCode: string; repeat: boolean };
    expect(again).toMatchObject({ repeat: true, caseCode: first.caseCode });
    expect((await send({ ts: ts(4), value: 30 })).json()).toMatchObject({ outcome: 'stale' });

    // The case is closed: the next alarm is a new episode with its own case.
    const c = (
      await built.services.cases.query.search(ADMIN, { limit: 5, offset: 0, channel: 'sensor', text: id })
    ).items.find((x) => x.publicCode === first.caseCode)!;
    const wf = built.services.cases.workflow;
    await wf.act(ADMIN, c.id, 'file', {});
    await wf.act(ADMIN, c.id, 'dispatch', {});
    await wf.act(ADMIN, c.id, 'accept', { department: c.departmentCode! });
    await wf.act(ADMIN, c.id, 'report_back', { department: c.departmentCode! });
    await wf.act(ADMIN, c.id, 'verify_pass', {});
    const next = (await send({ ts: ts(5), value: 33 })).json() as { caseCode: string; repeat: boolean };
    expect(next.repeat).toBe(false);
    expect(next.caseCode).not.toBe(first.caseCode);
    expect((await casesOf(`${id}:`)).map((x) => x.external_ref)).toEqual([
      `iot:${id}:alarm:1`,
      `iot:${id}:alarm:2`,
    ]);
  });

  it('a silent device raises exactly one offline case per silence', async () => {
    const id = `${run}-s1`;
    const { token } = await register(id, 'water_level', { silenceSeconds: 600 });
    const monitor = built.services.iot.offline;
    const reading = (s: number) =>
      built.app.inject({
        method: 'POST',
        url: `/api/devices/${id}/readings`,
        headers: { authorization: `Bearer ${token}` },
        payload: { ts: new Date(clock.now().getTime() + s).toISOString(), value: 3 },
      });
    expect((await reading(0)).statusCode).toBe(202);
    const start = clock.now().getTime();
    const offline = async () => (await casesOf(`${id}:offline`)).map((c) => c.external_ref);

    await monitor.runOnce(new Date(start + 599_000));
    expect(await offline()).toEqual([]);
    clock.set(new Date(start + 601_000));
    await monitor.runOnce();
    await monitor.runOnce(new Date(start + 3_600_000));
    await Promise.all([
      monitor.runOnce(new Date(start + 7_200_000)),
      monitor.runOnce(new Date(start + 7_200_000)),
    ]);
    expect(await offline()).toEqual([`iot:${id}:offline:1`]);
    const [only] = await casesOf(`${id}:offline`);
    expect(only!.category_code).toBe('P0606');

    // It reports again, then falls silent again: a new silence, a second case.
    expect((await reading(1000)).statusCode).toBe(202);
    await monitor.runOnce(new Date(clock.now().getTime() + 300_000));
    expect(await offline()).toHaveLength(1);
    await monitor.runOnce(new Date(clock.now().getTime() + 700_000));
    expect(await offline()).toEqual([`iot:${id}:offline:1`, `iot:${id}:offline:2`]);
  });

  it('admin API registers devices (token once) and lists them with counters', async () => {
    const adminId = await createTestUser(built, {
      username: `iot-admin-${run}`,
      grants: [{ role: 'admin', areaCode: null, departmentCode: null }],
    });
    const admin = await sessionFor(built, t().db, adminId);
    const res = await admin.request('POST', '/api/admin/devices', {
      id: `${run}-a1`,
      type: 'smoke',
      name: 'Stairwell 2',
      lng: grid.lng,
      lat: grid.lat,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      device: { id: `${run}-a1`, gridCode: grid.code, categoryCode: 'E0408', threshold: 0.5 },
      token: expect.stringMatching(/^cgd_/),
    });
    expect(
      (
        await admin.request('POST', '/api/admin/devices', {
          id: `${run}-a1`,
          type: 'smoke',
          name: 'again',
          lng: grid.lng,
          lat: grid.lat,
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (
        await admin.request('POST', '/api/admin/devices', {
          id: `${run}-a2`,
          type: 'smoke',
          name: 'far',
          lng: 10,
          lat: 10,
        })
      ).statusCode,
    ).toBe(422);
    const list = await admin.request('GET', '/api/admin/devices?limit=500');
    expect(list.statusCode).toBe(200);
    expect(JSON.stringify(list.json())).not.toContain('token');
    const { rows } = await t().db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_entries WHERE action = 'device.register' AND resource_id = $1",
      [`${run}-a1`],
    );
    expect(rows[0]!.n).toBe(1);
  });
});
