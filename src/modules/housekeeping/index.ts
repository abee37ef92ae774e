/**
 * The public entry of the housekeeping module: what other modules and the composition root (src/server)
 * may use. Everything else in src/modules/housekeeping/ is internal (checked by `npm run lint:deps`).
 */

export { register } from './housekeeping.module.js';
export type { HousekeepingReport } from './housekeeping.service.js';
export { HousekeepingService } from './housekeeping.service.js';
