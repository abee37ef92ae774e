/**
 * The public entry of the open311 module: what other modules and the composition root (src/server)
 * may use. Everything else in src/modules/open311/ is internal (checked by `npm run lint:deps`).
 */
export type { Open311Services } from './open311.module.js';
export { createOpen311Services, register } from './open311.module.js';
