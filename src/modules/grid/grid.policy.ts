import { type Condition, type InArea, inScope, Policy } from '../../kernel/policy.js';

/**
 * Condition: the area lies strictly below the grant's area (a city-level grant: anywhere). A
 * district admin redraws the streets, communities and grids of the district, never the district
 * itself, a neighbour or the city.
 */
const belowOwnArea: Condition<InArea> = (grant, area, actor) =>
  inScope(grant, area, actor) && (grant.areaCode === null || area.areaCode !== grant.areaCode);

/**
 * Who may change the area hierarchy and its staffing. Area names and boundaries are public (the
 * map shows them to residents), so reading and locating need no rule.
 */
export const areaPolicy = new Policy<InArea>('area').allow(['admin'], ['import'], belowOwnArea);

/**
 * Grid staffing: admins and supervisors inside their areas (a city-level admin's area is the whole
 * city); list views for dispatchers too. A district admin neither sees nor changes another
 * district's grid members.
 */
export const gridMemberPolicy = new Policy<InArea>('grid_member')
  .allow(['admin'], '*', inScope)
  .allow(['supervisor'], ['assign', 'remove', 'list'], inScope)
  .allow(['dispatcher'], ['list'], inScope);
