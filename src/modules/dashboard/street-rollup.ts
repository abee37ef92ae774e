/**
 * The street-level copy of closed days of `case_rollup_daily` (migration 0009), so that the
 * dashboard's 30-day trend and rates sum a few thousand street rows instead of every grid's.
 *
 * Why a copy can be exact: an event adds to the rollup row of the local day it happened on (the
 * writer's clock, read inside its transaction), so a day's rows stop changing once the day is
 * over and the last transaction that read its clock on that day has committed. A day is sealed
 * only when it ended more than a full day ago (so yesterday and today are always read live), and
 * only when it has rollup rows (a dashboard read on an empty database seals nothing that a later
 * history import would fill). Anything that deletes rollup rows (recount) forgets every sealed day
 * in its own transaction (trigger `case_rollup_daily_forget`), and the next read seals them again.
 *
 * All state is in the database: any node may seal, a node that finds the seal lock taken reads
 * those days live instead of waiting, and a day already sealed is skipped by its primary key.
 */
import type { Db } from '../../db/db.js';
import type { Clock } from '../../lib/clock.js';
import { localDay } from '../cases/index.js';
import type { DashboardRepository } from './dashboard.repository.js';

const DAY_MS = 86_400_000;

/** The local day `days` days before `day` (UTC+8 has no DST, so days are 24 h). */
export function dayBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

/** The last local day that may be sealed at `now`: the day before yesterday. */
export function sealableThrough(now: Date): string {
  return dayBefore(localDay(now), 2);
}

/** Seals closed days of the window the dashboard reads; idempotent and safe on several nodes. */
export class StreetRollup {
  constructor(private readonly deps: { db: Db; clock: Clock; repo: DashboardRepository }) {}

  /**
   * Seals every day in [fromDay, sealableThrough(now)] that has rollup rows and is not sealed yet.
   * Returns the days this call sealed (empty when there was nothing to do or another node holds
   * the lock). Costs one index probe per day when everything is sealed already.
   */
  async seal(fromDay: string): Promise<string[]> {
    const now = this.deps.clock.now();
    const through = sealableThrough(now);
    if (fromDay > through) return [];
    const { db, repo } = this.deps;
    const days = await repo.unsealedDays(db, fromDay, through);
    if (days.length === 0) return [];
    const sealed = await db.transaction((tx) => repo.sealDays(tx, days, now));
    return sealed ? days : [];
  }
}
