/**
 * Stage clocks on the working calendar. Each stage of the loop has a deadline from the case's
 * category (working or natural minutes); the running clock is stored in the case row.
 */
import {
  addDeadlineMinutes,
  type CalendarSpec,
  type DeadlineMode,
  deadlineMinutesUsed,
} from '../calendar/index.js';
import type { StageDeadlines } from '../taxonomy/index.js';
import type { CaseRecord } from './case.types.js';
import type { StageClock } from './case-transitions.table.js';

/** Deadlines for cases without a category yet (a resident's uncategorised report). */
export const DEFAULT_DEADLINES: StageDeadlines = {
  file: 30,
  dispatch: 30,
  handle: 5 * 480,
  verify: 120,
  handleUnit: 'working',
};

/** How long a reporter has to evaluate a closed case (natural minutes: 7 days). */
export const EVALUATION_WINDOW_MINUTES = 7 * 24 * 60;

/** Reopen is possible for this many days after a dissatisfied evaluation. */
export const REOPEN_WINDOW_DAYS = 15;

function mode(d: StageDeadlines): DeadlineMode {
  return d.handleUnit === 'natural' ? 'calendar' : 'working';
}

function minutesFor(stage: StageClock, d: StageDeadlines): { minutes: number; mode: DeadlineMode } {
  if (stage === 'evaluate') return { minutes: EVALUATION_WINDOW_MINUTES, mode: 'calendar' };
  return { minutes: d[stage], mode: mode(d) };
}

/** Starts the clock of a stage now. */
export function startClock(
  c: CaseRecord,
  stage: StageClock,
  now: Date,
  spec: CalendarSpec,
  d: StageDeadlines,
): void {
  const { minutes, mode: m } = minutesFor(stage, d);
  c.clockStage = stage;
  c.clockStartedAt = now;
  c.clockDeadline = addDeadlineMinutes(spec, m, now, minutes);
  c.clockPausedMinutes = null;
  c.deadlineStatus = 'ok';
}

/** Stops the running clock: which stage finished, and whether within its deadline. */
export function stopClock(c: CaseRecord, now: Date): { stageDone: string | null; onTime: boolean | null } {
  const stageDone = c.clockStage;
  const onTime = c.clockDeadline ? now.getTime() <= c.clockDeadline.getTime() : null;
  c.clockStage = null;
  c.clockStartedAt = null;
  c.clockDeadline = null;
  c.clockPausedMinutes = null;
  c.deadlineStatus = 'ok';
  return { stageDone, onTime };
}

/** Pauses the clock (suspension): remembers the minutes left, on the stage's own clock. */
export function pauseClock(c: CaseRecord, now: Date, spec: CalendarSpec, d: StageDeadlines): void {
  if (!c.clockStage || !c.clockDeadline) return;
  const { mode: m } = minutesFor(c.clockStage as StageClock, d);
  c.clockPausedMinutes = Math.max(0, deadlineMinutesUsed(spec, m, now, c.clockDeadline));
  c.clockDeadline = null;
}

/** Resumes a paused clock with the minutes it had left. */
export function resumeClock(c: CaseRecord, now: Date, spec: CalendarSpec, d: StageDeadlines): void {
  if (!c.clockStage || c.clockPausedMinutes === null) return;
  const { mode: m } = minutesFor(c.clockStage as StageClock, d);
  c.clockDeadline = addDeadlineMinutes(spec, m, now, c.clockPausedMinutes);
  c.clockPausedMinutes = null;
}

/** Moves the handle deadline (approved extension) by `minutes` on the category's clock. */
export function extendClock(c: CaseRecord, minutes: number, spec: CalendarSpec, d: StageDeadlines): void {
  if (!c.clockDeadline) return;
  c.clockDeadline = addDeadlineMinutes(spec, mode(d), c.clockDeadline, minutes);
  c.deadlineStatus = 'ok';
}

/** The deadline of a department's handling task started now. */
export function taskDeadline(now: Date, spec: CalendarSpec, d: StageDeadlines): Date {
  return addDeadlineMinutes(spec, mode(d), now, d.handle);
}
