/**
 * The deadline scheduler: every interval it judges each running stage clock on the working
 * calendar — green below 80 % used (`ok`), yellow from 80 % to the deadline (`due_soon`), past
 * the deadline `overdue` — and escalates overdue cases one level up: level 1 tells the street's
 * supervisors and dispatchers, level 2 (once the clock has run over by as much again as it
 * allowed) the district's supervisors.
 *
 * All state lives in the case row, so a restart or a second instance changes nothing: each case
 * is handled in its own transaction that locks the row with SKIP LOCKED, judges it again from
 * what it read under the lock, and writes with a compare-and-set on the escalation level. Two
 * instances therefore escalate each case exactly once per level. The evaluation window (the
 * reporter's clock) is never marked: a resident not evaluating is nobody's failure.
 */

import { type Actor, systemActor } from '../../kernel/actor.js';
import { AREA_CODE_LENGTH } from '../../kernel/area-code.js';
import type { Audience } from '../../kernel/inbox.js';
import { PeriodicPass } from '../../kernel/periodic-pass.js';
import {
  type CalendarSpec,
  type DeadlineMode,
  deadlineMinutesUsed,
  trafficLight,
} from '../calendar/index.js';
import type { StageDeadlines } from '../taxonomy/index.js';
import type { CaseRecord } from './case.types.js';
import type { CaseSupport } from './case-support.js';
import { DeadlineRepository, MAX_ESCALATION_LEVEL, type RunningClock } from './deadline.repository.js';

/** Tuning of the scheduler; every field has a sensible default. */
export interface DeadlineSchedulerOptions {
  /** Time between passes (default 30 s). */
  intervalMs?: number;
  /** Clocks read per page (default 500). */
  pageSize?: number;
  /** Cases handled at once within a pass (default 4; each is its own transaction). */
  concurrency?: number;
  /** Level 2 once this multiple of the allowed time is used (default 2: overrun by as much again). */
  secondLevelFactor?: number;
  /** Where a failed pass is reported (the app's logger). */
  onError?: (err: unknown) => void;
  /** The repository (tests may substitute). */
  repo?: DeadlineRepository;
}

/** What one pass did (logs, tests). */
export interface DeadlinePassResult {
  examined: number;
  marked: number;
  escalated: number;
  /** Cases another instance or a user transaction held; the next pass looks again. */
  skipped: number;
}

/** What a clock should show now, and the escalation level it has earned. */
export interface DeadlineJudgement {
  status: CaseRecord['deadlineStatus'];
  level: number;
}

/** The actor every scheduler write is audited under. */
export const SCHEDULER_ACTOR: Actor = systemActor('deadline-scheduler');

/** The counting mode of a stage: the category's unit (the evaluation window is never judged). */
function modeOf(d: StageDeadlines): DeadlineMode {
  return d.handleUnit === 'natural' ? 'calendar' : 'working';
}

/**
 * Judges one clock at `now`. Overdue means the deadline instant has passed (the same test the
 * workflow uses for "on time"); due-soon is the traffic light's yellow on the category's clock.
 */
export function judgeClock(
  clock: Pick<RunningClock, 'clockStartedAt' | 'clockDeadline'>,
  now: Date,
  spec: CalendarSpec,
  mode: DeadlineMode,
  secondLevelFactor = 2,
): DeadlineJudgement {
  const allowed = deadlineMinutesUsed(spec, mode, clock.clockStartedAt, clock.clockDeadline);
  const used = deadlineMinutesUsed(spec, mode, clock.clockStartedAt, now);
  if (now.getTime() > clock.clockDeadline.getTime()) {
    return { status: 'overdue', level: used >= allowed * secondLevelFactor ? 2 : 1 };
  }
  return { status: trafficLight(used, allowed) === 'green' ? 'ok' : 'due_soon', level: 0 };
}

const ESCALATION_TITLES: Record<number, [string, string]> = {
  1: ['已超期，升级至街道', 'is overdue: escalated to the street'],
  2: ['严重超期，升级至区', 'is seriously overdue: escalated to the district'],
};

/** Marks due-soon/overdue cases and escalates overdue ones; safe with many instances. */
export class DeadlineScheduler {
  private readonly repo: DeadlineRepository;
  private readonly intervalMs: number;
  private readonly pageSize: number;
  private readonly concurrency: number;
  private readonly secondLevelFactor: number;
  private readonly passes: PeriodicPass;

  constructor(
    private readonly s: CaseSupport,
    opts: DeadlineSchedulerOptions = {},
  ) {
    this.repo = opts.repo ?? new DeadlineRepository();
    this.intervalMs = opts.intervalMs ?? 30_000;
    this.pageSize = opts.pageSize ?? 500;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.secondLevelFactor = opts.secondLevelFactor ?? 2;
    this.passes = new PeriodicPass(
      () => this.runOnce(),
      (err) => opts.onError?.(err),
    );
  }

  /**
   * Starts periodic passes every `intervalMs` (default: the constructor's, else 30 s), the first
   * right away; a pass never overlaps the previous one.
   */
  start(intervalMs: number = this.intervalMs): void {
    this.passes.start(intervalMs, { immediately: true });
  }

  /** Stops the timer and waits for a pass in progress to finish (app close, shutdown). */
  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** One full pass over the running clocks at `now` (tests call it directly with a fixed time). */
  async runOnce(now: Date = this.s.deps.clock.now()): Promise<DeadlinePassResult> {
    const { db } = this.s.deps;
    const result: DeadlinePassResult = { examined: 0, marked: 0, escalated: 0, skipped: 0 };
    const spec = await this.s.calendar(db);
    const deadlines = new Map<string, Promise<StageDeadlines>>();
    const modeFor = async (c: RunningClock): Promise<DeadlineMode> => {
      const key = `${c.categoryVersion}:${c.categoryCode}`;
      let d = deadlines.get(key);
      if (!d) {
        d = this.s.deadlinesOf(db, c);
        deadlines.set(key, d);
      }
      return modeOf(await d);
    };

    let afterId = 0;
    for (;;) {
      const page = await this.repo.runningClocks(db, { afterId, limit: this.pageSize });
      if (page.length === 0) break;
      afterId = page[page.length - 1]!.id;
      result.examined += page.length;
      const due: RunningClock[] = [];
      for (const c of page) {
        const j = judgeClock(c, now, spec, await modeFor(c), this.secondLevelFactor);
        if (j.status !== c.deadlineStatus || j.level > c.escalationLevel) due.push(c);
      }
      let next = 0;
      const worker = async () => {
        while (next < due.length) {
          const c = due[next++]!;
          const outcome = await this.handle(c.id, now, spec, await modeFor(c));
          result.marked += outcome.marked;
          result.escalated += outcome.escalated;
          result.skipped += outcome.skipped;
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, due.length) }, worker));
      if (page.length < this.pageSize) break;
    }
    return result;
  }

  /** One case, one transaction: lock (or skip), judge again under the lock, compare-and-set. */
  private async handle(
    id: number,
    now: Date,
    spec: CalendarSpec,
    mode: DeadlineMode,
  ): Promise<{ marked: number; escalated: number; skipped: number }> {
    const { db, repo } = this.s.deps;
    return db.transaction(async (tx) => {
      const out = { marked: 0, escalated: 0, skipped: 0 };
      const locked = await this.repo.lockRunningClock(tx, id);
      if (!locked) {
        // Held by someone else — or no longer running (stopped, paused, done): either way, not ours now.
        out.skipped = 1;
        return out;
      }
      const j = judgeClock(locked, now, spec, mode, this.secondLevelFactor);
      const target = Math.min(j.level, MAX_ESCALATION_LEVEL);
      let level = locked.escalationLevel;
      let status = locked.deadlineStatus;
      while (level < target) {
        if (!(await this.repo.escalate(tx, id, level, now))) break;
        level += 1;
        const fromStatus = status;
        status = 'overdue';
        const c = (await repo.findById(tx, id))!;
        await this.s.record(tx, c, {
          actor: SCHEDULER_ACTOR,
          action: 'escalate',
          fromState: c.state,
          data: {
            level,
            stage: locked.clockStage,
            deadline: locked.clockDeadline.toISOString(),
            deadlineStatus: { from: fromStatus, to: status },
          },
          notify: escalationNotice(c, level),
        });
        out.escalated += 1;
      }
      if (j.status !== status) {
        if (!(await this.repo.setStatus(tx, id, status, j.status, locked.clockDeadline, now))) return out;
        const worse = rank(j.status) > rank(status);
        if (worse) {
          // Only a worsening light is news; a light that improves (calendar edit) changes silently.
          const c = (await repo.findById(tx, id))!;
          await this.s.record(tx, c, {
            actor: SCHEDULER_ACTOR,
            action: j.status,
            fromState: c.state,
            data: { stage: locked.clockStage, deadline: locked.clockDeadline.toISOString() },
            notify: stageOwnersNotice(c, j.status),
          });
        }
        out.marked += 1;
      }
      return out;
    });
  }
}

function rank(s: CaseRecord['deadlineStatus']): number {
  return s === 'ok' ? 0 : s === 'due_soon' ? 1 : 2;
}

/** Level 1: the street's supervisors and dispatchers; level 2: the district's supervisors. */
function escalationNotice(
  c: CaseRecord,
  level: number,
): { audiences: Audience[]; titleZh: string; titleEn: string } {
  const audiences: Audience[] =
    level <= 1
      ? [
          {
            kind: 'area_roles',
            roles: ['supervisor', 'dispatcher'],
            gridCode: c.gridCode.slice(0, AREA_CODE_LENGTH.street),
          },
        ]
      : [
          {
            kind: 'area_roles',
            roles: ['supervisor'],
            gridCode: c.gridCode.slice(0, AREA_CODE_LENGTH.district),
          },
        ];
  const [zh, en] = ESCALATION_TITLES[Math.min(level, 2)]!;
  return { audiences, titleZh: `案件 ${c.publicCode} ${zh}`, titleEn: `Case ${c.publicCode} ${en}` };
}

/** Whoever owns the running stage hears that its clock is nearly or already out. */
function stageOwnersNotice(
  c: CaseRecord,
  status: CaseRecord['deadlineStatus'],
): { audiences: Audience[]; titleZh: string; titleEn: string } {
  const audiences: Audience[] = [];
  if (c.clockStage === 'handle') {
    const departments = c.tasks.filter((t) => t.status === 'open').map((t) => t.department);
    if (departments.length > 0) audiences.push({ kind: 'departments', departments });
  } else if (c.clockStage === 'verify') {
    audiences.push({ kind: 'area_roles', roles: ['grid_worker', 'supervisor'], gridCode: c.gridCode });
  } else {
    audiences.push({ kind: 'area_roles', roles: ['dispatcher'], gridCode: c.gridCode });
  }
  const [zh, en] = status === 'overdue' ? ['已超期', 'is overdue'] : ['即将到期', 'is due soon'];
  return { audiences, titleZh: `案件 ${c.publicCode} ${zh}`, titleEn: `Case ${c.publicCode} ${en}` };
}
