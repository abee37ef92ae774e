import type { Queryable } from '../../src/db/db.js';
import type { AuditEntry, AuditWriter } from '../../src/kernel/audit.js';

/** An AuditWriter that keeps entries in memory, so tests can assert what was recorded. */
export class RecordingAudit implements AuditWriter {
  readonly entries: AuditEntry[] = [];
  async record(_tx: Queryable, entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
  async recordMany(_tx: Queryable, entries: readonly AuditEntry[]): Promise<void> {
    this.entries.push(...entries);
  }
}
