import type { AppContext } from '../../kernel/context.js';
import type { TypedApp } from '../../kernel/http.js';
import { CaseEventHub } from './case-event-hub.js';
import { eventStreamRoutes } from './event-stream.routes.js';
import { EventStreamService } from './event-stream.service.js';
import { NotificationRepository } from './notification.repository.js';
import { notificationRoutes } from './notification.routes.js';
import { NotificationService } from './notification.service.js';

/**
 * Builds the in-app inbox, its writer (the InboxWriter port other modules write notifications
 * through) and the live case event hub and stream.
 */
export function createNotificationServices(ctx: Pick<AppContext, 'db' | 'clock' | 'log'>) {
  return {
    writer: new NotificationRepository(),
    inbox: new NotificationService(ctx.db, ctx.clock),
    hub: new CaseEventHub(ctx.db, { onError: (err) => ctx.log.warn({ err }, 'bad case event payload') }),
    stream: new EventStreamService(ctx.db),
  };
}

/** Mounts the inbox and the live event stream; open streams are ended before the server closes. */
export function register(
  app: TypedApp,
  deps: { inbox: NotificationService; hub: CaseEventHub; stream: EventStreamService },
): void {
  notificationRoutes(app, deps.inbox);
  eventStreamRoutes(app, { hub: deps.hub, stream: deps.stream });
  app.addHook('preClose', async () => deps.hub.close());
}
