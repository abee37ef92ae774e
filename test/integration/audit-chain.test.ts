import { expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/commands/audit.command.js';
import { systemActor } from '../../src/kernel/actor.js';
import { FixedClock } from '../../src/lib/clock.js';
import { AuditService } from '../../src/modules/audit/audit.service.js';
import { describeEachDriver } from '../support/db.js';

describeEachDriver('audit chain', (t) => {
  const clock = new FixedClock(new Date('2026-03-02T01:00:00Z'));
  const audit = () => new AuditService(t().db, clock);
  const cli = async () => {
    const lines: string[] = [];
    const code = await auditVerify(t().db, (l) => lines.push(l));
    return { code, text: lines.join('\n') };
  };

  it('appends concurrent writers one after another without gaps, and skips rolled-back records', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t().db.transaction(async (tx) => {
          await audit().record(tx, {
            actor: systemActor('test'),
            action: 'test.write',
            resourceType: 'probe',
            resourceId: String(i),
            areaCode: i % 2 ? '330102' : null,
            details: { i, nested: { b: 2, a: [1, 'x'] } },
          });
          clock.advance(1);
        }),
      ),
    );
    await expect(
      t().db.transaction(async (tx) => {
        await audit().record(tx, {
          actor: systemActor('test'),
          action: 'test.rolled_back',
          resourceType: 'probe',
          resourceId: 'x',
        });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await t().db.transaction((tx) =>
      audit().record(tx, {
        actor: systemActor('test'),
        action: 'test.after',
        resourceType: 'probe',
        resourceId: 'y',
        purpose: '测试',
      }),
    );
    // Records are chained after their commit, in batches; flush() chains what is still pending.
    await audit().flush();
    const { rows } = await t().db.query<{ seq: number }>(
      'SELECT seq::int AS seq FROM audit_log ORDER BY seq',
    );
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(await audit().verify()).toEqual({ ok: true, records: 21 });
    expect(await cli()).toEqual({ code: 0, text: 'OK: audit chain intact (21 records)' });
  });

  it('chains records another node left pending, once, when two chainers run at the same time', async () => {
    // A node that died after its commits and before its chaining pass: the records sit in
    // audit_pending (written here through a stopped service, which never wakes its chainer).
    const dead = audit();
    await dead.stop();
    for (let i = 0; i < 120; i++) {
      await t().db.transaction((tx) =>
        dead.record(tx, {
          actor: systemActor('test'),
          action: 'test.pending',
          resourceType: 'probe',
          resourceId: `p${i}`,
          details: { i },
        }),
      );
    }
    const visible = await t().db.query<{ n: number; chained: number }>(
      "SELECT count(*)::int AS n, count(seq)::int AS chained FROM audit_entries WHERE action = 'test.pending'",
    );
    expect(visible.rows[0]).toEqual({ n: 120, chained: 0 });
    // Two live nodes sweep at once (small batches, so their transactions interleave).
    const a = new AuditService(t().db, clock, undefined, { batchSize: 7 });
    const b = new AuditService(t().db, clock, undefined, { batchSize: 11 });
    const [na, nb] = await Promise.all([a.flush(), b.flush()]);
    expect(na + nb).toBe(120);
    const { rows } = await t().db.query<{ seq: number; resource_id: string }>(
      "SELECT seq::int AS seq, resource_id FROM audit_log WHERE action = 'test.pending' ORDER BY seq",
    );
    expect(rows.map((r) => r.resource_id)).toEqual(Array.from({ length: 120 }, (_, i) => `p${i}`));
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 120 }, (_, i) => 22 + i));
    expect((await t().db.query('SELECT 1 FROM audit_pending')).rows).toHaveLength(0);
    expect(await audit().verify()).toEqual({ ok: true, records: 141 });
  });

  it('chains a committed record by itself shortly after the commit', async () => {
    const live = audit();
    await t().db.transaction((tx) =>
      live.record(tx, {
        actor: systemActor('test'),
        action: 'test.live',
        resourceType: 'probe',
        resourceId: 'l',
      }),
    );
    await expect
      .poll(
        async () => (await t().db.query("SELECT seq FROM audit_log WHERE action = 'test.live'")).rows.length,
        {
          timeout: 2_000,
        },
      )
      .toBe(1);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the audit table', async () => {
    await expect(t().db.query("UPDATE audit_log SET action = 'x' WHERE seq = 1")).rejects.toThrow(
      /append-only/,
    );
    await expect(t().db.query('DELETE FROM audit_log WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(t().db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
  });

  it('names an edited record, then a deleted one (an attacker who disabled the trigger)', async () => {
    await t().db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
    const original = await t().db.query<{ details: unknown }>('SELECT details FROM audit_log WHERE seq = 5');
    await t().db.query(`UPDATE audit_log SET details = '{"i": 999}'::jsonb WHERE seq = 5`);
    expect(await audit().verify()).toMatchObject({ ok: false, seq: 5, reason: 'hash_mismatch' });
    const edited = await cli();
    expect(edited.code).toBe(1);
    expect(edited.text).toMatch(/record 5\b.*edited/);

    await t().db.query('UPDATE audit_log SET details = $1::jsonb WHERE seq = 5', [original.rows[0]!.details]);
    expect((await audit().verify()).ok).toBe(true);

    await t().db.query('DELETE FROM audit_log WHERE seq = 12');
    expect(await audit().verify()).toMatchObject({ ok: false, seq: 12, reason: 'missing', nextFound: 13 });
    const deleted = await cli();
    expect(deleted.code).toBe(1);
    expect(deleted.text).toMatch(/BROKEN at record 12: record is missing/);

    // Renumbering the rest to close the gap breaks the links instead.
    await t().db.query('UPDATE audit_log SET seq = 12 WHERE seq = 13');
    expect(await audit().verify()).toMatchObject({ ok: false, seq: 12, reason: 'prev_hash_mismatch' });
  });

  it('detects deletion of the newest records through the chain head', async () => {
    await t().db.query('DELETE FROM audit_log WHERE seq >= 12');
    expect(await audit().verify()).toMatchObject({ ok: false, seq: 12, reason: 'missing', nextFound: null });
    await t().db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
  });
});
