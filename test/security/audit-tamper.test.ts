import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/commands/audit.command.js';
import { loadConfig } from '../../src/config/config.js';
import { FixedClock } from '../../src/lib/clock.js';
import { AuditRepository } from '../../src/modules/audit/audit.repository.js';
import {
  AuditService,
  DEV_AUDIT_KEY,
  GENESIS_HASH,
  hashRecord,
} from '../../src/modules/audit/audit.service.js';
import { systemActor } from '../../src/modules/identity/actor.js';
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
