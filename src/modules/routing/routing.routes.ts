import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { routingPolicy } from './routing.policy.js';
import type { RoutingRule } from './routing.repository.js';
import type { RoutingRuleService } from './routing-rule.service.js';

const RuleDto = Type.Object({
  id: Type.Integer(),
  categoryCode: Type.Union([Type.String(), Type.Null()]),
  areaCode: Type.Union([Type.String(), Type.Null()]),
  departmentCode: Type.String(),
  note: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

const present = (r: RoutingRule) => ({
  ...r,
  id: Number(r.id),
  createdAt: new Date(r.createdAt).toISOString(),
});

/** HTTP for routing rules (admin). */
export function routingRoutes(app: TypedApp, rules: RoutingRuleService): void {
  app.get(
    '/api/admin/routing-rules',
    {
      config: { access: { policy: routingPolicy, action: 'list' } },
      schema: {
        tags: ['routing'],
        summary: 'Active routing rules (category × area → department), newest first',
        response: { 200: Type.Object({ items: Type.Array(RuleDto) }) },
      },
    },
    async (req) => ({ items: (await rules.list(req.actor)).map(present) }),
  );

  app.post(
    '/api/admin/routing-rules',
    {
      config: { access: { policy: routingPolicy, action: 'create' } },
      schema: {
        tags: ['routing'],
        summary: 'Add a routing rule; the longest matching area wins, then a category rule over a catch-all',
        body: Type.Object(
          {
            categoryCode: Type.Union([Type.String({ pattern: '^[EPH][0-9]{2,4}$' }), Type.Null()]),
            areaCode: Type.Union([Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$' }), Type.Null()]),
            departmentCode: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }),
            note: Type.String({ maxLength: 500, default: '' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: RuleDto },
      },
    },
    async (req, reply) => reply.status(201).send(present(await rules.create(req.actor, req.body))),
  );

  app.delete(
    '/api/admin/routing-rules/:id',
    {
      config: { access: { policy: routingPolicy, action: 'delete' } },
      schema: {
        tags: ['routing'],
        summary: 'Deactivate a routing rule (kept for the record)',
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }),
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await rules.remove(req.actor, req.params.id);
      return reply.status(204).send(null);
    },
  );
}
