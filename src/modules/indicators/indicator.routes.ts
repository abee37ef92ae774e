import { type Static, Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { definedFields } from '../../lib/defined.js';
import { indicatorPolicy } from './indicator.policy.js';
import type { IndicatorService } from './indicator.service.js';

const AreaCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$' });
const Day = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
  description: 'Local day (Asia/Shanghai)',
});
const DeptCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' });
const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);

const IndicatorQuery = Type.Object(
  {
    within: Type.Optional(AreaCode),
    department: Type.Optional(DeptCode),
    from: Day,
    to: Day,
  },
  { additionalProperties: false },
);

const IndicatorValueDto = Type.Object({
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  kind: Type.Union([Type.Literal('count'), Type.Literal('ratio')]),
  numerator: Type.Number(),
  denominator: Nullable(Type.Number()),
  value: Nullable(Type.Number()),
  definitionZh: Type.String(),
  definitionEn: Type.String(),
});

const Weights = Type.Record(Type.String(), Type.Number());

const CompositeValueDto = Type.Object({
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  weights: Weights,
  score: Nullable(Type.Number()),
  grade: Type.Union([Type.String(), Type.Null()]),
});

const ReportDto = Type.Object({
  within: Type.Union([Type.String(), Type.Null()]),
  department: Type.Union([Type.String(), Type.Null()]),
  from: Type.String(),
  to: Type.String(),
  totals: Type.Record(Type.String(), Type.Number()),
  indicators: Type.Array(IndicatorValueDto),
  composites: Type.Array(CompositeValueDto),
});

const Term = Type.Record(Type.String(), Type.Number());

const DefinitionsDto = Type.Object({
  indicators: Type.Array(
    Type.Object({
      code: Type.String(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      kind: Type.String(),
      numerator: Term,
      population: Type.Array(Type.String()),
      definitionZh: Type.String(),
      definitionEn: Type.String(),
    }),
  ),
  facts: Type.Record(Type.String(), Type.Object({ zh: Type.String(), en: Type.String() })),
  composites: Type.Array(
    Type.Object({
      code: Type.String(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      weights: Weights,
      defaultWeights: Weights,
      definitionZh: Type.String(),
      definitionEn: Type.String(),
    }),
  ),
});

const WorkerDto = Type.Object({
  actorId: Type.String(),
  actorName: Type.String(),
  actions: Type.Record(Type.String(), Type.Integer()),
  stagesDone: Type.Integer(),
  stagesOnTime: Type.Integer(),
  onTimeRate: Nullable(Type.Number()),
});

/** HTTP for indicators: scoped reports, per-worker counts, public definitions, admin weights. */
export function indicatorRoutes(app: TypedApp, indicators: IndicatorService): void {
  app.get(
    '/api/indicators',
    {
      config: { access: { policy: indicatorPolicy, action: 'read' } },
      schema: {
        tags: ['indicators'],
        summary: 'Closed-loop indicators of an area (any level) inside your scope, a department and a period',
        querystring: IndicatorQuery,
        response: { 200: ReportDto },
      },
    },
    async (req) => indicators.compute(req.actor, queryOf(req.query as Static<typeof IndicatorQuery>)),
  );

  app.get(
    '/api/indicators/workers',
    {
      config: { access: { policy: indicatorPolicy, action: 'read' } },
      schema: {
        tags: ['indicators'],
        summary: 'What each staff member did in an area and period (from the event log)',
        querystring: IndicatorQuery,
        response: { 200: Type.Object({ items: Type.Array(WorkerDto) }) },
      },
    },
    async (req) => ({
      items: await indicators.workers(req.actor, queryOf(req.query as Static<typeof IndicatorQuery>)),
    }),
  );

  app.get(
    '/api/indicators/definitions',
    {
      config: { access: 'public' },
      schema: {
        tags: ['indicators'],
        summary: 'How every indicator and composite score is computed (numerator, denominator, weights)',
        response: { 200: DefinitionsDto },
      },
    },
    async () => indicators.definitions(),
  );

  app.put(
    '/api/admin/indicators/weights/:composite',
    {
      config: { access: { policy: indicatorPolicy, action: 'set_weights' } },
      schema: {
        tags: ['indicators'],
        summary: 'Change the weights of a composite score (they must sum to 1)',
        params: Type.Object({ composite: Type.String({ pattern: '^[a-z0-9_]{1,40}$' }) }),
        body: Type.Object({ weights: Weights }, { additionalProperties: false }),
        response: { 200: Type.Object({ composite: Type.String(), weights: Weights }) },
      },
    },
    async (req) => ({
      composite: req.params.composite,
      weights: await indicators.setWeights(req.actor, req.params.composite, req.body.weights),
    }),
  );
}

function queryOf(q: Static<typeof IndicatorQuery>) {
  return {
    from: q.from,
    to: q.to,
    ...definedFields({ within: q.within, department: q.department }),
  };
}
