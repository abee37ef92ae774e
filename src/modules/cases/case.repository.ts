import type { Queryable } from '../../db/db.js';
import { CaseEventsRepository } from './case-events.repository.js';
import { CaseIdempotencyRepository } from './case-idempotency.repository.js';
import { CaseRowsRepository } from './case-rows.repository.js';
import { CaseSearchRepository } from './case-search.repository.js';

export { idempotencyMapKey } from './case-idempotency.repository.js';
export type { CaseVisibility, NewCase } from './case-rows.repository.js';
export type { NearbyOpenCase, NearbyQuery } from './case-search.repository.js';

/**
 * The only SQL for cases, their events, reporters and photos: one object (what the services, the
 * scheduler, the CLI and the tests are given) over the parts that hold the SQL, each method passed
 * on unchanged —
 * - case-rows.repository.ts: insert, load and save case rows; their reporters;
 * - case-events.repository.ts: the event log and the photos attached to events;
 * - case-search.repository.ts: nearby open cases (duplicates), the staff search, its redacted copies;
 * - case-idempotency.repository.ts: the stored answers of idempotency keys.
 */
export class CaseRepository {
  readonly #rows = new CaseRowsRepository();
  readonly #eventLog = new CaseEventsRepository();
  readonly #finder = new CaseSearchRepository();
  readonly #idempotency = new CaseIdempotencyRepository();

  // CaseRowsRepository: case rows and reporters
  insertUnlessCodeTaken(
    ...a: Parameters<CaseRowsRepository['insertUnlessCodeTaken']>
  ): ReturnType<CaseRowsRepository['insertUnlessCodeTaken']> {
    return this.#rows.insertUnlessCodeTaken(...a);
  }

  insertHistorical(
    ...a: Parameters<CaseRowsRepository['insertHistorical']>
  ): ReturnType<CaseRowsRepository['insertHistorical']> {
    return this.#rows.insertHistorical(...a);
  }

  currentAreaIds(
    ...a: Parameters<CaseRowsRepository['currentAreaIds']>
  ): ReturnType<CaseRowsRepository['currentAreaIds']> {
    return this.#rows.currentAreaIds(...a);
  }

  findVisibleForUpdate(
    ...a: Parameters<CaseRowsRepository['findVisibleForUpdate']>
  ): ReturnType<CaseRowsRepository['findVisibleForUpdate']> {
    return this.#rows.findVisibleForUpdate(...a);
  }

  findVisible(
    ...a: Parameters<CaseRowsRepository['findVisible']>
  ): ReturnType<CaseRowsRepository['findVisible']> {
    return this.#rows.findVisible(...a);
  }

  findByPublicCode(
    ...a: Parameters<CaseRowsRepository['findByPublicCode']>
  ): ReturnType<CaseRowsRepository['findByPublicCode']> {
    return this.#rows.findByPublicCode(...a);
  }

  findById(...a: Parameters<CaseRowsRepository['findById']>): ReturnType<CaseRowsRepository['findById']> {
    return this.#rows.findById(...a);
  }

  update(...a: Parameters<CaseRowsRepository['update']>): ReturnType<CaseRowsRepository['update']> {
    return this.#rows.update(...a);
  }

  addOriginalReporters(
    ...a: Parameters<CaseRowsRepository['addOriginalReporters']>
  ): ReturnType<CaseRowsRepository['addOriginalReporters']> {
    return this.#rows.addOriginalReporters(...a);
  }

  addReporter(
    ...a: Parameters<CaseRowsRepository['addReporter']>
  ): ReturnType<CaseRowsRepository['addReporter']> {
    return this.#rows.addReporter(...a);
  }

  reporterUserIds(
    ...a: Parameters<CaseRowsRepository['reporterUserIds']>
  ): ReturnType<CaseRowsRepository['reporterUserIds']> {
    return this.#rows.reporterUserIds(...a);
  }

  linkPhoneReports(
    ...a: Parameters<CaseRowsRepository['linkPhoneReports']>
  ): ReturnType<CaseRowsRepository['linkPhoneReports']> {
    return this.#rows.linkPhoneReports(...a);
  }

  reporterCount(
    ...a: Parameters<CaseRowsRepository['reporterCount']>
  ): ReturnType<CaseRowsRepository['reporterCount']> {
    return this.#rows.reporterCount(...a);
  }

  moveReporters(
    ...a: Parameters<CaseRowsRepository['moveReporters']>
  ): ReturnType<CaseRowsRepository['moveReporters']> {
    return this.#rows.moveReporters(...a);
  }

  // CaseEventsRepository: events and their photos
  insertEvents(
    ...a: Parameters<CaseEventsRepository['insertEvents']>
  ): ReturnType<CaseEventsRepository['insertEvents']> {
    return this.#eventLog.insertEvents(...a);
  }

  events(...a: Parameters<CaseEventsRepository['events']>): ReturnType<CaseEventsRepository['events']> {
    return this.#eventLog.events(...a);
  }

  attachPhotos(
    ...a: Parameters<CaseEventsRepository['attachPhotos']>
  ): ReturnType<CaseEventsRepository['attachPhotos']> {
    return this.#eventLog.attachPhotos(...a);
  }

  photos(...a: Parameters<CaseEventsRepository['photos']>): ReturnType<CaseEventsRepository['photos']> {
    return this.#eventLog.photos(...a);
  }

  // CaseSearchRepository: nearby cases, staff search, redacted search copies
  findNearbyOpen(
    ...a: Parameters<CaseSearchRepository['findNearbyOpen']>
  ): ReturnType<CaseSearchRepository['findNearbyOpen']> {
    return this.#finder.findNearbyOpen(...a);
  }

  findNearbyOpenMany(
    ...a: Parameters<CaseSearchRepository['findNearbyOpenMany']>
  ): ReturnType<CaseSearchRepository['findNearbyOpenMany']> {
    return this.#finder.findNearbyOpenMany(...a);
  }

  search(...a: Parameters<CaseSearchRepository['search']>): ReturnType<CaseSearchRepository['search']> {
    return this.#finder.search(...a);
  }

  redactPending(
    ...a: Parameters<CaseSearchRepository['redactPending']>
  ): ReturnType<CaseSearchRepository['redactPending']> {
    return this.#finder.redactPending(...a);
  }

  // CaseIdempotencyRepository: idempotency keys
  findIdempotent(
    ...a: Parameters<CaseIdempotencyRepository['findIdempotent']>
  ): ReturnType<CaseIdempotencyRepository['findIdempotent']> {
    return this.#idempotency.findIdempotent(...a);
  }

  findIdempotentMany(
    ...a: Parameters<CaseIdempotencyRepository['findIdempotentMany']>
  ): ReturnType<CaseIdempotencyRepository['findIdempotentMany']> {
    return this.#idempotency.findIdempotentMany(...a);
  }

  saveIdempotent(
    ...a: Parameters<CaseIdempotencyRepository['saveIdempotent']>
  ): ReturnType<CaseIdempotencyRepository['saveIdempotent']> {
    return this.#idempotency.saveIdempotent(...a);
  }

  saveIdempotentMany(
    ...a: Parameters<CaseIdempotencyRepository['saveIdempotentMany']>
  ): ReturnType<CaseIdempotencyRepository['saveIdempotentMany']> {
    return this.#idempotency.saveIdempotentMany(...a);
  }
}

/**
 * Writes the redacted search copies of every case stored before migration 0013 or by an older
 * redaction detector, in batches; returns how many cases it wrote (run after migrating).
 */
export async function redactPendingCases(q: Queryable, batch = 5000): Promise<number> {
  const search = new CaseSearchRepository();
  let total = 0;
  for (let n = 1; n > 0; total += n) n = await search.redactPending(q, batch);
  return total;
}
