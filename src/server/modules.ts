/**
 * The composition root: the one place that knows every feature module. It builds their
 * services from the shared context, wires ports to their implementations (the audit writer,
 * the inbox writer, the message sender, the domain event bus) and lets each module register
 * its routes and lifecycle hooks. It imports modules only through their public entry
 * (index.ts); a new module adds one line to each function below.
 */

import path from 'node:path';
import type { AppContext } from '../kernel/context.js';
import { DomainEvents } from '../kernel/domain-events.js';
import type { TypedApp } from '../kernel/http.js';
import { FieldCipher } from '../lib/privacy.js';
import * as audit from '../modules/audit/index.js';
import * as calendar from '../modules/calendar/index.js';
import * as care from '../modules/care/index.js';
import * as cases from '../modules/cases/index.js';
import * as dashboard from '../modules/dashboard/index.js';
import * as devices from '../modules/devices/index.js';
import * as emergency from '../modules/emergency/index.js';
import * as grid from '../modules/grid/index.js';
import * as health from '../modules/health/index.js';
import * as housekeeping from '../modules/housekeeping/index.js';
import * as identity from '../modules/identity/index.js';
import * as indicators from '../modules/indicators/index.js';
import * as notifications from '../modules/notifications/index.js';
import * as open311 from '../modules/open311/index.js';
import * as org from '../modules/org/index.js';
import * as parts from '../modules/parts/index.js';
import * as photos from '../modules/photos/index.js';
import * as registry from '../modules/registry/index.js';
import * as routing from '../modules/routing/index.js';
import * as taxonomy from '../modules/taxonomy/index.js';

/** Builds every module's services once per process. */
export function createServices(ctx: AppContext) {
  const auditService = new audit.AuditService(ctx.db, ctx.clock, undefined, {
    key: ctx.config.auditKey,
    onError: (err) => ctx.log.warn({ err }, 'audit chaining pass failed; records stay pending'),
  });
  const locate = new grid.LocateService(ctx.db, ctx.log);
  const cipher = new FieldCipher(ctx.config.dataKey);
  const events = new DomainEvents();
  const identityServices = identity.createIdentityServices(ctx, auditService, ctx.messageSender, events);
  const notificationServices = notifications.createNotificationServices(ctx);
  const caseServices = cases.createCaseServices(ctx, {
    cipher,
    locate,
    audit: auditService,
    messages: identityServices.messages,
    notifications: notificationServices.writer,
    events,
  });
  const caseSupport = caseServices.support;
  const careServices = care.createCareServices({
    db: ctx.db,
    clock: ctx.clock,
    audit: auditService,
    cipher,
    calendar: calendar.calendarReader(),
    inbox: notificationServices.writer,
    intake: caseServices.intake,
    events,
    onError: (err) => ctx.log.error({ err }, 'care schedule pass failed'),
  });
  const emergencyServices = emergency.createEmergencyServices({
    db: ctx.db,
    clock: ctx.clock,
    audit: auditService,
    cipher,
    inbox: notificationServices.writer,
    sender: identityServices.messages,
    intake: caseServices.intake,
    onError: (err) => ctx.log.warn({ err }, 'bad emergency progress payload'),
  });
  return {
    cipher,
    /** Emergency mode: area modes, campaigns and tasks, broadcasts, CAP 1.2 in and out. */
    emergency: emergencyServices,
    /** The case loop; its deadline scheduler is started by `serve` (tests call runOnce). */
    cases: caseServices,
    inbox: notificationServices.inbox,
    events: { hub: notificationServices.hub, stream: notificationServices.stream },
    photos: new photos.PhotoService({
      db: ctx.db,
      clock: ctx.clock,
      store: new photos.PhotoStore(path.join(ctx.config.dataDir, 'photos')),
      cases: caseSupport,
    }),
    dashboard: new dashboard.DashboardService({ db: ctx.db, clock: ctx.clock, tileUrl: ctx.config.tileUrl }),
    audit: auditService,
    /** Signed checkpoints of the audit chain head (when a directory and signing key are set); started by `serve`. */
    auditCheckpoints:
      ctx.config.auditCheckpointDir && ctx.config.auditSigningKey
        ? new audit.AuditCheckpointer({
            db: ctx.db,
            dir: new audit.CheckpointDir(ctx.config.auditCheckpointDir),
            signingKey: ctx.config.auditSigningKey,
            log: ctx.log,
          })
        : undefined,
    ...identityServices,
    locate,
    grid: new grid.GridService(ctx.db, { audit: auditService, locate, clock: ctx.clock }),
    gridMembers: new grid.GridMemberService(ctx.db, {
      audit: auditService,
      clock: ctx.clock,
      users: identityServices.users,
    }),
    indicators: new indicators.IndicatorService({
      db: ctx.db,
      clock: ctx.clock,
      audit: auditService,
      visits: careServices.coverage,
    }),
    /** Special-group care: cohorts, visits, coverage; its schedule is started by `serve`. */
    care: careServices,
    taxonomy: new taxonomy.TaxonomyService({ db: ctx.db, audit: auditService, cache: caseSupport }),
    routingRules: new routing.RoutingRuleService({ db: ctx.db, audit: auditService, cache: caseSupport }),
    calendar: new calendar.CalendarService({
      db: ctx.db,
      audit: auditService,
      cache: caseSupport,
      clock: ctx.clock,
    }),
    registry: new registry.RegistryService(ctx.db, {
      audit: auditService,
      cipher,
      clock: ctx.clock,
      locate,
      events,
    }),
    open311: open311.createOpen311Services(ctx, { audit: auditService, locate, intake: caseServices.intake }),
    iot: devices.createDeviceServices(ctx, { audit: auditService, locate, intake: caseServices.intake }),
    parts: new parts.PartsService(ctx.db, { audit: auditService, locate, clock: ctx.clock }),
    housekeeping: new housekeeping.HousekeepingService({
      db: ctx.db,
      clock: ctx.clock,
      audit: auditService,
      store: new photos.PhotoStore(path.join(ctx.config.dataDir, 'photos')),
      onError: (err) => ctx.log.error({ err }, 'housekeeping pass failed'),
    }),
  };
}

/** All services, as route files, the CLI and tests receive them. */
export type Services = ReturnType<typeof createServices>;

/** Lets every module mount its routes and tie its background work to the app's life. */
export async function registerRoutes(app: TypedApp, s: Services, ctx: AppContext): Promise<void> {
  health.register(app, ctx);
  dashboard.register(app, { dashboard: s.dashboard });
  identity.register(app, s);
  grid.register(app, { grid: s.grid, locate: s.locate, members: s.gridMembers });
  registry.register(app, { registry: s.registry });
  care.register(app, { care: s.care });
  emergency.register(app, { emergency: s.emergency });
  parts.register(app, { parts: s.parts });
  cases.register(app, ctx, { cases: s.cases, cipher: s.cipher });
  indicators.register(app, { indicators: s.indicators });
  taxonomy.register(app, { taxonomy: s.taxonomy });
  routing.register(app, { rules: s.routingRules });
  calendar.register(app, { calendar: s.calendar });
  org.register(app, { db: ctx.db });
  notifications.register(app, { inbox: s.inbox, ...s.events });
  photos.register(app, { photos: s.photos });
  open311.register(app, s.open311);
  devices.register(app, s.iot);
  housekeeping.register(app, { housekeeping: s.housekeeping });
  // Last: its close hook runs the chainer's final pass after every other module has stopped writing.
  audit.register(app, { audit: s.audit, checkpoints: s.auditCheckpoints });
}
