/**
 * Housekeeping deletes exactly what is past its retention (one minute either side of each limit),
 * removes a photo file only when no row references it and no upload is using it, never touches
 * attached photos, is harmless to repeat or to run on two nodes at once, and audits a run that
 * deleted something once, with the counts.
 */
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { FixedClock } from '../../src/lib/clock.js';
import { AuditService } from '../../src/modules/audit/audit.service.js';
import {
  type HousekeepingReport,
  HousekeepingService,
  PHOTO_FILE_GRACE_MS,
} from '../../src/modules/housekeeping/housekeeping.service.js';
import { PhotoStore } from '../../src/modules/photos/photo-store.js';
import { describeEachDriver } from '../support/db.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const NOW = new Date('2026-03-01T08:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const key = (c: string) => PhotoStore.keyOf(c.repeat(64), 'jpg');
const ZERO: HousekeepingReport = {
  sessions: 0,
  otpCodes: 0,
  throttleWindows: 0,
  idempotencyKeys: 0,
  orphanPhotos: 0,
  photoFiles: 0,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'civicgrid-housekeeping-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A photo file as an upload long ago left it (file time well before the in-use grace). */
async function oldFile(store: PhotoStore, k: string): Promise<void> {
  await store.put(k, Buffer.from(`bytes of ${k}`));
  const past = new Date(Date.now() - 2 * PHOTO_FILE_GRACE_MS);
  await utimes(store.pathOf(k), past, past);
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

async function photoRow(db: Db, k: string, createdAt: Date, caseId: number | null = null): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO case_photos (case_id, purpose, sha256, mime, bytes, storage_key, created_at)
     VALUES ($1, 'report', $2, 'image/jpeg', 10, $3, $4) RETURNING id`,
    [caseId, k.slice(0, 64), k, createdAt],
  );
  return Number(rows[0]!.id);
}

async function count(db: Db, sql: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`);
  return rows[0]!.n;
}

describeEachDriver('housekeeping', (t) => {
  let clock: FixedClock;
  let audit: AuditService;
  let store: PhotoStore;
  let caseId: number;
  let userId: number;
  // Tiny chunks, so every kind needs several statements and the loop is exercised.
  const service = (chunkSize = 2) => new HousekeepingService({ db: t().db, clock, audit, store, chunkSize });

  beforeAll(async () => {
    const { db } = t();
    clock = new FixedClock(NOW);
    audit = new AuditService(db, clock);
    store = new PhotoStore(await mkdtemp(path.join(dir, 'photos-')));
    const user = await db.query<{ id: number }>(
      `INSERT INTO users (username, display_name, created_at, updated_at) VALUES ('hk', 'HK', now(), now()) RETURNING id`,
    );
    userId = Number(user.rows[0]!.id);
    const area = await db.query<{ id: number }>(
      `INSERT INTO areas (code, level, name_zh, name_en, geometry, min_lng, min_lat, max_lng, max_lat, center_lng, center_lat)
       VALUES ('320500001001001', 'grid', '网格', 'Grid', '{}', 0, 0, 1, 1, 0.5, 0.5) RETURNING id`,
    );
    const c = await db.query<{ id: number }>(
      `INSERT INTO cases (public_code, state, channel, description, lng, lat, grid_code, area_id, reported_at, updated_at)
       VALUES ('HK-1', 'closed', 'resident', 'x', 0.5, 0.5, '320500001001001', $1, $2, $2) RETURNING id`,
      [area.rows[0]!.id, ago(90 * DAY)],
    );
    caseId = Number(c.rows[0]!.id);
  });

  it('deletes each kind just past its retention, keeps it just inside, and audits the run once', async () => {
    const { db } = t();
    const session = (id: string, expires: Date, revoked: Date | null) =>
      db.query(
        `INSERT INTO sessions (id_hash, user_id, csrf_hash, created_at, expires_at, revoked_at)
         VALUES ($1, $2, 'c', $3, $4, $5)`,
        [id, userId, ago(60 * DAY), expires, revoked],
      );
    for (let i = 0; i < 3; i++) await session(`expired-long-ago-${i}`, ago(30 * DAY + MIN + i), null);
    await session('revoked-long-ago', new Date(NOW.getTime() + DAY), ago(30 * DAY + MIN));
    await session('expired-recently', ago(30 * DAY - MIN), null);
    await session('revoked-recently', ago(29 * DAY), ago(30 * DAY - MIN));
    await session('live', new Date(NOW.getTime() + DAY), null);

    const otp = (expires: Date, consumed: Date | null) =>
      db.query(
        `INSERT INTO otp_codes (phone_hash, code_hash, created_at, expires_at, consumed_at) VALUES ('p', 'h', $1, $1, $2)`,
        [expires, consumed],
      );
    await otp(ago(DAY + MIN), ago(DAY + 2 * MIN));
    await otp(ago(DAY + MIN), null);
    await otp(ago(DAY - MIN), null);

    const throttle = (k: string, start: Date) =>
      db.query('INSERT INTO auth_throttle (key, window_start, hits) VALUES ($1, $2, 3)', [k, start]);
    await throttle('otp-ip:old', ago(2 * DAY + MIN));
    await throttle('otp-ip:recent', ago(2 * DAY - MIN));

    const idem = (k: string, at: Date) =>
      db.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash, case_id, response, created_at)
         VALUES ('resident:1', $1, 'h', $2, '{}', $3)`,
        [k, caseId, at],
      );
    await idem('old', ago(30 * DAY + MIN));
    await idem('recent', ago(30 * DAY - MIN));

    // Photos: A orphan only; B orphan twice (one too young); C orphan + attached; D orphan whose
    // bytes an upload is putting right now; E orphan whose file another node already removed.
    const [A, B, C, D, E] = ['a', 'b', 'c', 'd', 'e'].map(key) as [string, string, string, string, string];
    for (const k of [A, B, C, D]) await oldFile(store, k);
    for (const k of [A, B, C, D, E]) await photoRow(db, k, ago(DAY + MIN));
    const youngB = await photoRow(db, B, ago(DAY - MIN));
    const attached = await photoRow(db, C, ago(90 * DAY), caseId);
    await store.put(D, Buffer.from(`bytes of ${D}`)); // the upload's put: its row is not inserted yet

    const report = await service().runOnce();
    expect(report).toEqual({
      sessions: 4,
      otpCodes: 2,
      throttleWindows: 1,
      idempotencyKeys: 1,
      orphanPhotos: 5,
      photoFiles: 1,
    });
    const sessions = await db.query<{ id_hash: string }>('SELECT id_hash FROM sessions ORDER BY id_hash');
    expect(sessions.rows.map((r) => r.id_hash)).toEqual(['expired-recently', 'live', 'revoked-recently']);
    expect(await count(db, 'otp_codes')).toBe(1);
    const windows = await db.query<{ key: string }>('SELECT key FROM auth_throttle');
    expect(windows.rows.map((r) => r.key)).toEqual(['otp-ip:recent']);
    const keys = await db.query<{ key: string }>('SELECT key FROM idempotency_keys');
    expect(keys.rows.map((r) => r.key)).toEqual(['recent']);

    const photos = await db.query<{ id: number; storage_key: string; case_id: number | null }>(
      'SELECT id, storage_key, case_id FROM case_photos ORDER BY id',
    );
    expect(
      photos.rows.map((r) => [Number(r.id), r.storage_key, r.case_id === null ? null : Number(r.case_id)]),
    ).toEqual([
      [youngB, B, null],
      [attached, C, caseId],
    ]);
    expect(await exists(store.pathOf(A))).toBe(false);
    expect(await exists(store.pathOf(B))).toBe(true);
    expect(await exists(store.pathOf(C))).toBe(true);
    // The in-flight upload now inserts its row: its file is there.
    expect(await exists(store.pathOf(D))).toBe(true);
    expect((await store.read(D)).toString()).toBe(`bytes of ${D}`);

    await audit.flush();
    const audited = await db.query<{ actor_kind: string; actor_name: string; details: unknown }>(
      "SELECT actor_kind, actor_name, details FROM audit_entries WHERE action = 'housekeeping.run'",
    );
    expect(audited.rows).toEqual([{ actor_kind: 'system', actor_name: 'housekeeping', details: report }]);

    // Again, even much later in the day: nothing left to delete, nothing audited.
    clock.advance(MIN);
    expect(await service().runOnce()).toEqual(ZERO);
    await audit.flush();
    expect(await count(db, "audit_entries WHERE action = 'housekeeping.run'")).toBe(1);
    expect(await count(db, 'sessions')).toBe(3);
    expect(await count(db, 'case_photos')).toBe(2);
    expect(await exists(store.pathOf(C))).toBe(true);
  });

  it('puts back a file a crashed run left parked, and deletes it when nothing references it', async () => {
    const { db } = t();
    const [F, G] = [key('f'), key('9')];
    await photoRow(db, F, ago(DAY - MIN)); // still referenced
    const parkedDir = path.join(path.dirname(store.pathOf(F)), '.removing');
    await mkdir(parkedDir, { recursive: true });
    const longAgo = Date.now() - 2 * PHOTO_FILE_GRACE_MS;
    for (const k of [F, G]) {
      const parked = path.join(parkedDir, `${k}.${longAgo}.abcdef`);
      await writeFile(parked, `bytes of ${k}`);
      await utimes(parked, new Date(longAgo), new Date(longAgo));
    }
    const report = await service().runOnce();
    expect(report).toEqual({ ...ZERO, photoFiles: 1 });
    expect(await exists(store.pathOf(F))).toBe(true);
    expect(await exists(store.pathOf(G))).toBe(false);
    expect(await exists(path.join(parkedDir, `${F}.${longAgo}.abcdef`))).toBe(false);
  });

  it('two nodes at once delete every row once and fail nowhere', async () => {
    const { db } = t();
    clock.advance(40 * DAY); // every photo row left (the young orphan B) is now old enough
    const before = await count(db, 'case_photos WHERE case_id IS NULL');
    await db.query(
      `INSERT INTO auth_throttle (key, window_start, hits)
       SELECT 'k' || i, $1, 1 FROM generate_series(1, 500) AS i`,
      [ago(3 * DAY)],
    );
    const [a, b] = await Promise.all([service(7).runOnce(), service(11).runOnce()]);
    expect(a.throttleWindows + b.throttleWindows).toBe(501); // and the 'otp-ip:recent' window
    expect(a.orphanPhotos + b.orphanPhotos).toBe(before);
    expect(await count(db, 'auth_throttle')).toBe(0);
    expect(await count(db, 'case_photos')).toBe(1); // the attached one
    expect(await exists(store.pathOf(key('b')))).toBe(false);
    expect(await exists(store.pathOf(key('c')))).toBe(true);
  });
});
