/**
 * The module registry: the one place that knows every feature module. It builds their
 * services from the shared context and mounts their routes. A new module adds one line to
 * each function below.
 */
import { AuditService } from '../modules/audit/audit.service.js';
import { GridMemberService } from '../modules/grid/grid-member.service.js';
import { gridMemberRoutes } from '../modules/grid/grid-member.routes.js';
import { GridService } from '../modules/grid/grid.service.js';
import { LocateService } from '../modules/grid/locate.service.js';
import { locateRoutes } from '../modules/grid/locate.routes.js';
import { gridRoutes } from '../modules/grid/grid.routes.js';
import { healthRoutes } from '../modules/health/health.routes.js';
import type { TypedApp } from './app.js';
import type { AppContext } from './context.js';

/** Builds every module's services once per process. */
export function createServices(ctx: AppContext) {
  const audit = new AuditService(ctx.db, ctx.clock);
  const locate = new LocateService(ctx.db, ctx.log);
  return {
    audit,
    locate,
    grid: new GridService(ctx.db, { audit, locate, clock: ctx.clock }),
    gridMembers: new GridMemberService(ctx.db, { audit, clock: ctx.clock }),
  };
}

/** All services, as route files, the CLI and tests receive them. */
export type Services = ReturnType<typeof createServices>;

/** Mounts every module's routes. */
export async function registerRoutes(app: TypedApp, services: Services, ctx: AppContext): Promise<void> {
  healthRoutes(app, ctx);
  gridRoutes(app, services.grid);
  locateRoutes(app, services.locate);
  gridMemberRoutes(app, services.gridMembers);
  app.addHook('onClose', async () => services.locate.stop());
}
