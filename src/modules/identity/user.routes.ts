import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { definedFields } from '../../lib/defined.js';
import { PHONE_PATTERN } from './auth.service.js';
import { userPolicy } from './identity.policy.js';
import { MIN_PASSWORD_LENGTH } from './password-hasher.js';
import { RevealPurpose } from './reveal-purpose.js';
import {
  AreaCodeSchema,
  GrantDto,
  presentGrant,
  presentUser,
  RoleSchema,
  UserDto,
} from './user.presenter.js';
import type { UserService } from './user.service.js';

const UserId = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) },
  { additionalProperties: false },
);
const Username = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{1,63}$' });
const DisplayName = Type.String({ minLength: 1, maxLength: 100 });
const Password = Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 256 });
const Phone = Type.String({ pattern: PHONE_PATTERN });
const Locale = Type.Union([Type.Literal('zh-CN'), Type.Literal('en')]);
const GrantInput = Type.Object(
  {
    role: RoleSchema,
    areaCode: Type.Optional(
      Type.Union([AreaCodeSchema, Type.Null()], { description: 'omit/null = whole city' }),
    ),
    departmentCode: Type.Optional(
      Type.Union([Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }), Type.Null()]),
    ),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    role: Type.Optional(RoleSchema),
    area: Type.Optional(AreaCodeSchema),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
  },
  { additionalProperties: false },
);
const UserPage = Type.Object({ items: Type.Array(UserDto), total: Type.Integer() });

const manage = { access: { policy: userPolicy, action: 'manage' } } as const;

/** User administration (admins, within their area) and scoped reads/reveals (supervisors). */
export function userRoutes(app: TypedApp, users: UserService): void {
  const listed = async (page: Awaited<ReturnType<UserService['list']>>) => ({
    items: page.items.map((u) => presentUser(u, users.phoneOf(u.user))),
    total: page.total,
  });

  app.get(
    '/api/users',
    {
      config: { access: { policy: userPolicy, action: 'read' } },
      schema: {
        tags: ['users'],
        summary: 'Users in my scope (phones masked)',
        querystring: ListQuery,
        response: { 200: UserPage },
      },
    },
    async (req) => listed(await users.list(req.actor, req.query)),
  );

  app.get(
    '/api/users/:id',
    {
      config: { access: { policy: userPolicy, action: 'read' } },
      schema: {
        tags: ['users'],
        summary: 'One user in my scope (404 outside it)',
        params: UserId,
        response: { 200: UserDto },
      },
    },
    async (req) => {
      const u = await users.get(req.actor, req.params.id);
      return presentUser(u, users.phoneOf(u.user));
    },
  );

  app.post(
    '/api/users/:id/reveal',
    {
      config: { access: { policy: userPolicy, action: 'reveal' }, revealsPii: true },
      schema: {
        tags: ['users'],
        summary: "Reveal a user's phone once, for a stated purpose (audited as user.reveal)",
        params: UserId,
        body: Type.Object(
          {
            field: Type.Literal('phone'),
            purpose: RevealPurpose,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ phone: Type.String() }) },
      },
    },
    async (req) => ({ phone: await users.revealPhone(req.actor, req.params.id, req.body.purpose, req.ip) }),
  );

  app.get(
    '/api/admin/users',
    {
      config: manage,
      schema: {
        tags: ['admin'],
        summary: 'Users I administer',
        querystring: ListQuery,
        response: { 200: UserPage },
      },
    },
    async (req) => listed(await users.list(req.actor, req.query, 'manage')),
  );

  app.post(
    '/api/admin/users',
    {
      config: manage,
      schema: {
        tags: ['admin'],
        summary: 'Create a user with optional grants (audited)',
        body: Type.Object(
          {
            username: Username,
            displayName: DisplayName,
            password: Type.Optional(Password),
            phone: Type.Optional(Phone),
            locale: Type.Optional(Locale),
            grants: Type.Optional(Type.Array(GrantInput, { maxItems: 20 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserDto },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const created = await users.create(
        req.actor,
        {
          username: b.username,
          displayName: b.displayName,
          ...definedFields({ password: b.password, phone: b.phone, locale: b.locale }),
          grants: (b.grants ?? []).map((g) => ({
            role: g.role,
            areaCode: g.areaCode ?? null,
            departmentCode: g.departmentCode ?? null,
          })),
        },
        req.ip,
      );
      return reply.status(201).send(presentUser(created, users.phoneOf(created.user)));
    },
  );

  app.patch(
    '/api/admin/users/:id',
    {
      config: manage,
      schema: {
        tags: ['admin'],
        summary: 'Change or disable a user (disabling ends their sessions; audited)',
        params: UserId,
        body: Type.Object(
          {
            displayName: Type.Optional(DisplayName),
            locale: Type.Optional(Type.Union([Locale, Type.Null()])),
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
            password: Type.Optional(Password),
            phone: Type.Optional(Type.Union([Phone, Type.Null()])),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserDto },
      },
    },
    async (req) => {
      const u = await users.update(req.actor, req.params.id, req.body, req.ip);
      return presentUser(u, users.phoneOf(u.user));
    },
  );

  app.post(
    '/api/admin/users/:id/grants',
    {
      config: manage,
      schema: {
        tags: ['admin'],
        summary: 'Grant a role in an area or department (audited grant.add)',
        params: UserId,
        body: GrantInput,
        response: { 201: GrantDto },
      },
    },
    async (req, reply) => {
      const g = await users.addGrant(
        req.actor,
        req.params.id,
        {
          role: req.body.role,
          areaCode: req.body.areaCode ?? null,
          departmentCode: req.body.departmentCode ?? null,
        },
        req.ip,
      );
      return reply.status(201).send(presentGrant(g));
    },
  );

  app.delete(
    '/api/admin/users/:id/grants/:grantId',
    {
      config: manage,
      schema: {
        tags: ['admin'],
        summary: 'Revoke a grant (audited grant.revoke); effective on the next request',
        params: Type.Object(
          { id: Type.Integer({ minimum: 1 }), grantId: Type.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
        response: { 200: GrantDto },
      },
    },
    async (req) =>
      presentGrant(await users.revokeGrant(req.actor, req.params.id, req.params.grantId, req.ip)),
  );
}
