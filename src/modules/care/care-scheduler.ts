import { systemActor } from '../../kernel/actor.js';
import { PeriodicPass } from '../../kernel/periodic-pass.js';
import type { CareCohortService, RecomputeReport } from './care-cohort.service.js';
import type { CareSupport } from './care-support.js';
import type { CareVisitService } from './care-visit.service.js';

/** The actor scheduled care passes are recorded under. */
export const CARE_SCHEDULE_ACTOR = systemActor('care-schedule');

/** What one scheduled pass did. */
export interface CarePassReport {
  cohorts: RecomputeReport[];
  tasks: Array<{ cohortId: number; periodStart: string; created: number }>;
  escalated: number;
}

/**
 * The care schedule (`serve --care-interval`, tests call runOnce): recompute every cohort,
 * generate the tasks of the current periods, escalate overdue tasks. Every step is idempotent
 * and row-locked, so several nodes may run it; passes of one node never overlap.
 */
export class CareScheduler {
  private readonly passes: PeriodicPass;

  constructor(
    private readonly s: CareSupport,
    private readonly cohorts: CareCohortService,
    private readonly visits: CareVisitService,
    onError?: (err: unknown) => void,
  ) {
    this.passes = new PeriodicPass(() => this.runOnce(), onError);
  }

  /** A pass every `intervalMs`, the first one interval after start. */
  start(intervalMs: number): void {
    this.passes.start(intervalMs);
  }

  /** Stops the timer and waits for a pass in progress (app close). */
  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** One pass at the clock's now. */
  async runOnce(): Promise<CarePassReport> {
    const cohorts = await this.cohorts.recomputeAll('schedule', 'system:care-schedule');
    const tasks = await this.visits.generate(CARE_SCHEDULE_ACTOR);
    const escalated = await this.visits.escalateOverdue(this.s.deps.clock.now());
    return { cohorts, tasks, escalated };
  }
}
