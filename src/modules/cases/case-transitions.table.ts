/**
 * The transition table of the case closed loop (GB/T 30428, DOMAIN.md §2), as pure data: the states
 * and stages, the action and effect codes, which states each action is legal in, where it leads and
 * what the service must do, and which deadline clock runs in each state. No functions: who may act
 * and under which conditions (the guards), the per-department tasks and the machine itself are in
 * case-state.ts.
 */

// ---------------------------------------------------------------------------------------------
// States, stages, tasks

/** Every case state, as stored in the DB (stable codes; never rename). */
export const CASE_STATES = [
  'reported', // 信息收集: collected from a resident, grid worker, hotline, sensor or Open311
  'filed', // 立案: accepted as a case, waiting for dispatch
  'dispatched', // 派遣: sent to one or more departments, at least one has not accepted yet
  'handling', // 处置: every summoned department has accepted (or finished)
  'reported_back', // 处理反馈: every department reported back, waiting for verification
  'closed', // 核查结案: verified on site and closed
  'evaluated', // 综合评价: evaluated (satisfaction recorded)
  'rejected', // 不予立案: does not meet the filing criteria (terminal)
  'suspended', // 挂账: parked, remembers the state to resume to
  'voided', // 作废: duplicate, merged, out of scope (terminal)
] as const;

/** A case state code. */
export type CaseState = (typeof CASE_STATES)[number];

/** States nothing leaves; every action on them is refused. */
export const TERMINAL_STATES: readonly CaseState[] = ['rejected', 'voided'];

/** States a case may be suspended from, hence resumed to. */
export type ResumableState = 'filed' | 'dispatched' | 'handling';

/** The seven stages of the closed loop, used for per-stage deadlines and indicators. */
export const CASE_STAGES = [
  'collect',
  'file',
  'dispatch',
  'handle',
  'report_back',
  'verify',
  'evaluate',
] as const;

/** A stage of the closed loop. */
export type CaseStage = (typeof CASE_STAGES)[number];

/** The stage each state belongs to; exception states have none (see `stageOf` for suspended cases). */
export const STAGE_OF_STATE: Readonly<Record<CaseState, CaseStage | null>> = {
  reported: 'collect',
  filed: 'file',
  dispatched: 'dispatch',
  handling: 'handle',
  reported_back: 'report_back',
  closed: 'verify',
  evaluated: 'evaluate',
  rejected: null,
  suspended: null,
  voided: null,
};

// ---------------------------------------------------------------------------------------------
// Actions, effects

/** Every action code (stable; used in the audit trail and the API). */
export const CASE_ACTION_TYPES = [
  'file',
  'reject',
  'dispatch',
  'accept',
  'return',
  'reassign',
  'request_extension',
  'approve_extension',
  'deny_extension',
  'report_back',
  'verify_pass',
  'verify_fail',
  'evaluate',
  'reopen',
  'suspend',
  'resume',
  'void',
  'merge_into',
  'whistle',
] as const;

/** An action code. */
export type CaseActionType = (typeof CASE_ACTION_TYPES)[number];

/** A deadline clock, named after the stage whose work it times. */
export type StageClock = 'file' | 'dispatch' | 'handle' | 'verify' | 'evaluate';

/** Something the service must do after persisting the new snapshot (same transaction or outbox). */
export type CaseEffect =
  | `start_stage_clock:${StageClock}`
  | `stop_stage_clock:${StageClock}`
  | `pause_stage_clock:${StageClock}`
  | `resume_stage_clock:${StageClock}`
  | 'extend_stage_deadline:handle'
  | 'count_rework' // 返工率 numerator
  | 'count_reopen'
  | 'count_reassignment' // input to 准确派遣率
  | 'record_evaluation'
  | 'link_merged_case'
  | 'notify_reporter'
  | 'notify_departments'
  | 'notify_dispatcher';

// ---------------------------------------------------------------------------------------------
// The transition table

/** Where a rule leads: a fixed state, the same state, the state derived from the tasks, or resume. */
type Target = CaseState | 'same' | 'from_tasks' | 'suspended_from';

/** One row of the table: where an action is legal, where it leads, what the service must do. */
export interface Transition {
  readonly from: readonly CaseState[];
  readonly to: Target;
  /** Effects besides the stage clocks (those are derived from `RUNNING_CLOCK`). */
  readonly effects: readonly CaseEffect[];
}

const WORKING: readonly CaseState[] = ['dispatched', 'handling'];
const VOIDABLE: readonly CaseState[] = [
  'reported',
  'filed',
  'dispatched',
  'handling',
  'reported_back',
  'suspended',
];

/** Every action's row; the refusals that depend on the snapshot are case-state.ts's `GUARDS`. */
export const TRANSITIONS: Readonly<Record<CaseActionType, Transition>> = {
  file: { from: ['reported'], to: 'filed', effects: ['notify_reporter'] },
  reject: { from: ['reported'], to: 'rejected', effects: ['notify_reporter'] },
  dispatch: { from: ['filed'], to: 'from_tasks', effects: ['notify_departments'] },
  accept: { from: WORKING, to: 'from_tasks', effects: [] },
  return: { from: WORKING, to: 'from_tasks', effects: ['notify_dispatcher'] },
  reassign: { from: WORKING, to: 'from_tasks', effects: ['count_reassignment', 'notify_departments'] },
  request_extension: { from: WORKING, to: 'same', effects: ['notify_dispatcher'] },
  approve_extension: {
    from: WORKING,
    to: 'same',
    effects: ['extend_stage_deadline:handle', 'notify_departments'],
  },
  deny_extension: { from: WORKING, to: 'same', effects: ['notify_departments'] },
  report_back: { from: WORKING, to: 'from_tasks', effects: ['notify_dispatcher'] },
  verify_pass: { from: ['reported_back'], to: 'closed', effects: ['notify_reporter'] },
  verify_fail: { from: ['reported_back'], to: 'from_tasks', effects: ['count_rework', 'notify_departments'] },
  evaluate: { from: ['closed'], to: 'evaluated', effects: ['record_evaluation'] },
  reopen: { from: ['evaluated'], to: 'filed', effects: ['count_reopen', 'notify_reporter'] },
  suspend: { from: ['filed', 'dispatched', 'handling'], to: 'suspended', effects: [] },
  resume: { from: ['suspended'], to: 'suspended_from', effects: [] },
  void: { from: VOIDABLE, to: 'voided', effects: ['notify_reporter'] },
  merge_into: { from: VOIDABLE, to: 'voided', effects: ['link_merged_case', 'notify_reporter'] },
  whistle: { from: ['filed', 'dispatched', 'handling'], to: 'from_tasks', effects: ['notify_departments'] },
};

/** The deadline clock that runs while a case sits in a state (none once closed loop work is done). */
export const RUNNING_CLOCK: Readonly<Record<CaseState, StageClock | null>> = {
  reported: 'file',
  filed: 'dispatch',
  dispatched: 'handle',
  handling: 'handle',
  reported_back: 'verify',
  closed: 'evaluate',
  evaluated: null,
  rejected: null,
  suspended: null, // paused: see clockOf
  voided: null,
};
