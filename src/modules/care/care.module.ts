import type { Queryable } from '../../db/db.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import type { TypedApp } from '../../kernel/http.js';
import { careRoutes } from './care.routes.js';
import { CareCohortService } from './care-cohort.service.js';
import { visitCoverageReader } from './care-coverage.js';
import { CareScheduler } from './care-scheduler.js';
import { type CareDeps, CareSupport } from './care-support.js';
import { CareVisitService } from './care-visit.service.js';

/**
 * Builds the care services: cohorts, visits and the schedule. Subscribes to
 * `registry.imported` so every cohort is recomputed in the import's own transaction.
 */
export function createCareServices(
  deps: CareDeps & { events?: DomainEvents; onError?: (err: unknown) => void },
) {
  const support = new CareSupport(deps);
  const cohorts = new CareCohortService(support);
  const visits = new CareVisitService(support);
  deps.events?.on('registry.imported', async (tx: Queryable, e) => {
    if (e.kind === 'person' || e.kind === 'household')
      await cohorts.recomputeAllIn(tx, 'registry_import', `batch:${e.batchId}`);
  });
  return {
    support,
    cohorts,
    visits,
    scheduler: new CareScheduler(support, cohorts, visits, deps.onError),
    /** The visit counts the indicators module reads for `visit_coverage_rate`. */
    coverage: visitCoverageReader(support.repo),
  };
}

/** The care services as createCareServices builds them. */
export type CareServices = ReturnType<typeof createCareServices>;

/** Mounts the care routes; the schedule stops with the app. */
export function register(app: TypedApp, deps: { care: CareServices }): void {
  careRoutes(app, { cohorts: deps.care.cohorts, visits: deps.care.visits });
  app.addHook('onClose', async () => deps.care.scheduler.stop());
}
