import type { TypedApp } from '../../kernel/http.js';
import { indicatorRoutes } from './indicator.routes.js';
import type { IndicatorService } from './indicator.service.js';

/** Mounts the evaluation indicators. */
export function register(app: TypedApp, deps: { indicators: IndicatorService }): void {
  indicatorRoutes(app, deps.indicators);
}
