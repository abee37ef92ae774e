import type { Db, Queryable } from '../../db/db.js';
import type { Clock } from '../../lib/clock.js';
import { type FieldCipher, maskPhone } from '../../lib/privacy.js';
import type { Actor } from '../identity/actor.js';
import { Policy } from '../identity/policy.js';
import type { MessageSender, OutgoingMessage } from './message-sender.port.js';
import { type OutboxRecord, OutboxRepository } from './outbox.repository.js';

/** Only administrators read the dev outbox (it holds live sign-in codes). */
export const outboxPolicy = new Policy('outbox').allow(['admin'], ['read']);

/**
 * The built-in MessageSender: "sends" by writing to the dev outbox table, where admins read
 * messages through GET /api/admin/outbox. Nothing pretends delivery succeeded elsewhere.
 */
export class OutboxMessageSender implements MessageSender {
  constructor(
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
    private readonly repo = new OutboxRepository(),
  ) {}

  /** Writes the message to the outbox in the caller's transaction. */
  async send(tx: Queryable, m: OutgoingMessage): Promise<void> {
    await this.repo.insert(tx, {
      channel: m.channel,
      recipientMasked: maskPhone(m.recipient),
      recipientEnc: this.cipher.encrypt(m.recipient),
      body: m.body,
      now: this.clock.now(),
    });
  }
}

/** Reading the dev outbox. */
export class OutboxService {
  constructor(
    private readonly db: Db,
    private readonly repo = new OutboxRepository(),
  ) {}

  /** Newest messages first (admins only). */
  async list(
    actor: Actor,
    f: { recipientMasked?: string; limit: number; offset: number },
  ): Promise<{ items: OutboxRecord[]; total: number }> {
    outboxPolicy.assert(actor, 'read');
    return this.repo.list(this.db, f);
  }
}
