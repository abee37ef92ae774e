import { type InArea, inScope, Policy } from '../../kernel/policy.js';

/**
 * Who may change the area hierarchy and its staffing. Area names and boundaries are public (the
 * map shows them to residents), so reading and locating need no rule.
 */
export const areaPolicy = new Policy<InArea>('area').allow(['admin'], ['import']);

/**
 * Grid staffing: admins and supervisors inside their areas (a city-level admin's area is the whole
 * city); list views for dispatchers too. A district admin neither sees nor changes another
 * district's grid members.
 */
export const gridMemberPolicy = new Policy<InArea>('grid_member')
  .allow(['admin'], '*', inScope)
  .allow(['supervisor'], ['assign', 'remove', 'list'], inScope)
  .allow(['dispatcher'], ['list'], inScope);
