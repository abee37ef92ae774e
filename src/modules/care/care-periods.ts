/**
 * Visit periods and due days. Pure: days are CST calendar dates 'YYYY-MM-DD'; whether a day is
 * worked is the calendar module's answer (passed in).
 */

/** How often a plan visits each member. */
export const FREQUENCIES = ['weekly', 'monthly', 'quarterly'] as const;
/** One of FREQUENCIES. */
export type Frequency = (typeof FREQUENCIES)[number];

const DAY_MS = 86_400_000;

function toMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}
function fromMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The day after (or n days after) `day`. */
export function addDays(day: string, n: number): string {
  return fromMs(toMs(day) + n * DAY_MS);
}

/** The period of a plan that contains `day`: ISO week (Monday–Sunday), calendar month or quarter. */
export function periodOf(frequency: Frequency, day: string): { start: string; end: string } {
  const d = new Date(toMs(day));
  if (frequency === 'weekly') {
    const iso = ((d.getUTCDay() + 6) % 7) + 0; // 0 = Monday
    const start = addDays(day, -iso);
    return { start, end: addDays(start, 6) };
  }
  const y = d.getUTCFullYear();
  const m0 = frequency === 'monthly' ? d.getUTCMonth() : Math.floor(d.getUTCMonth() / 3) * 3;
  const months = frequency === 'monthly' ? 1 : 3;
  const start = fromMs(Date.UTC(y, m0, 1));
  const end = fromMs(Date.UTC(y, m0 + months, 1) - DAY_MS);
  return { start, end };
}

/** The days from `from` to `to`, both included, that are working days. */
export function workingDaysBetween(
  from: string,
  to: string,
  isWorkingDay: (day: string) => boolean,
): string[] {
  const out: string[] = [];
  for (let ms = toMs(from); ms <= toMs(to); ms += DAY_MS) {
    const day = fromMs(ms);
    if (isWorkingDay(day)) out.push(day);
  }
  return out;
}

/**
 * Spreads a worker's new tasks over the working days they may fall on: each goes to the day with
 * the fewest tasks so far (existing ones counted), the earliest such day on a tie. So the load of
 * two days differs by at most one more than it did before.
 */
export function balanceDays(count: number, days: readonly string[], load: Map<string, number>): string[] {
  if (days.length === 0) return [];
  const out: string[] = [];
  const n = days.map((d) => load.get(d) ?? 0);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let j = 1; j < n.length; j++) if (n[j]! < n[best]!) best = j;
    n[best]!++;
    out.push(days[best]!);
  }
  for (const [j, d] of days.entries()) load.set(d, n[j]!);
  return out;
}
