import { type InArea, inScope, Policy } from '../../kernel/policy.js';

/**
 * Who reads indicators: dispatchers, supervisors and admins for areas inside their scope (a
 * district admin reads their district, not the city). Recounting the rollups and changing
 * composite weights concern the whole city: only a city-level admin (services assert them on
 * area null, which only a grant without an area satisfies).
 */
export const indicatorPolicy = new Policy<InArea>('indicators')
  .allow(['dispatcher', 'supervisor', 'admin'], ['read'], inScope)
  .allow(['admin'], ['recount', 'set_weights'], inScope);
