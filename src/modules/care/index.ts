/**
 * The public entry of the special-group care module: what other modules and the composition root
 * may use. Everything else in src/modules/care/ is internal (checked by `npm run lint:deps`).
 */
export type { CareServices } from './care.module.js';
export { createCareServices, register } from './care.module.js';
export { type VisitCoverageReader, visitCoverageReader } from './care-coverage.js';
export { CARE_FLAGS, type CareFlag, type CohortRule } from './care-rules.js';
export type { CareSettings } from './care-support.js';
