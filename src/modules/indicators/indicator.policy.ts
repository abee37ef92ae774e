import { type InArea, inScope, Policy } from '../identity/policy.js';

/**
 * Who reads indicators: dispatchers and supervisors for areas inside their scope, admins
 * everywhere. Recounting the rollups and changing composite weights are admin acts.
 */
export const indicatorPolicy = new Policy<InArea>('indicators')
  .allow(['dispatcher', 'supervisor'], ['read'], inScope)
  .allow(['admin'], '*');
