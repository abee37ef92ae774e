import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { systemActor } from '../../src/kernel/actor.js';
import { NotificationRepository } from '../../src/modules/notifications/notification.repository.js';
import { sniffImage, stripMetadata } from '../../src/modules/photos/image-metadata.js';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { type CookieClient, sessionFor } from '../support/identity.js';

// ---- image fixtures, byte by byte ----

function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head[0] = 0xff;
  head[1] = marker;
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** A 1×1 baseline JPEG with JFIF, an EXIF block holding GPS text, and a comment. */
function jpegWithExif(): Buffer {
  const jfif = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const exif = Buffer.concat([
    Buffer.from('Exif\0\0', 'latin1'),
    Buffer.from('MM\0*\0\0\0\x08', 'latin1'),
    Buffer.from('GPSLatitude 31.2304 N GPSLongitude 121.4737 E', 'latin1'),
  ]);
  const dqt = Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]);
  const sof = Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
  const sos = Buffer.from([1, 1, 0, 0, 0x3f, 0]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, jfif),
    segment(0xe1, exif),
    segment(0xfe, Buffer.from('shot at home', 'latin1')),
    segment(0xdb, dqt),
    segment(0xc0, sof),
    segment(0xda, sos),
    Buffer.from([0x12, 0x34, 0x56, 0xff, 0x00, 0x78]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A 1×1 grey PNG with a text comment and an eXIf chunk. */
function pngWithText(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from('Comment\0taken at 31.2304,121.4737', 'latin1')),
    chunk('eXIf', Buffer.from('MM\0*\0\0\0\x08GPS', 'latin1')),
    chunk('IDAT', deflateSync(Buffer.from([0, 0x80]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

it('strips JPEG APP1/COM and PNG text chunks, keeping the image', () => {
  const jpeg = stripMetadata(jpegWithExif(), 'image/jpeg');
  expect(sniffImage(jpeg)).toBe('image/jpeg');
  expect(jpeg.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
  expect(jpeg.includes(Buffer.from('GPSLatitude'))).toBe(false);
  expect(jpeg.includes(Buffer.from('shot at home'))).toBe(false);
  expect(jpeg.includes(Buffer.from('JFIF'))).toBe(true);
  expect(jpeg.subarray(-8).equals(Buffer.from([0x12, 0x34, 0x56, 0xff, 0x00, 0x78, 0xff, 0xd9]))).toBe(true);
  const png = stripMetadata(pngWithText(), 'image/png');
  expect(png.includes(Buffer.from('tEXt'))).toBe(false);
  expect(png.includes(Buffer.from('eXIf'))).toBe(false);
  expect(png.includes(Buffer.from('IDAT'))).toBe(true);
  expect(() => stripMetadata(jpegWithExif().subarray(0, 30), 'image/jpeg')).toThrow();
});

// ---- HTTP ----

function sse(
  port: number,
  url: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  events: Array<{ id: string; data: Record<string, unknown> }>;
  close(): void;
  text(): string;
}> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: url, headers }, (res) => {
      let buf = '';
      const events: Array<{ id: string; data: Record<string, unknown> }> = [];
      res.setEncoding('utf8');
      res.on('data', (s: string) => {
        buf += s;
        let cut = buf.indexOf('\n\n');
        while (cut >= 0) {
          const frame = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const id = /^id: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (id && data) events.push({ id, data: JSON.parse(data) as Record<string, unknown> });
          cut = buf.indexOf('\n\n');
        }
      });
      res.on('error', () => undefined);
      let raw = '';
      if ((res.statusCode ?? 0) >= 400) res.on('data', (s: string) => (raw += s));
      resolve({ status: res.statusCode ?? 0, events, close: () => req.destroy(), text: () => raw });
    });
    req.on('error', reject);
  });
}

async function waitFor<T>(fn: () => T | undefined, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeEachDriver('case operations over HTTP', (t) => {
  let built: BuiltApp;
  let db: Db;
  let dataDir: string;
  let grid: Awaited<ReturnType<typeof someGrid>>;
  let dispatcher: CookieClient;
  let dispatcherId: number;
  let farDispatcher: CookieClient;
  let resident: CookieClient;
  let residentId: number;

  beforeAll(async () => {
    db = t().db;
    await seedCity(db);
    grid = await someGrid(db, 11);
    const far = await someGrid(db, 1400);
    dataDir = mkdtempSync(path.join(tmpdir(), 'cg-photos-'));
    built = await buildTestApp(db, { env: { DATA_DIR: dataDir } });
    const d = await makeUser(db, 'Dispatcher Ma', [{ role: 'dispatcher', areaCode: grid.street }]);
    dispatcherId = d.userId;
    dispatcher = await sessionFor(built, db, d.userId);
    const fd = await makeUser(db, 'Dispatcher Far', [{ role: 'dispatcher', areaCode: far.street }]);
    farDispatcher = await sessionFor(built, db, fd.userId);
    const r = await makeUser(db, 'Resident Lin', [{ role: 'resident' }]);
    residentId = r.userId;
    resident = await sessionFor(built, db, r.userId);
  });
  afterAll(async () => {
    await built.app.close();
  });

  it('inbox: only your own notifications, paged, counted and marked read', async () => {
    const repo = new NotificationRepository();
    for (let i = 0; i < 3; i++) {
      await repo.notify(db, {
        audiences: [{ kind: 'users', userIds: [dispatcherId] }],
        caseId: null,
        kind: 'test.note',
        titleZh: `通知 ${i}`,
        titleEn: `Note ${i}`,
        body: { i },
        at: new Date(),
      });
    }
    await repo.notify(db, {
      audiences: [{ kind: 'users', userIds: [residentId] }],
      caseId: null,
      kind: 'test.note',
      titleZh: '居民通知',
      titleEn: 'Resident note',
      body: {},
      at: new Date(),
    });
    expect((await built.app.inject({ method: 'GET', url: '/api/me/notifications' })).statusCode).toBe(401);

    const count = await dispatcher.request('GET', '/api/me/notifications/unread-count');
    expect(count.json()).toEqual({ unread: 3 });
    const page1 = await dispatcher.request('GET', '/api/me/notifications?limit=2', undefined, {
      headers: { 'accept-language': 'en' },
    });
    expect(page1.statusCode).toBe(200);
    const p1 = page1.json() as { items: Array<{ id: number; title: string }>; hasMore: boolean };
    expect(p1.items.map((n) => n.title)).toEqual(['Note 2', 'Note 1']);
    expect(p1.hasMore).toBe(true);
    const page2 = (
      await dispatcher.request('GET', `/api/me/notifications?limit=2&before=${p1.items[1]!.id}`)
    ).json() as { items: Array<{ id: number; titleEn: string }>; hasMore: boolean };
    expect(page2.items.map((n) => n.titleEn)).toEqual(['Note 0']);
    expect(page2.hasMore).toBe(false);

    // Mark up to the middle one: the newest stays unread.
    const read = await dispatcher.request('POST', '/api/me/notifications/read', { upToId: p1.items[1]!.id });
    expect(read.json()).toEqual({ marked: 2, unread: 1 });
    const unread = (await dispatcher.request('GET', '/api/me/notifications?unread=true')).json() as {
      items: Array<{ titleEn: string }>;
    };
    expect(unread.items.map((n) => n.titleEn)).toEqual(['Note 2']);
    // Someone else's ids change nothing of yours, and you never see theirs.
    const theirs = (await resident.request('GET', '/api/me/notifications')).json() as {
      items: Array<{ titleEn: string }>;
    };
    expect(theirs.items.map((n) => n.titleEn)).toEqual(['Resident note']);
    expect((await resident.request('POST', '/api/me/notifications/read', {})).json()).toEqual({
      marked: 1,
      unread: 0,
    });
    expect((await dispatcher.request('GET', '/api/me/notifications/unread-count')).json()).toEqual({
      unread: 1,
    });
  });

  it('live stream: a committed case event reaches an in-scope stream within 1 s, not an out-of-scope one', async () => {
    await built.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (built.app.server.address() as AddressInfo).port;
    const cookie = (c: CookieClient) => `cg_session=${c.cookies.cg_session}`;
    expect((await sse(port, '/api/events/stream', {})).status).toBe(401);
    const residentStream = await sse(port, '/api/events/stream', { cookie: cookie(resident) });
    expect(residentStream.status).toBe(403);
    residentStream.close();

    const mine = await sse(port, `/api/events/stream?within=${grid.street}`, { cookie: cookie(dispatcher) });
    const other = await sse(port, '/api/events/stream', { cookie: cookie(farDispatcher) });
    expect(mine.status).toBe(200);
    await waitFor(() => (built.services.events.hub.size >= 2 ? true : undefined), 1000);

    const { result } = await built.services.cases.intake.report(systemActor('test'), {
      channel: 'hotline',
      idempotencyKey: `sse-${Date.now()}`,
      lng: grid.lng,
      lat: grid.lat,
      categoryCode: 'E0102',
      description: '路灯不亮了',
    });
    const t0 = Date.now();
    const filed = await dispatcher.request('POST', `/api/cases/${result.id}/file`, { note: '立案' });
    expect(filed.statusCode).toBe(200);
    const got = await waitFor(
      () => mine.events.find((e) => e.data.caseId === result.id && e.data.action === 'file'),
      1000,
    );
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(got.data).toMatchObject({ publicCode: result.publicCode, state: 'filed', gridCode: grid.code });
    expect(Object.keys(got.data).sort()).toEqual(
      [
        'action',
        'at',
        'caseId',
        'categoryCode',
        'deadlineStatus',
        'departmentCode',
        'eventId',
        'gridCode',
        'publicCode',
        'state',
      ].sort(),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(other.events.filter((e) => e.data.caseId === result.id)).toEqual([]);

    // Reconnect with Last-Event-ID: the missed events of the case come first, in order.
    const seen = mine.events.filter((e) => e.data.caseId === result.id).map((e) => e.id);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    mine.close();
    other.close();
    const resumed = await sse(port, `/api/events/stream?within=${grid.code}`, {
      cookie: cookie(dispatcher),
      'last-event-id': String(Number(seen[0]) - 1),
    });
    await waitFor(() => (resumed.events.some((e) => e.data.action === 'file') ? true : undefined), 1000);
    expect(resumed.events.filter((e) => e.data.caseId === result.id).map((e) => e.id)).toEqual(seen);
    resumed.close();

    // Live events unavailable (LISTEN failed): 503 with Retry-After before any stream is opened.
    vi.spyOn(built.services.events.hub, 'subscribe').mockRejectedValueOnce(new Error('LISTEN failed'));
    const refused = await built.app.inject({
      method: 'GET',
      url: '/api/events/stream',
      headers: { cookie: cookie(dispatcher) },
    });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBeTruthy();
    expect(refused.json()).toMatchObject({ code: 'DB_UNAVAILABLE' });
  });

  it('photos: real type by magic bytes, metadata stripped, stored by checksum, shown to who may see them', async () => {
    const jpeg = jpegWithExif();
    const up = await built.app.inject({
      method: 'POST',
      url: '/api/photos?purpose=report',
      headers: { 'content-type': 'image/jpeg' },
      payload: jpeg,
      remoteAddress: '10.9.0.1',
    });
    expect(up.statusCode, up.body).toBe(201);
    const photo = up.json() as { id: number; sha256: string; bytes: number; mime: string; uploadKey: string };
    expect(photo.mime).toBe('image/jpeg');
    const stored = readFileSync(path.join(dataDir, 'photos', `${photo.sha256}.jpg`));
    expect(createHash('sha256').update(stored).digest('hex')).toBe(photo.sha256);
    expect(stored.length).toBe(photo.bytes);
    expect(stored.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    expect(stored.includes(Buffer.from('GPSLatitude'))).toBe(false);
    const { rows } = await db.query<{ sha256: string; case_id: number | null; uploaded_by: number | null }>(
      'SELECT sha256, case_id, uploaded_by FROM case_photos WHERE id = $1',
      [photo.id],
    );
    expect(rows[0]).toEqual({ sha256: photo.sha256, case_id: null, uploaded_by: null });

    // A PNG loses its text and EXIF chunks.
    const png = await resident.request('POST', '/api/photos?purpose=report', pngWithText(), {
      headers: { 'content-type': 'image/png' },
    });
    expect(png.statusCode, png.body).toBe(201);
    const pngPhoto = png.json() as { id: number; sha256: string };
    const pngStored = readFileSync(path.join(dataDir, 'photos', `${pngPhoto.sha256}.png`));
    expect(pngStored.includes(Buffer.from('tEXt'))).toBe(false);
    expect(pngStored.includes(Buffer.from('eXIf'))).toBe(false);

    // Refusals: text named .jpg, a PNG declared as JPEG, an unsupported type, too large.
    const fake = await built.app.inject({
      method: 'POST',
      url: '/api/photos?purpose=report',
      headers: { 'content-type': 'image/jpeg' },
      payload: Buffer.from('this is not a picture at all'),
      remoteAddress: '10.9.0.2',
    });
    expect(fake.statusCode).toBe(415);
    expect(fake.json()).toMatchObject({ code: 'PHOTO_TYPE_MISMATCH' });
    const wrong = await built.app.inject({
      method: 'POST',
      url: '/api/photos',
      headers: { 'content-type': 'image/jpeg' },
      payload: pngWithText(),
      remoteAddress: '10.9.0.2',
    });
    expect(wrong.statusCode).toBe(415);
    expect(wrong.json()).toMatchObject({ code: 'PHOTO_TYPE_MISMATCH' });
    const gif = await built.app.inject({
      method: 'POST',
      url: '/api/photos',
      headers: { 'content-type': 'image/gif' },
      payload: Buffer.from('GIF89a'),
      remoteAddress: '10.9.0.2',
    });
    expect(gif.statusCode).toBe(415);
    const big = await built.app.inject({
      method: 'POST',
      url: '/api/photos',
      headers: { 'content-type': 'image/jpeg' },
      payload: Buffer.concat([jpeg, Buffer.alloc(8 * 1024 * 1024)]),
      remoteAddress: '10.9.0.2',
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toHaveProperty('code');

    // Unattached: only the uploader sees it (the anonymous one nobody, yet).
    expect((await resident.request('GET', `/api/photos/${pngPhoto.id}`)).statusCode).toBe(200);
    expect((await dispatcher.request('GET', `/api/photos/${pngPhoto.id}`)).statusCode).toBe(404);
    expect((await built.app.inject({ method: 'GET', url: `/api/photos/${pngPhoto.id}` })).statusCode).toBe(
      401,
    );
    expect((await dispatcher.request('GET', `/api/photos/${photo.id}`)).statusCode).toBe(404);

    // Attached to a report in the dispatcher's street: the dispatcher sees it, a far one does not.
    const report = await built.app.inject({
      method: 'POST',
      url: '/api/cases',
      payload: {
        channel: 'resident',
        idempotencyKey: `photo-${Date.now()}`,
        location: { lng: grid.lng, lat: grid.lat },
        description: '井盖缺失，很危险',
        photoIds: [photo.id],
        // An anonymous upload is attached with the key it was uploaded under.
        photoKey: photo.uploadKey,
      },
      remoteAddress: '10.9.0.1',
    });
    expect(report.statusCode, report.body).toBe(201);
    const got = await dispatcher.request('GET', `/api/photos/${photo.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/jpeg');
    expect(createHash('sha256').update(got.rawPayload).digest('hex')).toBe(photo.sha256);
    expect((await farDispatcher.request('GET', `/api/photos/${photo.id}`)).statusCode).toBe(404);
  });

  it('photos: anonymous uploads are limited per address and hour', async () => {
    const send = () =>
      built.app.inject({
        method: 'POST',
        url: '/api/photos?purpose=report',
        headers: { 'content-type': 'image/png' },
        payload: pngWithText(),
        remoteAddress: '10.9.9.9',
      });
    for (let i = 0; i < 30; i++) expect((await send()).statusCode).toBe(201);
    const refused = await send();
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'PHOTO_RATE_LIMITED' });
    // Staff reporting back must be signed in.
    const rb = await built.app.inject({
      method: 'POST',
      url: '/api/photos?purpose=report_back',
      headers: { 'content-type': 'image/png' },
      payload: pngWithText(),
      remoteAddress: '10.9.9.8',
    });
    expect(rb.statusCode).toBe(401);
  });
});
