import type { Db } from '../../db/db.js';
import type { Clock } from '../../lib/clock.js';
import { AREA_READER_ROLES } from '../cases/case.policy.js';
import { localDay } from '../cases/case-rollup.js';
import type { Actor } from '../identity/actor.js';
import { areaScope } from '../identity/policy.js';
import { dashboardPolicy } from './dashboard.policy.js';
import { type AreaCount, DashboardRepository, type DayCount, type MapLevel } from './dashboard.repository.js';

/** What the command dashboard's KPI tiles, trend and top lists show for an area. */
export interface DashboardSummary {
  today: string;
  reportedToday: number;
  closedToday: number;
  open: number;
  overdue: number;
  dueSoon: number;
  /** Last 30 days: rates in [0, 1] or null when nothing was due. */
  rates: { onTimeClosure: number | null; satisfaction: number | null; onTimeDispatch: number | null };
  trend: DayCount[];
  topCategories: Array<{ code: string; n: number }>;
}

const TREND_DAYS = 30;

/** Read-only use cases of the command dashboard; every read is cut to the actor's area scope. */
export class DashboardService {
  private readonly repo = new DashboardRepository();

  constructor(private readonly deps: { db: Db; clock: Clock; tileUrl: string }) {}

  /** Public: what the web app needs before sign-in (tile template; empty = plain background). */
  config(): { tileUrl: string } {
    return { tileUrl: this.deps.tileUrl };
  }

  /** Per-area counts one level down from `within` (or at `level`). */
  async map(actor: Actor, level: MapLevel, within: string | null): Promise<AreaCount[]> {
    dashboardPolicy.assertPermits(actor, 'read');
    return this.repo.mapCounts(this.deps.db, areaScope(actor, AREA_READER_ROLES), level, within);
  }

  /** KPI tiles, the 30-day trend and the top categories of an area inside the actor's scope. */
  async summary(actor: Actor, within: string | null): Promise<DashboardSummary> {
    dashboardPolicy.assertPermits(actor, 'read');
    const scope = areaScope(actor, AREA_READER_ROLES);
    const now = this.deps.clock.now();
    const today = localDay(now);
    const from = localDay(new Date(now.getTime() - (TREND_DAYS - 1) * 86_400_000));
    const db = this.deps.db;
    const [counts, trend, totals, top] = await Promise.all([
      this.repo.mapCounts(db, scope, 'district', within),
      this.repo.trend(db, scope, within, from),
      this.repo.metricTotals(db, scope, within, from, [
        's.verify',
        's.verify.on_time',
        's.dispatch',
        's.dispatch.on_time',
        'e.satisfied',
        'e.basically_satisfied',
        'e.dissatisfied',
      ]),
      this.repo.topCategories(db, scope, within, 8),
    ]);
    const todayRow = trend.find((d) => d.day === today);
    const ratio = (num: number, den: number) => (den > 0 ? num / den : null);
    const t = (m: string) => totals[m] ?? 0;
    const evaluated = t('e.satisfied') + t('e.basically_satisfied') + t('e.dissatisfied');
    return {
      today,
      reportedToday: todayRow?.reported ?? 0,
      closedToday: todayRow?.closed ?? 0,
      open: counts.reduce((s, c) => s + c.open, 0),
      overdue: counts.reduce((s, c) => s + c.overdue, 0),
      dueSoon: counts.reduce((s, c) => s + c.dueSoon, 0),
      rates: {
        onTimeClosure: ratio(t('s.verify.on_time'), t('s.verify')),
        satisfaction: ratio(t('e.satisfied') + 0.9 * t('e.basically_satisfied'), evaluated),
        onTimeDispatch: ratio(t('s.dispatch.on_time'), t('s.dispatch')),
      },
      trend,
      topCategories: top,
    };
  }
}
