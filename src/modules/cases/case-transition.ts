/**
 * Applying a state-machine result to a stored case: new snapshot, stage clocks on the working
 * calendar, timestamps. Pure (no I/O), shared by the workflow service and the demo generator, so
 * generated history follows exactly the rules live cases do.
 */
import type { CalendarSpec } from '../calendar/index.js';
import type { StageDeadlines } from '../taxonomy/index.js';
import type { CaseRecord, StoredTask, WorkflowInput } from './case.types.js';
import { extendClock, pauseClock, resumeClock, startClock, stopClock, taskDeadline } from './case-clock.js';
import type { CaseAction, CaseSnapshot, TransitionResult } from './case-state.js';
import type { StageClock } from './case-transitions.table.js';

/** Which stage (if any) an action completed, and whether on time. */
export interface StageOutcome {
  stageDone: string | null;
  onTime: boolean | null;
}

/**
 * Mutates `c` to the state after `action` (which the machine accepted with `result`), running
 * the clock effects at `now` with the case's deadlines.
 */
export function applyTransition(
  c: CaseRecord,
  action: CaseAction,
  result: Extract<TransitionResult, { ok: true }>,
  input: WorkflowInput,
  now: Date,
  spec: CalendarSpec,
  deadlines: StageDeadlines,
): StageOutcome {
  const type = action.type;
  const fromState = c.state;
  applySnapshot(c, result.snapshot, now, spec, deadlines, type === 'whistle');
  let stage: StageOutcome = { stageDone: null, onTime: null };
  for (const effect of result.effects) {
    const [kind, arg] = effect.split(':') as [string, StageClock | undefined];
    if (kind === 'stop_stage_clock') stage = stopClock(c, now);
    else if (kind === 'start_stage_clock' && arg) startClock(c, arg, now, spec, deadlines);
    else if (kind === 'pause_stage_clock') pauseClock(c, now, spec, deadlines);
    else if (kind === 'resume_stage_clock') resumeClock(c, now, spec, deadlines);
    else if (effect === 'extend_stage_deadline:handle') {
      extendClock(c, c.extensionMinutes ?? 0, spec, deadlines);
      const until = c.clockDeadline?.getTime() ?? 0;
      c.tasks = c.tasks.map((t) =>
        t.deadline
          ? { ...t, deadline: new Date(Math.max(new Date(t.deadline).getTime(), until)).toISOString() }
          : t,
      );
    }
  }
  if (type === 'request_extension') c.extensionMinutes = input.minutes ?? null;
  if (type === 'approve_extension' || type === 'deny_extension') c.extensionMinutes = null;
  if (type === 'file') c.filedAt = now;
  if ((type === 'dispatch' || type === 'whistle') && !c.dispatchedAt) c.dispatchedAt = now;
  if (c.state === 'reported_back' && fromState !== 'reported_back') c.reportedBackAt = now;
  if (type === 'verify_pass') c.closedAt = now;
  if (type === 'evaluate') c.evaluatedAt = now;
  if (action.type === 'reassign') c.departmentCode = action.to;
  if (action.type === 'dispatch') c.departmentCode = action.departments[0] ?? c.departmentCode;
  if (type === 'merge_into') c.mergedInto = input.targetId ?? null;
  c.updatedAt = now;
  return stage;
}

/** The state-machine view of a stored case. */
export function snapshotOf(c: CaseRecord): CaseSnapshot {
  return {
    state: c.state,
    suspendedFrom: c.suspendedFrom,
    reopenCount: c.reopenCount,
    tasks: c.tasks.map((t) => ({ department: t.department, status: t.status })),
    extensionRequested: c.extensionRequested,
    evaluation: c.evaluation,
    mergedInto: c.mergedInto === null ? null : String(c.mergedInto),
  };
}

/** Copies the machine's new snapshot onto the record, keeping task deadlines and whistle flags. */
function applySnapshot(
  c: CaseRecord,
  s: CaseSnapshot,
  now: Date,
  spec: CalendarSpec,
  deadlines: StageDeadlines,
  viaWhistle: boolean,
): void {
  const before = new Map(c.tasks.map((t) => [t.department, t]));
  c.tasks = s.tasks.map((t): StoredTask => {
    const old = before.get(t.department);
    const reopened = old && old.status !== 'open' && t.status === 'open';
    return {
      department: t.department,
      status: t.status,
      deadline: old && !reopened ? old.deadline : taskDeadline(now, spec, deadlines).toISOString(),
      viaWhistle: old?.viaWhistle ?? viaWhistle,
    };
  });
  c.state = s.state;
  c.suspendedFrom = s.suspendedFrom;
  c.reopenCount = s.reopenCount;
  c.extensionRequested = s.extensionRequested;
  c.evaluation = s.evaluation;
}

/** The department an action concerns (for the event row). */
export function departmentOf(a: CaseAction): string | null {
  if ('department' in a) return a.department;
  if (a.type === 'reassign') return a.to;
  if (a.type === 'dispatch') return a.departments[0] ?? null;
  return null;
}

/** Machine-readable details of an action for its event row. */
export function eventData(a: CaseAction, input: WorkflowInput): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (a.type === 'dispatch' || a.type === 'whistle') data.departments = a.departments;
  if (a.type === 'reassign') Object.assign(data, { from: a.from, to: a.to });
  if (a.type === 'evaluate') Object.assign(data, { result: a.result });
  if (a.type === 'merge_into') data.target = Number(a.target);
  if (input.minutes) data.minutes = input.minutes;
  if (input.categoryCode) data.categoryCode = input.categoryCode;
  return data;
}
