import type { Db, Queryable } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import type { InboxWriter } from '../../kernel/inbox.js';
import { codeWithin } from '../../kernel/policy.js';
import type { Clock } from '../../lib/clock.js';
import { type FieldCipher, redactFreeText } from '../../lib/privacy.js';
import type { CalendarReader } from '../calendar/index.js';
import type { CaseServices } from '../cases/index.js';
import { type CareGrant, careAdminPolicy, grantCovers } from './care.policy.js';
import { CareRepository, type CohortRow } from './care.repository.js';

/** Knobs of escalation and alerts. */
export interface CareSettings {
  /** A task still open this many calendar days after its due day escalates to the community. */
  escalateAfterDays: number;
  /** This many visits in a row not in person raise an alert. */
  notMetInARow: number;
}

/** Defaults of CareSettings. */
export const DEFAULT_CARE_SETTINGS: CareSettings = { escalateAfterDays: 3, notMetInARow: 3 };

/** What the care module needs from the rest of the system (wired by the composition root). */
export interface CareDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  cipher: FieldCipher;
  calendar: CalendarReader;
  inbox: InboxWriter;
  /** Case intake, for "needs found → new case". */
  intake?: Pick<CaseServices['intake'], 'report'>;
  settings?: Partial<CareSettings>;
}

/** The shared parts of the care services: deps, the repository, grants and label presentation. */
export class CareSupport {
  readonly repo = new CareRepository();
  readonly settings: CareSettings;

  constructor(readonly deps: CareDeps) {
    this.settings = { ...DEFAULT_CARE_SETTINGS, ...deps.settings };
  }

  /** The actor's active cohort grants (none for anonymous; system actors need none). */
  async grantsOf(actor: Actor, q: Queryable = this.deps.db): Promise<CareGrant[]> {
    return actor.kind === 'user' ? this.repo.grantsOf(q, actor.userId) : [];
  }

  /** True when the actor manages the cohort (an admin whose area covers the cohort's area). */
  manages(actor: Actor, cohort: Pick<CohortRow, 'areaCode'>): boolean {
    return careAdminPolicy.can(actor, 'read', { areaCode: cohort.areaCode });
  }

  /**
   * The cohort's label for this actor: clear for its managers and for holders of a grant for it
   * (anywhere, or in `gridCode` when given), else null (masked).
   */
  labelFor(
    actor: Actor,
    cohort: Pick<CohortRow, 'id' | 'areaCode' | 'labelEnc'>,
    grants: readonly CareGrant[],
    gridCode?: string | null,
  ): string | null {
    const visible =
      actor.kind === 'system' ||
      this.manages(actor, cohort) ||
      (gridCode === undefined
        ? grants.some((g) => g.cohortId === cohort.id)
        : grantCovers(grants, cohort.id, gridCode));
    return visible ? redactFreeText(this.deps.cipher.decrypt(cohort.labelEnc)) : null;
  }

  /** True when the actor may read this cohort's sensitive data (notes) in this grid. */
  seesNotes(actor: Actor, cohortId: number, grants: readonly CareGrant[], gridCode: string | null): boolean {
    return actor.kind === 'system' || grantCovers(grants, cohortId, gridCode);
  }

  /** Seals an optional free text. */
  seal(text: string | undefined | null): string | null {
    return text === undefined || text === null || text === '' ? null : this.deps.cipher.encrypt(text);
  }

  /** Opens a sealed free text for display: through the one redaction path (phone and ID numbers masked). */
  open(sealed: string | null): string | null {
    return sealed === null ? null : redactFreeText(this.deps.cipher.decrypt(sealed));
  }
}

/** True when the area code lies in the cohort's area. */
export function inCohortArea(cohortArea: string | null, code: string | null): boolean {
  return codeWithin(cohortArea, code);
}
