import type { TypedApp } from '../../kernel/http.js';
import { outboxRoutes } from '../messaging/index.js';
import { authRoutes } from './auth.routes.js';
import type { createIdentityServices } from './identity.module.js';
import { userRoutes } from './user.routes.js';

/** Mounts sign-in, user administration and the dev outbox routes. */
export function identityRoutes(app: TypedApp, s: ReturnType<typeof createIdentityServices>): void {
  authRoutes(app, s.auth, s.users);
  userRoutes(app, s.users);
  outboxRoutes(app, s.outbox);
}
