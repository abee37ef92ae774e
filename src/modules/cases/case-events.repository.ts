import type { Queryable } from '../../db/db.js';
import type { ActorRole } from '../../kernel/actor.js';
import type { CaseEvent } from './case.types.js';

function toEvent(r: Record<string, unknown>): CaseEvent {
  return {
    id: r.id as number,
    caseId: r.case_id as number,
    at: r.at as Date,
    actorKind: r.actor_kind as string,
    actorId: r.actor_id as string | null,
    actorName: r.actor_name as string,
    actorRole: r.actor_role as ActorRole,
    action: r.action as string,
    fromState: r.from_state as string | null,
    toState: r.to_state as string,
    departmentCode: r.department_code as string | null,
    stageDone: r.stage_done as string | null,
    onTime: r.on_time as boolean | null,
    note: r.note as string,
    publicNote: r.public_note as boolean,
    data: r.data as Record<string, unknown>,
  };
}

/** The SQL of a case's event log and of the photos attached to its events. */
export class CaseEventsRepository {
  /** Appends events in one statement; returns them (with ids) in the order given. */
  async insertEvents(q: Queryable, es: ReadonlyArray<Omit<CaseEvent, 'id'>>): Promise<CaseEvent[]> {
    if (es.length === 0) return [];
    const col = <T>(f: (e: Omit<CaseEvent, 'id'>) => T) => es.map(f);
    const { rows } = await q.query(
      `INSERT INTO case_events (case_id, at, actor_kind, actor_id, actor_name, action, from_state, to_state,
         department_code, stage_done, on_time, note, public_note, data, actor_role)
       SELECT case_id, at, actor_kind, actor_id, actor_name, action, from_state, to_state, department_code,
              stage_done, on_time, note, public_note, data, actor_role
         FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::text[], $10::text[], $11::boolean[], $12::text[], $13::boolean[], $14::jsonb[],
                     $15::text[])
              WITH ORDINALITY AS u(case_id, at, actor_kind, actor_id, actor_name, action, from_state, to_state,
                                   department_code, stage_done, on_time, note, public_note, data, actor_role, ord)
        ORDER BY ord
       RETURNING *`,
      [
        col((e) => e.caseId),
        col((e) => e.at.toISOString()),
        col((e) => e.actorKind),
        col((e) => e.actorId),
        col((e) => e.actorName),
        col((e) => e.action),
        col((e) => e.fromState),
        col((e) => e.toState),
        col((e) => e.departmentCode),
        col((e) => e.stageDone),
        col((e) => e.onTime),
        col((e) => e.note),
        col((e) => e.publicNote),
        col((e) => JSON.stringify(e.data)),
        col((e) => e.actorRole),
      ],
    );
    // Ids are assigned in insertion order (ORDER BY ord): sorting by id restores the input order.
    return rows.map(toEvent).sort((a, b) => a.id - b.id);
  }

  /** A case's events in order. */
  async events(q: Queryable, caseId: number): Promise<CaseEvent[]> {
    const { rows } = await q.query('SELECT * FROM case_events WHERE case_id = $1 ORDER BY id', [caseId]);
    return rows.map(toEvent);
  }

  /**
   * Links uploaded photos to a case/event. Only photos the same caller uploaded (anonymous with
   * anonymous) and not yet attached are taken, so nobody can claim someone else's upload by id.
   */
  async attachPhotos(
    q: Queryable,
    caseId: number,
    eventId: number,
    photoIds: readonly number[],
    uploadedBy: number | null,
    uploadKeyHash: string | null = null,
  ): Promise<number> {
    if (photoIds.length === 0) return 0;
    // A signed-in user's photos by account; anonymous photos only with their upload key.
    const { rowCount } = await q.query(
      `UPDATE case_photos SET case_id = $1, event_id = $2
       WHERE id = ANY($3) AND case_id IS NULL
         AND CASE WHEN $4::bigint IS NULL THEN uploaded_by IS NULL AND upload_key_hash = $5::text
                  ELSE uploaded_by = $4::bigint END`,
      [caseId, eventId, [...photoIds], uploadedBy, uploadKeyHash],
    );
    return rowCount;
  }

  /** Photos of a case (metadata). */
  async photos(
    q: Queryable,
    caseId: number,
  ): Promise<
    Array<{
      id: number;
      purpose: string;
      mime: string;
      bytes: number;
      sha256: string;
      eventId: number | null;
    }>
  > {
    const { rows } = await q.query<{
      id: number;
      purpose: string;
      mime: string;
      bytes: number;
      sha256: string;
      event_id: number | null;
    }>('SELECT id, purpose, mime, bytes, sha256, event_id FROM case_photos WHERE case_id = $1 ORDER BY id', [
      caseId,
    ]);
    return rows.map((r) => ({
      id: r.id,
      purpose: r.purpose,
      mime: r.mime,
      bytes: r.bytes,
      sha256: r.sha256,
      eventId: r.event_id,
    }));
  }
}
