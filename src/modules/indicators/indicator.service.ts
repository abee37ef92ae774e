/**
 * Indicator use cases: compute the closed-loop indicators of an area (any level), department and
 * period as counts of cases over the event log (indicator-definitions.ts); recount the rollups from the event log; change the weights
 * of composite scores. Formulas live in indicator-definitions.ts only.
 */

import type { Db, Queryable } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import type { Clock } from '../../lib/clock.js';
import { definedFields } from '../../lib/defined.js';
import { text } from '../../lib/errors.js';
import type { VisitCoverageReader } from '../care/index.js';
import { actorColumns, localDay, metricsOfEvent } from '../cases/index.js';
import { IndicatorErrors } from './indicator.errors.js';
import { indicatorPolicy } from './indicator.policy.js';
import { IndicatorRepository, type RollupFilter, type RollupRow } from './indicator.repository.js';
import {
  CASE_FACT_TEXT,
  COMPOSITES,
  type CompositeValue,
  caseCountsNeeded,
  computeComposites,
  computeIndicators,
  computeVisitIndicators,
  INDICATORS,
  type IndicatorDefinition,
  type IndicatorValue,
  VISIT_FACT_TEXT,
  VISIT_INDICATORS,
} from './indicator-definitions.js';

/** What an indicator query asks for. */
export interface IndicatorQuery {
  within?: string;
  department?: string;
  /** Local days YYYY-MM-DD (Asia/Shanghai), both included. */
  from: string;
  to: string;
}

/** The indicators of one area, department and period. */
export interface IndicatorReport {
  within: string | null;
  department: string | null;
  from: string;
  to: string;
  /** Event counts of the period from the rollups (`a.<action>`, …), for reference. */
  totals: Record<string, number>;
  indicators: IndicatorValue[];
  composites: CompositeValue[];
}

/** One person's work in a period (from the event log). */
export interface WorkerIndicators {
  actorId: string;
  actorName: string;
  /** Action → count. */
  actions: Record<string, number>;
  /** Cases where this person ended a stage clock, and those where every such end was on time. */
  stagesDone: number;
  stagesOnTime: number;
  onTimeRate: number | null;
}

/** One rollup cell where the stored count differs from the recount. */
export interface RollupDifference {
  day: string;
  gridCode: string;
  departmentCode: string;
  metric: string;
  stored: number;
  recounted: number;
}

/** Result of a recount. */
export interface RecountReport {
  events: number;
  cells: number;
  differences: RollupDifference[];
  /** Whether the rollup table was rewritten from the recount. */
  applied: boolean;
}

/** The written definitions with the weights currently in force. */
export interface DefinitionsReport {
  indicators: Array<
    Omit<IndicatorDefinition, 'population' | 'numerator'> & {
      population: string[];
      numerator: Record<string, number>;
    }
  >;
  /** What each fact an indicator counts means (case facts and visit facts). */
  facts: typeof CASE_FACT_TEXT & typeof VISIT_FACT_TEXT;
  composites: Array<(typeof COMPOSITES)[number] & { defaultWeights: Record<string, number> }>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Longest period one query may cover (a little over a year keeps scans bounded). */
const MAX_PERIOD_DAYS = 400;

/** Indicators over the case rollups. */
export class IndicatorService {
  private readonly repo = new IndicatorRepository();

  /**
   * `visits` (the care module's reader) adds `visit_coverage_rate`; without it (tools, older
   * tests) the report holds the case indicators only.
   */
  constructor(
    private readonly deps: { db: Db; clock: Clock; audit: AuditWriter; visits?: VisitCoverageReader },
  ) {}

  /** The indicators of an area (whole city when `within` is omitted) for a department and period. */
  async compute(actor: Actor, query: IndicatorQuery): Promise<IndicatorReport> {
    indicatorPolicy.assertPermits(actor, 'read');
    checkPeriod(query.from, query.to);
    indicatorPolicy.assert(actor, 'read', { areaCode: query.within ?? null });
    const { db } = this.deps;
    if (query.within !== undefined && !(await this.repo.areaExists(db, query.within))) {
      throw IndicatorErrors.AreaNotFound({ params: { code: query.within }, field: 'querystring/within' });
    }
    const filter = filterOf(query);
    const [totals, counts, weights] = await Promise.all([
      this.repo.totals(db, filter),
      this.repo.caseCounts(db, filter, caseCountsNeeded()),
      this.repo.weights(db),
    ]);
    const report = reportOf(query, totals, counts, weights);
    if (this.deps.visits) {
      // Visits have no department: with a department filter nothing is due (null).
      const v =
        query.department !== undefined
          ? { due: 0, onTime: 0 }
          : await this.deps.visits.visitCounts(db, {
              ...definedFields({ within: query.within }),
              from: query.from,
              to: query.to,
            });
      report.indicators.push(...computeVisitIndicators(v));
    }
    return report;
  }

  /** Per-person counts of what staff did in an area and period (event log; optional drill-down). */
  async workers(actor: Actor, query: IndicatorQuery): Promise<WorkerIndicators[]> {
    indicatorPolicy.assertPermits(actor, 'read');
    checkPeriod(query.from, query.to);
    indicatorPolicy.assert(actor, 'read', { areaCode: query.within ?? null });
    const { actions, stages } = await this.repo.actorTotals(this.deps.db, filterOf(query), STAGE_ACTIONS);
    const byActor = new Map<string, WorkerIndicators>();
    for (const r of actions) {
      const w = byActor.get(r.actorId) ?? {
        actorId: r.actorId,
        actorName: r.actorName,
        actions: {},
        stagesDone: 0,
        stagesOnTime: 0,
        onTimeRate: null,
      };
      w.actions[r.action] = r.n;
      byActor.set(r.actorId, w);
    }
    for (const r of stages) {
      const w = byActor.get(r.actorId);
      if (!w) continue;
      w.stagesDone = r.casesDone;
      w.stagesOnTime = r.casesOnTime;
      w.onTimeRate = r.casesDone === 0 ? null : r.casesOnTime / r.casesDone;
    }
    return [...byActor.values()];
  }

  /** The written definitions and the weights in force (public: anyone may check how we count). */
  async definitions(): Promise<DefinitionsReport> {
    const weights = await this.repo.weights(this.deps.db);
    return {
      indicators: [...INDICATORS, ...VISIT_INDICATORS].map((d) => ({
        ...d,
        numerator: { ...d.numerator } as Record<string, number>,
        population: [...d.population],
      })),
      facts: { ...CASE_FACT_TEXT, ...VISIT_FACT_TEXT },
      composites: COMPOSITES.map((c) => ({
        ...c,
        weights: weights.get(c.code) ?? { ...c.weights },
        defaultWeights: { ...c.weights },
      })),
    };
  }

  /** Changes the weights of one composite score (admin; audited). */
  async setWeights(
    actor: Actor,
    composite: string,
    weights: Record<string, number>,
  ): Promise<CompositeValue['weights']> {
    indicatorPolicy.assert(actor, 'set_weights', { areaCode: null });
    const def = COMPOSITES.find((c) => c.code === composite);
    if (!def) throw IndicatorErrors.UnknownComposite({ params: { code: composite } });
    const ratioCodes = new Set(INDICATORS.filter((d) => d.kind === 'ratio').map((d) => d.code));
    const entries = Object.entries(weights);
    if (entries.length === 0)
      throw IndicatorErrors.BadWeights({ params: { detail: text('没有权重', 'no weights') } });
    for (const [code, w] of entries) {
      if (!ratioCodes.has(code))
        throw IndicatorErrors.BadWeights({ params: { detail: `${code} is not a ratio indicator` } });
      if (!Number.isFinite(w) || w < 0 || w > 1)
        throw IndicatorErrors.BadWeights({ params: { detail: `${code}: weight must be between 0 and 1` } });
    }
    const sum = entries.reduce((s, [, w]) => s + w, 0);
    if (Math.abs(sum - 1) > 1e-9)
      throw IndicatorErrors.BadWeights({ params: { detail: `weights sum to ${sum}, not 1` } });
    const by = actorColumns(actor).actorName;
    await this.deps.db.transaction(async (tx) => {
      await this.repo.saveWeights(tx, composite, weights, by, this.deps.clock.now());
      await this.deps.audit.record(tx, {
        actor,
        action: 'indicators.set_weights',
        resourceType: 'indicator_composite',
        resourceId: composite,
        details: { weights },
      });
    });
    return { ...weights };
  }

  /**
   * Recounts `case_rollup_daily` from `case_events` with metricsOfEvent (day = localDay(at), the
   * case's grid, the event's department) and reports every cell that differs. With `apply`, the
   * table is rewritten from the recount in the same transaction (admin; audited).
   */
  async recount(actor: Actor, opts: { apply: boolean }): Promise<RecountReport> {
    indicatorPolicy.assert(actor, 'recount', { areaCode: null });
    return this.deps.db.transaction(async (tx) => {
      await this.repo.lockRollup(tx);
      const { cells, events } = await this.recountCells(tx);
      const stored = await this.repo.rollupRows(tx);
      const differences: RollupDifference[] = [];
      const seen = new Set<string>();
      for (const r of stored) {
        const key = keyOf(r);
        seen.add(key);
        const recounted = cells.get(key)?.n ?? 0;
        if (recounted !== r.n) differences.push({ ...withoutN(r), stored: r.n, recounted });
      }
      for (const [key, r] of cells) {
        if (!seen.has(key)) differences.push({ ...withoutN(r), stored: 0, recounted: r.n });
      }
      differences.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
      const applied = opts.apply && differences.length > 0;
      if (applied) {
        await this.repo.replaceRollup(tx, [...cells.values()]);
        await this.deps.audit.record(tx, {
          actor,
          action: 'indicators.recount',
          resourceType: 'case_rollup_daily',
          resourceId: 'all',
          details: { events, cells: cells.size, differences: differences.length },
        });
      }
      return { events, cells: cells.size, differences, applied };
    });
  }

  /** Metric totals over the whole event log (what the rollup sums must equal). */
  async recountTotals(): Promise<Map<string, number>> {
    const { cells } = await this.recountCells(this.deps.db);
    const totals = new Map<string, number>();
    for (const r of cells.values()) totals.set(r.metric, (totals.get(r.metric) ?? 0) + r.n);
    return totals;
  }

  private async recountCells(q: Queryable): Promise<{ cells: Map<string, RollupRow>; events: number }> {
    const cells = new Map<string, RollupRow>();
    let after = 0;
    let events = 0;
    for (;;) {
      const page = await this.repo.eventsAfter(q, after, 2000);
      if (page.length === 0) break;
      for (const e of page) {
        const day = localDay(e.at);
        const departmentCode = e.departmentCode ?? '';
        for (const metric of metricsOfEvent(e)) {
          const cell = { day, gridCode: e.gridCode, departmentCode, metric, n: 0 };
          const key = keyOf(cell);
          const existing = cells.get(key) ?? cell;
          existing.n += 1;
          cells.set(key, existing);
        }
      }
      events += page.length;
      after = page[page.length - 1]!.id;
    }
    return { cells, events };
  }
}

/** Actions that end a stage clock for the acting person (worker on-time rate). */
const STAGE_ACTIONS = ['file', 'reject', 'dispatch', 'whistle', 'report_back', 'verify_pass', 'verify_fail'];

function filterOf(q: IndicatorQuery): RollupFilter {
  return {
    from: q.from,
    to: q.to,
    ...definedFields({ within: q.within, department: q.department }),
  };
}

function reportOf(
  query: IndicatorQuery,
  totals: ReadonlyMap<string, number>,
  counts: ReadonlyMap<string, number>,
  weights: ReadonlyMap<string, Record<string, number>>,
): IndicatorReport {
  const indicators = computeIndicators(counts);
  return {
    within: query.within ?? null,
    department: query.department ?? null,
    from: query.from,
    to: query.to,
    totals: Object.fromEntries([...totals.entries()].sort(([a], [b]) => a.localeCompare(b))),
    indicators,
    composites: computeComposites(indicators, weights),
  };
}

/** Refuses malformed days, from after to, and periods longer than MAX_PERIOD_DAYS. */
function checkPeriod(from: string, to: string): void {
  for (const [name, d] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (
      !DAY.test(d) ||
      Number.isNaN(Date.parse(`${d}T00:00:00Z`)) ||
      new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d
    ) {
      throw IndicatorErrors.BadPeriod({
        params: { detail: `${name} is not a date YYYY-MM-DD` },
        field: `querystring/${name}`,
      });
    }
  }
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
  if (days < 0)
    throw IndicatorErrors.BadPeriod({
      params: { detail: text('开始日期晚于结束日期', 'from is after to') },
      field: 'querystring/from',
    });
  if (days >= MAX_PERIOD_DAYS)
    throw IndicatorErrors.BadPeriod({
      params: { detail: `at most ${MAX_PERIOD_DAYS} days` },
      field: 'querystring/to',
    });
}

function keyOf(r: Pick<RollupRow, 'day' | 'gridCode' | 'departmentCode' | 'metric'>): string {
  return `${r.day}|${r.gridCode}|${r.departmentCode}|${r.metric}`;
}

function withoutN(r: RollupRow): Omit<RollupRow, 'n'> {
  return { day: r.day, gridCode: r.gridCode, departmentCode: r.departmentCode, metric: r.metric };
}
