import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.js';
import { type Actor, ANONYMOUS, actingFrom } from '../../kernel/actor.js';
import type { TypedApp } from '../../kernel/http.js';
import type { AppError } from '../../lib/errors.js';
import { CommonErrors } from '../../lib/errors.js';
import { pickLocale } from '../../lib/i18n.js';
import { type AuthService, type NewSession, sameSecret } from './auth.service.js';
import { IdentityErrors } from './identity.errors.js';
import './route-access.js';

/** The httpOnly session cookie. */
export const SESSION_COOKIE = 'cg_session';
/** The CSRF cookie, readable by the web app, echoed in the x-csrf-token header. */
export const CSRF_COOKIE = 'cg_csrf';
/** The header unsafe cookie-authenticated requests must carry. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Routes outside the API (health, docs, the web app) need no declaration and are public. */
function openByDefault(url: string): boolean {
  return !url.startsWith('/api/') || url === '/api/openapi.json' || url.startsWith('/api/docs');
}

/**
 * Installs authentication and route access for the whole app: cookie parsing, resolution of
 * `req.actor` from a bearer token or a session cookie (grants read fresh on every request, so
 * revocations apply at once), the CSRF double-submit check for cookie-authenticated unsafe
 * requests, and the route's declared access rule — all before the body is read.
 */
export async function installAuth(
  app: TypedApp,
  auth: AuthService,
  config: Pick<Config, 'defaultLocale'>,
): Promise<void> {
  await app.register(cookie);

  app.addHook('onRequest', async (req) => {
    const resolved = await resolveActor(req, auth);
    const { failure } = resolved;
    // Every audit record of this request carries its client address (req.ip: the socket, or the
    // forwarded client only when the socket is a TRUST_PROXY address).
    const actor = actingFrom(resolved.actor, req.ip);
    req.actor = actor;
    if (actor.kind === 'user') {
      req.locale = pickLocale(req.headers['accept-language'], actor.locale, config.defaultLocale);
    }
    const url = req.routeOptions.url;
    if (url === undefined) return; // not-found handler
    const access = req.routeOptions.config.access ?? (openByDefault(url) ? 'public' : undefined);
    if (access === 'public') return;
    if (access === undefined) throw IdentityErrors.AccessUndeclared();
    if (failure) throw failure;
    if (actor.kind !== 'user') throw CommonErrors.Unauthenticated();
    if (access === 'authenticated') return;
    if (!access.policy.permits(actor, access.action)) throw CommonErrors.Forbidden();
  });

  // 429 answers tell the client when to come back.
  app.addHook('onError', async (_req, reply, err) => {
    const e = err as Partial<AppError>;
    if (e.kind === 'rate_limited' && e.params && typeof e.params.seconds === 'number') {
      reply.header('retry-after', String(e.params.seconds));
    }
  });
}

async function resolveActor(
  req: FastifyRequest,
  auth: AuthService,
): Promise<{ actor: Actor; failure?: AppError }> {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{10,4096})$/.exec(authorization);
    const actor = match?.[1] ? await auth.resolveBearer(match[1]) : null;
    return actor ? { actor } : { actor: ANONYMOUS, failure: IdentityErrors.TokenInvalid() };
  }
  const sessionId = req.cookies[SESSION_COOKIE];
  if (!sessionId) return { actor: ANONYMOUS };
  const session = sessionId.length <= 200 ? await auth.resolveSession(sessionId) : null;
  if (!session) return { actor: ANONYMOUS, failure: IdentityErrors.SessionInvalid() };
  if (!SAFE_METHODS.has(req.method)) {
    const header = req.headers[CSRF_HEADER];
    const cookieToken = req.cookies[CSRF_COOKIE];
    const ok =
      typeof header === 'string' &&
      header.length > 0 &&
      header.length <= 200 &&
      header === cookieToken &&
      sameSecret(session.csrfHash, header);
    if (!ok) return { actor: ANONYMOUS, failure: IdentityErrors.CsrfFailed() };
  }
  return { actor: session.actor };
}

/** The raw session id of a request (sign-out). */
export function sessionIdOf(req: FastifyRequest): string | undefined {
  return req.cookies[SESSION_COOKIE];
}

/** Sets the session and CSRF cookies (Secure when the request came over https). */
export function setSessionCookies(req: FastifyRequest, reply: FastifyReply, session: NewSession): void {
  const common = {
    path: '/',
    sameSite: 'lax' as const,
    secure: req.protocol === 'https',
    expires: session.expiresAt,
  };
  reply.setCookie(SESSION_COOKIE, session.sessionId, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

/** Clears both cookies (sign-out). */
export function clearSessionCookies(req: FastifyRequest, reply: FastifyReply): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: req.protocol === 'https' };
  reply.clearCookie(SESSION_COOKIE, { ...common, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, common);
}
