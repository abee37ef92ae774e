/**
 * Issue 14, "The edge": anonymous reports are limited per client address (ANON_REPORT_LIMIT per
 * 10 minutes) and per reporter phone (ANON_REPORT_PHONE_LIMIT per hour). Fixed windows counted in
 * `auth_throttle` (the OTP throttle's table), so the limit holds across API nodes. The phone key is
 * its keyed lookup hash, never the number. Signed-in traffic is not counted here.
 */

import type { Db } from '../../db/db.js';
import { ThrottleRepository } from '../../kernel/throttle.js';
import type { Clock } from '../../lib/clock.js';
import { type FieldCipher, normalisePhone } from '../../lib/privacy.js';
import { CaseErrors } from './case.errors.js';

const ADDRESS_WINDOW_MS = 10 * 60_000;
const PHONE_WINDOW_MS = 60 * 60_000;

/** Dependencies and limits of the anonymous report limit (0 = no limit). */
export interface AnonReportLimitDeps {
  db: Db;
  clock: Clock;
  cipher: FieldCipher;
  perAddress: number;
  perPhone: number;
}

/** Counts anonymous reports; throws 429 ANON_REPORT_LIMIT (with seconds to wait) past a limit. */
export class AnonReportLimiter {
  private readonly throttle = new ThrottleRepository();

  constructor(private readonly d: AnonReportLimitDeps) {}

  /** Counts one anonymous report from `clientIp` (and its phone, if given). */
  async hit(clientIp: string, phone?: string): Promise<void> {
    const { db, clock, cipher, perAddress, perPhone } = this.d;
    const now = clock.now();
    if (perAddress > 0) {
      const s = await this.throttle.hit(db, `report-ip:${clientIp}`, now, ADDRESS_WINDOW_MS);
      if (s.hits > perAddress) throw tooMany(s.windowStart, ADDRESS_WINDOW_MS, now);
    }
    if (perPhone > 0 && phone) {
      const key = `report-phone:${cipher.lookupHash(normalisePhone(phone))}`;
      const s = await this.throttle.hit(db, key, now, PHONE_WINDOW_MS);
      if (s.hits > perPhone) throw tooMany(s.windowStart, PHONE_WINDOW_MS, now);
    }
  }
}

function tooMany(windowStart: Date, windowMs: number, now: Date) {
  const seconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
  return CaseErrors.AnonReportLimit({ params: { seconds } });
}
