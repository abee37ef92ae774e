import type { Db } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import { areaScope } from '../../kernel/policy.js';
import type { Clock } from '../../lib/clock.js';
import { AREA_READER_ROLES, localDay } from '../cases/index.js';
import { dashboardPolicy } from './dashboard.policy.js';
import {
  type AreaCount,
  DashboardRepository,
  type DayCount,
  type DayMetric,
  type MapLevel,
} from './dashboard.repository.js';
import { dayBefore, StreetRollup, sealableThrough } from './street-rollup.js';

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

/** The rollup metrics the rates are computed from. */
const RATE_METRICS = [
  's.verify',
  's.verify.on_time',
  's.dispatch',
  's.dispatch.on_time',
  'e.satisfied',
  'e.basically_satisfied',
  'e.dissatisfied',
] as const;

/** The trend (days that have any rollup row, in order) and metric totals of the window. */
function trendAndTotals(rows: readonly DayMetric[]): { trend: DayCount[]; totals: Map<string, number> } {
  const trend: DayCount[] = [];
  const totals = new Map<string, number>();
  for (const r of rows) {
    let last = trend[trend.length - 1];
    if (last?.day !== r.day) {
      last = { day: r.day, reported: 0, closed: 0 };
      trend.push(last);
    }
    if (r.metric === 'a.report') last.reported += r.n;
    else if (r.metric === 'a.verify_pass') last.closed += r.n;
    totals.set(r.metric, (totals.get(r.metric) ?? 0) + r.n);
  }
  return { trend, totals };
}

/** Read-only use cases of the command dashboard; every read is cut to the actor's area scope. */
export class DashboardService {
  private readonly repo = new DashboardRepository();
  /** Street × day copy of closed days of case_rollup_daily; sealed lazily by summary(). */
  readonly streetRollup: StreetRollup;

  constructor(private readonly deps: { db: Db; clock: Clock; tileUrl: string }) {
    this.streetRollup = new StreetRollup({ db: deps.db, clock: deps.clock, repo: this.repo });
  }

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
    const from = dayBefore(today, TREND_DAYS - 1);
    const db = this.deps.db;
    // Closed days not yet copied to the street level are copied first (once per day, any node).
    await this.streetRollup.seal(from);
    const [counts, days, top] = await Promise.all([
      this.repo.mapCounts(db, scope, 'district', within),
      this.repo.dayMetrics(db, scope, within, from, sealableThrough(now)),
      this.repo.topCategories(db, scope, within, 8),
    ]);
    const { trend, totals } = trendAndTotals(days);
    const todayRow = trend.find((d) => d.day === today);
    const ratio = (num: number, den: number) => (den > 0 ? num / den : null);
    const t = (m: (typeof RATE_METRICS)[number]) => totals.get(m) ?? 0;
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
