import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  type CaseAction,
  type CaseSnapshot,
  isTerminal,
  MAX_REOPENS,
  newCaseSnapshot,
  nextState,
  type Satisfaction,
  stageOf,
  type TransitionResult,
} from '../../src/modules/cases/case-state.js';
import {
  CASE_ACTION_TYPES,
  CASE_STATES,
  type CaseActionType,
  type CaseStage,
  type CaseState,
  TERMINAL_STATES,
} from '../../src/modules/cases/case-transitions.table.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Applies actions in order, failing the test on the first refusal; returns the last result. */
function run(start: CaseSnapshot, ...actions: CaseAction[]): Extract<TransitionResult, { ok: true }> {
  let s = start;
  let last: TransitionResult | undefined;
  for (const a of actions) {
    last = nextState(deepFreeze(s), a);
    if (!last.ok) throw new Error(`${a.type} refused in ${s.state}: ${last.reason}`);
    s = last.snapshot;
  }
  if (!last?.ok) throw new Error('no actions');
  return last;
}

function snap(over: Partial<CaseSnapshot>): CaseSnapshot {
  return { ...newCaseSnapshot(), ...over };
}

const CG = '城管';
const HB = '环保';
const ZJ = '住建';

describe('happy path through the seven stages', () => {
  it('collect → file → dispatch → handle → report back → verify → evaluate', () => {
    let s = newCaseSnapshot();
    const stages: (CaseStage | null)[] = [stageOf(s)];
    const effects: string[][] = [];
    const actions: CaseAction[] = [
      { type: 'file' },
      { type: 'dispatch', departments: [CG] },
      { type: 'accept', department: CG },
      { type: 'report_back', department: CG },
      { type: 'verify_pass' },
      { type: 'evaluate', result: 'satisfied' },
    ];
    for (const a of actions) {
      const r = run(s, a);
      s = r.snapshot;
      stages.push(stageOf(s));
      effects.push([...r.effects]);
    }
    expect(stages).toEqual(['collect', 'file', 'dispatch', 'handle', 'report_back', 'verify', 'evaluate']);
    expect(s.state).toBe('evaluated');
    expect(effects).toEqual([
      ['stop_stage_clock:file', 'start_stage_clock:dispatch', 'notify_reporter'],
      ['stop_stage_clock:dispatch', 'start_stage_clock:handle', 'notify_departments'],
      [],
      ['stop_stage_clock:handle', 'start_stage_clock:verify', 'notify_dispatcher'],
      ['stop_stage_clock:verify', 'start_stage_clock:evaluate', 'notify_reporter'],
      ['stop_stage_clock:evaluate', 'record_evaluation'],
    ]);
    expect(allowedActions(s)).toEqual([]); // satisfied: nothing more to do
  });
});

describe('exceptions', () => {
  const filed = run(newCaseSnapshot(), { type: 'file' }).snapshot;
  const handling = run(
    filed,
    { type: 'dispatch', departments: [CG] },
    { type: 'accept', department: CG },
  ).snapshot;
  const reportedBack = run(handling, { type: 'report_back', department: CG }).snapshot;
  const closed = run(reportedBack, { type: 'verify_pass' }).snapshot;

  it('rejects a report that does not meet the filing criteria (terminal)', () => {
    const r = run(newCaseSnapshot(), { type: 'reject' });
    expect(r.state).toBe('rejected');
    expect(r.effects).toEqual(['stop_stage_clock:file', 'notify_reporter']);
    expect(allowedActions(r.snapshot)).toEqual([]);
  });

  it('returns (回退) a case to the dispatcher', () => {
    const r = run(handling, { type: 'return', department: CG });
    expect(r.state).toBe('filed');
    expect(r.snapshot.tasks).toEqual([]);
    expect(r.effects).toEqual(['stop_stage_clock:handle', 'start_stage_clock:dispatch', 'notify_dispatcher']);
  });

  it('reassigns to another department, which must accept again', () => {
    const r = run(handling, { type: 'reassign', from: CG, to: HB });
    expect(r.state).toBe('dispatched');
    expect(r.snapshot.tasks).toEqual([{ department: HB, status: 'open' }]);
    expect(r.effects).toEqual(['count_reassignment', 'notify_departments']);
    expect(nextState(handling, { type: 'reassign', from: CG, to: CG })).toEqual({
      ok: false,
      reason: 'invalid_departments',
    });
    expect(nextState(handling, { type: 'reassign', from: ZJ, to: HB })).toEqual({
      ok: false,
      reason: 'unknown_department',
    });
  });

  it('handles extension requests without changing the state', () => {
    expect(nextState(handling, { type: 'approve_extension' })).toEqual({
      ok: false,
      reason: 'no_extension_requested',
    });
    const requested = run(handling, { type: 'request_extension' });
    expect(requested.state).toBe('handling');
    expect(requested.snapshot.extensionRequested).toBe(true);
    expect(nextState(requested.snapshot, { type: 'request_extension' })).toEqual({
      ok: false,
      reason: 'extension_already_requested',
    });
    const approved = run(requested.snapshot, { type: 'approve_extension' });
    expect(approved.state).toBe('handling');
    expect(approved.effects).toContain('extend_stage_deadline:handle');
    expect(run(requested.snapshot, { type: 'deny_extension' }).snapshot.extensionRequested).toBe(false);
    expect(nextState(filed, { type: 'request_extension' })).toEqual({
      ok: false,
      reason: 'illegal_transition',
    });
    expect(nextState(reportedBack, { type: 'request_extension' })).toEqual({
      ok: false,
      reason: 'illegal_transition',
    });
  });

  it('sends failed verification back to the same department as rework (返工)', () => {
    const r = run(reportedBack, { type: 'verify_fail' });
    expect(r.state).toBe('dispatched');
    expect(r.snapshot.tasks).toEqual([{ department: CG, status: 'open' }]);
    expect(r.effects).toEqual([
      'stop_stage_clock:verify',
      'start_stage_clock:handle',
      'count_rework',
      'notify_departments',
    ]);
  });

  it('reopens a dissatisfied case once, and only once', () => {
    expect(
      nextState(run(closed, { type: 'evaluate', result: 'satisfied' }).snapshot, { type: 'reopen' }),
    ).toEqual({
      ok: false,
      reason: 'not_dissatisfied',
    });
    const unhappy = run(closed, { type: 'evaluate', result: 'dissatisfied' }).snapshot;
    const reopened = run(unhappy, { type: 'reopen' });
    expect(reopened.state).toBe('filed');
    expect(reopened.snapshot.reopenCount).toBe(1);
    expect(reopened.effects).toEqual(['start_stage_clock:dispatch', 'count_reopen', 'notify_reporter']);
    const again = run(
      reopened.snapshot,
      { type: 'dispatch', departments: [CG] },
      { type: 'accept', department: CG },
      { type: 'report_back', department: CG },
      { type: 'verify_pass' },
      { type: 'evaluate', result: 'dissatisfied' },
    ).snapshot;
    expect(nextState(again, { type: 'reopen' })).toEqual({ ok: false, reason: 'reopen_limit_reached' });
    expect(allowedActions(again)).toEqual([]);
  });

  it('suspends (挂账) and resumes to the remembered state, pausing the clock', () => {
    const s = run(handling, { type: 'suspend' });
    expect(s.state).toBe('suspended');
    expect(s.snapshot.suspendedFrom).toBe('handling');
    expect(stageOf(s.snapshot)).toBe('handle');
    expect(s.effects).toEqual(['pause_stage_clock:handle']);
    expect(allowedActions(s.snapshot).sort()).toEqual(['merge_into', 'resume', 'void']);
    const r = run(s.snapshot, { type: 'resume' });
    expect(r.state).toBe('handling');
    expect(r.snapshot).toEqual(handling);
    expect(r.effects).toEqual(['resume_stage_clock:handle']);
    expect(run(filed, { type: 'suspend' }, { type: 'resume' }).state).toBe('filed');
  });

  it('voids (作废) a case, also while suspended, and then accepts nothing', () => {
    const v = run(handling, { type: 'void' });
    expect(v.state).toBe('voided');
    expect(v.effects).toEqual(['stop_stage_clock:handle', 'notify_reporter']);
    const fromSuspended = run(handling, { type: 'suspend' }, { type: 'void' });
    expect(fromSuspended.effects).toEqual(['stop_stage_clock:handle', 'notify_reporter']);
    expect(isTerminal('voided')).toBe(true);
    for (const type of CASE_ACTION_TYPES) {
      expect(nextState(v.snapshot, { type } as CaseAction)).toEqual({
        ok: false,
        reason: 'illegal_transition',
      });
    }
  });

  it('merges a duplicate into another case with a pointer', () => {
    const m = run(newCaseSnapshot(), { type: 'merge_into', target: 'case-42' });
    expect(m.state).toBe('voided');
    expect(m.snapshot.mergedInto).toBe('case-42');
    expect(m.effects).toContain('link_merged_case');
    expect(nextState(newCaseSnapshot(), { type: 'merge_into', target: ' ' })).toEqual({
      ok: false,
      reason: 'invalid_merge_target',
    });
    expect(nextState(closed, { type: 'merge_into', target: 'case-42' })).toEqual({
      ok: false,
      reason: 'illegal_transition',
    });
  });

  it('whistle (吹哨) summons several departments; report back waits for every task', () => {
    const w = run(handling, { type: 'whistle', departments: [HB, ZJ] });
    expect(w.state).toBe('dispatched');
    expect(w.snapshot.tasks).toEqual([
      { department: CG, status: 'accepted' },
      { department: HB, status: 'open' },
      { department: ZJ, status: 'open' },
    ]);
    expect(nextState(w.snapshot, { type: 'whistle', departments: [CG] })).toEqual({
      ok: false,
      reason: 'invalid_departments',
    });
    // CG is done, HB still open: the case cannot be reported back.
    const partly = run(w.snapshot, { type: 'report_back', department: CG });
    expect(partly.state).toBe('dispatched');
    expect(partly.effects).toEqual(['notify_dispatcher']);
    expect(nextState(partly.snapshot, { type: 'report_back', department: HB })).toEqual({
      ok: false,
      reason: 'task_status',
    });
    const accepted = run(
      partly.snapshot,
      { type: 'accept', department: HB },
      { type: 'accept', department: ZJ },
    );
    expect(accepted.state).toBe('handling');
    const hbDone = run(accepted.snapshot, { type: 'report_back', department: HB });
    expect(hbDone.state).toBe('handling');
    // ZJ returns its task (not theirs): every task is now reported back or returned.
    const done = run(hbDone.snapshot, { type: 'return', department: ZJ });
    expect(done.state).toBe('reported_back');
    expect(done.effects).toEqual([
      'stop_stage_clock:handle',
      'start_stage_clock:verify',
      'notify_dispatcher',
    ]);
  });

  it('whistle from filed dispatches to several departments at once', () => {
    const w = run(filed, { type: 'whistle', departments: [CG, HB, ZJ] });
    expect(w.state).toBe('dispatched');
    expect(w.snapshot.tasks.map((t) => t.status)).toEqual(['open', 'open', 'open']);
    expect(w.effects).toEqual([
      'stop_stage_clock:dispatch',
      'start_stage_clock:handle',
      'notify_departments',
    ]);
    expect(nextState(filed, { type: 'whistle', departments: [] })).toEqual({
      ok: false,
      reason: 'invalid_departments',
    });
    expect(nextState(filed, { type: 'dispatch', departments: [CG, CG] })).toEqual({
      ok: false,
      reason: 'invalid_departments',
    });
  });
});

describe('illegal transitions', () => {
  const cases: [CaseState, CaseAction][] = [
    ['reported', { type: 'dispatch', departments: [CG] }],
    ['reported', { type: 'reopen' }],
    ['filed', { type: 'file' }],
    ['filed', { type: 'verify_pass' }],
    ['handling', { type: 'evaluate', result: 'satisfied' }],
    ['closed', { type: 'suspend' }],
    ['closed', { type: 'void' }],
    ['rejected', { type: 'file' }],
    ['evaluated', { type: 'resume' }],
  ];
  it.each(cases)('%s refuses %o and leaves the snapshot unchanged', (state, action) => {
    const tasks = state === 'handling' ? [{ department: CG, status: 'accepted' as const }] : [];
    const before = deepFreeze(snap({ state, tasks }));
    const copy = structuredClone(before);
    expect(nextState(before, action)).toEqual({ ok: false, reason: 'illegal_transition' });
    expect(before).toEqual(copy);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: random action sequences

const POOL = [CG, HB, ZJ, '水务', ''] as const;
const RESULTS: Satisfaction[] = ['satisfied', 'basically_satisfied', 'dissatisfied'];

const dept = fc.constantFrom(...POOL);
const rawAction: fc.Arbitrary<CaseAction> = fc.oneof(
  fc.constantFrom<CaseAction>(
    { type: 'file' },
    { type: 'reject' },
    { type: 'request_extension' },
    { type: 'approve_extension' },
    { type: 'deny_extension' },
    { type: 'verify_pass' },
    { type: 'verify_fail' },
    { type: 'reopen' },
    { type: 'suspend' },
    { type: 'resume' },
    { type: 'void' },
  ),
  fc.array(dept, { maxLength: 3 }).map((departments): CaseAction => ({ type: 'dispatch', departments })),
  fc.array(dept, { maxLength: 3 }).map((departments): CaseAction => ({ type: 'whistle', departments })),
  dept.map((department): CaseAction => ({ type: 'accept', department })),
  dept.map((department): CaseAction => ({ type: 'return', department })),
  dept.map((department): CaseAction => ({ type: 'report_back', department })),
  fc.tuple(dept, dept).map(([from, to]): CaseAction => ({ type: 'reassign', from, to })),
  fc.constantFrom(...RESULTS).map((result): CaseAction => ({ type: 'evaluate', result })),
  fc.constantFrom('case-7', '').map((target): CaseAction => ({ type: 'merge_into', target })),
);

/** A payload that must succeed for an allowed action type (uses the snapshot's tasks). */
function guidedAction(s: CaseSnapshot, type: CaseActionType, n: number): CaseAction {
  const withStatus = (...st: string[]) =>
    s.tasks.filter((t) => st.includes(t.status)).map((t) => t.department);
  const pickOf = (xs: string[]) => xs[n % xs.length] ?? 'none';
  const active = new Set(withStatus('open', 'accepted', 'reported_back'));
  const fresh = POOL.filter((d) => d !== '' && !active.has(d));
  const freshOne = fresh[n % Math.max(fresh.length, 1)] ?? `dept-${n}`;
  switch (type) {
    case 'dispatch':
    case 'whistle':
      return { type, departments: fresh.length > 1 && n % 2 === 0 ? fresh.slice(0, 2) : [freshOne] };
    case 'accept':
      return { type, department: pickOf(withStatus('open')) };
    case 'return':
      return { type, department: pickOf(withStatus('open', 'accepted')) };
    case 'report_back':
      return { type, department: pickOf(withStatus('accepted')) };
    case 'reassign': {
      const from = pickOf(withStatus('open', 'accepted', 'returned'));
      const to = fresh.find((d) => d !== from) ?? `dept-${n}`;
      return { type, from, to };
    }
    case 'evaluate':
      return { type, result: RESULTS[n % 3] ?? 'satisfied' };
    case 'merge_into':
      return { type, target: 'case-9' };
    default:
      return { type } as CaseAction;
  }
}

function checkInvariants(s: CaseSnapshot): void {
  expect(CASE_STATES).toContain(s.state);
  expect(s.suspendedFrom !== null).toBe(s.state === 'suspended');
  expect(s.reopenCount).toBeLessThanOrEqual(MAX_REOPENS);
  expect(new Set(s.tasks.map((t) => t.department)).size).toBe(s.tasks.length);
  const active = s.tasks.filter((t) => t.status !== 'returned');
  const where = s.state === 'suspended' ? s.suspendedFrom : s.state;
  if (where === 'dispatched') expect(active.some((t) => t.status === 'open')).toBe(true);
  if (where === 'handling') {
    expect(active.some((t) => t.status === 'open')).toBe(false);
    expect(active.some((t) => t.status === 'accepted')).toBe(true);
  }
  if (s.state === 'reported_back') {
    expect(active.length).toBeGreaterThan(0);
    expect(active.every((t) => t.status === 'reported_back')).toBe(true);
  }
  if (!['dispatched', 'handling', 'reported_back'].includes(where ?? '')) expect(s.tasks).toEqual([]);
}

describe('properties', () => {
  // forward: push the case along the loop (so long paths such as a second reopen are reached);
  // guided: any allowed action with a valid payload; raw: anything at all, mostly refused.
  const FORWARD: CaseActionType[] = [
    'reopen',
    'evaluate',
    'verify_pass',
    'report_back',
    'accept',
    'whistle',
    'file',
    'resume',
  ];
  const step = fc.record({
    mode: fc.constantFrom('forward', 'forward', 'forward', 'guided', 'raw'),
    pick: fc.nat(),
    raw: rawAction,
  });

  it('random action sequences keep the machine well-formed', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 10, maxLength: 80, size: 'max' }), (steps) => {
        let s = deepFreeze(newCaseSnapshot());
        let reopens = 0;
        for (const { mode, pick, raw } of steps) {
          const allowed = allowedActions(s);
          if (isTerminal(s.state)) expect(allowed).toEqual([]);
          const type =
            mode === 'forward'
              ? (FORWARD.find((t) => allowed.includes(t)) ?? allowed[pick % Math.max(allowed.length, 1)])
              : allowed[pick % Math.max(allowed.length, 1)];
          const guided = mode !== 'raw' && type !== undefined;
          const action = guided ? guidedAction(s, type, pick) : raw;
          const before = structuredClone(s);
          const r = nextState(s, action);
          expect(s).toEqual(before); // never mutates (also frozen)
          if (guided) expect(r.ok).toBe(true); // allowedActions is sound
          if (!allowed.includes(action.type)) expect(r.ok).toBe(false); // ... and complete
          if (TERMINAL_STATES.includes(s.state))
            expect(r).toEqual({ ok: false, reason: 'illegal_transition' });
          if (action.type === 'report_back' && s.tasks.some((t) => t.department === action.department)) {
            const own = s.tasks.find((t) => t.department === action.department);
            if (own?.status !== 'accepted') expect(r.ok).toBe(false);
          }
          if (!r.ok) continue; // refused: s stays as it was
          expect(r.snapshot.state).toBe(r.state);
          if (action.type === 'reopen') reopens += 1;
          expect(reopens).toBeLessThanOrEqual(MAX_REOPENS);
          // a case with open tasks never reaches reported_back
          if (r.state === 'reported_back')
            expect(r.snapshot.tasks.some((t) => t.status === 'open')).toBe(false);
          checkInvariants(r.snapshot);
          s = deepFreeze(r.snapshot);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('terminal states accept nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TERMINAL_STATES), rawAction, (state, action) => {
        const s = deepFreeze(snap({ state }));
        expect(allowedActions(s)).toEqual([]);
        expect(nextState(s, action)).toEqual({ ok: false, reason: 'illegal_transition' });
      }),
    );
  });

  it('a case with an open whistle task cannot be reported back', () => {
    fc.assert(
      fc.property(fc.subarray([CG, HB, ZJ], { minLength: 1 }), (done) => {
        let s = run(
          newCaseSnapshot(),
          { type: 'file' },
          { type: 'whistle', departments: [CG, HB, ZJ, '水务'] },
        ).snapshot;
        for (const d of done)
          s = run(s, { type: 'accept', department: d }, { type: 'report_back', department: d }).snapshot;
        expect(s.state).toBe('dispatched'); // 水务 is still open
        expect(nextState(s, { type: 'report_back', department: '水务' })).toEqual({
          ok: false,
          reason: 'task_status',
        });
        expect(nextState(s, { type: 'verify_pass' })).toEqual({ ok: false, reason: 'illegal_transition' });
      }),
    );
  });
});
