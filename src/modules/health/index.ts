/**
 * The public entry of the health module: what other modules and the composition root (src/server)
 * may use. Everything else in src/modules/health/ is internal (checked by `npm run lint:deps`).
 */
export { register } from './health.module.js';
