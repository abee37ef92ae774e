import type { AuditWriter } from '../../kernel/audit.js';
import type { AppContext } from '../../kernel/context.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import type { TypedApp } from '../../kernel/http.js';
import type { MessageSender } from '../../kernel/message-sender.js';
import { FieldCipher } from '../../lib/privacy.js';
import { OutboxMessageSender, OutboxService, outboxRoutes } from '../messaging/index.js';
import { authRoutes } from './auth.routes.js';
import { AuthService } from './auth.service.js';
import { BearerTokens } from './bearer-token.js';
import { PasswordHasher } from './password-hasher.js';
import { revealPurposeRoutes } from './reveal-purpose.js';
import { userRoutes } from './user.routes.js';
import { UserService } from './user.service.js';

/**
 * Builds the identity services (sign-in, users, the dev outbox) for the module registry. A
 * deployment with an SMS gateway passes its own MessageSender.
 */
export function createIdentityServices(
  ctx: Pick<AppContext, 'db' | 'clock' | 'config'>,
  audit: AuditWriter,
  sender?: MessageSender,
  events?: DomainEvents,
) {
  const cipher = new FieldCipher(ctx.config.dataKey);
  const hasher = new PasswordHasher();
  const messages =
    sender ?? new OutboxMessageSender(cipher, ctx.clock, { showSecrets: ctx.config.env === 'development' });
  const tokens = new BearerTokens(ctx.config.sessionSecret, ctx.clock);
  return {
    auth: new AuthService(ctx.db, ctx.clock, cipher, hasher, tokens, audit, messages, undefined, events),
    users: new UserService(ctx.db, ctx.clock, cipher, hasher, audit),
    outbox: new OutboxService(ctx.db, audit),
    messages,
  };
}

/** The identity services as createIdentityServices builds them. */
export type IdentityServices = ReturnType<typeof createIdentityServices>;

/** Mounts sign-in, user administration, the dev outbox and the list of reveal purposes. */
export function register(app: TypedApp, deps: IdentityServices): void {
  authRoutes(app, deps.auth, deps.users);
  userRoutes(app, deps.users);
  outboxRoutes(app, deps.outbox);
  revealPurposeRoutes(app);
}
