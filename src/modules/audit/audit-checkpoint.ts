import type { KeyObject } from 'node:crypto';
import { randomBytes, sign, verify } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/db.js';
import { keyIdOf, publicKeyOf } from '../../kernel/audit-keys.js';
import { canonicalJson } from '../../kernel/canonical-json.js';
import { AuditRepository } from './audit.repository.js';
import { type AuditService, type ChainBreak, describeVerify } from './audit.service.js';

/** The format tag every checkpoint carries (and signs). */
export const CHECKPOINT_FORMAT = 'civicgrid-audit-checkpoint/1';

/**
 * A signed statement "the audit chain had `count` records, the last one with hash `head`,
 * made at `at`", kept outside the database. Everything in it is derived from the chain, and
 * Ed25519 signatures are deterministic, so two nodes signing the same head write the same bytes.
 */
export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  /** Number of chained records (the seq of the newest). */
  count: number;
  /** Hash of record `count`. */
  head: string;
  /** Time of record `count` (ISO 8601): the chain held at least this much by then. */
  at: string;
  /** keyIdOf(the public key) that verifies `signature`. */
  keyId: string;
  /** Base64 Ed25519 signature over the canonical JSON of the other fields. */
  signature: string;
}

type Signed = Omit<Checkpoint, 'signature'>;

function signedPart(c: Signed): string {
  return canonicalJson({ format: c.format, count: c.count, head: c.head, at: c.at, keyId: c.keyId });
}

/** Signs a checkpoint of the given head. */
export function signCheckpoint(
  head: { count: number; head: string; at: Date },
  signingKey: KeyObject,
): Checkpoint {
  const body: Signed = {
    format: CHECKPOINT_FORMAT,
    count: head.count,
    head: head.head,
    at: head.at.toISOString(),
    keyId: keyIdOf(publicKeyOf(signingKey)),
  };
  return { ...body, signature: sign(null, Buffer.from(signedPart(body)), signingKey).toString('base64') };
}

/** Whether a checkpoint's signature verifies with one of the keys (matched by key id). */
export function checkSignature(
  c: Checkpoint,
  verifyKeys: readonly KeyObject[],
): 'ok' | 'bad_signature' | 'unknown_key' {
  const key = verifyKeys.find((k) => keyIdOf(k) === c.keyId);
  if (!key) return 'unknown_key';
  const ok = verify(null, Buffer.from(signedPart(c)), key, Buffer.from(c.signature, 'base64'));
  return ok ? 'ok' : 'bad_signature';
}

/** A checkpoint from file text, or null if the text is not one (wrong shape, not JSON). */
export function parseCheckpoint(text: string): Checkpoint | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const c = v as Record<string, unknown>;
  const ok =
    c.format === CHECKPOINT_FORMAT &&
    typeof c.count === 'number' &&
    Number.isSafeInteger(c.count) &&
    c.count > 0 &&
    typeof c.head === 'string' &&
    /^[0-9a-f]{64}$/.test(c.head) &&
    typeof c.at === 'string' &&
    !Number.isNaN(Date.parse(c.at)) &&
    typeof c.keyId === 'string' &&
    typeof c.signature === 'string';
  return ok ? (c as unknown as Checkpoint) : null;
}

/** Checkpoint files are named `<count, 12 digits>-<head prefix>.json`: sorted by name = by count. */
const FILE_NAME = /^\d{12}-[0-9a-f]{16}\.json$/;

/** The file name of a checkpoint. */
export function checkpointFileName(c: Pick<Checkpoint, 'count' | 'head'>): string {
  return `${String(c.count).padStart(12, '0')}-${c.head.slice(0, 16)}.json`;
}

/** One file of a checkpoint directory as read back. */
export interface CheckpointFile {
  file: string;
  /** Null when the file is not a checkpoint at all. */
  checkpoint: Checkpoint | null;
}

/** The directory the operator points AUDIT_CHECKPOINT_DIR at: one file per checkpoint. */
export class CheckpointDir {
  constructor(readonly dir: string) {}

  /**
   * Writes a checkpoint atomically (a temporary file, synced, renamed into place): a reader sees
   * a whole file or none. Two nodes writing the same head write the same bytes to the same name.
   */
  async write(c: Checkpoint): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const final = path.join(this.dir, checkpointFileName(c));
    const tmp = path.join(this.dir, `.tmp-${randomBytes(6).toString('hex')}`);
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(c, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, final);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return final;
  }

  /** Every checkpoint file (named like one), in name order = count order; a missing dir is empty. */
  async readAll(): Promise<CheckpointFile[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: CheckpointFile[] = [];
    for (const file of names.filter((n) => FILE_NAME.test(n)).sort()) {
      out.push({ file, checkpoint: parseCheckpoint(await readFile(path.join(this.dir, file), 'utf8')) });
    }
    return out;
  }
}

/** Where the checkpointer reports: one info line per checkpoint, an error when it refuses to sign. */
export interface CheckpointLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What one checkpointer pass did. */
export type CheckpointPass =
  | { written: Checkpoint; file: string }
  | { skipped: 'empty' | 'unchanged' }
  | { refused: 'fewer_records' | 'head_differs' | 'head_row_missing'; checkpointCount: number };

/**
 * Writes a signed checkpoint of the chain head at an interval (started by `serve`). Before
 * signing it checks the newest checkpoint already in the directory (its own or another node's)
 * against the database: if the database has fewer records, or a different hash at that count,
 * it signs nothing and logs an error — it never blesses a rewritten chain.
 *
 * Several API nodes: every node runs one. Pointing them at one shared directory is harmless (the
 * same head gives the same file, written atomically); separate directories each hold a valid set.
 */
export class AuditCheckpointer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly verifyKey: KeyObject;

  constructor(
    private readonly deps: {
      db: Db;
      dir: CheckpointDir;
      signingKey: KeyObject;
      log: CheckpointLog;
      repo?: AuditRepository;
    },
  ) {
    this.verifyKey = publicKeyOf(deps.signingKey);
  }

  /** One pass: sign and write the current head if it moved on since the newest checkpoint. */
  async writeOnce(): Promise<CheckpointPass> {
    const repo = this.deps.repo ?? new AuditRepository();
    const { db } = this.deps;
    const head = await repo.headWithTime(db);
    if (head.seq === 0) return { skipped: 'empty' };
    const files = await this.deps.dir.readAll();
    const newest = files
      .map((f) => f.checkpoint)
      .filter((c): c is Checkpoint => c !== null && checkSignature(c, [this.verifyKey]) === 'ok')
      .sort((a, b) => a.count - b.count)
      .at(-1);
    if (newest) {
      const refuse = (refused: 'fewer_records' | 'head_differs'): CheckpointPass => {
        // Counts and hashes only: no record content, no personal data.
        this.deps.log.error(
          { auditCheckpoint: { count: newest.count, databaseCount: head.seq, reason: refused } },
          'audit checkpoint not written: the database chain disagrees with the newest checkpoint; run `civicgrid audit verify --checkpoints`',
        );
        return { refused, checkpointCount: newest.count };
      };
      if (head.seq < newest.count) return refuse('fewer_records');
      if ((await repo.hashAt(db, newest.count)) !== newest.head) return refuse('head_differs');
      if (head.seq === newest.count) return { skipped: 'unchanged' };
    }
    if (head.at === null) {
      this.deps.log.error(
        { auditCheckpoint: { databaseCount: head.seq, reason: 'head_row_missing' } },
        'audit checkpoint not written: the chain head points at a missing record',
      );
      return { refused: 'head_row_missing', checkpointCount: newest?.count ?? 0 };
    }
    const written = signCheckpoint({ count: head.seq, head: head.hash, at: head.at }, this.deps.signingKey);
    const file = await this.deps.dir.write(written);
    // The same signed statement in the log: a second copy outside the database and the directory.
    this.deps.log.info({ auditCheckpoint: written }, 'audit checkpoint');
    return { written, file };
  }

  /** Writes a checkpoint every `intervalMs` (and one now); failures are logged, the next pass retries. */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.pass(), intervalMs);
    this.timer.unref();
    this.pass();
  }

  /** Stops the timer and, if it was running, writes a last checkpoint (best effort). */
  async stop(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    this.pass();
    await this.running;
  }

  private pass(): void {
    if (this.running) return;
    this.running = this.writeOnce()
      .catch((err: unknown) => this.deps.log.error({ err }, 'audit checkpoint pass failed'))
      .finally(() => {
        this.running = undefined;
      });
  }
}

/** A checkpoint file that cannot be trusted. */
export interface BadCheckpointFile {
  file: string;
  problem: 'not_a_checkpoint' | 'bad_signature' | 'unknown_key';
  keyId?: string;
}

/** Where the database and the checkpoints first disagree. */
export type CheckpointBreak =
  | ({ source: 'chain' } & ChainBreak)
  | { source: 'checkpoint'; seq: number; reason: 'rewritten'; checkpoint: { file: string; count: number } }
  | { source: 'checkpoint'; seq: number; reason: 'missing'; checkpoint: { file: string; count: number } };

/** The outcome of `audit verify --checkpoints`. */
export interface CheckpointVerifyResult {
  ok: boolean;
  /** Records the database chain holds intact (up to its first break). */
  records: number;
  /** Checkpoints with a good signature that were compared. */
  checkpoints: number;
  newest: Checkpoint | null;
  badFiles: BadCheckpointFile[];
  /** The first record where the database and the checkpoints disagree; null when they agree. */
  firstBad: CheckpointBreak | null;
}

/**
 * Verifies the database chain against signed checkpoints: each file's signature first, then the
 * keyed chain walk (AuditService.verify), then each good checkpoint in count order — the database
 * must hold record `count` intact with hash `head`. The first record reported is the first one
 * that can be shown not to be what was signed: the chain's own break if it lies before the first
 * disagreeing checkpoint, else the first record after the last checkpoint that agrees (rows
 * rewritten consistently, e.g. a whole chain rehashed unkeyed), or the first missing record (newest
 * rows deleted and the head reset, or the log emptied).
 */
export async function verifyWithCheckpoints(
  audit: AuditService,
  db: Db,
  dir: CheckpointDir,
  verifyKeys: readonly KeyObject[],
  repo = new AuditRepository(),
): Promise<CheckpointVerifyResult> {
  const badFiles: BadCheckpointFile[] = [];
  const good: Array<{ file: string; checkpoint: Checkpoint }> = [];
  for (const f of await dir.readAll()) {
    if (!f.checkpoint) {
      badFiles.push({ file: f.file, problem: 'not_a_checkpoint' });
      continue;
    }
    const sig = checkSignature(f.checkpoint, verifyKeys);
    if (sig === 'ok') good.push({ file: f.file, checkpoint: f.checkpoint });
    else badFiles.push({ file: f.file, problem: sig, keyId: f.checkpoint.keyId });
  }
  good.sort((a, b) => a.checkpoint.count - b.checkpoint.count);
  const chain = await audit.verify();
  const intact = chain.ok ? chain.records : chain.seq - 1;
  const chainBreak: CheckpointBreak | null = chain.ok ? null : { source: 'chain', ...breakOf(chain) };
  let agreed = 0;
  let firstBad: CheckpointBreak | null = null;
  for (const { file, checkpoint } of good) {
    const ref = { file, count: checkpoint.count };
    if (checkpoint.count > intact) {
      // The database cannot show this record intact: its own break, or the records are gone.
      firstBad = chainBreak ?? { source: 'checkpoint', seq: intact + 1, reason: 'missing', checkpoint: ref };
      break;
    }
    if ((await repo.hashAt(db, checkpoint.count)) !== checkpoint.head) {
      firstBad = { source: 'checkpoint', seq: agreed + 1, reason: 'rewritten', checkpoint: ref };
      break;
    }
    agreed = checkpoint.count;
  }
  firstBad ??= chainBreak;
  return {
    ok: firstBad === null && badFiles.length === 0 && good.length > 0,
    records: intact,
    checkpoints: good.length,
    newest: good.at(-1)?.checkpoint ?? null,
    badFiles,
    firstBad,
  };
}

function breakOf(r: { seq: number; reason: ChainBreak['reason']; nextFound?: number | null }): ChainBreak {
  return r.reason === 'missing'
    ? { seq: r.seq, reason: 'missing', nextFound: r.nextFound ?? null }
    : { seq: r.seq, reason: r.reason };
}

/** The lines `audit verify --checkpoints` prints (one per bad file, then the verdict). */
export function describeCheckpointVerify(r: CheckpointVerifyResult, dirName: string): string[] {
  const lines = r.badFiles.map((b) =>
    b.problem === 'not_a_checkpoint'
      ? `INVALID checkpoint ${b.file}: not a checkpoint file`
      : b.problem === 'unknown_key'
        ? `UNTRUSTED checkpoint ${b.file}: signed by key ${b.keyId ?? '?'}, which is not a verify key (AUDIT_VERIFY_KEY)`
        : `FORGED checkpoint ${b.file}: its signature does not verify (edited or not signed by the audit signing key)`,
  );
  const bad = r.firstBad;
  if (bad?.source === 'checkpoint') {
    lines.push(
      bad.reason === 'missing'
        ? `BROKEN at record ${bad.seq}: records from ${bad.seq} on are missing; checkpoint ${bad.checkpoint.file} was signed when the chain had ${bad.checkpoint.count} (newest rows deleted or the log emptied)`
        : `BROKEN at record ${bad.seq}: records ${bad.seq}..${bad.checkpoint.count} are not the ones checkpoint ${bad.checkpoint.file} signed (rewritten)`,
    );
  } else if (bad?.source === 'chain') {
    const { source: _source, ...chainBreak } = bad;
    lines.push(describeVerify({ ok: false, records: r.records, ...chainBreak }));
  } else if (r.checkpoints === 0) {
    lines.push(
      `NO CHECKPOINTS: ${dirName} holds no checkpoint with a good signature; nothing to compare the database with`,
    );
  } else if (r.badFiles.length === 0) {
    lines.push(
      `OK: audit chain intact (${r.records} records); ${r.checkpoints} checkpoints agree (newest: record ${r.newest?.count}, ${r.newest?.at})`,
    );
  } else {
    lines.push(
      `OK: the database agrees with the ${r.checkpoints} checkpoints that verify; the files above do not`,
    );
  }
  return lines;
}
