import { Type } from '@sinclair/typebox';
import { openEventStream, writeFrame } from '../../kernel/event-stream.js';
import type { TypedApp } from '../../kernel/http.js';
import { type CaseEventHub, eventFrame, type StreamSink } from './case-event-hub.js';
import { type EventStreamService, eventStreamPolicy } from './event-stream.service.js';

const StreamQuery = Type.Object(
  {
    within: Type.Optional(Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$' })),
  },
  { additionalProperties: false },
);

/** HTTP for the live stream of committed case events (server-sent events). */
export function eventStreamRoutes(app: TypedApp, d: { hub: CaseEventHub; stream: EventStreamService }): void {
  app.get(
    '/api/events/stream',
    {
      config: { access: { policy: eventStreamPolicy, action: 'subscribe' } },
      schema: {
        tags: ['notifications'],
        summary:
          'Server-sent events of case changes in your scope (?within=<area code>); resumes after Last-Event-ID',
        querystring: StreamQuery,
        headers: Type.Object({
          'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
        }),
      },
    },
    async (req, reply) => {
      const filter = d.stream.filterFor(req.actor, req.query.within);
      const lastHeader = req.headers['last-event-id'];
      const lastEventId =
        typeof lastHeader === 'string' && lastHeader !== '' ? Number(lastHeader) : undefined;

      const res = reply.raw;
      // Frames wait here (in order) until the head is written and, on a resume, the backlog is
      // out — so nothing is lost or doubled.
      let pending: Array<{ frame: string; eventId: number | undefined }> | undefined = [];
      let ended = false;
      const send = (frame: string): boolean => writeFrame(res, frame);
      const sink: StreamSink = {
        filter,
        write(frame, eventId) {
          if (pending) {
            pending.push({ frame, eventId });
            return true;
          }
          return send(frame);
        },
        end() {
          ended = true;
          if (res.headersSent && !res.writableEnded) res.end();
        },
      };
      const { unsubscribe } = await openEventStream(req, reply, () => d.hub.subscribe(sink), 'event stream');
      res.write('retry: 3000\n\n');
      if (ended || res.destroyed) {
        unsubscribe();
        res.end();
        return;
      }
      res.write(': connected\n\n');
      const replayed = new Set<number>();
      if (lastEventId !== undefined) {
        try {
          for (const m of await d.stream.backlog(filter, lastEventId)) {
            send(eventFrame(m.eventId, JSON.stringify(m)));
            replayed.add(m.eventId);
          }
        } catch (err) {
          req.log.warn({ err }, 'event stream backlog failed');
        }
      }
      const waiting = pending ?? [];
      pending = undefined;
      for (const p of waiting) {
        if (p.eventId !== undefined && replayed.has(p.eventId)) continue;
        sink.write(p.frame, p.eventId);
      }
    },
  );
}
