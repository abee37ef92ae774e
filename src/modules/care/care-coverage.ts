import type { Queryable } from '../../db/db.js';
import { CareRepository } from './care.repository.js';

/**
 * What the indicators module reads to compute `visit_coverage_rate` over the same task table the
 * care coverage endpoint reads: visits due in [from, to] (both local days) inside an area, and
 * those done on or before their due day.
 */
export interface VisitCoverageReader {
  visitCounts(
    q: Queryable,
    f: { within?: string; from: string; to: string },
  ): Promise<{ due: number; onTime: number }>;
}

/** The care module's implementation of VisitCoverageReader. */
export function visitCoverageReader(repo = new CareRepository()): VisitCoverageReader {
  return {
    async visitCounts(q, f) {
      const rows = await repo.coverage(q, {
        codeLength: 0,
        scope: { all: true },
        ...(f.within ? { within: f.within } : {}),
        from: f.from,
        to: f.to,
      });
      return { due: rows[0]?.due ?? 0, onTime: rows[0]?.onTime ?? 0 };
    },
  };
}
