/**
 * The case closed loop of GB/T 30428 (DOMAIN.md §2) as an explicit, total state machine.
 *
 * Seven stages: 信息收集 collect → 立案 file → 派遣 dispatch → 处置 handle → 处理反馈 report back →
 * 核查结案 verify & close → 综合评价 evaluate, plus the exceptions: 不予立案 reject, 回退 return,
 * 改派 reassign, 延期 extension, 返工 rework, 重新办理 reopen, 挂账 suspend, 作废 void / merge, and
 * 吹哨报到 whistle (a street summons several departments to one case).
 *
 * How to read it: `TRANSITIONS` (case-transitions.table.ts) is the transition table (which states each
 * action is legal in, where it leads, what the service must do); `GUARDS` here are the refusals that
 * depend on the snapshot. Actions that carry a department or list of departments also update the
 * per-department tasks; the case state then follows from the tasks (`deriveFromTasks`). Stage-clock
 * effects are derived from the clock running before and after (`RUNNING_CLOCK`), never listed by hand.
 * Pure: no I/O, no clock; the service persists the snapshot and performs the effects in one transaction.
 */

import {
  CASE_ACTION_TYPES,
  type CaseActionType,
  type CaseEffect,
  type CaseStage,
  type CaseState,
  type ResumableState,
  RUNNING_CLOCK,
  STAGE_OF_STATE,
  type StageClock,
  TERMINAL_STATES,
  TRANSITIONS,
} from './case-transitions.table.js';

// ---------------------------------------------------------------------------------------------
// Tasks, snapshot

/** Status of one department's task within a case (a whistle case has several). */
export const TASK_STATUSES = ['open', 'accepted', 'reported_back', 'returned'] as const;

/** A task status code. */
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** One department's part of a case. */
export interface CaseTask {
  /** Department id (the machine only compares them). */
  readonly department: string;
  readonly status: TaskStatus;
}

/** Result of the 综合评价 (the 12345 satisfaction scale). */
export type Satisfaction = 'satisfied' | 'basically_satisfied' | 'dissatisfied';

/** What the machine needs to know about a case; the service loads it from and saves it to the DB. */
export interface CaseSnapshot {
  readonly state: CaseState;
  /** Set only while suspended: where `resume` goes back to. */
  readonly suspendedFrom: ResumableState | null;
  /** How many times the case was reopened after a dissatisfied evaluation (at most `MAX_REOPENS`). */
  readonly reopenCount: number;
  /** Tasks of the current dispatch; empty outside dispatched/handling/reported_back (and their suspension). */
  readonly tasks: readonly CaseTask[];
  /** An extension request is awaiting a decision. */
  readonly extensionRequested: boolean;
  /** Set by `evaluate`; decides whether `reopen` is allowed. */
  readonly evaluation: Satisfaction | null;
  /** Set by `merge_into`: the case this one was merged into. */
  readonly mergedInto: string | null;
}

/** A case is reopened at most this many times (local rules: once, then it goes to supervision). */
export const MAX_REOPENS = 1;

/** The snapshot of a newly collected report; the service starts the `file` clock when it stores it. */
export function newCaseSnapshot(): CaseSnapshot {
  return {
    state: 'reported',
    suspendedFrom: null,
    reopenCount: 0,
    tasks: [],
    extensionRequested: false,
    evaluation: null,
    mergedInto: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Actions, results

/** An action with its payload; who typically performs it is noted on each line. */
export type CaseAction =
  | { readonly type: 'file' } // 受理员/值班长 (dispatcher on duty): meets the filing criteria
  | { readonly type: 'reject' } // 受理员: does not meet the filing criteria
  | { readonly type: 'dispatch'; readonly departments: readonly string[] } // 派遣员 (dispatcher)
  | { readonly type: 'accept'; readonly department: string } // 处置部门 (the department)
  | { readonly type: 'return'; readonly department: string } // 处置部门: 回退, not ours / cannot handle
  | { readonly type: 'reassign'; readonly from: string; readonly to: string } // 派遣员: 改派
  | { readonly type: 'request_extension' } // 处置部门: 申请延期
  | { readonly type: 'approve_extension' } // 派遣员 or supervisor: 批准延期
  | { readonly type: 'deny_extension' } // 派遣员 or supervisor: 不予延期
  | { readonly type: 'report_back'; readonly department: string } // 处置部门: 处理反馈
  | { readonly type: 'verify_pass' } // 网格员/核查员 (grid worker on site): 核查通过, 结案
  | { readonly type: 'verify_fail' } // 网格员/核查员: not fixed, 返工 to the same department(s)
  | { readonly type: 'evaluate'; readonly result: Satisfaction } // reporter / 12345 回访 / 监督中心
  | { readonly type: 'reopen' } // 监督中心 (supervision centre) after a dissatisfied evaluation
  | { readonly type: 'suspend' } // 指挥中心 leader: 挂账 (cannot be solved now, e.g. needs funding)
  | { readonly type: 'resume' } // 指挥中心 leader: 解除挂账
  | { readonly type: 'void' } // 受理员/派遣员: 作废 (invalid, out of scope, test)
  | { readonly type: 'merge_into'; readonly target: string } // 受理员/派遣员: duplicate of `target`
  | { readonly type: 'whistle'; readonly departments: readonly string[] }; // 街道 (street): 吹哨报到

/** Every way an action can be refused; the snapshot is then unchanged. */
export type CaseRejection =
  | 'illegal_transition' // the action is not legal in this state
  | 'unknown_department' // no task of the current dispatch belongs to that department
  | 'task_status' // the department's task is not in a status this action applies to
  | 'invalid_departments' // empty list, blank or repeated names, or a department already on the case
  | 'extension_already_requested'
  | 'no_extension_requested'
  | 'not_dissatisfied' // reopen needs a dissatisfied evaluation
  | 'reopen_limit_reached'
  | 'invalid_merge_target';

/** Outcome of `nextState`: the new snapshot and the effects, or why nothing happened. */
export type TransitionResult =
  | {
      readonly ok: true;
      readonly state: CaseState;
      readonly snapshot: CaseSnapshot;
      readonly effects: readonly CaseEffect[];
    }
  | { readonly ok: false; readonly reason: CaseRejection };

// ---------------------------------------------------------------------------------------------
// Guards

/** A refusal that depends on the snapshot only (not the payload); shared with `allowedActions`. */
type Guard = (s: CaseSnapshot) => CaseRejection | null;

const anyTask =
  (...statuses: TaskStatus[]) =>
  (s: CaseSnapshot): CaseRejection | null =>
    s.tasks.some((t) => statuses.includes(t.status)) ? null : 'task_status';

/** The guard of each action that has one, checked after its row's `from` states. */
const GUARDS: Readonly<Partial<Record<CaseActionType, Guard>>> = {
  accept: anyTask('open'),
  return: anyTask('open', 'accepted'),
  reassign: anyTask('open', 'accepted', 'returned'),
  request_extension: (s) => (s.extensionRequested ? 'extension_already_requested' : null),
  approve_extension: (s) => (s.extensionRequested ? null : 'no_extension_requested'),
  deny_extension: (s) => (s.extensionRequested ? null : 'no_extension_requested'),
  report_back: anyTask('accepted'),
  reopen: (s) =>
    s.evaluation !== 'dissatisfied'
      ? 'not_dissatisfied'
      : s.reopenCount >= MAX_REOPENS
        ? 'reopen_limit_reached'
        : null,
};

// ---------------------------------------------------------------------------------------------
// Task helpers

/** A task still owed by its department (not returned). */
function isActive(t: CaseTask): boolean {
  return t.status !== 'returned';
}

/** Blank, repeated, or already active departments make a department list invalid. */
function validNewDepartments(s: CaseSnapshot, departments: readonly string[]): boolean {
  if (departments.length === 0) return false;
  const seen = new Set<string>();
  for (const d of departments) {
    if (d.trim() === '' || seen.has(d)) return false;
    seen.add(d);
  }
  return !s.tasks.some((t) => isActive(t) && seen.has(t.department));
}

/**
 * The case state implied by its tasks: all returned (or none) → back to the dispatcher (filed);
 * every owed task reported back → reported_back; any task not yet accepted → dispatched; else handling.
 */
function deriveFromTasks(tasks: readonly CaseTask[]): CaseState {
  const active = tasks.filter(isActive);
  if (active.length === 0) return 'filed';
  if (active.every((t) => t.status === 'reported_back')) return 'reported_back';
  if (active.some((t) => t.status === 'open')) return 'dispatched';
  return 'handling';
}

/** Moves one department's task from one of `from` statuses to `to`. */
function updateTask(
  s: CaseSnapshot,
  department: string,
  from: readonly TaskStatus[],
  to: TaskStatus,
): readonly CaseTask[] | CaseRejection {
  const i = s.tasks.findIndex((t) => t.department === department);
  const task = s.tasks[i];
  if (!task) return 'unknown_department';
  if (!from.includes(task.status)) return 'task_status';
  return s.tasks.map((t, j) => (j === i ? { department, status: to } : t));
}

/** The snapshot fields an action's payload changes (tasks, evaluation, …), or why the payload is refused. */
function applyPayload(s: CaseSnapshot, action: CaseAction): Partial<CaseSnapshot> | CaseRejection {
  switch (action.type) {
    case 'dispatch':
    case 'whistle': {
      if (!validNewDepartments(s, action.departments)) return 'invalid_departments';
      const summoned = new Set(action.departments);
      const kept = s.tasks.filter((t) => !summoned.has(t.department)); // re-summoning replaces a returned task
      return {
        tasks: [
          ...kept,
          ...action.departments.map((department) => ({ department, status: 'open' as const })),
        ],
      };
    }
    case 'accept':
      return wrapTasks(updateTask(s, action.department, ['open'], 'accepted'));
    case 'return':
      return wrapTasks(updateTask(s, action.department, ['open', 'accepted'], 'returned'));
    case 'report_back':
      return wrapTasks(updateTask(s, action.department, ['accepted'], 'reported_back'));
    case 'reassign': {
      const i = s.tasks.findIndex((t) => t.department === action.from);
      const task = s.tasks[i];
      if (!task) return 'unknown_department';
      if (task.status === 'reported_back') return 'task_status';
      if (action.to === action.from || !validNewDepartments(s, [action.to])) return 'invalid_departments';
      const tasks = s.tasks
        .filter((t) => t.department !== action.to) // drop a returned task of the new department
        .map((t) => (t === task ? { department: action.to, status: 'open' as const } : t));
      return { tasks };
    }
    case 'verify_fail': // rework goes back to the same departments
      return {
        tasks: s.tasks.map((t) => (t.status === 'reported_back' ? { ...t, status: 'open' as const } : t)),
      };
    case 'request_extension':
      return { extensionRequested: true };
    case 'approve_extension':
    case 'deny_extension':
      return { extensionRequested: false };
    case 'evaluate':
      return { evaluation: action.result };
    case 'reopen':
      return { reopenCount: s.reopenCount + 1, evaluation: null, tasks: [] };
    case 'merge_into':
      return action.target.trim() === '' ? 'invalid_merge_target' : { mergedInto: action.target };
    case 'file':
    case 'reject':
    case 'verify_pass':
    case 'suspend':
    case 'resume':
    case 'void':
      return {};
  }
}

function wrapTasks(r: readonly CaseTask[] | CaseRejection): Partial<CaseSnapshot> | CaseRejection {
  return typeof r === 'string' ? r : { tasks: r };
}

function isResumable(state: CaseState): state is ResumableState {
  return state === 'filed' || state === 'dispatched' || state === 'handling';
}

function clockOf(s: CaseSnapshot): StageClock | null {
  return RUNNING_CLOCK[s.state === 'suspended' && s.suspendedFrom ? s.suspendedFrom : s.state];
}

/** Start/stop/pause/resume effects implied by the clock running before and after a transition. */
function clockEffects(before: CaseSnapshot, after: CaseSnapshot): CaseEffect[] {
  const a = clockOf(before);
  const b = clockOf(after);
  if (after.state === 'suspended' && before.state !== 'suspended') return a ? [`pause_stage_clock:${a}`] : [];
  if (before.state === 'suspended' && after.state !== 'voided') return b ? [`resume_stage_clock:${b}`] : [];
  if (a === b) return [];
  const out: CaseEffect[] = [];
  if (a) out.push(`stop_stage_clock:${a}`);
  if (b) out.push(`start_stage_clock:${b}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Whether nothing can ever happen to a case in this state again. */
export function isTerminal(state: CaseState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** The stage a case is in; a suspended case counts in the stage it was suspended from. */
export function stageOf(s: CaseSnapshot): CaseStage | null {
  return STAGE_OF_STATE[s.state === 'suspended' && s.suspendedFrom ? s.suspendedFrom : s.state];
}

/**
 * Applies one action. Total: every (snapshot, action) pair yields either the new snapshot with the effects
 * the service must perform, or a refusal reason; the input is never modified.
 */
export function nextState(current: CaseSnapshot, action: CaseAction): TransitionResult {
  const rule = TRANSITIONS[action.type];
  if (!rule.from.includes(current.state)) return { ok: false, reason: 'illegal_transition' };
  const refused = GUARDS[action.type]?.(current) ?? null;
  if (refused) return { ok: false, reason: refused };
  const changes = applyPayload(current, action);
  if (typeof changes === 'string') return { ok: false, reason: changes };

  const draft: CaseSnapshot = { ...current, ...changes };
  let state: CaseState;
  switch (rule.to) {
    case 'same':
      state = current.state;
      break;
    case 'from_tasks':
      state = deriveFromTasks(draft.tasks);
      break;
    case 'suspended_from':
      state = current.suspendedFrom ?? 'filed'; // a suspended snapshot always has suspendedFrom
      break;
    default:
      state = rule.to;
  }
  const working = state === 'dispatched' || state === 'handling';
  const keepsTasks = working || state === 'reported_back' || state === 'suspended';
  const next: CaseSnapshot = {
    ...draft,
    state,
    suspendedFrom: state === 'suspended' && isResumable(current.state) ? current.state : null,
    tasks: keepsTasks ? draft.tasks : [],
    extensionRequested: (working || state === 'suspended') && draft.extensionRequested,
  };
  return { ok: true, state, snapshot: next, effects: [...clockEffects(current, next), ...rule.effects] };
}

/**
 * Action types that can succeed on this snapshot with a suitable payload (e.g. `accept` needs an open
 * task); for UIs to show buttons. Terminal states get an empty list.
 */
export function allowedActions(s: CaseSnapshot): CaseActionType[] {
  return CASE_ACTION_TYPES.filter((type) => {
    const rule = TRANSITIONS[type];
    return rule.from.includes(s.state) && (GUARDS[type]?.(s) ?? null) === null;
  });
}
