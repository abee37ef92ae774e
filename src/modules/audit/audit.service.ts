import { createHash, createHmac } from 'node:crypto';
import { afterCommitOf, type Db, type Queryable } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditEntry, AuditWriter } from '../../kernel/audit.js';
import { DEV_AUDIT_KEY } from '../../kernel/audit-keys.js';
import { canonicalJson } from '../../kernel/canonical-json.js';
import type { Clock } from '../../lib/clock.js';
import { auditPolicy } from './audit.policy.js';
import { type AuditFilter, type AuditRecord, AuditRepository } from './audit.repository.js';

/** The hash that precedes the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Why verify() stopped. */
export type ChainBreak =
  | { seq: number; reason: 'hash_mismatch' }
  | { seq: number; reason: 'prev_hash_mismatch' }
  | { seq: number; reason: 'version_downgrade' }
  | { seq: number; reason: 'missing'; nextFound: number | null };

/** The outcome of walking the audit chain. */
export type VerifyResult = { ok: true; records: number } | ({ ok: false; records: number } & ChainBreak);

/** The chain version the chainer writes: HMAC-SHA-256 with the audit key. */
export const CHAIN_VERSION = 2;

/**
 * The hash of a record. Version 1 (rows chained before migration 0015):
 * sha256(prev_hash || canonical JSON of every other column) — anyone who can write the table can
 * recompute it. Version 2: HMAC-SHA-256(key, "v2\n" || prev_hash || canonical JSON), the key
 * outside the database (AUDIT_KEY / AUDIT_KEY_FILE).
 */
export function hashRecord(r: Omit<AuditRecord, 'hash'>, key: string | Buffer = DEV_AUDIT_KEY): string {
  if (r.chainVersion === 1)
    return createHash('sha256').update(r.prevHash).update(recordBody(r)).digest('hex');
  return createHmac('sha256', key).update('v2\n').update(r.prevHash).update(recordBody(r)).digest('hex');
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

/** Options of the audit service's chainer. */
export interface AuditChainOptions {
  /** Wait this long after a commit before chaining, so one pass takes many records (default 5 ms). */
  delayMs?: number;
  /** Records per chaining transaction (default 1000). */
  batchSize?: number;
  /** A failed pass (database away): logged; the records stay pending and the next pass retries. */
  onError?: (err: unknown) => void;
  /** The HMAC key of the chain (config.auditKey; default DEV_AUDIT_KEY, development and test only). */
  key?: string | Buffer;
}

/**
 * The tamper-evident audit trail, in two steps so that audited writes never wait for each other:
 *
 * 1. record() inserts the entry into `audit_pending` in the caller's transaction — the record
 *    exists if and only if the act committed, and no lock is taken.
 * 2. The chainer links committed pending records into `audit_log` in batches: under the chain-head
 *    row lock (FOR UPDATE, so chainers on several API nodes take turns and the chain never forks)
 *    it gives them consecutive seqs, computes each hash over the previous one, deletes them from
 *    pending and moves the head, in one transaction. A commit that recorded something wakes the
 *    chainer of its process a few ms later; start() adds a sweep for records left pending by a
 *    node that died between its commit and its chaining pass.
 *
 * Until chained (normally milliseconds) a record is durable but not yet covered by the hash chain;
 * verify() and list() chain everything pending first. The `audit_entries` view shows both.
 */
export class AuditService implements AuditWriter {
  private readonly delayMs: number;
  private readonly batchSize: number;
  private readonly onError: (err: unknown) => void;
  private readonly key: string | Buffer;
  private timer: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly repo = new AuditRepository(),
    opts: AuditChainOptions = {},
  ) {
    this.delayMs = opts.delayMs ?? 5;
    this.batchSize = opts.batchSize ?? 1000;
    this.onError = opts.onError ?? (() => undefined);
    this.key = opts.key ?? DEV_AUDIT_KEY;
  }

  /** Stores the entry in the caller's transaction; it is chained shortly after the commit. */
  async record(tx: Queryable, entry: AuditEntry): Promise<void> {
    await this.recordMany(tx, [entry]);
  }

  /** Several entries in one statement, chained in the order given. */
  async recordMany(tx: Queryable, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // Millisecond precision: the value read back from timestamptz hashes the same.
    const at = new Date(this.clock.now().getTime());
    await this.repo.insertPending(
      tx,
      entries.map((entry) => ({
        at,
        ...actorColumns(entry.actor),
        action: entry.action,
        resourceType: entry.resourceType,
        resourceId: entry.resourceId,
        areaCode: entry.areaCode ?? null,
        purpose: entry.purpose ?? null,
        // Round-trip through JSON so what is hashed equals what jsonb gives back.
        details: JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>,
        // An explicit origin wins; else the actor's (request address, `cli`, `system`).
        origin: entry.origin ?? entry.actor.origin ?? null,
      })),
    );
    afterCommitOf(tx, () => this.wake());
  }

  /**
   * Chains every committed pending record now (all batches) and returns how many. verify(),
   * list() and tests call it; safe to run concurrently with other chainers on any node.
   */
  async flush(): Promise<number> {
    await this.running;
    let total = 0;
    for (;;) {
      const n = await this.chainOnce();
      total += n;
      if (n < this.batchSize) return total;
    }
  }

  /** Adds a sweep every `intervalMs` for records another node left pending (started by serve). */
  start(intervalMs = 5_000): void {
    this.stopped = false;
    this.sweeper ??= setInterval(() => this.wake(0), intervalMs);
    this.sweeper.unref();
    this.wake(0);
  }

  /** Stops waking the chainer and chains what is pending (best effort: the database may be gone). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.timer) clearTimeout(this.timer);
    this.sweeper = undefined;
    this.timer = undefined;
    await this.running;
    await this.flush().catch((err: unknown) => this.onError(err));
  }

  /** Schedules a chaining pass (coalesced: one timer, one pass at a time, another if woken meanwhile). */
  private wake(delayMs = this.delayMs): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.flush()
        .then(
          () => undefined,
          (err: unknown) => this.onError(err),
        )
        .finally(() => {
          this.running = undefined;
          if (this.again) {
            this.again = false;
            this.wake();
          }
        });
    }, delayMs);
    this.timer.unref();
  }

  /** One chaining transaction: up to batchSize pending records into the chain. */
  private async chainOnce(): Promise<number> {
    return this.db.transaction(async (tx) => {
      const { head, pending } = await this.repo.lockHeadAndPending(tx, this.batchSize);
      if (pending.length === 0) return 0;
      let prevHash = head.hash;
      const records = pending.map(({ id: _id, ...r }, i) => {
        const linked = { ...r, seq: head.seq + i + 1, prevHash, chainVersion: CHAIN_VERSION };
        const record: AuditRecord = { ...linked, hash: hashRecord(linked, this.key) };
        prevHash = record.hash;
        return record;
      });
      await this.repo.appendChained(
        tx,
        pending.map((p) => p.id),
        records,
      );
      return pending.length;
    });
  }

  /**
   * Walks the whole chain in order and reports the first record that does not fit: content
   * edited (hash), a row deleted (gap in seq, or the head points past the last row) or rows
   * reordered/replaced (prev_hash). Version-1 (unkeyed) rows are accepted only before the first
   * version-2 row: a keyed row followed by an unkeyed one is a downgrade (rows rewritten unkeyed).
   */
  async verify(batchSize = 1000): Promise<VerifyResult> {
    await this.flush();
    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    let records = 0;
    let keyed = false;
    for (;;) {
      const batch = await this.repo.batchAfter(this.db, expectedSeq - 1, batchSize);
      if (batch.length === 0) break;
      for (const r of batch) {
        if (r.seq !== expectedSeq)
          return { ok: false, records, seq: expectedSeq, reason: 'missing', nextFound: r.seq };
        if (r.prevHash !== prevHash) return { ok: false, records, seq: r.seq, reason: 'prev_hash_mismatch' };
        if (r.chainVersion !== 1 && r.chainVersion !== CHAIN_VERSION)
          return { ok: false, records, seq: r.seq, reason: 'hash_mismatch' };
        if (r.chainVersion === 1 && keyed)
          return { ok: false, records, seq: r.seq, reason: 'version_downgrade' };
        keyed ||= r.chainVersion === CHAIN_VERSION;
        if (hashRecord(r, this.key) !== r.hash)
          return { ok: false, records, seq: r.seq, reason: 'hash_mismatch' };
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

  /**
   * Reads the trail, newest first, restricted in the query to the actor's areas; the read itself
   * is audited (`audit.read`: who, from where, which filter, how many rows) in the same transaction.
   */
  async list(actor: Actor, filter: AuditFilter): Promise<{ items: AuditRecord[]; total: number }> {
    auditPolicy.assertPermits(actor, 'read');
    await this.flush();
    return this.db.transaction(async (tx) => {
      const page = await this.repo.list(tx, auditPolicy.scopeFor(actor, 'read'), filter);
      await this.record(tx, {
        actor,
        action: 'audit.read',
        resourceType: 'audit',
        resourceId: 'audit_log',
        details: {
          filter: {
            action: filter.action ?? null,
            resourceType: filter.resourceType ?? null,
            resourceId: filter.resourceId ?? null,
            actorId: filter.actorId ?? null,
            from: filter.from?.toISOString() ?? null,
            to: filter.to?.toISOString() ?? null,
            beforeSeq: filter.beforeSeq ?? null,
            limit: filter.limit,
          },
          shown: page.items.length,
        },
      });
      return page;
    });
  }

  /**
   * Records that data is about to leave the system outside a request — a CLI export writing
   * official or personal data to a file or stdout — in its own transaction. Callers record before
   * they write the data out: an export whose record failed is not written.
   */
  async recordRelease(entry: AuditEntry): Promise<void> {
    await this.db.transaction((tx) => this.record(tx, entry));
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
    case 'version_downgrade':
      return `BROKEN at record ${result.seq}: an unkeyed record after keyed ones (rewritten without the audit key)`;
    case 'prev_hash_mismatch':
      return `BROKEN at record ${result.seq}: it does not link to record ${result.seq - 1} (reordered or replaced)`;
    default:
      return `BROKEN at record ${result.seq}: its content does not match its hash (edited)`;
  }
}
