import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { definedFields } from '../../lib/defined.js';
import { emergencyCommandPolicy, emergencyReadPolicy } from './emergency.policy.js';
import {
  ActiveModeDto,
  AreaCode,
  CampaignDto,
  CampaignViewDto,
  FormFieldEnum,
  GridCode,
  Id,
  IdList,
  KindEnum,
  Limit,
  ModeChangeDto,
  ModeEnum,
  Target,
  UnreachedDto,
} from './emergency.schemas.js';
import type { EmergencyCommandService } from './emergency-command.service.js';

const Deadline = Type.Optional(Type.String({ format: 'date-time' }));
const command = (action: string) => ({ access: { policy: emergencyCommandPolicy, action } });
const read = { access: { policy: emergencyReadPolicy, action: 'read' } };

/** Area mode and campaign endpoints of the commander (see ARCHITECTURE.md, "Emergency mode"). */
export function emergencyRoutes(app: TypedApp, command_: EmergencyCommandService): void {
  const s = command_;
  app.put(
    '/api/emergency/areas/:code/mode',
    {
      config: command('set_mode'),
      schema: {
        tags: ['emergency'],
        summary: 'Switch an area to normal, standby or emergency (who, why and when are kept)',
        params: Type.Object({ code: AreaCode }),
        body: Type.Object(
          { mode: ModeEnum, reason: Type.String({ minLength: 1, maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            areaCode: Type.String(),
            mode: Type.String(),
            previous: Type.String(),
            alertIdentifier: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => s.setMode(req.actor, req.params.code, req.body),
  );
  app.get(
    '/api/emergency/areas/:code/mode',
    {
      config: read,
      schema: {
        tags: ['emergency'],
        summary: 'An area’s mode and the history of its switches',
        params: Type.Object({ code: AreaCode }),
        response: {
          200: Type.Object({
            areaCode: Type.String(),
            mode: Type.String(),
            history: Type.Array(ModeChangeDto),
          }),
        },
      },
    },
    async (req) => s.modeOf(req.actor, req.params.code),
  );
  app.get(
    '/api/emergency/incident',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['emergency'],
        summary: 'The incident view: areas in standby or emergency touching your area, active campaigns',
        response: {
          200: Type.Object({ modes: Type.Array(ActiveModeDto), campaigns: Type.Array(CampaignDto) }),
        },
      },
    },
    async (req) => s.incident(req.actor),
  );
  app.post(
    '/api/emergency/campaigns',
    {
      config: command('campaign'),
      schema: {
        tags: ['emergency'],
        summary: 'Start a campaign: one task per household of the target for the worker of its grid',
        body: Type.Object(
          {
            areaCode: AreaCode,
            kind: KindEnum,
            title: Type.String({ minLength: 1, maxLength: 100 }),
            form: Type.Array(FormFieldEnum, { maxItems: 5 }),
            deadline: Deadline,
            target: Target,
          },
          { additionalProperties: false },
        ),
        response: { 201: CampaignViewDto },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const view = await s.create(req.actor, { ...b, ...definedFields({ deadline: b.deadline }) });
      return reply.status(201).send(view);
    },
  );
  app.get(
    '/api/emergency/campaigns',
    {
      config: read,
      schema: {
        tags: ['emergency'],
        summary: 'Campaigns in your area, active first',
        querystring: Type.Object({ limit: Limit }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(CampaignDto) }) },
      },
    },
    async (req) => ({ items: await s.list(req.actor, req.query.limit ?? 100) }),
  );
  app.get(
    '/api/emergency/campaigns/:id',
    {
      config: read,
      schema: {
        tags: ['emergency'],
        summary: 'One campaign with its completion per grid',
        params: Type.Object({ id: Id }),
        response: { 200: CampaignViewDto },
      },
    },
    async (req) => s.get(req.actor, req.params.id),
  );
  app.post(
    '/api/emergency/campaigns/:id/close',
    {
      config: command('campaign'),
      schema: {
        tags: ['emergency'],
        summary: 'End a campaign (its tasks and figures stay)',
        params: Type.Object({ id: Id }),
        response: { 200: CampaignViewDto },
      },
    },
    async (req) => s.close(req.actor, req.params.id),
  );
  app.post(
    '/api/emergency/campaigns/:id/next-round',
    {
      config: command('campaign'),
      schema: {
        tags: ['emergency'],
        summary: 'Start the next round over only the households this campaign did not reach',
        params: Type.Object({ id: Id }),
        body: Type.Object({ deadline: Deadline }, { additionalProperties: false }),
        response: { 201: CampaignViewDto },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await s.nextRound(req.actor, req.params.id, definedFields({ deadline: req.body.deadline }))),
  );
  app.get(
    '/api/emergency/campaigns/:id/unreached',
    {
      config: read,
      schema: {
        tags: ['emergency'],
        summary: 'Households not reached yet (open or not at home), by grid, building and floor',
        params: Type.Object({ id: Id }),
        querystring: Type.Object(
          { grid: Type.Optional(GridCode), limit: Limit },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(UnreachedDto) }) },
      },
    },
    async (req) =>
      s.unreached(req.actor, req.params.id, {
        ...definedFields({ gridCode: req.query.grid }),
        limit: req.query.limit ?? 1000,
      }),
  );
  app.post(
    '/api/emergency/campaigns/:id/members',
    {
      config: command('assign'),
      schema: {
        tags: ['emergency'],
        summary: 'Add a temporary member (sunk-down cadre, volunteer) to a grid for this campaign',
        params: Type.Object({ id: Id }),
        body: Type.Object({ gridCode: GridCode, userId: Id }, { additionalProperties: false }),
        response: { 200: Type.Object({ added: Type.Boolean() }) },
      },
    },
    async (req) => s.addMember(req.actor, req.params.id, req.body),
  );
  app.post(
    '/api/emergency/campaigns/:id/reassign',
    {
      config: command('assign'),
      schema: {
        tags: ['emergency'],
        summary: 'Move tasks in bulk to a worker of their grid (grid or temporary member)',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            toUserId: Id,
            taskIds: Type.Optional(IdList),
            buildingIds: Type.Optional(IdList),
            gridCode: Type.Optional(GridCode),
            fromUserId: Type.Optional(Id),
            unreachedOnly: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ moved: Type.Integer(), grids: Type.Array(Type.String()) }) },
      },
    },
    async (req) => s.reassign(req.actor, req.params.id, req.body),
  );
}
