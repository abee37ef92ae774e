import { Type } from '@sinclair/typebox';
import { openEventStream, writeFrame } from '../../kernel/event-stream.js';
import type { TypedApp } from '../../kernel/http.js';
import { definedFields } from '../../lib/defined.js';
import { emergencyReadPolicy, emergencyTaskPolicy } from './emergency.policy.js';
import { Answers, Id, Limit, UpdateStatus, WorkerTaskDto } from './emergency.schemas.js';
import type { EmergencyCommandService } from './emergency-command.service.js';
import type { EmergencyTaskService } from './emergency-task.service.js';
import type { ProgressHub, ProgressSink } from './progress-hub.js';

/** The worker's campaign tasks, task updates and the live completion stream. */
export function emergencyTaskRoutes(
  app: TypedApp,
  d: { tasks: EmergencyTaskService; command: EmergencyCommandService; hub: ProgressHub },
): void {
  const work = { access: { policy: emergencyTaskPolicy, action: 'work' } };
  app.get(
    '/api/emergency/my-tasks',
    {
      config: work,
      schema: {
        tags: ['emergency'],
        summary: 'Your tasks in active campaigns, by building, floor and room',
        querystring: Type.Object(
          { campaignId: Type.Optional(Id), limit: Limit },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(WorkerTaskDto) }) },
      },
    },
    async (req) =>
      d.tasks.mine(req.actor, {
        ...definedFields({ campaignId: req.query.campaignId }),
        limit: req.query.limit ?? 2000,
      }),
  );
  app.post(
    '/api/emergency/tasks/:id/updates',
    {
      config: work,
      schema: {
        tags: ['emergency'],
        summary:
          'Report a task: done, not at home, or needs help (→ a case); replays of one idempotency key answer once',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            idempotencyKey: Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' }),
            status: UpdateStatus,
            answers: Type.Optional(Answers),
            photoId: Type.Optional(Id),
            needs: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
            caseCategory: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{2,16}$' })),
            recordedAt: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            taskId: Type.Integer(),
            status: Type.String(),
            caseId: Type.Union([Type.Integer(), Type.Null()]),
            replayed: Type.Boolean(),
          }),
        },
      },
    },
    async (req) => d.tasks.update(req.actor, req.params.id, req.body),
  );
  app.get(
    '/api/emergency/campaigns/:id/stream',
    {
      config: { access: { policy: emergencyReadPolicy, action: 'read' } },
      schema: {
        tags: ['emergency'],
        summary: 'Server-sent events: a grid’s new figures after every task update of this campaign',
        params: Type.Object({ id: Id }),
      },
    },
    async (req, reply) => {
      const first = await d.command.get(req.actor, req.params.id);
      const res = reply.raw;
      const sink: ProgressSink = {
        campaignId: first.id,
        scope: emergencyReadPolicy.scopeFor(req.actor, 'read'),
        write: (frame) => writeFrame(res, frame),
        end() {
          if (!res.writableEnded) res.end();
        },
      };
      await openEventStream(req, reply, () => d.hub.subscribe(sink), 'progress stream');
      // The full figures first (read after subscribing, so no update falls between the two).
      const now = await d.command.get(req.actor, req.params.id);
      res.write(`retry: 3000\n\nevent: snapshot\ndata: ${JSON.stringify(now)}\n\n`);
    },
  );
}
