/**
 * The public entry of the dashboard module: what other modules and the composition root (src/server)
 * may use. Everything else in src/modules/dashboard/ is internal (checked by `npm run lint:deps`).
 */

export { register } from './dashboard.module.js';
export { DashboardService } from './dashboard.service.js';
