/**
 * The module registry: the one place that knows every feature module. It builds their
 * services from the shared context and mounts their routes. A new module adds one line to
 * each function below.
 */

import path from 'node:path';
import type { AppContext } from '../kernel/context.js';
import { DomainEvents } from '../kernel/domain-events.js';
import type { TypedApp } from '../kernel/http.js';
import { FieldCipher } from '../lib/privacy.js';
import { auditRoutes } from '../modules/audit/audit.routes.js';
import { AuditService } from '../modules/audit/audit.service.js';
import { AuditCheckpointer, CheckpointDir } from '../modules/audit/audit-checkpoint.js';
import { calendarRoutes } from '../modules/calendar/calendar.routes.js';
import { CalendarService } from '../modules/calendar/calendar.service.js';
import { AnonReportLimiter } from '../modules/cases/anon-report-limit.js';
import { CaseRepository } from '../modules/cases/case.repository.js';
import { caseRoutes } from '../modules/cases/case.routes.js';
import { CaseIntakeService } from '../modules/cases/case-intake.service.js';
import { CaseQueryService } from '../modules/cases/case-query.service.js';
import { CaseSupport } from '../modules/cases/case-support.js';
import { CaseWorkflowService } from '../modules/cases/case-workflow.service.js';
import { DeadlineScheduler } from '../modules/cases/deadline-scheduler.js';
import { ReporterLinks } from '../modules/cases/reporter-link.js';
import { dashboardRoutes } from '../modules/dashboard/dashboard.routes.js';
import { DashboardService } from '../modules/dashboard/dashboard.service.js';
import { deviceRoutes } from '../modules/devices/device.routes.js';
import { createDeviceServices } from '../modules/devices/devices.module.js';
import { gridRoutes } from '../modules/grid/grid.routes.js';
import { GridService } from '../modules/grid/grid.service.js';
import { gridMemberRoutes } from '../modules/grid/grid-member.routes.js';
import { GridMemberService } from '../modules/grid/grid-member.service.js';
import { locateRoutes } from '../modules/grid/locate.routes.js';
import { LocateService } from '../modules/grid/locate.service.js';
import { healthRoutes } from '../modules/health/health.routes.js';
import { HousekeepingService } from '../modules/housekeeping/housekeeping.service.js';
import { createIdentityServices } from '../modules/identity/identity.module.js';
import { identityRoutes } from '../modules/identity/identity.routes.js';
import { revealPurposeRoutes } from '../modules/identity/reveal-purpose.js';
import { indicatorRoutes } from '../modules/indicators/indicator.routes.js';
import { IndicatorService } from '../modules/indicators/indicator.service.js';
import { CaseEventHub } from '../modules/notifications/case-event-hub.js';
import { eventStreamRoutes } from '../modules/notifications/event-stream.routes.js';
import { EventStreamService } from '../modules/notifications/event-stream.service.js';
import { NotificationRepository } from '../modules/notifications/notification.repository.js';
import { notificationRoutes } from '../modules/notifications/notification.routes.js';
import { NotificationService } from '../modules/notifications/notification.service.js';
import { createOpen311Services } from '../modules/open311/open311.module.js';
import { open311KeyRoutes, open311Routes } from '../modules/open311/open311.routes.js';
import { departmentRoutes } from '../modules/org/department.routes.js';
import { partsRoutes } from '../modules/parts/parts.routes.js';
import { PartsService } from '../modules/parts/parts.service.js';
import { photoRoutes } from '../modules/photos/photo.routes.js';
import { PhotoService } from '../modules/photos/photo.service.js';
import { PhotoStore } from '../modules/photos/photo-store.js';
import { registryRoutes } from '../modules/registry/registry.routes.js';
import { RegistryService } from '../modules/registry/registry.service.js';
import { routingRoutes } from '../modules/routing/routing.routes.js';
import { RoutingRuleService } from '../modules/routing/routing-rule.service.js';
import { taxonomyRoutes } from '../modules/taxonomy/taxonomy.routes.js';
import { TaxonomyService } from '../modules/taxonomy/taxonomy.service.js';

/** Builds every module's services once per process. */
export function createServices(ctx: AppContext) {
  const audit = new AuditService(ctx.db, ctx.clock, undefined, {
    key: ctx.config.auditKey,
    onError: (err) => ctx.log.warn({ err }, 'audit chaining pass failed; records stay pending'),
  });
  const locate = new LocateService(ctx.db, ctx.log);
  const cipher = new FieldCipher(ctx.config.dataKey);
  const events = new DomainEvents();
  const identity = createIdentityServices(ctx, audit, ctx.messageSender, events);
  const caseSupport = new CaseSupport({
    db: ctx.db,
    clock: ctx.clock,
    cipher,
    locate,
    audit,
    repo: new CaseRepository(),
    messages: identity.messages,
    notifications: new NotificationRepository(),
  });
  events.on('identity.phone_verified', new ReporterLinks(caseSupport).onPhoneVerified);
  return {
    cipher,
    cases: {
      support: caseSupport,
      intake: new CaseIntakeService(caseSupport),
      workflow: new CaseWorkflowService(caseSupport),
      query: new CaseQueryService(caseSupport),
      /** Started by `serve` (not by tests, which call runOnce); stopped when the app closes. */
      deadlines: new DeadlineScheduler(caseSupport, {
        onError: (err) => ctx.log.error({ err }, 'deadline scheduler pass failed'),
      }),
    },
    inbox: new NotificationService(ctx.db, ctx.clock),
    events: {
      hub: new CaseEventHub(ctx.db, { onError: (err) => ctx.log.warn({ err }, 'bad case event payload') }),
      stream: new EventStreamService(ctx.db),
    },
    photos: new PhotoService({
      db: ctx.db,
      clock: ctx.clock,
      store: new PhotoStore(path.join(ctx.config.dataDir, 'photos')),
      cases: caseSupport,
    }),
    dashboard: new DashboardService({ db: ctx.db, clock: ctx.clock, tileUrl: ctx.config.tileUrl }),
    audit,
    /** Signed checkpoints of the audit chain head (when a directory and signing key are set); started by `serve`. */
    auditCheckpoints:
      ctx.config.auditCheckpointDir && ctx.config.auditSigningKey
        ? new AuditCheckpointer({
            db: ctx.db,
            dir: new CheckpointDir(ctx.config.auditCheckpointDir),
            signingKey: ctx.config.auditSigningKey,
            log: ctx.log,
          })
        : undefined,
    ...identity,
    locate,
    grid: new GridService(ctx.db, { audit, locate, clock: ctx.clock }),
    gridMembers: new GridMemberService(ctx.db, { audit, clock: ctx.clock }),
    indicators: new IndicatorService({ db: ctx.db, clock: ctx.clock, audit }),
    taxonomy: new TaxonomyService({ db: ctx.db, audit, cache: caseSupport }),
    routingRules: new RoutingRuleService({ db: ctx.db, audit, cache: caseSupport }),
    calendar: new CalendarService({ db: ctx.db, audit, cache: caseSupport, clock: ctx.clock }),
    registry: new RegistryService(ctx.db, { audit, cipher, clock: ctx.clock, locate }),
    open311: createOpen311Services(ctx, { audit, locate, intake: new CaseIntakeService(caseSupport) }),
    iot: createDeviceServices(ctx, { audit, locate, intake: new CaseIntakeService(caseSupport) }),
    parts: new PartsService(ctx.db, { audit, locate, clock: ctx.clock }),
    housekeeping: new HousekeepingService({
      db: ctx.db,
      clock: ctx.clock,
      audit,
      store: new PhotoStore(path.join(ctx.config.dataDir, 'photos')),
      onError: (err) => ctx.log.error({ err }, 'housekeeping pass failed'),
    }),
  };
}

/** All services, as route files, the CLI and tests receive them. */
export type Services = ReturnType<typeof createServices>;

/** Mounts every module's routes. */
export async function registerRoutes(app: TypedApp, services: Services, ctx: AppContext): Promise<void> {
  healthRoutes(app, ctx);
  dashboardRoutes(app, services.dashboard);
  identityRoutes(app, services);
  revealPurposeRoutes(app);
  auditRoutes(app, services.audit);
  gridRoutes(app, services.grid);
  locateRoutes(app, services.locate);
  gridMemberRoutes(app, services.gridMembers);
  registryRoutes(app, services.registry);
  partsRoutes(app, services.parts);
  caseRoutes(app, {
    ...services.cases,
    cipher: services.cipher,
    anonLimit: new AnonReportLimiter({
      db: ctx.db,
      clock: ctx.clock,
      cipher: services.cipher,
      perAddress: ctx.config.anonReportLimit,
      perPhone: ctx.config.anonReportPhoneLimit,
    }),
  });
  indicatorRoutes(app, services.indicators);
  taxonomyRoutes(app, services.taxonomy);
  routingRoutes(app, services.routingRules);
  calendarRoutes(app, services.calendar);
  departmentRoutes(app, ctx.db);
  notificationRoutes(app, services.inbox);
  eventStreamRoutes(app, services.events);
  photoRoutes(app, services.photos);
  open311Routes(app, services.open311.georeport);
  open311KeyRoutes(app, services.open311.keys);
  deviceRoutes(app, services.iot.devices);
  // Open event streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => services.events.hub.close());
  app.addHook('onClose', async () => services.cases.deadlines.stop());
  app.addHook('onClose', async () => services.housekeeping.stop());
  app.addHook('onClose', async () => {
    await services.iot.mqtt?.stop();
    await services.iot.offline.stop();
  });
  // The locate index is built when the server starts and follows area changes (LISTEN).
  app.addHook('onReady', async () => services.locate.start());
  app.addHook('onClose', async () => services.locate.stop());
  // Audit records are chained in batches after their commit; the sweep catches other nodes' leftovers.
  app.addHook('onReady', async () => services.audit.start());
  // After the chainer's last pass, a final checkpoint covers what it chained (only if started).
  app.addHook('onClose', async () => {
    await services.audit.stop();
    await services.auditCheckpoints?.stop();
  });
}
