import type { Db, Queryable } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import type { InboxWriter } from '../../kernel/inbox.js';
import type { MessageSender } from '../../kernel/message-sender.js';
import type { Clock } from '../../lib/clock.js';
import type { FieldCipher } from '../../lib/privacy.js';
import type { CaseServices } from '../cases/index.js';
import { CampaignStaffRepository } from './campaign-staff.repository.js';
import { type AreaMode, EmergencyRepository, type GridProgress } from './emergency.repository.js';

/** The NOTIFY channel a committed task update announces its grid's new figures on. */
export const PROGRESS_CHANNEL = 'emergency_progress';

/** What one progress NOTIFY carries: the grid's figures after the update. */
export interface ProgressMessage extends GridProgress {
  campaignId: number;
  areaCode: string;
}

/** How this deployment names itself in CAP messages. */
export interface CapSettings {
  /** `sender` of our CAP messages (an e-mail-like identifier of the city's alerting authority). */
  sender: string;
  /** Public base URL for `web` links and the Atom feed (no trailing slash). */
  publicUrl: string;
}

/** Defaults for CapSettings (a deployment sets its own). */
export const DEFAULT_CAP_SETTINGS: CapSettings = {
  sender: 'alerts@civicgrid.example',
  publicUrl: 'https://civicgrid.example',
};

/** Issues a CAP 1.2 message for an act of this module, in the act's transaction (see cap-out). */
export interface AlertIssuer {
  issue(
    tx: Queryable,
    actor: Actor,
    a: {
      areaCode: string;
      event: { zh: string; en: string };
      headline: { zh: string; en: string };
      description: { zh: string; en: string };
      instruction?: { zh: string; en: string };
      severity: string;
      urgency: string;
      /** CAP category (default Safety). */
      category?: string;
      expires: Date;
      /** Cancel the area's latest active alert of ours instead of raising a new one. */
      cancelsPrevious?: boolean;
    },
  ): Promise<{ id: number; identifier: string }>;
}

/** What the emergency module needs from the rest of the system (wired by the composition root). */
export interface EmergencyDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  cipher: FieldCipher;
  inbox: InboxWriter;
  sender: MessageSender;
  /** Case intake, for "needs help → a case in the loop". */
  intake?: Pick<CaseServices['intake'], 'report'>;
  cap?: Partial<CapSettings>;
}

/** The shared parts of the emergency services. */
export class EmergencySupport {
  readonly repo = new EmergencyRepository();
  readonly staff = new CampaignStaffRepository();
  readonly cap: CapSettings;
  /** Set by the CAP-out service once built (declarations issue alerts through it). */
  alerts: AlertIssuer | undefined;

  constructor(readonly deps: EmergencyDeps) {
    this.cap = { ...DEFAULT_CAP_SETTINGS, ...deps.cap };
  }

  get db(): Db {
    return this.deps.db;
  }

  now(): Date {
    return this.deps.clock.now();
  }

  /** Announces a grid's new figures after the transaction commits (NOTIFY is transactional). */
  async announce(tx: Queryable, m: ProgressMessage): Promise<void> {
    await tx.query('SELECT pg_notify($1, $2)', [PROGRESS_CHANNEL, JSON.stringify(m)]);
  }

  /** Changes an area's mode with its history and audit record, in the caller's transaction. */
  async changeMode(
    tx: Queryable,
    actor: Actor,
    m: { code: string; from: AreaMode; to: AreaMode; reason: string; by: string; alertId: number | null },
  ): Promise<void> {
    const at = this.now();
    await this.repo.setMode(tx, { ...m, at });
    await this.deps.audit.record(tx, {
      actor,
      action: 'emergency.mode_set',
      resourceType: 'area',
      resourceId: m.code,
      areaCode: m.code,
      details: { from: m.from, to: m.to, alertId: m.alertId },
    });
  }
}
