import type { AppContext } from '../../kernel/context.js';
import type { TypedApp } from '../../kernel/http.js';
import { healthRoutes } from './health.routes.js';

/** Mounts the liveness and readiness probes. */
export function register(app: TypedApp, ctx: AppContext): void {
  healthRoutes(app, ctx);
}
