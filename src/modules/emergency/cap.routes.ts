import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { CAP_MEDIA_TYPE } from './cap-format.js';
import type { CapOutService } from './cap-out.service.js';

/** CAP 1.2 out: the Atom feed and each alert's document (public, like the alerts themselves). */
export function capRoutes(app: TypedApp, d: { out: CapOutService }): void {
  app.get(
    '/api/cap/feed.atom',
    {
      config: { access: 'public' },
      schema: { tags: ['cap'], summary: 'Atom feed of our CAP 1.2 alerts, newest first' },
    },
    async (_req, reply) => reply.type('application/atom+xml; charset=utf-8').send(await d.out.feed()),
  );
  app.get(
    '/api/cap/alerts/:identifier.xml',
    {
      config: { access: 'public' },
      schema: {
        tags: ['cap'],
        summary: 'One alert as a CAP 1.2 document (zh-CN and en-US info blocks)',
        params: Type.Object({ identifier: Type.String({ pattern: '^civicgrid-alert-[0-9]{1,15}$' }) }),
      },
    },
    async (req, reply) =>
      reply.type(`${CAP_MEDIA_TYPE}; charset=utf-8`).send(await d.out.xml(req.params.identifier)),
  );
}
