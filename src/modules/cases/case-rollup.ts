/**
 * Write-time rollups. Every case event adds one to a few counters in `case_rollup_daily`, in the
 * same transaction; indicators and the dashboard read the counters instead of scanning cases.
 * `metricsOfEvent` is the single definition of what an event counts as, so a recount from
 * `case_events` (test/property, `civicgrid indicators recount`) must give identical numbers.
 *
 * Metric names: `a.<action>` (an action happened), `s.<stage>` (a stage clock stopped: the stage's
 * work was done), `s.<stage>.on_time` (…within its deadline), `e.<satisfaction>` (an evaluation).
 */
import type { Queryable } from '../../db/db.js';

/** The event fields that decide what it counts as. */
export interface CountableEvent {
  action: string;
  stageDone: string | null;
  onTime: boolean | null;
  data: Record<string, unknown>;
}

/** The counters one event increments. */
export function metricsOfEvent(e: CountableEvent): string[] {
  const out = [`a.${e.action}`];
  if (e.stageDone) {
    out.push(`s.${e.stageDone}`);
    if (e.onTime) out.push(`s.${e.stageDone}.on_time`);
  }
  if (e.action === 'evaluate' && typeof e.data.result === 'string') out.push(`e.${e.data.result}`);
  return out;
}

/** The calendar day (Asia/Shanghai, UTC+8, no DST) an instant falls on: rollups are per local day. */
export function localDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Adds an event's counters to the daily rollup, in the caller's transaction. */
export async function addToRollup(
  q: Queryable,
  e: CountableEvent & { at: Date; gridCode: string; departmentCode: string | null },
): Promise<void> {
  const metrics = metricsOfEvent(e);
  const day = localDay(e.at);
  const dept = e.departmentCode ?? '';
  // Sorted metrics keep the row-lock order stable across concurrent transactions (no deadlocks).
  for (const metric of metrics.sort()) {
    await q.query(
      `INSERT INTO case_rollup_daily (day, grid_code, department_code, metric, n) VALUES ($1, $2, $3, $4, 1)
       ON CONFLICT (day, grid_code, department_code, metric) DO UPDATE SET n = case_rollup_daily.n + 1`,
      [day, e.gridCode, dept, metric],
    );
  }
}

/** Moves a case between states in the live per-grid state counts. */
export async function moveStateCount(
  q: Queryable,
  gridCode: string,
  from: string | null,
  to: string,
): Promise<void> {
  if (from === to) return;
  if (from !== null) {
    await q.query('UPDATE case_state_counts SET n = n - 1 WHERE grid_code = $1 AND state = $2', [
      gridCode,
      from,
    ]);
  }
  await q.query(
    `INSERT INTO case_state_counts (grid_code, state, n) VALUES ($1, $2, 1)
     ON CONFLICT (grid_code, state) DO UPDATE SET n = case_state_counts.n + 1`,
    [gridCode, to],
  );
}
