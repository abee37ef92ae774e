import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { clearSessionCookies, sessionIdOf, setSessionCookies } from './auth.hook.js';
import { type AuthService, PHONE_PATTERN } from './auth.service.js';
import { GrantDto, presentGrant, presentUser, UserDto } from './user.presenter.js';
import type { UserService } from './user.service.js';

const Credentials = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
const Phone = Type.String({ pattern: PHONE_PATTERN, description: 'Mainland mobile number' });
const SignedIn = Type.Object({
  user: UserDto,
  csrfToken: Type.String({ description: 'Also set as the cg_csrf cookie' }),
});

/** Sign-in, sign-out, tokens, one-time codes and "who am I". */
export function authRoutes(app: TypedApp, auth: AuthService, users: UserService): void {
  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password; sets the cg_session and cg_csrf cookies',
        body: Credentials,
        response: { 200: SignedIn },
      },
    },
    async (req, reply) => {
      const { user, session } = await auth.login(req.body.username, req.body.password, { ip: req.ip });
      setSessionCookies(req, reply, session);
      const me = await users.me({ kind: 'user', userId: user.id, displayName: user.displayName, grants: [] });
      return { user: presentUser(me, users.phoneOf(me.user)), csrfToken: session.csrfToken };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'End the cookie session', response: { 204: Type.Null() } },
    },
    async (req, reply) => {
      await auth.logout(req.actor, sessionIdOf(req), { ip: req.ip });
      clearSessionCookies(req, reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/token',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Issue a 15-minute bearer token (API clients, the worker app); no CSRF needed with it',
        body: Credentials,
        response: {
          200: Type.Object({
            token: Type.String(),
            tokenType: Type.Literal('Bearer'),
            expiresAt: Type.String({ format: 'date-time' }),
          }),
        },
      },
    },
    async (req) => {
      const t = await auth.issueToken(req.body.username, req.body.password, { ip: req.ip });
      return { token: t.token, tokenType: 'Bearer' as const, expiresAt: t.expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/auth/otp',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Send a 6-digit sign-in code to a phone (residents)',
        body: Type.Object({ phone: Phone }, { additionalProperties: false }),
        response: { 202: Type.Object({ sent: Type.Literal(true), expiresInSeconds: Type.Integer() }) },
      },
    },
    async (req, reply) => {
      const r = await auth.requestOtp(req.body.phone, { ip: req.ip });
      return reply.status(202).send({ sent: true as const, expiresInSeconds: r.expiresInSeconds });
    },
  );

  app.post(
    '/api/auth/otp/verify',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in (registering on first use) with the code; sets the session cookies',
        body: Type.Object(
          { phone: Phone, code: Type.String({ pattern: '^[0-9]{6}$' }) },
          { additionalProperties: false },
        ),
        response: { 200: SignedIn },
      },
    },
    async (req, reply) => {
      const { user, session } = await auth.verifyOtp(req.body.phone, req.body.code, { ip: req.ip });
      setSessionCookies(req, reply, session);
      const me = await users.me({ kind: 'user', userId: user.id, displayName: user.displayName, grants: [] });
      return { user: presentUser(me, users.phoneOf(me.user)), csrfToken: session.csrfToken };
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, their grants and locale',
        response: { 200: UserDto },
      },
    },
    async (req) => {
      const me = await users.me(req.actor);
      return presentUser(me, users.phoneOf(me.user));
    },
  );

  app.get(
    '/api/me/grants',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'The role grants of the signed-in user',
        response: { 200: Type.Object({ items: Type.Array(GrantDto) }) },
      },
    },
    async (req) => ({ items: (await users.me(req.actor)).grants.map(presentGrant) }),
  );
}
