/**
 * The public entry of the messaging module: what other modules may use. Everything else in
 * src/modules/messaging/ is internal (checked by `npm run lint:deps`).
 */
export { outboxRoutes } from './outbox.routes.js';
export { OutboxMessageSender, OutboxService } from './outbox.service.js';
