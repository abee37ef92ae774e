import type { Queryable } from '../../src/db/db.js';
import type { MessageSender, OutgoingMessage } from '../../src/kernel/message-sender.js';

/**
 * A test-only MessageSender: keeps every message it was given (with its one-time code), and
 * passes it on to `inner` (e.g. the real outbox sender) if given. Tests read sign-in codes here,
 * as an SMS gateway's phone would receive them, instead of from the outbox (which shows codes
 * only in development mode).
 */
export class CapturingSender implements MessageSender {
  readonly sent: OutgoingMessage[] = [];

  constructor(private readonly inner?: MessageSender) {}

  /** Records the message, then hands it to the inner sender. */
  async send(tx: Queryable, message: OutgoingMessage): Promise<void> {
    this.sent.push(message);
    await this.inner?.send(tx, message);
  }

  /** The newest one-time code sent to this phone (throws when there is none). */
  lastCode(phone: string): string {
    const m = this.sent.filter((x) => x.recipient === phone && x.secret !== undefined).at(-1);
    if (!m?.secret) throw new Error(`no code sent to ${phone.slice(0, 3)}…`);
    return m.secret;
  }
}
