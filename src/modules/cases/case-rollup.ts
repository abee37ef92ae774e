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

/** An event as the rollup counts it: what it counts as, when and where. */
export type RollupEvent = CountableEvent & { at: Date; gridCode: string; departmentCode: string | null };

/**
 * Adds the events' counters to the daily rollup in ONE statement (any number of events, e.g. a
 * batch of reports), in the caller's transaction. Counters are summed per key first and the rows
 * are written in key order, so concurrent transactions lock them in the same order (no deadlocks).
 */
export async function addToRollups(q: Queryable, events: readonly RollupEvent[]): Promise<void> {
  const sums = new Map<string, number>();
  for (const e of events) {
    const key = [localDay(e.at), e.gridCode, e.departmentCode ?? ''];
    for (const metric of metricsOfEvent(e)) {
      const k = JSON.stringify([...key, metric]);
      sums.set(k, (sums.get(k) ?? 0) + 1);
    }
  }
  if (sums.size === 0) return;
  const keys = [...sums.keys()].sort();
  const rows = keys.map((k) => JSON.parse(k) as [string, string, string, string]);
  await q.query(
    `INSERT INTO case_rollup_daily (day, grid_code, department_code, metric, n)
     SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::text[], $5::int[])
     ON CONFLICT (day, grid_code, department_code, metric) DO UPDATE SET n = case_rollup_daily.n + EXCLUDED.n`,
    [
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
      rows.map((r) => r[2]),
      rows.map((r) => r[3]),
      keys.map((k) => sums.get(k)!),
    ],
  );
}

/** A case moving between states (from null: a new case). */
export interface StateMove {
  gridCode: string;
  from: string | null;
  to: string;
}

/**
 * Moves cases between states in the live per-grid state counts, in ONE statement: the moves are
 * netted per (grid, state) and applied in key order (same lock order in every transaction).
 */
export async function moveStateCounts(q: Queryable, moves: readonly StateMove[]): Promise<void> {
  const delta = new Map<string, number>();
  const add = (grid: string, state: string, d: number) => {
    const k = JSON.stringify([grid, state]);
    delta.set(k, (delta.get(k) ?? 0) + d);
  };
  for (const m of moves) {
    if (m.from === m.to) continue;
    if (m.from !== null) add(m.gridCode, m.from, -1);
    add(m.gridCode, m.to, 1);
  }
  const keys = [...delta.keys()].filter((k) => delta.get(k) !== 0).sort();
  if (keys.length === 0) return;
  const rows = keys.map((k) => JSON.parse(k) as [string, string]);
  await q.query(
    `INSERT INTO case_state_counts (grid_code, state, n)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
     ON CONFLICT (grid_code, state) DO UPDATE SET n = case_state_counts.n + EXCLUDED.n`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), keys.map((k) => delta.get(k)!)],
  );
}
