/**
 * The public entry of the grid module: what other modules may use. Everything else in
 * src/modules/grid/ is internal (checked by `npm run lint:deps`).
 */

export { areasDemoStep } from './grid.demo.js';
export { gridMembersDemoStep } from './grid-member.demo.js';
export type { Place } from './grid-places.js';
export { gridPlaces } from './grid-places.js';
export { LocateService } from './locate.service.js';
