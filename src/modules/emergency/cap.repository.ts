import type { Queryable } from '../../db/db.js';

/** A stored CAP alert (ours or an upstream one). */
export interface CapAlertRow {
  id: number;
  direction: 'out' | 'in';
  identifier: string;
  sender: string;
  sent: Date;
  status: string;
  msgType: string;
  refs: string[];
  headline: string | null;
  areaCodes: string[];
  state: 'active' | 'updated' | 'cancelled';
}

const COLS = `id::int AS id, direction, identifier, sender, sent, status, msg_type AS "msgType", refs, headline,
  area_codes AS "areaCodes", state`;

function rowOf(r: CapAlertRow): CapAlertRow {
  return { ...r, sent: new Date(r.sent) };
}

/** The only SQL of CAP alerts. */
export class CapRepository {
  /** The next alert id (our identifiers carry it, so the XML is written once). */
  async nextId(q: Queryable): Promise<number> {
    const { rows } = await q.query<{ id: number }>(
      "SELECT nextval(pg_get_serial_sequence('cap_alerts', 'id'))::int AS id",
    );
    return rows[0]!.id;
  }

  /** Inserts one of our alerts under a reserved id. */
  async insertOut(
    q: Queryable,
    id: number,
    a: Omit<CapAlertRow, 'id' | 'state' | 'direction'> & { xml: string; by: string; at: Date },
  ): Promise<void> {
    await q.query(
      `INSERT INTO cap_alerts (id, direction, identifier, sender, sent, status, msg_type, refs, headline, area_codes, xml, created_by, created_at)
       VALUES ($1, 'out', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        id,
        a.identifier,
        a.sender,
        a.sent,
        a.status,
        a.msgType,
        JSON.stringify(a.refs),
        a.headline,
        JSON.stringify(a.areaCodes),
        a.xml,
        a.by,
        a.at,
      ],
    );
  }

  /** An alert by (sender, identifier). */
  async byReference(q: Queryable, sender: string, identifier: string): Promise<CapAlertRow | null> {
    const { rows } = await q.query<CapAlertRow>(
      `SELECT ${COLS} FROM cap_alerts WHERE sender = $1 AND identifier = $2`,
      [sender, identifier],
    );
    return rows[0] ? rowOf(rows[0]) : null;
  }

  /** The latest active alert of ours for an area (what ending an emergency cancels). */
  async latestActiveOut(q: Queryable, areaCode: string): Promise<CapAlertRow | null> {
    const { rows } = await q.query<CapAlertRow>(
      `SELECT ${COLS} FROM cap_alerts WHERE direction = 'out' AND state = 'active' AND msg_type <> 'Cancel'
         AND area_codes @> $1::jsonb ORDER BY id DESC LIMIT 1`,
      [JSON.stringify([areaCode])],
    );
    return rows[0] ? rowOf(rows[0]) : null;
  }

  /** Marks an alert updated or cancelled. */
  async setState(q: Queryable, id: number, state: 'updated' | 'cancelled'): Promise<void> {
    await q.query('UPDATE cap_alerts SET state = $2 WHERE id = $1', [id, state]);
  }

  /** Our alerts, newest first (the Atom feed). */
  async feed(q: Queryable, limit: number): Promise<CapAlertRow[]> {
    const { rows } = await q.query<CapAlertRow>(
      `SELECT ${COLS} FROM cap_alerts WHERE direction = 'out' ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map(rowOf);
  }

  /** The stored XML of one of our alerts. */
  async xmlOf(q: Queryable, identifier: string): Promise<string | null> {
    const { rows } = await q.query<{ xml: string }>(
      "SELECT xml FROM cap_alerts WHERE direction = 'out' AND identifier = $1",
      [identifier],
    );
    return rows[0]?.xml ?? null;
  }

  /** Upstream alerts touching these areas (commanders' list), newest first. */
  async inbound(q: Queryable, limit: number): Promise<Array<CapAlertRow & { xml?: never }>> {
    const { rows } = await q.query<CapAlertRow>(
      `SELECT ${COLS} FROM cap_alerts WHERE direction = 'in' ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map(rowOf);
  }
}
