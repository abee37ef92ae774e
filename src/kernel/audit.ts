import type { Queryable } from '../db/db.js';
import type { Actor } from './actor.js';

/** One auditable act: case actions, reveals of personal data, exports, logins, permission changes. */
export interface AuditEntry {
  actor: Actor;
  /** Dotted verb, e.g. `case.dispatch`, `person.reveal`, `auth.login_failed`, `grant.add`. */
  action: string;
  resourceType: string;
  resourceId: string;
  /** Area the resource lies in (scoped reads of the audit log use it). */
  areaCode?: string | null;
  /** Required for reveals: why the clear value was needed. */
  purpose?: string;
  /** Machine-readable detail; never clear personal data. */
  details?: Record<string, unknown>;
  /** Client address or channel, when known. */
  origin?: string;
}

/**
 * Writes an audit record inside the caller's transaction, so the record exists if and only if
 * the act it records was committed.
 */
export interface AuditWriter {
  record(tx: Queryable, entry: AuditEntry): Promise<void>;
  /** Several entries in one statement (a batch of acts in one transaction), in order. */
  recordMany?(tx: Queryable, entries: readonly AuditEntry[]): Promise<void>;
}

/** Records entries through recordMany when the writer has it, else one by one. */
export async function recordAll(
  audit: AuditWriter,
  tx: Queryable,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (audit.recordMany) return audit.recordMany(tx, entries);
  for (const e of entries) await audit.record(tx, e);
}
