import type { Db, Queryable } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import type { MessageSender, OutgoingMessage } from '../../kernel/message-sender.js';
import { Policy } from '../../kernel/policy.js';
import type { Clock } from '../../lib/clock.js';
import { type FieldCipher, maskPhone } from '../../lib/privacy.js';
import { type OutboxRecord, OutboxRepository } from './outbox.repository.js';

/**
 * Only city-wide administrators read the dev outbox: its messages go to phones, not areas, so a
 * district admin has no share of it (and it held live sign-in codes of the whole city).
 */
export const outboxPolicy = new Policy<Record<string, never>>('outbox').allow(
  ['admin'],
  ['read'],
  (grant) => grant.areaCode === null && grant.departmentCode === null,
);

/** What the outbox shows instead of a message that carried a one-time code (outside development). */
export const CODE_SENT_BODY =
  '【CivicGrid】验证码已发送（仅开发模式显示）。Sign-in code sent (shown in development mode only).';

/**
 * The built-in MessageSender: "sends" by writing to the dev outbox table, where admins read
 * messages through GET /api/admin/outbox. Nothing pretends delivery succeeded elsewhere.
 */
export class OutboxMessageSender implements MessageSender {
  constructor(
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    /** Keep one-time codes in the outbox: development mode only (the README demo reads them). */
    private readonly opts: { showSecrets: boolean } = { showSecrets: false },
    private readonly repo = new OutboxRepository(),
  ) {}

  /**
   * Writes the message to the outbox in the caller's transaction. A message carrying a code is
   * stored as "code sent" unless showSecrets: the code is then nowhere but in the hash table.
   */
  async send(tx: Queryable, m: OutgoingMessage): Promise<void> {
    await this.repo.insert(tx, {
      channel: m.channel,
      recipientMasked: maskPhone(m.recipient),
      recipientEnc: this.cipher.encrypt(m.recipient),
      body: m.secret !== undefined && !this.opts.showSecrets ? CODE_SENT_BODY : m.body,
      now: this.clock.now(),
    });
  }
}

/** Reading the dev outbox; every read is audited (`outbox.read`: who, when, which filter). */
export class OutboxService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditWriter,
    private readonly repo = new OutboxRepository(),
  ) {}

  /** Newest messages first (city-wide admins only), audited in the same transaction. */
  async list(
    actor: Actor,
    f: { recipientMasked?: string; limit: number; offset: number },
    origin?: string,
  ): Promise<{ items: OutboxRecord[]; total: number }> {
    outboxPolicy.assert(actor, 'read', {});
    return this.db.transaction(async (tx) => {
      const page = await this.repo.list(tx, f);
      await this.audit.record(tx, {
        actor,
        action: 'outbox.read',
        resourceType: 'outbox',
        resourceId: 'dev_outbox',
        details: {
          recipient: f.recipientMasked ?? null,
          limit: f.limit,
          offset: f.offset,
          shown: page.items.length,
        },
        ...(origin ? { origin } : {}),
      });
      return page;
    });
  }
}
