import type { Queryable } from '../db/db.js';

/** A message to a person: a one-time code, a case notification. */
export interface OutgoingMessage {
  channel: 'sms';
  /** Clear recipient address (a phone number); implementations must not log it unmasked. */
  recipient: string;
  body: string;
  /**
   * The one-time code inside `body`, if any: a real gateway delivers the body as is; the dev
   * outbox keeps it only in development mode ("code sent" otherwise).
   */
  secret?: string;
}

/**
 * Sends messages to people. The built-in OutboxMessageSender writes them to the dev outbox;
 * a deployment plugs in a real SMS gateway here. `tx` lets an implementation enqueue the
 * message in the caller's transaction, so a rolled-back use case sends nothing.
 */
export interface MessageSender {
  send(tx: Queryable, message: OutgoingMessage): Promise<void>;
}
