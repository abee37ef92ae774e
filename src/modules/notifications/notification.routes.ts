import { type Static, Type } from '@sinclair/typebox';
import type { Locale } from '../../config/config.js';
import type { TypedApp } from '../../kernel/http.js';
import { definedFields } from '../../lib/defined.js';
import type { NotificationRecord } from './notification.repository.js';
import type { NotificationService } from './notification.service.js';

const NotificationDto = Type.Object({
  id: Type.Integer(),
  caseId: Type.Union([Type.Integer(), Type.Null()]),
  kind: Type.String(),
  title: Type.String(),
  titleZh: Type.String(),
  titleEn: Type.String(),
  body: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: 'date-time' }),
  readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const ListQuery = Type.Object(
  {
    unread: Type.Boolean({ default: false }),
    before: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 30 }),
  },
  { additionalProperties: false },
);

const ReadBody = Type.Object(
  { upToId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 })) },
  { additionalProperties: false },
);

/** A notification as its owner sees it, with the title in the request's language. */
function present(n: NotificationRecord, locale: Locale): Static<typeof NotificationDto> {
  return {
    id: n.id,
    caseId: n.caseId,
    kind: n.kind,
    title: locale === 'en' ? n.titleEn : n.titleZh,
    titleZh: n.titleZh,
    titleEn: n.titleEn,
    body: n.body,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt ? n.readAt.toISOString() : null,
  };
}

/** HTTP for the signed-in user's own inbox (never anyone else's). */
export function notificationRoutes(app: TypedApp, inbox: NotificationService): void {
  app.get(
    '/api/me/notifications',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        summary: 'Your notifications, newest first (page with ?before=<last id>)',
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(NotificationDto), hasMore: Type.Boolean() }) },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await inbox.list(req.actor, {
        unreadOnly: q.unread,
        limit: q.limit,
        ...definedFields({ beforeId: q.before }),
      });
      return { items: page.items.map((n) => present(n, req.locale)), hasMore: page.hasMore };
    },
  );

  app.get(
    '/api/me/notifications/unread-count',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        summary: 'How many of your notifications are unread (the badge)',
        response: { 200: Type.Object({ unread: Type.Integer() }) },
      },
    },
    async (req) => ({ unread: await inbox.unreadCount(req.actor) }),
  );

  app.post(
    '/api/me/notifications/read',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        summary: 'Mark your notifications read: all, or up to and including upToId',
        body: ReadBody,
        response: { 200: Type.Object({ marked: Type.Integer(), unread: Type.Integer() }) },
      },
    },
    async (req) => inbox.markRead(req.actor, req.body.upToId),
  );
}
