import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { type OutboxService, outboxPolicy } from './outbox.service.js';

/** The dev outbox for admins: where one-time codes "sent" by the built-in sender can be read. */
export function outboxRoutes(app: TypedApp, outbox: OutboxService): void {
  app.get(
    '/api/admin/outbox',
    {
      config: { access: { policy: outboxPolicy, action: 'read' } },
      schema: {
        tags: ['admin'],
        summary: 'Messages written by the built-in MessageSender, newest first',
        querystring: Type.Object(
          {
            recipient: Type.Optional(
              Type.String({ maxLength: 32, description: 'Masked recipient, e.g. 138****5678' }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.Integer(),
                channel: Type.String(),
                recipient: Type.String({ description: 'masked' }),
                body: Type.String(),
                createdAt: Type.String({ format: 'date-time' }),
              }),
            ),
            total: Type.Integer(),
          }),
        },
      },
    },
    async (req) => {
      const page = await outbox.list(
        req.actor,
        {
          ...(req.query.recipient ? { recipientMasked: req.query.recipient } : {}),
          limit: req.query.limit,
          offset: req.query.offset,
        },
        req.ip,
      );
      return {
        items: page.items.map((m) => ({
          id: m.id,
          channel: m.channel,
          recipient: m.recipientMasked,
          body: m.body,
          createdAt: m.createdAt.toISOString(),
        })),
        total: page.total,
      };
    },
  );
}
