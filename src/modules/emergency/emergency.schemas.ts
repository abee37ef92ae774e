/** TypeBox atoms and DTOs of the emergency routes. */
import { Type } from '@sinclair/typebox';
import { AREA_MODES, CAMPAIGN_KINDS, TASK_STATUSES } from './emergency.repository.js';
import { FORM_FIELDS } from './emergency-command.service.js';

export const AreaCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$' });
export const GridCode = Type.String({ pattern: '^[0-9]{15}$' });
export const Id = Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 });
export const IdList = Type.Array(Id, { minItems: 1, maxItems: 100_000 });
export const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 }));
const DateTime = Type.String({ format: 'date-time' });
const NullString = Type.Union([Type.String(), Type.Null()]);
const NullInt = Type.Union([Type.Integer(), Type.Null()]);
const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);

export const ModeEnum = Type.Union(AREA_MODES.map((m) => Type.Literal(m)));
export const KindEnum = Type.Union(CAMPAIGN_KINDS.map((m) => Type.Literal(m)));
export const UpdateStatus = Type.Union(TASK_STATUSES.filter((s) => s !== 'open').map((m) => Type.Literal(m)));
export const FormFieldEnum = Type.Union(FORM_FIELDS.map((m) => Type.Literal(m)));

export const Target = Type.Union([
  Type.Object({ kind: Type.Literal('all') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('buildings'), ids: IdList }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('households'), ids: IdList }, { additionalProperties: false }),
]);

export const ModeChangeDto = Type.Object({
  from: Type.String(),
  to: Type.String(),
  reason: Type.String(),
  by: Type.String(),
  at: DateTime,
});
export const ActiveModeDto = Type.Object({
  areaCode: Type.String(),
  mode: Type.String(),
  reason: Type.String(),
  setBy: Type.String(),
  setAt: DateTime,
});
export const CampaignDto = Type.Object({
  id: Type.Integer(),
  areaCode: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  form: Type.Array(Type.String()),
  deadline: Type.Union([DateTime, Type.Null()]),
  round: Type.Integer(),
  parentId: NullInt,
  status: Type.String(),
  tasksTotal: Type.Integer(),
  createdBy: Type.String(),
  createdAt: DateTime,
});
export const GridProgressDto = Type.Object({
  gridCode: Type.String(),
  total: Type.Integer(),
  open: Type.Integer(),
  done: Type.Integer(),
  notHome: Type.Integer(),
  needsHelp: Type.Integer(),
  rate: Rate,
});
export const CampaignViewDto = Type.Intersect([
  CampaignDto,
  Type.Object({
    reached: Type.Integer(),
    rate: Rate,
    grids: Type.Array(GridProgressDto),
    warnings: Type.Array(Type.String()),
  }),
]);
export const WorkerTaskDto = Type.Object({
  id: Type.Integer(),
  campaignId: Type.Integer(),
  campaignTitle: Type.String(),
  campaignKind: Type.String(),
  round: Type.Integer(),
  form: Type.Array(Type.String()),
  deadline: Type.Union([DateTime, Type.Null()]),
  gridCode: Type.String(),
  buildingId: NullInt,
  buildingName: NullString,
  floor: NullInt,
  room: NullString,
  householdNo: Type.String(),
  status: Type.String(),
  caseId: NullInt,
});
export const UnreachedDto = Type.Object({
  taskId: Type.Integer(),
  gridCode: Type.String(),
  householdNo: Type.String(),
  buildingName: NullString,
  floor: NullInt,
  room: NullString,
  status: Type.String(),
  workerUserId: NullInt,
});
export const Answers = Type.Object(
  {
    present: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    ill: Type.Optional(Type.Boolean()),
    needs: Type.Optional(Type.String({ maxLength: 1000 })),
    supplies: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    notes: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
