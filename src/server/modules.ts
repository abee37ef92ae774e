/**
 * The module registry: the one place that knows every feature module. It builds their
 * services from the shared context and mounts their routes. A new module adds one line to
 * each function below.
 */
import { GridService } from '../modules/grid/grid.service.js';
import { gridRoutes } from '../modules/grid/grid.routes.js';
import { healthRoutes } from '../modules/health/health.routes.js';
import type { TypedApp } from './app.js';
import type { AppContext } from './context.js';

/** Builds every module's services once per process. */
export function createServices(ctx: AppContext) {
  return {
    grid: new GridService(ctx.db),
  };
}

/** All services, as route files, the CLI and tests receive them. */
export type Services = ReturnType<typeof createServices>;

/** Mounts every module's routes. */
export async function registerRoutes(app: TypedApp, services: Services, ctx: AppContext): Promise<void> {
  healthRoutes(app, ctx);
  gridRoutes(app, services.grid);
}
