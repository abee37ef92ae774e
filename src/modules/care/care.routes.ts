import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { auditPurpose, RevealPurpose } from '../identity/index.js';
import { RegistryErrors, readTable, tableFormatOf } from '../registry/index.js';
import { careAdminPolicy, careCoveragePolicy, careMemberPolicy, careVisitPolicy } from './care.policy.js';
import type { CareCohortService } from './care-cohort.service.js';
import { FREQUENCIES } from './care-periods.js';
import { CARE_FLAGS, type CohortRule, CohortRuleSchema, RULE_FIELDS } from './care-rules.js';
import { type CareVisitService, FORM_FIELDS } from './care-visit.service.js';

const AreaCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$' });
const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const Id = Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const NullInt = Type.Union([Type.Integer(), Type.Null()]);
const Label = Type.String({ minLength: 1, maxLength: 100 });
const FreeText = Type.String({ maxLength: 2000 });

const CohortDto = Type.Object({
  id: Type.Integer(),
  areaCode: Nullable(Type.String()),
  label: Nullable(
    Type.String({ description: 'null (masked) unless you manage the cohort or hold its grant' }),
  ),
  labelMasked: Type.Boolean(),
  rule: Type.Union([Type.Unknown(), Type.Null()], { description: 'Only for the cohort’s managers' }),
  members: Type.Integer(),
  frequency: Nullable(Type.String()),
  evaluatedAt: Nullable(Type.String({ format: 'date-time' })),
  updatedAt: Type.String({ format: 'date-time' }),
});
const RecomputeDto = Type.Object({
  cohortId: Type.Integer(),
  entered: Type.Integer(),
  left: Type.Integer(),
  members: Type.Integer(),
});
const MemberDto = Type.Object({
  personId: Type.Integer(),
  name: Nullable(Type.String({ description: 'Masked' })),
  idNumber: Type.String({ description: 'Masked' }),
  gender: Nullable(Type.String()),
  birthYear: NullInt,
  gridCode: Nullable(Type.String()),
  householdNo: Nullable(Type.String()),
  via: Type.String(),
  since: Type.String({ format: 'date-time' }),
});
const VisitDto = Type.Object({
  id: Type.Integer(),
  taskId: NullInt,
  cohortId: Type.Integer(),
  personId: Type.Integer(),
  gridCode: Type.String(),
  visitedOn: Type.String(),
  contact: Type.String(),
  notesMasked: Type.Boolean(),
  health: Nullable(Type.String()),
  living: Nullable(Type.String()),
  needs: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  memberLeft: Type.Boolean(),
  caseId: NullInt,
  onTime: Type.Union([Type.Boolean(), Type.Null()]),
});
const TaskDto = Type.Object({
  id: Type.Integer(),
  cohortId: Type.Integer(),
  label: Nullable(Type.String()),
  personId: Type.Integer(),
  name: Nullable(Type.String({ description: 'Masked' })),
  householdNo: Nullable(Type.String()),
  address: Nullable(Type.String()),
  gridCode: Type.String(),
  dueDay: Type.String(),
  periodEnd: Type.String(),
  overdue: Type.Boolean(),
  frequency: Nullable(Type.String()),
  form: Type.Array(Type.String()),
});
const CoverageRowDto = Type.Object({
  code: Type.String(),
  due: Type.Integer(),
  onTime: Type.Integer(),
  rate: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]),
});
const PersonCardDto = Type.Object({
  personId: Type.Integer(),
  nameMasked: Nullable(Type.String()),
  gender: Nullable(Type.String()),
  birthYear: NullInt,
  gridCode: Nullable(Type.String()),
  householdNo: Nullable(Type.String()),
  address: Nullable(Type.String()),
  household: Type.Array(
    Type.Object({
      personId: Type.Integer(),
      nameMasked: Nullable(Type.String()),
      gender: Nullable(Type.String()),
      birthYear: NullInt,
    }),
  ),
});

const UPLOAD_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];
const UPLOAD_LIMIT = 64 * 1024 * 1024;

/** Special-group care endpoints (see ARCHITECTURE.md, "Special-group care"). */
export function careRoutes(app: TypedApp, s: { cohorts: CareCohortService; visits: CareVisitService }): void {
  const { cohorts, visits } = s;
  const admin = (action: string) => ({ access: { policy: careAdminPolicy, action } });

  app.post(
    '/api/admin/care/cohorts',
    {
      config: admin('define'),
      schema: {
        tags: ['care'],
        summary:
          'Define a cohort by a rule over registry fields and department flags; its members are computed at once',
        body: Type.Object(
          {
            label: Label,
            areaCode: Type.Optional(Type.Union([AreaCode, Type.Null()])),
            rule: CohortRuleSchema,
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([CohortDto, RecomputeDto]) },
      },
    },
    async (req, reply) => {
      const c = await cohorts.define(req.actor, {
        label: req.body.label,
        areaCode: req.body.areaCode ?? null,
        rule: req.body.rule as CohortRule,
      });
      return reply.status(201).send(c);
    },
  );
  app.patch(
    '/api/admin/care/cohorts/:id',
    {
      config: admin('define'),
      schema: {
        tags: ['care'],
        summary: 'Change a cohort’s label or rule; members are recomputed',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          { label: Type.Optional(Label), rule: Type.Optional(CohortRuleSchema) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Intersect([CohortDto, RecomputeDto]) },
      },
    },
    async (req) =>
      cohorts.update(req.actor, req.params.id, {
        ...(req.body.label !== undefined ? { label: req.body.label } : {}),
        ...(req.body.rule !== undefined ? { rule: req.body.rule as CohortRule } : {}),
      }),
  );
  app.get(
    '/api/care/rule-fields',
    {
      config: admin('define'),
      schema: {
        tags: ['care'],
        summary: 'Fields and flags a cohort rule may test',
        response: {
          200: Type.Object({ flags: Type.Array(Type.String()), fields: Type.Array(Type.String()) }),
        },
      },
    },
    async () => ({ flags: [...CARE_FLAGS], fields: Object.keys(RULE_FIELDS) }),
  );
  app.get(
    '/api/care/cohorts',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['care'],
        summary: 'Cohorts you manage or hold a grant for (labels masked unless you may see them)',
        response: { 200: Type.Object({ items: Type.Array(CohortDto) }) },
      },
    },
    async (req) => ({ items: await cohorts.list(req.actor) }),
  );
  app.get(
    '/api/care/cohorts/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['care'],
        summary: 'One cohort',
        params: Type.Object({ id: Id }),
        response: { 200: CohortDto },
      },
    },
    async (req) => cohorts.get(req.actor, req.params.id),
  );
  app.post(
    '/api/admin/care/cohorts/:id/recompute',
    {
      config: admin('evaluate'),
      schema: {
        tags: ['care'],
        summary: 'Recompute a cohort’s members now',
        params: Type.Object({ id: Id }),
        response: { 200: RecomputeDto },
      },
    },
    async (req) => cohorts.recompute(req.actor, req.params.id),
  );
  app.post(
    '/api/admin/care/cohorts/:id/manual',
    {
      config: admin('define'),
      schema: {
        tags: ['care'],
        summary: 'Add a person to a cohort by hand, with a reason (kept encrypted)',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          { personId: Id, reason: Type.String({ minLength: 2, maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: { 200: RecomputeDto },
      },
    },
    async (req) => cohorts.addManual(req.actor, req.params.id, req.body),
  );
  app.delete(
    '/api/admin/care/cohorts/:id/manual/:personId',
    {
      config: admin('define'),
      schema: {
        tags: ['care'],
        summary: 'End a manual addition (the person stays if the rule matches them)',
        params: Type.Object({ id: Id, personId: Id }),
        response: { 200: RecomputeDto },
      },
    },
    async (req) => cohorts.removeManual(req.actor, req.params.id, req.params.personId),
  );
  app.post(
    '/api/admin/care/cohorts/:id/grants',
    {
      config: admin('grant'),
      schema: {
        tags: ['care'],
        summary: 'Let a user see this cohort’s label, members and visit notes inside an area',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          { userId: Id, areaCode: Type.Optional(Type.Union([AreaCode, Type.Null()])) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Type.Integer(),
            userId: Type.Integer(),
            cohortId: Type.Integer(),
            areaCode: Nullable(Type.String()),
          }),
        },
      },
    },
    async (req, reply) =>
      reply.status(201).send(
        await cohorts.grant(req.actor, req.params.id, {
          userId: req.body.userId,
          areaCode: req.body.areaCode ?? null,
        }),
      ),
  );
  app.get(
    '/api/admin/care/cohorts/:id/grants',
    {
      config: admin('grant'),
      schema: {
        tags: ['care'],
        summary: 'Active grants of a cohort',
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.Integer(),
                userId: Type.Integer(),
                areaCode: Nullable(Type.String()),
                grantedAt: Type.String(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ items: await cohorts.grants(req.actor, req.params.id) }),
  );
  app.delete(
    '/api/admin/care/grants/:grantId',
    {
      config: admin('grant'),
      schema: {
        tags: ['care'],
        summary: 'Revoke a cohort grant',
        params: Type.Object({ grantId: Id }),
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await cohorts.revokeGrant(req.actor, req.params.grantId);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/care/cohorts/:id/members',
    {
      config: { access: { policy: careMemberPolicy, action: 'read' } },
      schema: {
        tags: ['care'],
        summary: 'Members inside your granted area (masked); every view is audited with its purpose',
        params: Type.Object({ id: Id }),
        querystring: Type.Object(
          {
            purpose: RevealPurpose,
            within: Type.Optional(AreaCode),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            cohortId: Type.Integer(),
            label: Nullable(Type.String()),
            items: Type.Array(MemberDto),
            total: Type.Integer(),
          }),
        },
      },
    },
    async (req) => {
      const { purpose, within, limit, offset } = req.query;
      const page = await cohorts.members(req.actor, req.params.id, {
        purpose: auditPurpose(purpose),
        ...(within ? { within } : {}),
        limit,
        offset,
      });
      return {
        cohortId: page.cohortId,
        label: page.label,
        total: page.total,
        items: page.items.map((m) => ({
          personId: m.personId,
          name: m.nameMasked,
          idNumber: m.idMasked,
          gender: m.gender,
          birthYear: m.birthYear,
          gridCode: m.gridCode,
          householdNo: m.householdNo,
          via: m.via,
          since: m.since.toISOString(),
        })),
      };
    },
  );
  app.get(
    '/api/care/cohorts/:id/members/export',
    {
      config: { access: { policy: careMemberPolicy, action: 'export' } },
      schema: {
        tags: ['care'],
        summary: 'Members inside your granted area as CSV (masked); audited with its purpose',
        params: Type.Object({ id: Id }),
        querystring: Type.Object(
          { purpose: RevealPurpose, within: Type.Optional(AreaCode) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const { csv } = await cohorts.exportMembers(req.actor, req.params.id, {
        purpose: auditPurpose(req.query.purpose),
        ...(req.query.within ? { within: req.query.within } : {}),
      });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="cohort-${req.params.id}.csv"`)
        .send(`\uFEFF${csv}`);
    },
  );
  app.get(
    '/api/care/cohorts/:id/changes',
    {
      config: { access: { policy: careMemberPolicy, action: 'read' } },
      schema: {
        tags: ['care'],
        summary: 'Who entered and left the cohort, when and why (inside your granted area; audited)',
        params: Type.Object({ id: Id }),
        querystring: Type.Object(
          {
            purpose: RevealPurpose,
            personId: Type.Optional(Id),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                personId: Type.Integer(),
                change: Type.String(),
                reason: Type.String(),
                trigger: Type.String(),
                by: Type.String(),
                at: Type.String(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({
      items: await cohorts.changes(req.actor, req.params.id, {
        purpose: auditPurpose(req.query.purpose),
        ...(req.query.personId !== undefined ? { personId: req.query.personId } : {}),
        limit: req.query.limit,
      }),
    }),
  );
  app.register(async (scoped: TypedApp) => {
    scoped.addContentTypeParser(
      UPLOAD_TYPES,
      { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT },
      (_req, body, done) => done(null, body),
    );
    scoped.post(
      '/api/admin/care/flags/import',
      {
        bodyLimit: UPLOAD_LIMIT,
        config: admin('import_flags'),
        schema: {
          tags: ['care'],
          summary: `Import a department's flag file (CSV or XLSX: id_number, flag (${CARE_FLAGS.join('/')}), level, action set|clear); every cohort is recomputed`,
          consumes: UPLOAD_TYPES,
          querystring: Type.Object(
            {
              source: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }),
              fileName: Type.String({ minLength: 1, maxLength: 200 }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              rows: Type.Integer(),
              set: Type.Integer(),
              cleared: Type.Integer(),
              rejected: Type.Integer(),
              rejections: Type.Array(
                Type.Object({ row: Type.Integer(), field: Type.String(), reason: Type.String() }),
              ),
              cohorts: Type.Array(RecomputeDto),
            }),
          },
        },
      },
      async (req) => {
        const format = tableFormatOf(req.headers['content-type'] ?? '');
        if (!format || !Buffer.isBuffer(req.body)) throw RegistryErrors.UnsupportedFile();
        return cohorts.importFlags(req.actor, {
          source: req.query.source,
          fileName: req.query.fileName,
          rows: readTable(req.body, format),
        });
      },
    );
  });

  // ---- plans, tasks, visits ----
  app.put(
    '/api/admin/care/cohorts/:id/plan',
    {
      config: admin('plan'),
      schema: {
        tags: ['care'],
        summary: 'Set the cohort’s visit plan: frequency and form fields',
        params: Type.Object({ id: Id }),
        body: Type.Object(
          {
            frequency: Type.Union(FREQUENCIES.map((f) => Type.Literal(f))),
            form: Type.Array(Type.Union(FORM_FIELDS.map((f) => Type.Literal(f))), {
              maxItems: FORM_FIELDS.length,
            }),
            active: Type.Boolean({ default: true }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            cohortId: Type.Integer(),
            frequency: Type.String(),
            form: Type.Array(Type.String()),
            active: Type.Boolean(),
          }),
        },
      },
    },
    async (req) => visits.setPlan(req.actor, req.params.id, req.body),
  );
  app.post(
    '/api/admin/care/tasks/generate',
    {
      config: admin('generate'),
      schema: {
        tags: ['care'],
        summary: 'Generate the visit tasks of the current period (all active plans, or one cohort)',
        body: Type.Object({ cohortId: Type.Optional(Id) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({ cohortId: Type.Integer(), periodStart: Type.String(), created: Type.Integer() }),
            ),
          }),
        },
      },
    },
    async (req) => ({
      items: await visits.generate(
        req.actor,
        req.body.cohortId !== undefined ? { cohortId: req.body.cohortId } : {},
      ),
    }),
  );
  app.get(
    '/api/care/visits/mine',
    {
      config: { access: { policy: careVisitPolicy, action: 'visit' } },
      schema: {
        tags: ['care'],
        summary: 'My visits due today and overdue, in the grids I staff',
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ today: Type.String(), items: Type.Array(TaskDto) }) },
      },
    },
    async (req) => {
      const r = await visits.myVisits(req.actor, { limit: req.query.limit });
      return {
        today: r.today,
        items: r.items.map(({ nameMasked, ...t }) => ({ ...t, name: nameMasked })),
      };
    },
  );
  app.get(
    '/api/care/cohorts/:id/members/:personId',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['care'],
        summary:
          'A member’s household card (masked) and recent visits: the grid’s worker or a grant holder; 404 otherwise',
        params: Type.Object({ id: Id, personId: Id }),
        response: {
          200: Type.Object({
            cohortId: Type.Integer(),
            label: Nullable(Type.String()),
            member: Type.Boolean(),
            card: PersonCardDto,
            visits: Type.Array(VisitDto),
          }),
        },
      },
    },
    async (req) => visits.memberCard(req.actor, req.params.id, req.params.personId),
  );
  app.post(
    '/api/care/visits',
    {
      config: { access: { policy: careVisitPolicy, action: 'visit' } },
      schema: {
        tags: ['care'],
        summary:
          'Record a visit (offline replays with the same idempotency key give the first answer); needs + createCase raise one case',
        body: Type.Object(
          {
            idempotencyKey: Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$' }),
            cohortId: Id,
            personId: Id,
            taskId: Type.Optional(Id),
            visitedOn: Type.Optional(Day),
            contact: Type.Union([Type.Literal('in_person'), Type.Literal('phone'), Type.Literal('not_home')]),
            health: Type.Optional(FreeText),
            living: Type.Optional(FreeText),
            needs: Type.Optional(FreeText),
            notes: Type.Optional(FreeText),
            photoId: Type.Optional(Id),
            createCase: Type.Optional(Type.Boolean()),
            caseCategory: Type.Optional(
              Type.String({ pattern: '^[EPH][0-9]{2,6}$', description: 'Taxonomy code of the case' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: VisitDto, 201: VisitDto },
      },
    },
    async (req, reply) => {
      const { visit, replayed } = await visits.submit(req.actor, req.body);
      return reply.status(replayed ? 200 : 201).send(visit);
    },
  );

  // ---- coverage and alerts ----
  app.get(
    '/api/care/coverage',
    {
      config: { access: { policy: careCoveragePolicy, action: 'read' } },
      schema: {
        tags: ['care'],
        summary: 'Visit coverage (visits done on time ÷ visits due) per grid, community, street or district',
        querystring: Type.Object(
          {
            level: Type.Union(
              ['grid', 'community', 'street', 'district'].map((l) => Type.Literal(l)),
              {
                default: 'grid',
              },
            ),
            within: Type.Optional(AreaCode),
            from: Day,
            to: Day,
            cohortId: Type.Optional(Id),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            level: Type.String(),
            from: Type.String(),
            to: Type.String(),
            items: Type.Array(CoverageRowDto),
            total: CoverageRowDto,
          }),
        },
      },
    },
    async (req) =>
      visits.coverage(req.actor, {
        level: req.query.level as 'grid',
        from: req.query.from,
        to: req.query.to,
        ...(req.query.within ? { within: req.query.within } : {}),
        ...(req.query.cohortId !== undefined ? { cohortId: req.query.cohortId } : {}),
      }),
  );
  app.get(
    '/api/care/alerts',
    {
      config: { access: { policy: careCoveragePolicy, action: 'read' } },
      schema: {
        tags: ['care'],
        summary: 'Escalated overdue visits and members not met in person, in your area (ids only)',
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.Integer(),
                kind: Type.String(),
                cohortId: Type.Integer(),
                personId: Type.Integer(),
                gridCode: Type.String(),
                taskId: NullInt,
                at: Type.String(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ items: await visits.alerts(req.actor, { limit: req.query.limit }) }),
  );
}
