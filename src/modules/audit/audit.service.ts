import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../../db/db.js';
import type { Clock } from '../../lib/clock.js';
import type { Actor } from '../identity/actor.js';
import { auditPolicy } from './audit.policy.js';
import type { AuditEntry, AuditWriter } from './audit.port.js';
import { type AuditFilter, type AuditRecord, AuditRepository } from './audit.repository.js';
import { canonicalJson } from './canonical-json.js';

/** The hash that precedes the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Why verify() stopped. */
export type ChainBreak =
  | { seq: number; reason: 'hash_mismatch' }
  | { seq: number; reason: 'prev_hash_mismatch' }
  | { seq: number; reason: 'missing'; nextFound: number | null };

/** The outcome of walking the audit chain. */
export type VerifyResult = { ok: true; records: number } | ({ ok: false; records: number } & ChainBreak);

/** The hash of a record: sha256(prev_hash || canonical JSON of every other column). */
export function hashRecord(r: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(r.prevHash).update(recordBody(r)).digest('hex');
}

/**
 * The canonical JSON of a record up to and including `"seq":` — seq sorts last among the keys —
 * so the database can finish the body with the seq it assigns under the head lock.
 */
export function bodyBeforeSeq(r: Omit<AuditRecord, 'hash' | 'seq' | 'prevHash'>): string {
  const full = recordBody({ ...r, seq: 0 });
  const tail = ',"seq":0}';
  if (!full.endsWith(tail)) throw new Error('audit body: seq is not the last canonical key');
  return `${full.slice(0, -tail.length)},"seq":`;
}

function recordBody(r: Omit<AuditRecord, 'hash' | 'prevHash'>): string {
  return canonicalJson({
    seq: r.seq,
    at: r.at.toISOString(),
    actorKind: r.actorKind,
    actorId: r.actorId,
    actorName: r.actorName,
    action: r.action,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    areaCode: r.areaCode,
    purpose: r.purpose,
    details: r.details,
    origin: r.origin,
  });
}

function actorColumns(actor: Actor): Pick<AuditRecord, 'actorKind' | 'actorId' | 'actorName'> {
  switch (actor.kind) {
    case 'user':
      return { actorKind: 'user', actorId: String(actor.userId), actorName: actor.displayName };
    case 'system':
      return { actorKind: 'system', actorId: null, actorName: actor.name };
    default:
      return { actorKind: 'anonymous', actorId: null, actorName: null };
  }
}

/**
 * The tamper-evident audit trail. record() runs inside the caller's transaction and holds the
 * chain-head row lock until it commits, so concurrent writers on any number of API nodes append
 * one after another and the chain never forks. verify() recomputes every hash.
 */
export class AuditService implements AuditWriter {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly repo = new AuditRepository(),
  ) {}

  /** Appends the entry to the chain in the caller's transaction (one statement; see appendNext). */
  async record(tx: Queryable, entry: AuditEntry): Promise<void> {
    const base: Omit<AuditRecord, 'hash' | 'seq' | 'prevHash'> = {
      // Millisecond precision: the value read back from timestamptz hashes the same.
      at: new Date(this.clock.now().getTime()),
      ...actorColumns(entry.actor),
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      areaCode: entry.areaCode ?? null,
      purpose: entry.purpose ?? null,
      // Round-trip through JSON so what is hashed equals what jsonb gives back.
      details: JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>,
      origin: entry.origin ?? null,
    };
    const written = await this.repo.appendNext(tx, base, bodyBeforeSeq(base));
    // The SQL hash must be the one verify() recomputes; if not, refuse (the transaction rolls back).
    if (hashRecord({ ...base, seq: written.seq, prevHash: written.prevHash }) !== written.hash)
      throw new Error('audit hash computed by the database differs from the canonical hash');
  }

  /**
   * Walks the whole chain in order and reports the first record that does not fit: content
   * edited (hash), a row deleted (gap in seq, or the head points past the last row) or rows
   * reordered/replaced (prev_hash).
   */
  async verify(batchSize = 1000): Promise<VerifyResult> {
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let records = 0;
    for (;;) {
      const batch = await this.repo.batchAfter(this.db, expectedSeq - 1, batchSize);
      if (batch.length === 0) break;
      for (const r of batch) {
        if (r.seq !== expectedSeq)
          return { ok: false, records, seq: expectedSeq, reason: 'missing', nextFound: r.seq };
        if (r.prevHash !== prevHash) return { ok: false, records, seq: r.seq, reason: 'prev_hash_mismatch' };
        if (hashRecord(r) !== r.hash) return { ok: false, records, seq: r.seq, reason: 'hash_mismatch' };
        prevHash = r.hash;
        expectedSeq += 1;
        records += 1;
      }
    }
    const head = await this.repo.head(this.db);
    if (head.seq >= expectedSeq)
      return { ok: false, records, seq: expectedSeq, reason: 'missing', nextFound: null };
    if (head.seq !== expectedSeq - 1 || head.hash !== prevHash) {
      return { ok: false, records, seq: Math.max(1, expectedSeq - 1), reason: 'hash_mismatch' };
    }
    return { ok: true, records };
  }

  /** Reads the trail, newest first, restricted in the query to the actor's areas. */
  async list(actor: Actor, filter: AuditFilter): Promise<{ items: AuditRecord[]; total: number }> {
    auditPolicy.assertPermits(actor, 'read');
    return this.repo.list(this.db, auditPolicy.scopeFor(actor, 'read'), filter);
  }
}

/** A one-line human description of a verify result (CLI and logs). */
export function describeVerify(result: VerifyResult): string {
  if (result.ok) return `OK: audit chain intact (${result.records} records)`;
  switch (result.reason) {
    case 'missing':
      return result.nextFound === null
        ? `BROKEN at record ${result.seq}: records from ${result.seq} on are missing (the chain head says they existed)`
        : `BROKEN at record ${result.seq}: record is missing (next record found is ${result.nextFound})`;
    case 'prev_hash_mismatch':
      return `BROKEN at record ${result.seq}: it does not link to record ${result.seq - 1} (reordered or replaced)`;
    default:
      return `BROKEN at record ${result.seq}: its content does not match its hash (edited)`;
  }
}
