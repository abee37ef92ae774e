import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { localize } from '../../lib/i18n.js';
import { gridMemberPolicy } from './grid.policy.js';
import type { GridMemberService } from './grid-member.service.js';

const GridCode = Type.String({ pattern: '^[0-9]{15}$', description: '15-digit unit grid code' });
const Role = Type.Union([Type.Literal('worker'), Type.Literal('leader')]);
const MemberDto = Type.Object({
  userId: Type.Integer(),
  displayName: Type.String(),
  gridCode: Type.String(),
  role: Role,
  assignedAt: Type.String({ format: 'date-time' }),
});

/** Grid staffing endpoints: assign/remove members, list a grid's members, uncovered grids, my grids. */
export function gridMemberRoutes(app: TypedApp, members: GridMemberService): void {
  app.put(
    '/api/grids/:code/members',
    {
      config: { access: { policy: gridMemberPolicy, action: 'assign' } },
      schema: {
        tags: ['grids'],
        summary: 'Assign a user to a grid as worker or leader (one leader per grid)',
        params: Type.Object({ code: GridCode }),
        body: Type.Object(
          { userId: Type.Integer({ minimum: 1 }), role: Role },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ added: Type.Boolean() }) },
      },
    },
    async (req) => members.assign(req.actor, req.params.code, req.body.userId, req.body.role),
  );
  app.delete(
    '/api/grids/:code/members/:userId',
    {
      config: { access: { policy: gridMemberPolicy, action: 'remove' } },
      schema: {
        tags: ['grids'],
        summary: "Remove a user's role in a grid",
        params: Type.Object({ code: GridCode, userId: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({ role: Role }, { additionalProperties: false }),
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await members.remove(req.actor, req.params.code, req.params.userId, req.query.role);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/grids/:code/members',
    {
      config: { access: { policy: gridMemberPolicy, action: 'list' } },
      schema: {
        tags: ['grids'],
        summary: 'Members of a grid, leader first',
        params: Type.Object({ code: GridCode }),
        response: { 200: Type.Object({ items: Type.Array(MemberDto) }) },
      },
    },
    async (req) => ({
      items: (await members.listMembers(req.actor, req.params.code)).map((m) => ({
        ...m,
        assignedAt: m.assignedAt.toISOString(),
      })),
    }),
  );
  app.get(
    '/api/grids/unstaffed',
    {
      config: { access: { policy: gridMemberPolicy, action: 'list' } },
      schema: {
        tags: ['grids'],
        summary: 'Grids with no worker, inside your area',
        querystring: Type.Object(
          {
            within: Type.Optional(Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$' })),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                nameZh: Type.String(),
                nameEn: Type.String(),
                hasLeader: Type.Boolean(),
              }),
            ),
            total: Type.Integer(),
          }),
        },
      },
    },
    async (req) => {
      const { within, limit, offset } = req.query;
      const page = await members.listUnstaffed(req.actor, { ...(within ? { within } : {}), limit, offset });
      return {
        items: page.items.map((g) => ({ ...g, name: localize({ zh: g.nameZh, en: g.nameEn }, req.locale) })),
        total: page.total,
      };
    },
  );
  app.get(
    '/api/me/grids',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['grids'],
        summary: 'The grids I work in, with my role in each',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                role: Role,
                assignedAt: Type.String(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({
      items: (await members.myGrids(req.actor)).map((g) => ({
        code: g.gridCode,
        name: localize({ zh: g.nameZh, en: g.nameEn }, req.locale),
        role: g.role,
        assignedAt: g.assignedAt.toISOString(),
      })),
    }),
  );
}
