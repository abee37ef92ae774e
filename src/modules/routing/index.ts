/**
 * The public entry of the routing module: what other modules and the composition root (src/server)
 * may use. Everything else in src/modules/routing/ is internal (checked by `npm run lint:deps`).
 */

export { register } from './routing.module.js';
export type { RoutingReader, RoutingRule } from './routing.repository.js';
export { bestRule, routingReader } from './routing.repository.js';
export { RoutingRuleService } from './routing-rule.service.js';
