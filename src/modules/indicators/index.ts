/**
 * The public entry of the indicators module: what other modules and the composition root (src/server)
 * may use. Everything else in src/modules/indicators/ is internal (checked by `npm run lint:deps`).
 */
export { IndicatorService } from './indicator.service.js';
export { reportCsv, reportXlsx } from './indicator-export.js';
export { register } from './indicators.module.js';
