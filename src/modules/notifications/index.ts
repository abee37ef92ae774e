/**
 * The public entry of the notifications module: what other modules and the composition root (src/server)
 * may use. Everything else in src/modules/notifications/ is internal (checked by `npm run lint:deps`).
 */
export { createNotificationServices, register } from './notifications.module.js';
