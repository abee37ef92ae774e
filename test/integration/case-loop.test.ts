import { expect, it } from 'vitest';
import type { Actor } from '../../src/kernel/actor.js';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher } from '../../src/lib/privacy.js';
import { AuditService } from '../../src/modules/audit/audit.service.js';
import { CaseRepository } from '../../src/modules/cases/case.repository.js';
import { CaseIntakeService } from '../../src/modules/cases/case-intake.service.js';
import { CaseJoinService } from '../../src/modules/cases/case-join.service.js';
import { CaseQueryService } from '../../src/modules/cases/case-query.service.js';
import { metricsOfEvent } from '../../src/modules/cases/case-rollup.js';
import { CaseSupport } from '../../src/modules/cases/case-support.js';
import { CaseWorkflowService } from '../../src/modules/cases/case-workflow.service.js';
import { LocateService } from '../../src/modules/grid/locate.service.js';
import { OutboxMessageSender } from '../../src/modules/messaging/outbox.service.js';
import { NotificationRepository } from '../../src/modules/notifications/notification.repository.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver, type TestDb } from '../support/db.js';

function services(t: TestDb, clock: FixedClock) {
  const audit = new AuditService(t.db, clock);
  const support = new CaseSupport({
    db: t.db,
    clock,
    cipher: new FieldCipher('k'.repeat(32)),
    locate: new LocateService(t.db),
    audit,
    repo: new CaseRepository(),
    notifications: new NotificationRepository(),
    messages: new OutboxMessageSender(new FieldCipher('k'.repeat(32)), clock),
  });
  return {
    audit,
    support,
    intake: new CaseIntakeService(support),
    join: new CaseJoinService(support),
    workflow: new CaseWorkflowService(support),
    query: new CaseQueryService(support),
  };
}

async function recount(t: TestDb): Promise<Map<string, number>> {
  const { rows } = await t.db.query<{
    action: string;
    stage_done: string | null;
    on_time: boolean | null;
    data: Record<string, unknown>;
  }>('SELECT action, stage_done, on_time, data FROM case_events');
  const m = new Map<string, number>();
  for (const r of rows) {
    for (const k of metricsOfEvent({
      action: r.action,
      stageDone: r.stage_done,
      onTime: r.on_time,
      data: r.data,
    }))
      m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

async function rollups(t: TestDb): Promise<Map<string, number>> {
  const { rows } = await t.db.query<{ metric: string; n: number }>(
    'SELECT metric, sum(n)::int AS n FROM case_rollup_daily GROUP BY metric',
  );
  return new Map(rows.map((r) => [r.metric, r.n]));
}

describeEachDriver('case closed loop', (t) => {
  it('drives a case through every stage and every exception', async () => {
    const { db } = t();
    await seedCity(db);
    const grid = await someGrid(db, 3);
    const other = await someGrid(db, 1500);
    // Wednesday 30 Sept 2026, 16:00 in Shanghai; 1–7 Oct are public holidays, Sat 10 Oct a make-up workday.
    const clock = new FixedClock(new Date('2026-09-30T08:00:00Z'));
    const s = services(t(), clock);
    const resident = await makeUser(db, 'Resident Wang', [{ role: 'resident' }]);
    const dispatcher = await makeUser(db, 'Dispatcher Li', [{ role: 'dispatcher', areaCode: grid.street }]);
    const farDispatcher = await makeUser(db, 'Dispatcher Far', [
      { role: 'dispatcher', areaCode: other.street },
    ]);
    const sanitation = await makeUser(db, 'Handler Zhao', [
      { role: 'dept_handler', departmentCode: 'sanitation' },
    ]);
    const enforcement = await makeUser(db, 'Handler Qian', [
      { role: 'dept_handler', departmentCode: 'urban_enforcement' },
    ]);
    const worker = await makeUser(db, 'Worker Sun', [{ role: 'grid_worker', areaCode: grid.code }]);
    const supervisor = await makeUser(db, 'Supervisor Zhou', [
      { role: 'supervisor', areaCode: grid.district },
    ]);

    // Collect: a resident reports exposed rubbish; the file clock starts.
    const { result: r1 } = await s.intake.report(resident, {
      channel: 'resident',
      idempotencyKey: 'loop-key-0001',
      lng: grid.lng,
      lat: grid.lat,
      categoryCode: 'E0102',
      description: '小区门口垃圾堆了三天没人清理，电话13812345678',
      reporterPhone: '13812345678',
      reporterName: '王小明',
    });
    expect(r1.state).toBe('reported');
    expect(r1.gridCode).toBe(grid.code);
    expect(r1.suggestedDepartment).toBe('sanitation');
    expect(r1.routing).toBe('category_owner');
    const id = r1.id;

    // Scope: a dispatcher of another street cannot see it (404), the resident can.
    await expect(s.workflow.act(farDispatcher, id, 'file', {})).rejects.toMatchObject({
      code: 'CASE_NOT_FOUND',
    });
    expect((await s.query.get(resident, id)).record.id).toBe(id);
    // Illegal transition: 409 and nothing written.
    const eventsBefore = (await s.query.get(dispatcher, id)).events.length;
    await expect(s.workflow.act(dispatcher, id, 'dispatch', {})).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
    expect((await s.query.get(dispatcher, id)).events.length).toBe(eventsBefore);

    clock.advance(10 * 60_000);
    let c = await s.workflow.act(dispatcher, id, 'file', { note: '符合立案条件' });
    expect(c.state).toBe('filed');
    let detail = await s.query.get(dispatcher, id);
    expect(detail.events.at(-1)).toMatchObject({ action: 'file', stageDone: 'file', onTime: true });

    // Dispatch at 16:20 with 4 working hours to handle: 1 h 40 today, then the holiday, then
    // Thursday 8 Oct 08:30 + 2 h 20 → 10:50 Shanghai = 02:50Z.
    clock.advance(10 * 60_000);
    c = await s.workflow.act(dispatcher, id, 'dispatch', {});
    expect(c.state).toBe('dispatched');
    expect(c.tasks.map((x) => x.department)).toEqual(['sanitation']);
    expect(c.clockDeadline?.toISOString()).toBe('2026-10-08T02:50:00.000Z');

    // Return (回退) and re-dispatch; then reassign to another department and back.
    c = await s.workflow.act(sanitation, id, 'return', { note: '不属于本部门' });
    expect(c.state).toBe('filed');
    c = await s.workflow.act(dispatcher, id, 'dispatch', { departments: ['sanitation'] });
    c = await s.workflow.act(dispatcher, id, 'reassign', { from: 'sanitation', to: 'urban_enforcement' });
    expect(c.tasks.find((x) => x.status !== 'returned')?.department).toBe('urban_enforcement');
    // The department it was taken from no longer sees it at all.
    await expect(s.workflow.act(sanitation, id, 'accept', {})).rejects.toMatchObject({
      code: 'CASE_NOT_FOUND',
    });
    c = await s.workflow.act(dispatcher, id, 'reassign', { from: 'urban_enforcement', to: 'sanitation' });

    // Suspend (挂账) pauses the clock; resume restores the minutes left.
    const deadlineBefore = c.clockDeadline!.getTime();
    c = await s.workflow.act(dispatcher, id, 'suspend', { note: '等待物业配合' });
    expect(c.state).toBe('suspended');
    expect(c.clockDeadline).toBeNull();
    c = await s.workflow.act(dispatcher, id, 'resume', {});
    expect(c.state).toBe('dispatched');
    expect(c.clockDeadline!.getTime()).toBe(deadlineBefore);

    // Whistle (吹哨报到): summon enforcement too; both must finish before report-back.
    c = await s.workflow.act(dispatcher, id, 'whistle', {
      departments: ['urban_enforcement'],
      note: '联合执法',
    });
    expect(
      c.tasks
        .filter((x) => x.status === 'open')
        .map((x) => x.department)
        .sort(),
    ).toEqual(['sanitation', 'urban_enforcement']);
    expect(c.tasks.find((x) => x.department === 'urban_enforcement')?.viaWhistle).toBe(true);
    c = await s.workflow.act(sanitation, id, 'accept', {});
    c = await s.workflow.act(enforcement, id, 'accept', {});
    expect(c.state).toBe('handling');

    // Extension: requested by the department, approved by the supervisor; deadline moves 60 working minutes.
    c = await s.workflow.act(sanitation, id, 'request_extension', { minutes: 60, note: '需要调车' });
    expect(c.extensionRequested).toBe(true);
    const beforeExt = c.clockDeadline!.getTime();
    c = await s.workflow.act(supervisor, id, 'approve_extension', {});
    expect(c.extensionRequested).toBe(false);
    expect(c.clockDeadline!.getTime() - beforeExt).toBe(60 * 60_000);

    c = await s.workflow.act(sanitation, id, 'report_back', { note: '已清运' });
    expect(c.state).toBe('handling');
    c = await s.workflow.act(enforcement, id, 'report_back', { note: '已教育商户' });
    expect(c.state).toBe('reported_back');

    // Verification fails → rework (返工) to the same departments; then passes.
    c = await s.workflow.act(worker, id, 'verify_fail', { note: '仍有残留' });
    expect(c.state).toBe('dispatched');
    c = await s.workflow.act(sanitation, id, 'accept', {});
    c = await s.workflow.act(enforcement, id, 'accept', {});
    c = await s.workflow.act(sanitation, id, 'report_back', { note: '已彻底清理' });
    c = await s.workflow.act(enforcement, id, 'report_back', { note: '复查无问题' });
    c = await s.workflow.act(worker, id, 'verify_pass', { note: '核查通过' });
    expect(c.state).toBe('closed');

    // Evaluate dissatisfied → reopen once; second time refused.
    c = await s.workflow.act(resident, id, 'evaluate', { result: 'dissatisfied', comment: '太慢' });
    expect(c.state).toBe('evaluated');
    c = await s.workflow.act(resident, id, 'reopen', { note: '问题又出现' });
    expect(c.state).toBe('filed');
    c = await s.workflow.act(dispatcher, id, 'dispatch', {});
    c = await s.workflow.act(sanitation, id, 'accept', {});
    c = await s.workflow.act(sanitation, id, 'report_back', { note: '再次清理' });
    c = await s.workflow.act(supervisor, id, 'verify_pass', {});
    c = await s.workflow.act(resident, id, 'evaluate', { result: 'dissatisfied' });
    await expect(s.workflow.act(resident, id, 'reopen', { note: 'again' })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });

    // Reject, void and merge on fresh reports; "me too" joins the survivor.
    const mk = async (key: string, text: string) =>
      (
        await s.intake.report(resident, {
          channel: 'resident',
          idempotencyKey: key,
          lng: grid.lng,
          lat: grid.lat,
          categoryCode: 'E0102',
          description: text,
        })
      ).result;
    const r2 = await mk('loop-key-0002', '小区门口有垃圾');
    expect(r2.possibleDuplicates.map((d) => d.id)).not.toContain(id); // id is evaluated, not open
    const r3 = await mk('loop-key-0003', '小区门口有垃圾没人管');
    expect(r3.possibleDuplicates.map((d) => d.id)).toContain(r2.id);
    await s.workflow.act(dispatcher, r3.id, 'merge_into', { targetId: r2.id });
    expect((await s.query.get(dispatcher, r3.id)).record.state).toBe('voided');
    const other2 = await makeUser(db, 'Resident Chen', [{ role: 'resident' }]);
    const joined = await s.join.join(other2, r2.publicCode, {});
    expect(joined.reporters).toBe(2);
    await expect(s.join.join(other2, r2.publicCode, {})).rejects.toMatchObject({ code: 'ALREADY_JOINED' });
    await s.workflow.act(dispatcher, r2.id, 'reject', { note: '不属于城管受理范围' });
    const r4 = await mk('loop-key-0004', '测试数据');
    await s.workflow.act(dispatcher, r4.id, 'void', { note: '测试' });

    // Events, audit chain, notifications, public tracking without personal data.
    detail = await s.query.get(dispatcher, id);
    const actions = detail.events.map((e) => e.action);
    for (const a of [
      'report',
      'file',
      'dispatch',
      'return',
      'reassign',
      'suspend',
      'resume',
      'whistle',
      'accept',
      'request_extension',
      'approve_extension',
      'report_back',
      'verify_fail',
      'verify_pass',
      'evaluate',
      'reopen',
    ]) {
      expect(actions).toContain(a);
    }
    expect((await s.audit.verify()).ok).toBe(true);
    const { rows: notes } = await db.query<{ kind: string; user_id: number }>(
      'SELECT kind, user_id FROM notifications',
    );
    expect(notes.some((n) => n.user_id === resident.userId && n.kind === 'case.verify_pass')).toBe(true);
    expect(notes.some((n) => n.user_id === dispatcher.userId && n.kind === 'case.report')).toBe(true);
    expect(notes.some((n) => n.user_id === sanitation.userId && n.kind === 'case.dispatch')).toBe(true);
    expect(notes.some((n) => n.user_id === other2.userId && n.kind === 'case.reject')).toBe(true);
    const tracked = await s.query.track(r1.publicCode);
    expect(tracked.state).toBe('evaluated');
    expect(JSON.stringify(tracked)).not.toContain('13812345678');

    // Rollups equal a recount from the event log.
    expect(Object.fromEntries(await rollups(t()))).toEqual(Object.fromEntries(await recount(t())));
    const { rows: counts } = await db.query<{ state: string; n: number }>(
      'SELECT state, sum(n)::int AS n FROM case_state_counts GROUP BY state HAVING sum(n) <> 0',
    );
    const { rows: actual } = await db.query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM cases GROUP BY state',
    );
    expect(Object.fromEntries(counts.map((r) => [r.state, r.n]))).toEqual(
      Object.fromEntries(actual.map((r) => [r.state, r.n])),
    );
  });

  it('an intake retried 100 times with the same key creates one case', async () => {
    const { db } = t();
    const grid = await someGrid(db, 10);
    const clock = new FixedClock(new Date('2026-11-02T02:00:00Z'));
    const s = services(t(), clock);
    const anon: Actor = { kind: 'anonymous' };
    const input = {
      channel: 'resident' as const,
      idempotencyKey: 'retry-key-123',
      lng: grid.lng,
      lat: grid.lat,
      description: '路灯不亮',
    };
    const results = await Promise.all(Array.from({ length: 100 }, () => s.intake.report(anon, input)));
    expect(new Set(results.map((r) => r.result.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed).length).toBe(1);
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM cases WHERE description = '路灯不亮'",
    );
    expect(rows[0]?.n).toBe(1);
    await expect(s.intake.report(anon, { ...input, description: '不同的内容' })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('applies a replayed action (same Idempotency-Key) once', async () => {
    const { db } = t();
    const grid = await someGrid(db, 30);
    const clock = new FixedClock(new Date('2026-11-04T02:00:00Z'));
    const s = services(t(), clock);
    const dispatcher = await makeUser(db, 'Dispatcher Replay', [
      { role: 'dispatcher', areaCode: grid.street },
    ]);
    const { result } = await s.intake.report(
      { kind: 'anonymous' },
      {
        channel: 'resident',
        idempotencyKey: 'replay-intake-1',
        lng: grid.lng,
        lat: grid.lat,
        categoryCode: 'E0104',
        description: '路面很脏',
      },
    );
    const file = () =>
      s.workflow.act(dispatcher, result.id, 'file', { note: 'ok' }, { idempotencyKey: 'offline-action-1' });
    const outcomes = await Promise.all([file(), file(), file()]);
    expect(outcomes.every((c) => c.state === 'filed')).toBe(true);
    expect((await file()).state).toBe('filed');
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM case_events WHERE case_id = $1 AND action = 'file'",
      [result.id],
    );
    expect(rows[0]!.n).toBe(1);
    await expect(
      s.workflow.act(dispatcher, result.id, 'reject', { note: 'x' }, { idempotencyKey: 'offline-action-1' }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('texts a hotline caller without an account when the case is decided', async () => {
    const { db } = t();
    const grid = await someGrid(db, 20);
    const clock = new FixedClock(new Date('2026-11-03T02:00:00Z'));
    const s = services(t(), clock);
    const operator = await makeUser(db, 'Operator Hu', [{ role: 'hotline_operator' }]);
    const dispatcher = await makeUser(db, 'Dispatcher Ma', [{ role: 'dispatcher', areaCode: grid.district }]);
    const { result } = await s.intake.report(operator, {
      channel: 'hotline',
      idempotencyKey: 'hotline-sms-1',
      lng: grid.lng,
      lat: grid.lat,
      hotlineType: 'complaint',
      categoryCode: 'E0502',
      description: '来电反映店外经营占道',
      reporterPhone: '13900001111',
    });
    // The operator sees the caller's earlier cases by phone (matched on the keyed hash).
    const earlier = await s.query.search(operator, {
      reporterPhoneHash: new FieldCipher('k'.repeat(32)).lookupHash('13900001111'),
      limit: 10,
      offset: 0,
    });
    expect(earlier.items.map((c) => c.id)).toEqual([result.id]);
    const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM dev_outbox');
    await s.workflow.act(dispatcher, result.id, 'reject', { note: '已自行整改' });
    const { rows } = await db.query<{ recipient_masked: string; body: string }>(
      'SELECT recipient_masked, body FROM dev_outbox ORDER BY id DESC LIMIT 1',
    );
    const after = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM dev_outbox');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n + 1);
    expect(rows[0]!.recipient_masked).toBe('139****1111');
    expect(rows[0]!.body).toContain(result.publicCode);
  });

  it('refuses a report outside the city with 422 and writes nothing', async () => {
    const clock = new FixedClock(new Date('2026-11-02T02:00:00Z'));
    const s = services(t(), clock);
    const before = await t().db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
    await expect(
      s.intake.report(
        { kind: 'anonymous' },
        { channel: 'resident', idempotencyKey: 'outside-001', lng: 0, lat: 0, description: 'x y' },
      ),
    ).rejects.toMatchObject({ code: 'OUTSIDE_CITY', kind: 'unprocessable' });
    const after = await t().db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });
});
