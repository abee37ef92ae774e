import type { Queryable } from '../../db/db.js';

/** A message as the dev outbox keeps it (recipient masked for display, encrypted in full). */
export interface OutboxRecord {
  id: number;
  channel: string;
  recipientMasked: string;
  body: string;
  createdAt: Date;
}

/** The only SQL for the dev outbox. */
export class OutboxRepository {
  /** Stores one sent message. */
  async insert(
    q: Queryable,
    m: { channel: string; recipientMasked: string; recipientEnc: string; body: string; now: Date },
  ): Promise<void> {
    await q.query(
      'INSERT INTO dev_outbox (channel, recipient_masked, recipient_enc, body, created_at) VALUES ($1, $2, $3, $4, $5)',
      [m.channel, m.recipientMasked, m.recipientEnc, m.body, m.now],
    );
  }

  /** Newest messages first, optionally only those to a masked recipient. */
  async list(
    q: Queryable,
    f: { recipientMasked?: string; limit: number; offset: number },
  ): Promise<{ items: OutboxRecord[]; total: number }> {
    const params: unknown[] = [];
    let where = 'TRUE';
    if (f.recipientMasked) {
      params.push(f.recipientMasked);
      where = `recipient_masked = $${params.length}`;
    }
    const total = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM dev_outbox WHERE ${where}`,
      params,
    );
    params.push(f.limit, f.offset);
    const { rows } = await q.query<{
      id: number | string;
      channel: string;
      recipient_masked: string;
      body: string;
      created_at: Date;
    }>(
      `SELECT id, channel, recipient_masked, body, created_at FROM dev_outbox WHERE ${where}
       ORDER BY id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return {
      items: rows.map((r) => ({
        id: Number(r.id),
        channel: r.channel,
        recipientMasked: r.recipient_masked,
        body: r.body,
        createdAt: r.created_at,
      })),
      total: total.rows[0]?.n ?? 0,
    };
  }
}
