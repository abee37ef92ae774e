/**
 * Issue 14, "an anonymous reporter can attach another anonymous reporter's uploaded photo by its
 * id": a photo belongs to whoever uploaded it — the signed-in user, or for anonymous uploads the
 * upload key its client holds. Attaching someone else's photo is refused (422 UNKNOWN_PHOTO).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { beforeAll, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { type CookieClient, sessionFor } from '../support/identity.js';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A 1×1 PNG whose grey level makes each upload a different file. */
function png(grey: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, grey]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describeEachDriver('photos belong to their uploader', (t) => {
  let built: BuiltApp;
  let grid: { lng: number; lat: number };
  let resident: CookieClient;
  let n = 0;

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    grid = await someGrid(db, 4);
    built = await buildTestApp(db, { env: { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cg-photo-own-')) } });
    const r = await makeUser(db, 'Resident', [{ role: 'resident' }]);
    resident = await sessionFor(built, db, r.userId, '10.3.0.9');
  });

  const anonUpload = async (ip: string, key?: string) => {
    const res = await built.app.inject({
      method: 'POST',
      url: '/api/photos?purpose=report',
      headers: { 'content-type': 'image/png', ...(key ? { 'x-upload-key': key } : {}) },
      payload: png(++n),
      remoteAddress: ip,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: number; uploadKey?: string };
  };
  const anonReport = (ip: string, photoIds: number[], photoKey?: string) =>
    built.app.inject({
      method: 'POST',
      url: '/api/cases',
      remoteAddress: ip,
      payload: {
        channel: 'resident',
        idempotencyKey: `photo-own-${++n}`,
        location: { lng: grid.lng, lat: grid.lat },
        description: '路面塌陷',
        photoIds,
        ...(photoKey ? { photoKey } : {}),
      },
    });

  it("an anonymous reporter cannot attach another anonymous reporter's photo by its id", async () => {
    const mine = await anonUpload('10.3.0.1');
    expect(mine.uploadKey).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    // Another client, no key or its own key: refused, and the photo stays unattached.
    const stolen = await anonReport('10.3.0.2', [mine.id]);
    expect(stolen.statusCode).toBe(422);
    expect(stolen.json().code).toBe('UNKNOWN_PHOTO');
    const other = await anonUpload('10.3.0.2');
    const wrongKey = await anonReport('10.3.0.2', [mine.id], other.uploadKey);
    expect(wrongKey.statusCode).toBe(422);
    // A signed-in resident cannot take it either.
    const asUser = await resident.request('POST', '/api/cases', {
      channel: 'resident',
      idempotencyKey: `photo-own-user-${++n}`,
      location: { lng: grid.lng, lat: grid.lat },
      description: '路面塌陷',
      photoIds: [mine.id],
    });
    expect(asUser.statusCode).toBe(422);
    // The uploader, with its key: attached.
    const own = await anonReport('10.3.0.1', [mine.id], mine.uploadKey);
    expect(own.statusCode, own.body).toBe(201);
    const { rows } = await t().db.query<{ case_id: number }>(
      'SELECT case_id FROM case_photos WHERE id = $1',
      [mine.id],
    );
    expect(rows[0]!.case_id).toBe(own.json().id);
  });

  it('a client-chosen key groups several uploads of one report', async () => {
    const key = 'k'.repeat(10) + 'Client_Key-0123456789';
    const a = await anonUpload('10.3.0.3', key);
    const b = await anonUpload('10.3.0.3', key);
    expect(a.uploadKey).toBe(key);
    expect(b.uploadKey).toBe(key);
    const res = await anonReport('10.3.0.3', [a.id, b.id], key);
    expect(res.statusCode, res.body).toBe(201);
  });

  it("an anonymous reporter cannot attach a signed-in user's photo", async () => {
    const up = await resident.request('POST', '/api/photos?purpose=report', png(++n), {
      headers: { 'content-type': 'image/png' },
    });
    expect(up.statusCode).toBe(201);
    expect((await anonReport('10.3.0.4', [up.json().id])).statusCode).toBe(422);
    const own = await resident.request('POST', '/api/cases', {
      channel: 'resident',
      idempotencyKey: `photo-own-user-${++n}`,
      location: { lng: grid.lng, lat: grid.lat },
      description: '路面塌陷',
      photoIds: [up.json().id],
    });
    expect(own.statusCode, own.body).toBe(201);
  });
});
