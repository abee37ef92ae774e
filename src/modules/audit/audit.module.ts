import type { TypedApp } from '../../kernel/http.js';
import { auditRoutes } from './audit.routes.js';
import type { AuditService } from './audit.service.js';
import type { AuditCheckpointer } from './audit-checkpoint.js';

/**
 * Mounts the audit log routes and ties the chainer (and the checkpointer, if configured) to the
 * app's life: chaining starts when the server is ready; on close the last pass runs, then a
 * final checkpoint covers it.
 */
export function register(
  app: TypedApp,
  deps: { audit: AuditService; checkpoints?: AuditCheckpointer | undefined },
): void {
  auditRoutes(app, deps.audit);
  app.addHook('onReady', async () => deps.audit.start());
  app.addHook('onClose', async () => {
    await deps.audit.stop();
    await deps.checkpoints?.stop();
  });
}
