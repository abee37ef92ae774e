import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/commands/audit.command.js';
import { checkpointsOff, loadConfig } from '../../src/config/config.js';
import type { Db } from '../../src/db/db.js';
import { systemActor } from '../../src/kernel/actor.js';
import { DEV_AUDIT_KEY, DEV_SIGNING_KEY, keyIdOf, publicKeyOf } from '../../src/kernel/audit-keys.js';
import { FixedClock } from '../../src/lib/clock.js';
import { type AuditRecord, AuditRepository } from '../../src/modules/audit/audit.repository.js';
import { AuditService, GENESIS_HASH, hashRecord } from '../../src/modules/audit/audit.service.js';
import {
  AuditCheckpointer,
  type Checkpoint,
  CheckpointDir,
  checkpointFileName,
  signCheckpoint,
} from '../../src/modules/audit/audit-checkpoint.js';
import { buildTestApp } from '../support/app.js';
import { describeEachDriver } from '../support/db.js';

const KEY = 'test-audit-key-of-at-least-32-characters';

describeEachDriver('audit tamper: keyed chain', (t) => {
  const clock = new FixedClock(new Date('2026-03-02T01:00:00Z'));
  const audit = () => new AuditService(t().db, clock, undefined, { key: KEY });
  const repo = new AuditRepository();
  const write = async (n: number, tag: string) => {
    for (let i = 0; i < n; i++) {
      await t().db.transaction((tx) =>
        audit().record(tx, {
          actor: systemActor('test'),
          action: 'test.write',
          resourceType: 'probe',
          resourceId: `${tag}${i}`,
          details: { i },
        }),
      );
      clock.advance(1);
    }
    await audit().flush();
  };
  /** What an owner of the tables can do without the key: rewrite rows from `fromSeq` on with SHA-256. */
  const rehashFrom = async (fromSeq: number, chainVersion: number) => {
    const rows = await repo.batchAfter(t().db, 0, 1_000);
    let prevHash = rows.find((r) => r.seq === fromSeq - 1)?.hash ?? GENESIS_HASH;
    for (const r of rows.filter((x) => x.seq >= fromSeq)) {
      const hash = hashRecord({ ...r, prevHash, chainVersion: 1 });
      await t().db.query(
        'UPDATE audit_log SET prev_hash = $1, hash = $2, chain_version = $3 WHERE seq = $4',
        [prevHash, hash, chainVersion, r.seq],
      );
      prevHash = hash;
    }
    await t().db.query('UPDATE audit_head SET hash = $1 WHERE id', [prevHash]);
  };

  it('keeps rows chained before the keyed chain (version 1) verifiable and chains new ones keyed', async () => {
    // Three rows as the landed code chained them: unkeyed SHA-256, chain_version 1.
    let prevHash = GENESIS_HASH;
    for (let seq = 1; seq <= 3; seq++) {
      const r = {
        seq,
        at: new Date(`2026-03-01T00:00:0${seq}Z`),
        actorKind: 'system' as const,
        actorId: null,
        actorName: 'legacy',
        action: 'test.legacy',
        resourceType: 'probe',
        resourceId: String(seq),
        areaCode: null,
        purpose: null,
        details: { seq },
        origin: null,
        prevHash,
        chainVersion: 1,
      };
      const hash = hashRecord(r);
      await t().db.query(
        `INSERT INTO audit_log (seq, at, actor_kind, actor_name, action, resource_type, resource_id, details,
                                prev_hash, hash, chain_version)
         VALUES ($1, $2, 'system', 'legacy', 'test.legacy', 'probe', $3, $4::jsonb, $5, $6, 1)`,
        [seq, r.at, String(seq), JSON.stringify(r.details), prevHash, hash],
      );
      prevHash = hash;
    }
    await t().db.query('UPDATE audit_head SET seq = 3, hash = $1 WHERE id', [prevHash]);
    await write(10, 'k');
    const { rows } = await t().db.query<{ v: number; n: number }>(
      'SELECT chain_version::int AS v, count(*)::int AS n FROM audit_log GROUP BY 1 ORDER BY 1',
    );
    expect(rows).toEqual([
      { v: 1, n: 3 },
      { v: 2, n: 10 },
    ]);
    expect(await audit().verify()).toEqual({ ok: true, records: 13 });
    // The keyed rows do not verify under another key.
    expect(await new AuditService(t().db, clock, undefined, { key: 'x'.repeat(40) }).verify()).toMatchObject({
      ok: false,
      seq: 4,
      reason: 'hash_mismatch',
    });
    const lines: string[] = [];
    expect(await auditVerify(t().db, (l) => lines.push(l), KEY)).toBe(0);
    expect(lines.join('\n')).toBe('OK: audit chain intact (13 records)');
  });

  it('names an edited row whose successors were rehashed with plain SHA-256', async () => {
    await t().db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
    await t().db.query(`UPDATE audit_log SET details = '{"i": 999}'::jsonb WHERE seq = 7`);
    await rehashFrom(7, 2);
    expect(await audit().verify()).toMatchObject({ ok: false, seq: 7, reason: 'hash_mismatch' });
    const lines: string[] = [];
    expect(await auditVerify(t().db, (l) => lines.push(l), KEY)).toBe(1);
    expect(lines.join('\n')).toMatch(/BROKEN at record 7\b/);
  });

  it('names the first row rewritten as an unkeyed (version 1) row after keyed ones', async () => {
    await rehashFrom(7, 1);
    expect(await audit().verify()).toMatchObject({ ok: false, seq: 7, reason: 'version_downgrade' });
    const lines: string[] = [];
    expect(await auditVerify(t().db, (l) => lines.push(l), KEY)).toBe(1);
    expect(lines.join('\n')).toMatch(/BROKEN at record 7: an unkeyed record after keyed ones/);
    await t().db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
  });
});

/** What an owner of the tables can do without the key: rewrite rows from `fromSeq` on and move the head. */
async function rehash(
  db: Db,
  fromSeq: number,
  as: { chainVersion: 1 | 2; hash: (r: Omit<AuditRecord, 'hash'>) => string },
): Promise<void> {
  const rows = await new AuditRepository().batchAfter(db, 0, 10_000);
  let prevHash = rows.find((r) => r.seq === fromSeq - 1)?.hash ?? GENESIS_HASH;
  for (const r of rows.filter((x) => x.seq >= fromSeq)) {
    const hash = as.hash({ ...r, prevHash, chainVersion: as.chainVersion });
    await db.query('UPDATE audit_log SET prev_hash = $1, hash = $2, chain_version = $3 WHERE seq = $4', [
      prevHash,
      hash,
      as.chainVersion,
      r.seq,
    ]);
    prevHash = hash;
  }
  await db.query('UPDATE audit_head SET hash = $1 WHERE id', [prevHash]);
}

/** Runs statements with the append-only triggers of audit_log off (as the table owner can). */
async function asTableOwner(db: Db, fn: () => Promise<void>): Promise<void> {
  await db.exec('ALTER TABLE audit_log DISABLE TRIGGER USER');
  try {
    await fn();
  } finally {
    await db.exec('ALTER TABLE audit_log ENABLE TRIGGER USER');
  }
}

describeEachDriver('audit tamper: signed checkpoints outside the database', (t) => {
  const clock = new FixedClock(new Date('2026-03-05T01:00:00Z'));
  const { privateKey: signingKey, publicKey: verifyKey } = generateKeyPairSync('ed25519');
  const audit = () => new AuditService(t().db, clock, undefined, { key: KEY });
  const logged: Array<{ level: 'info' | 'error'; obj: object; msg: string }> = [];
  const log = {
    info: (obj: object, msg: string) => logged.push({ level: 'info', obj, msg }),
    error: (obj: object, msg: string) => logged.push({ level: 'error', obj, msg }),
  };
  const write = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await t().db.transaction((tx) =>
        audit().record(tx, {
          actor: systemActor('test'),
          action: 'test.write',
          resourceType: 'probe',
          resourceId: `r${i}`,
          details: { i },
        }),
      );
      clock.advance(1000);
    }
    await audit().flush();
  };
  /** An empty log, then 15 records with a checkpoint after 5, 10 and 15, in a new directory. */
  const fresh = async () => {
    const { db } = t();
    await asTableOwner(db, async () => {
      await db.exec('DELETE FROM audit_log');
    });
    await db.exec('DELETE FROM audit_pending');
    await db.query('UPDATE audit_head SET seq = 0, hash = $1 WHERE id', [GENESIS_HASH]);
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-checkpoints-'));
    const checkpointer = new AuditCheckpointer({ db, dir: new CheckpointDir(dir), signingKey, log });
    for (let k = 0; k < 3; k++) {
      await write(5);
      expect(await checkpointer.writeOnce()).toHaveProperty('written');
    }
    return { dir, checkpointer };
  };
  const verifyCli = async (dir: string, keys = [verifyKey]) => {
    const lines: string[] = [];
    const code = await auditVerify(t().db, (l) => lines.push(l), KEY, { dir, verifyKeys: keys });
    return { code, out: lines.join('\n') };
  };

  it('writes one signed, sortable file per new head (atomically) and the same statement to the log', async () => {
    logged.length = 0;
    const { dir, checkpointer } = await fresh();
    const names = readdirSync(dir);
    expect(names).toHaveLength(3);
    expect(names.map((n) => n.slice(0, 12))).toEqual(['000000000005', '000000000010', '000000000015']);
    const newest = JSON.parse(readFileSync(path.join(dir, names[2]!), 'utf8')) as Checkpoint;
    expect(newest).toMatchObject({ count: 15, keyId: keyIdOf(verifyKey) });
    expect(newest.head).toBe((await new AuditRepository().head(t().db)).hash);
    // The log line carries count, head and signature; nothing else of the records.
    const infos = logged.filter((l) => l.level === 'info');
    expect(infos).toHaveLength(3);
    expect(infos[2]!.obj).toEqual({ auditCheckpoint: newest });
    // Nothing new: no file. Another node signing the same head writes the very same bytes.
    expect(await checkpointer.writeOnce()).toEqual({ skipped: 'unchanged' });
    const head = { count: newest.count, head: newest.head, at: new Date(newest.at) };
    expect(signCheckpoint(head, signingKey)).toEqual(newest);
    expect(checkpointFileName(newest)).toBe(names[2]);
    expect(readdirSync(dir)).toEqual(names);
    expect(await verifyCli(dir)).toEqual({
      code: 0,
      out: `OK: audit chain intact (15 records); 3 checkpoints agree (newest: record 15, ${newest.at})`,
    });
  });

  it('names an edited row whose successors were rehashed with plain SHA-256 or a wrong key', async () => {
    for (const forge of [
      (r: Omit<AuditRecord, 'hash'>) => hashRecord({ ...r, chainVersion: 1 }),
      (r: Omit<AuditRecord, 'hash'>) => hashRecord(r, 'a-wrong-key-the-attacker-made-up-1234567890'),
    ]) {
      const { dir } = await fresh();
      await asTableOwner(t().db, async () => {
        await t().db.query(`UPDATE audit_log SET details = '{"i": 999}'::jsonb WHERE seq = 7`);
        await rehash(t().db, 7, { chainVersion: 2, hash: forge });
      });
      const { code, out } = await verifyCli(dir);
      expect(code).toBe(1);
      expect(out).toMatch(/^BROKEN at record 7: /);
    }
  });

  it('names record 1 when the whole chain was rewritten unkeyed (which the chain alone accepts)', async () => {
    const { dir } = await fresh();
    await asTableOwner(t().db, async () => {
      await t().db.query(`UPDATE audit_log SET details = '{"i": 999}'::jsonb WHERE seq = 7`);
      await rehash(t().db, 1, { chainVersion: 1, hash: (r) => hashRecord(r) });
    });
    // Without checkpoints this passes: every row is a well-formed version-1 row.
    expect(await audit().verify()).toEqual({ ok: true, records: 15 });
    const { code, out } = await verifyCli(dir);
    expect(code).toBe(1);
    expect(out).toMatch(
      /^BROKEN at record 1: records 1\.\.5 are not the ones checkpoint 000000000005-\w+\.json signed/,
    );
  });

  it('names the first missing record when the newest rows were deleted and the head reset', async () => {
    logged.length = 0;
    const { dir, checkpointer } = await fresh();
    await asTableOwner(t().db, async () => {
      await t().db.exec('DELETE FROM audit_log WHERE seq > 12');
    });
    const twelfth = await new AuditRepository().hashAt(t().db, 12);
    await t().db.query('UPDATE audit_head SET seq = 12, hash = $1 WHERE id', [twelfth]);
    expect(await audit().verify()).toEqual({ ok: true, records: 12 });
    const { code, out } = await verifyCli(dir);
    expect(code).toBe(1);
    expect(out).toMatch(/^BROKEN at record 13: records from 13 on are missing; checkpoint 000000000015-/);
    // The serving process does not sign the shortened chain: it logs an error instead.
    await write(1);
    expect(await checkpointer.writeOnce()).toEqual({ refused: 'fewer_records', checkpointCount: 15 });
    // …nor a chain that grew past the checkpoint again with other records at its count.
    await write(3);
    expect(await checkpointer.writeOnce()).toEqual({ refused: 'head_differs', checkpointCount: 15 });
    expect(readdirSync(dir)).toHaveLength(3);
    expect(logged.at(-1)).toMatchObject({ level: 'error' });
  });

  it('names record 1 when the log was emptied', async () => {
    const { dir } = await fresh();
    await asTableOwner(t().db, async () => {
      await t().db.exec('TRUNCATE audit_log');
    });
    await t().db.query('UPDATE audit_head SET seq = 0, hash = $1 WHERE id', [GENESIS_HASH]);
    expect(await audit().verify()).toEqual({ ok: true, records: 0 });
    const { code, out } = await verifyCli(dir);
    expect(code).toBe(1);
    expect(out).toMatch(/^BROKEN at record 1: records from 1 on are missing/);
  });

  it('reports a forged checkpoint file and one signed by a key that is not trusted', async () => {
    const { dir } = await fresh();
    const names = readdirSync(dir);
    const newest = JSON.parse(readFileSync(path.join(dir, names[2]!), 'utf8')) as Checkpoint;
    // Edited count: the signature no longer fits.
    const forged = { ...newest, count: 16 };
    writeFileSync(path.join(dir, checkpointFileName(forged)), JSON.stringify(forged));
    // A well-formed checkpoint signed with the development key.
    const other = signCheckpoint({ count: 3, head: 'a'.repeat(64), at: new Date() }, DEV_SIGNING_KEY);
    writeFileSync(path.join(dir, checkpointFileName(other)), JSON.stringify(other));
    const { code, out } = await verifyCli(dir);
    expect(code).toBe(1);
    expect(out).toContain(`FORGED checkpoint ${checkpointFileName(forged)}: its signature does not verify`);
    expect(out).toContain(
      `UNTRUSTED checkpoint ${checkpointFileName(other)}: signed by key ${keyIdOf(publicKeyOf(DEV_SIGNING_KEY))}`,
    );
    // The genuine three still agree with the database.
    expect(out).toMatch(/OK: the database agrees with the 3 checkpoints that verify/);
    // After a key rotation the old public key still verifies old checkpoints.
    expect((await verifyCli(dir, [publicKeyOf(DEV_SIGNING_KEY), verifyKey])).out).not.toContain('UNTRUSTED');
  });

  it('is written by the serving app when AUDIT_CHECKPOINT_DIR is set, and once more when it closes', async () => {
    await fresh();
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-checkpoints-app-'));
    const built = await buildTestApp(t().db, { clock, env: { AUDIT_CHECKPOINT_DIR: dir } });
    const checkpoints = built.services.auditCheckpoints;
    expect(checkpoints).toBeDefined();
    checkpoints?.start(3_600_000);
    await built.services.audit.flush();
    await write(2);
    await built.app.close();
    // The first pass signed record 15 (or 17 if it ran late); the pass at close signed 17.
    const names = readdirSync(dir).sort();
    expect(names.at(-1)?.slice(0, 12)).toBe('000000000017');
    expect(names.every((n) => /^\d{12}-[0-9a-f]{16}\.json$/.test(n))).toBe(true);
    expect((await verifyCli(dir, [publicKeyOf(DEV_SIGNING_KEY)])).code).toBe(0);
  });

  it('fails when the directory holds no checkpoint to compare with', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'audit-checkpoints-empty-'));
    const { code, out } = await verifyCli(empty);
    expect(code).toBe(1);
    expect(out).toMatch(/^NO CHECKPOINTS: /);
    // A renamed file is still read by content (names only sort).
    const { dir } = await fresh();
    const [first] = readdirSync(dir);
    renameSync(path.join(dir, first!), path.join(dir, `999999999999-${'0'.repeat(16)}.json`));
    expect((await verifyCli(dir)).code).toBe(0);
  });
});

describe('audit checkpoint configuration', () => {
  const secrets = { SESSION_SECRET: 's'.repeat(32), DATA_KEY: 'd'.repeat(32), AUDIT_KEY: 'k'.repeat(32) };
  const pair = generateKeyPairSync('ed25519');
  const privatePem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const publicPem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();

  it('is off in production until a directory and a signing key are set, and says why', () => {
    const c = loadConfig({ NODE_ENV: 'production', ...secrets });
    expect(c.auditSigningKey).toBeUndefined();
    expect(c.auditVerifyKeys).toEqual([]);
    expect(checkpointsOff(c)).toBe(
      'AUDIT_CHECKPOINT_DIR and AUDIT_SIGNING_KEY (or AUDIT_SIGNING_KEY_FILE) not set',
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-key-'));
    const keyFile = path.join(dir, 'signing.pem');
    writeFileSync(keyFile, privatePem);
    const on = loadConfig({
      NODE_ENV: 'production',
      ...secrets,
      AUDIT_CHECKPOINT_DIR: dir,
      AUDIT_SIGNING_KEY_FILE: keyFile,
    });
    expect(checkpointsOff(on)).toBeNull();
    expect(on.auditCheckpointInterval).toBe(300);
    expect(on.auditVerifyKeys.map(keyIdOf)).toEqual([keyIdOf(pair.publicKey)]);
    expect(checkpointsOff({ ...on, auditCheckpointInterval: 0 })).toBe('AUDIT_CHECKPOINT_INTERVAL is 0');
  });

  it('takes PEM or base64 PKCS#8 signing keys and several verify keys, and refuses anything else', () => {
    const b64 = pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    expect(
      keyIdOf(
        publicKeyOf(
          loadConfig({ NODE_ENV: 'production', ...secrets, AUDIT_SIGNING_KEY: b64 }).auditSigningKey!,
        ),
      ),
    ).toBe(keyIdOf(pair.publicKey));
    const oldPem = publicKeyOf(DEV_SIGNING_KEY).export({ format: 'pem', type: 'spki' }).toString();
    const c = loadConfig({ NODE_ENV: 'production', ...secrets, AUDIT_VERIFY_KEY: `${oldPem}${publicPem}` });
    expect(c.auditVerifyKeys).toHaveLength(2);
    expect(() => loadConfig({ NODE_ENV: 'production', ...secrets, AUDIT_SIGNING_KEY: 'not-a-key!' })).toThrow(
      'AUDIT_SIGNING_KEY',
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    expect(() =>
      loadConfig({ NODE_ENV: 'production', ...secrets, AUDIT_SIGNING_KEY: rsa.toString() }),
    ).toThrow('must be an Ed25519 key');
    expect(() => loadConfig({ NODE_ENV: 'production', ...secrets, AUDIT_VERIFY_KEY: privatePem })).toThrow(
      'AUDIT_VERIFY_KEY',
    );
  });

  it('uses the public development key, and DATA_DIR/audit-checkpoints in development', () => {
    const dev = loadConfig({ NODE_ENV: 'development', ...secrets, DATA_DIR: '/tmp/cg-dev-unused' });
    expect(dev.auditCheckpointDir).toBe('/tmp/cg-dev-unused/audit-checkpoints');
    expect(dev.auditSigningKey).toBe(DEV_SIGNING_KEY);
    expect(loadConfig({ NODE_ENV: 'test', ...secrets }).auditCheckpointDir).toBeUndefined();
  });
});

describe('audit key configuration', () => {
  const secrets = { SESSION_SECRET: 's'.repeat(32), DATA_KEY: 'd'.repeat(32) };

  it('refuses to start in production without AUDIT_KEY or AUDIT_KEY_FILE', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ...secrets })).toThrow('AUDIT_KEY');
    expect(() => loadConfig({ NODE_ENV: 'production', ...secrets, AUDIT_KEY: 'short' })).toThrow('AUDIT_KEY');
    expect(loadConfig({ NODE_ENV: 'production', ...secrets, AUDIT_KEY: 'k'.repeat(32) }).auditKey).toBe(
      'k'.repeat(32),
    );
  });

  it('reads the key from AUDIT_KEY_FILE and uses the public development key outside production', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-key-'));
    const file = path.join(dir, 'key');
    writeFileSync(file, `${'f'.repeat(40)}\n`);
    expect(loadConfig({ NODE_ENV: 'production', ...secrets, AUDIT_KEY_FILE: file }).auditKey).toBe(
      'f'.repeat(40),
    );
    expect(() =>
      loadConfig({ NODE_ENV: 'production', ...secrets, AUDIT_KEY_FILE: path.join(dir, 'none') }),
    ).toThrow('AUDIT_KEY_FILE');
    expect(loadConfig({ NODE_ENV: 'test', ...secrets }).auditKey).toBe(DEV_AUDIT_KEY);
  });
});
