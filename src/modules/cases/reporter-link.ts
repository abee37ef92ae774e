/**
 * Reports made with a phone belong to whoever proves they hold it: when a resident signs in by
 * SMS code (`identity.phone_verified`), every report left with that phone — anonymously, through
 * the hotline or Open311 — becomes theirs, so "my reports", evaluation and reopening work for it
 * as the tracking page promises. Runs in the sign-in transaction; one `cases.linked` audit record
 * per case, in the case's area.
 */
import type { Queryable } from '../../db/db.js';
import { recordAll } from '../../kernel/audit.js';
import type { PhoneVerified } from '../identity/index.js';
import type { CaseSupport } from './case-support.js';

export class ReporterLinks {
  constructor(private readonly support: CaseSupport) {}

  /** Subscribed to `identity.phone_verified`. */
  readonly onPhoneVerified = async (tx: Queryable, e: PhoneVerified): Promise<void> => {
    const linked = await this.support.deps.repo.linkPhoneReports(tx, e.userId, e.phoneHash);
    if (linked.length === 0) return;
    await recordAll(
      this.support.deps.audit,
      tx,
      linked.map((c) => ({
        actor: { kind: 'user' as const, userId: e.userId, displayName: e.displayName, grants: [] },
        action: 'cases.linked',
        resourceType: 'case',
        resourceId: String(c.id),
        areaCode: c.gridCode,
        details: { publicCode: c.publicCode, via: 'phone_verified' },
        origin: e.origin,
      })),
    );
  };
}
