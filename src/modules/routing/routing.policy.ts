import { type InArea, inScope, Policy } from '../../kernel/policy.js';

/**
 * Routing rules (category × area → department) are admin configuration, scoped like every admin
 * act: an admin lists, adds and removes only rules whose area lies inside their areas. A rule for
 * any area (area null) covers the whole city, so only a city-level admin sees or changes it.
 */
export const routingPolicy = new Policy<InArea>('routing_rule').allow(
  ['admin'],
  ['list', 'create', 'delete'],
  inScope,
);
