/**
 * The public entry of the grid module: what other modules may use. Everything else in
 * src/modules/grid/ is internal (checked by `npm run lint:deps`).
 */

export { areasDemoStep } from './grid.demo.js';
export { register } from './grid.module.js';
export type { AreaImportReport } from './grid.service.js';
export { GridService } from './grid.service.js';
export { gridMembersDemoStep } from './grid-member.demo.js';
export { GridMemberService } from './grid-member.service.js';
export type { Place } from './grid-places.js';
export { gridPlaces } from './grid-places.js';
export { LocateService } from './locate.service.js';
