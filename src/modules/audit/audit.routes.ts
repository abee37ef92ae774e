import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { auditPolicy } from './audit.policy.js';
import type { AuditService } from './audit.service.js';

const AuditDto = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Object({
    kind: Type.String(),
    id: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
  }),
  action: Type.String(),
  resourceType: Type.String(),
  resourceId: Type.String(),
  areaCode: Type.Union([Type.String(), Type.Null()]),
  purpose: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  origin: Type.Union([Type.String(), Type.Null()]),
});

/** Reading the audit trail (admins; supervisors see records filed in their areas). */
export function auditRoutes(app: TypedApp, audit: AuditService): void {
  app.get(
    '/api/audit',
    {
      config: { access: { policy: auditPolicy, action: 'read' } },
      schema: {
        tags: ['audit'],
        summary: 'Audit records in my scope, newest first (page with beforeSeq)',
        querystring: Type.Object(
          {
            action: Type.Optional(Type.String({ maxLength: 64 })),
            resourceType: Type.Optional(Type.String({ maxLength: 64 })),
            resourceId: Type.Optional(Type.String({ maxLength: 128 })),
            actorId: Type.Optional(Type.String({ maxLength: 64 })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(AuditDto),
            total: Type.Integer(),
            nextBeforeSeq: Type.Union([Type.Integer(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await audit.list(req.actor, {
        ...(q.action ? { action: q.action } : {}),
        ...(q.resourceType ? { resourceType: q.resourceType } : {}),
        ...(q.resourceId ? { resourceId: q.resourceId } : {}),
        ...(q.actorId ? { actorId: q.actorId } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        ...(q.beforeSeq ? { beforeSeq: q.beforeSeq } : {}),
        limit: q.limit,
      });
      const last = page.items[page.items.length - 1];
      return {
        items: page.items.map((r) => ({
          seq: r.seq,
          at: r.at.toISOString(),
          actor: { kind: r.actorKind, id: r.actorId, name: r.actorName },
          action: r.action,
          resourceType: r.resourceType,
          resourceId: r.resourceId,
          areaCode: r.areaCode,
          purpose: r.purpose,
          details: r.details,
          origin: r.origin,
        })),
        total: page.total,
        nextBeforeSeq: page.items.length === q.limit && last ? last.seq : null,
      };
    },
  );
}
