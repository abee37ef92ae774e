import type { TypedApp } from '../../kernel/http.js';
import { routingRoutes } from './routing.routes.js';
import type { RoutingRuleService } from './routing-rule.service.js';

/** Mounts the dispatch routing rules. */
export function register(app: TypedApp, deps: { rules: RoutingRuleService }): void {
  routingRoutes(app, deps.rules);
}
