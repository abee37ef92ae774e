import type { TypedApp } from '../../kernel/http.js';
import { capRoutes } from './cap.routes.js';
import { CapOutService } from './cap-out.service.js';
import { emergencyRoutes } from './emergency.routes.js';
import { EmergencyCommandService } from './emergency-command.service.js';
import { type EmergencyDeps, EmergencySupport } from './emergency-support.js';
import { emergencyTaskRoutes } from './emergency-task.routes.js';
import { EmergencyTaskService } from './emergency-task.service.js';
import { ProgressHub } from './progress-hub.js';

/** Builds the emergency services: area modes and campaigns, tasks, and the live progress hub. */
export function createEmergencyServices(deps: EmergencyDeps & { onError?: (err: unknown) => void }) {
  const support = new EmergencySupport(deps);
  const capOut = new CapOutService(support);
  support.alerts = capOut;
  return {
    support,
    capOut,
    command: new EmergencyCommandService(support),
    tasks: new EmergencyTaskService(support),
    hub: new ProgressHub(deps.db, deps.onError),
  };
}

/** The emergency services as createEmergencyServices builds them. */
export type EmergencyServices = ReturnType<typeof createEmergencyServices>;

/** Mounts the emergency routes; open progress streams end before the server closes. */
export function register(app: TypedApp, deps: { emergency: EmergencyServices }): void {
  const e = deps.emergency;
  emergencyRoutes(app, e.command);
  emergencyTaskRoutes(app, { tasks: e.tasks, command: e.command, hub: e.hub });
  capRoutes(app, { out: e.capOut });
  app.addHook('preClose', async () => e.hub.close());
}
