/**
 * Housekeeping: deletes rows that only ever grow and that nothing reads any more once old enough,
 * plus the photo files only such rows referenced. Retention (each longer than anything still
 * reads the row):
 *
 * - sessions: 30 days after they expired or were revoked (a session is dead from that moment;
 *   the month keeps them around for investigating a sign-in).
 * - one-time codes: 1 day after they expired (they live 5 minutes; a consumed code expires too).
 * - throttle windows: 2 days after the window started. The longest window the code counts in is
 *   one hour (`throttle.hit`: photo uploads and OTP requests per hour; sign-in failures 15 min,
 *   OTP interval and Open311 keys 1 min; the limits are constants in auth.service.ts, photo.service.ts
 *   and api-key.service.ts, none in config.ts). A window older than that already counts as 0
 *   (`peek`) and is restarted by the next `hit`, so deleting it changes no answer.
 * - idempotency keys: 30 days. A retry of an intake with the same key after that is treated as a
 *   new report (a new case), not as a replay of the first answer. Clients retry within minutes;
 *   an IoT alarm whose case link was lost in a crash is re-filed by the next alarm, normally long
 *   before then.
 * - unattached photos: 24 hours after upload (intake and report-back attach them right away; a
 *   later attach of a deleted one is refused like an unknown photo id). Their files go too, but a
 *   file is shared by every row with the same content, so it is deleted only when no row
 *   references its key any more — and not if an upload of the same bytes is in flight: an upload
 *   writes (or, if present, touches) the file before inserting its row, so the row can appear
 *   after our check. `PhotoStore.remove` therefore renames the file aside atomically and puts it
 *   back if it was written or touched within the last hour (far longer than any upload takes
 *   from file to row); an upload arriving after the rename finds no file and writes it again.
 *
 * Every delete is bounded (`chunkSize` rows per statement, repeated until done), so a large
 * backlog never holds locks for long. Several nodes may run at once: rows are taken with SKIP
 * LOCKED, a file someone else deleted first is simply missing. One audit record per run that
 * deleted anything (`housekeeping.run`, counts in details).
 */

import type { Db } from '../../db/db.js';
import { systemActor } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import { PeriodicPass } from '../../kernel/periodic-pass.js';
import type { Clock } from '../../lib/clock.js';
import type { PhotoStore } from '../photos/index.js';
import { HousekeepingRepository } from './housekeeping.repository.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How long each kind of row is kept past the moment it stopped mattering (see the file comment). */
export const RETENTION_MS = {
  sessions: 30 * DAY_MS,
  otpCodes: DAY_MS,
  /** Safely longer than the longest throttle window in use (1 h). */
  throttleWindows: 2 * DAY_MS,
  idempotencyKeys: 30 * DAY_MS,
  orphanPhotos: DAY_MS,
} as const;

/** A photo file written or touched this recently is in use by an upload and never deleted. */
export const PHOTO_FILE_GRACE_MS = HOUR_MS;

/** What one run deleted, per kind. */
export interface HousekeepingReport {
  sessions: number;
  otpCodes: number;
  throttleWindows: number;
  idempotencyKeys: number;
  /** Unattached `case_photos` rows. */
  orphanPhotos: number;
  /** Photo files no row referenced any more. */
  photoFiles: number;
}

/** Dependencies and tuning of housekeeping. */
export interface HousekeepingDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  /** The photo files (the same directory the photo service writes to). */
  store: PhotoStore;
  /** Rows per delete statement (default 10,000). */
  chunkSize?: number;
  /** Where a failed scheduled run is reported (the app's logger). */
  onError?: (err: unknown) => void;
  repo?: HousekeepingRepository;
}

/** The actor housekeeping runs are audited under. */
export const HOUSEKEEPING_ACTOR = systemActor('housekeeping');

/** Deletes expired and abandoned rows (and orphan photo files); periodic or one pass at a time. */
export class HousekeepingService {
  private readonly repo: HousekeepingRepository;
  private readonly chunkSize: number;
  private readonly passes: PeriodicPass;

  constructor(private readonly d: HousekeepingDeps) {
    this.repo = d.repo ?? new HousekeepingRepository();
    this.chunkSize = Math.max(1, d.chunkSize ?? 10_000);
    this.passes = new PeriodicPass(
      () => this.runOnce(),
      (err) => d.onError?.(err),
    );
  }

  /**
   * Runs a pass every `intervalMs`, the first one interval after start (a node restarted often
   * has nothing urgent to clean, and a test server never runs one); passes never overlap.
   */
  start(intervalMs: number): void {
    this.passes.start(intervalMs);
  }

  /** Stops the timer and waits for a pass in progress to finish (app close, shutdown). */
  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** One full pass at the clock's now; safe to run on several nodes at once and repeatedly. */
  async runOnce(): Promise<HousekeepingReport> {
    const { db, clock } = this.d;
    const now = clock.now().getTime();
    const before = (ms: number) => new Date(now - ms);
    const report: HousekeepingReport = {
      sessions: await this.drain((n) => this.repo.deleteSessions(db, before(RETENTION_MS.sessions), n)),
      otpCodes: await this.drain((n) => this.repo.deleteOtpCodes(db, before(RETENTION_MS.otpCodes), n)),
      throttleWindows: await this.drain((n) =>
        this.repo.deleteThrottleWindows(db, before(RETENTION_MS.throttleWindows), n),
      ),
      idempotencyKeys: await this.drain((n) =>
        this.repo.deleteIdempotencyKeys(db, before(RETENTION_MS.idempotencyKeys), n),
      ),
      orphanPhotos: 0,
      photoFiles: 0,
    };
    await this.removePhotos(before(RETENTION_MS.orphanPhotos), report);
    if (Object.values(report).some((n) => n > 0)) {
      await db.transaction((tx) =>
        this.d.audit.record(tx, {
          actor: HOUSEKEEPING_ACTOR,
          action: 'housekeeping.run',
          resourceType: 'housekeeping',
          resourceId: new Date(now).toISOString(),
          details: { ...report },
        }),
      );
    }
    return report;
  }

  /** Repeats a bounded delete until a chunk comes back short; returns the rows deleted. */
  private async drain(chunk: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await chunk(this.chunkSize);
      total += n;
      if (n < this.chunkSize) return total;
    }
  }

  /**
   * Orphan rows first (committed chunk by chunk), then the files of their keys that no row
   * references any more. A crash in between leaves a harmless unreferenced file, never a row
   * without its file. Files parked by a `remove` that died half-way are put back and decided again.
   */
  private async removePhotos(before: Date, report: HousekeepingReport): Promise<void> {
    const { db, store } = this.d;
    const removeFiles = async (keys: readonly string[]) => {
      const referenced = await this.repo.referencedStorageKeys(db, keys);
      for (const key of keys) {
        if (referenced.has(key)) continue;
        if ((await store.remove(key, PHOTO_FILE_GRACE_MS)) === 'removed') report.photoFiles += 1;
      }
    };
    await removeFiles(await store.restoreInterrupted(PHOTO_FILE_GRACE_MS));
    for (;;) {
      const { rows, storageKeys } = await this.repo.deleteOrphanPhotos(db, before, this.chunkSize);
      report.orphanPhotos += rows;
      await removeFiles(storageKeys);
      if (rows < this.chunkSize) return;
    }
  }
}
