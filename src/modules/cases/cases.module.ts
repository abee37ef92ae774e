import type { AuditWriter } from '../../kernel/audit.js';
import type { AppContext } from '../../kernel/context.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import type { TypedApp } from '../../kernel/http.js';
import type { InboxWriter } from '../../kernel/inbox.js';
import type { MessageSender } from '../../kernel/message-sender.js';
import type { FieldCipher } from '../../lib/privacy.js';
import type { LocateService } from '../grid/index.js';
import { AnonReportLimiter } from './anon-report-limit.js';
import { CaseRepository } from './case.repository.js';
import { caseRoutes } from './case.routes.js';
import { intakeRoutes } from './case-intake.routes.js';
import { CaseIntakeService } from './case-intake.service.js';
import { CaseJoinService } from './case-join.service.js';
import { CaseQueryService } from './case-query.service.js';
import { CaseSupport } from './case-support.js';
import { CaseWorkflowService } from './case-workflow.service.js';
import { DeadlineScheduler } from './deadline-scheduler.js';
import { ReporterLinks } from './reporter-link.js';

/** What the case loop needs from the rest of the system (ports, wired by the composition root). */
export interface CaseModuleDeps {
  cipher: FieldCipher;
  locate: LocateService;
  audit: AuditWriter;
  notifications: InboxWriter;
  messages?: MessageSender;
  events: DomainEvents;
}

/**
 * Builds the case loop's services: intake, workflow, queries and the deadline scheduler
 * (started by `serve`; tests call runOnce). Subscribes to `identity.phone_verified` to link a
 * phone's earlier reports to the account that just proved it.
 */
export function createCaseServices(ctx: Pick<AppContext, 'db' | 'clock' | 'log'>, deps: CaseModuleDeps) {
  const support = new CaseSupport({
    db: ctx.db,
    clock: ctx.clock,
    cipher: deps.cipher,
    locate: deps.locate,
    audit: deps.audit,
    repo: new CaseRepository(),
    notifications: deps.notifications,
    messages: deps.messages,
  });
  deps.events.on('identity.phone_verified', new ReporterLinks(support).onPhoneVerified);
  return {
    support,
    intake: new CaseIntakeService(support),
    join: new CaseJoinService(support),
    workflow: new CaseWorkflowService(support),
    query: new CaseQueryService(support),
    deadlines: new DeadlineScheduler(support, {
      onError: (err) => ctx.log.error({ err }, 'deadline scheduler pass failed'),
    }),
  };
}

/** The case services as createCaseServices builds them. */
export type CaseServices = ReturnType<typeof createCaseServices>;

/**
 * Mounts the case loop (intake, tracking, search, detail, one route per action). Anonymous
 * reports are limited per client address and phone; the deadline scheduler stops with the app.
 */
export function register(
  app: TypedApp,
  ctx: Pick<AppContext, 'db' | 'clock' | 'config'>,
  deps: { cases: CaseServices; cipher: FieldCipher },
): void {
  const { intake, join, workflow, query, deadlines } = deps.cases;
  intakeRoutes(app, {
    intake,
    join,
    anonLimit: new AnonReportLimiter({
      db: ctx.db,
      clock: ctx.clock,
      cipher: deps.cipher,
      perAddress: ctx.config.anonReportLimit,
      perPhone: ctx.config.anonReportPhoneLimit,
    }),
  });
  caseRoutes(app, { workflow, query, cipher: deps.cipher });
  app.addHook('onClose', async () => deadlines.stop());
}
