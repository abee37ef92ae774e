import type { TypedApp } from '../../kernel/http.js';
import { dashboardRoutes } from './dashboard.routes.js';
import type { DashboardService } from './dashboard.service.js';

/** Mounts the commander's map and its tiles configuration. */
export function register(app: TypedApp, deps: { dashboard: DashboardService }): void {
  dashboardRoutes(app, deps.dashboard);
}
