import { type Static, Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { UPLOAD_KEY_PATTERN } from '../../kernel/upload-key.js';
import { definedFields } from '../../lib/defined.js';
import { type FieldCipher, normalisePhone } from '../../lib/privacy.js';
import { auditPurpose, RevealPurpose } from '../identity/index.js';
import type { AnonReportLimiter } from './anon-report-limit.js';
import { casePolicy } from './case.policy.js';
import {
  CaseDetailDto,
  CaseDto,
  PublicCaseDto,
  presentCase,
  presentDetail,
  presentPublic,
} from './case.presenter.js';
import { CHANNELS, type Channel, HOTLINE_TYPES, type HotlineType } from './case.types.js';
import type { CaseIntakeService } from './case-intake.service.js';
import { CASE_REVEAL_FIELDS, type CaseQueryService } from './case-query.service.js';
import { CASE_ACTION_TYPES, type CaseActionType } from './case-transitions.table.js';
import type { CaseWorkflowService } from './case-workflow.service.js';

const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const CategoryCode = Type.String({ pattern: '^[EPH][0-9]{4}$' });
const DeptCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' });
const Note = Type.String({ maxLength: 2000 });
const PublicCode = Type.String({ pattern: '^NH[0-9]{6}-[0-9A-Z]{6}$' });
const literalUnion = <T extends readonly string[]>(xs: T) => Type.Union(xs.map((x) => Type.Literal(x)));

const IntakeBody = Type.Object(
  {
    channel: literalUnion(CHANNELS.filter((c) => c !== 'sensor' && c !== 'open311')),
    idempotencyKey: Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$' }),
    location: Type.Object({ lng: Lng, lat: Lat }, { additionalProperties: false }),
    address: Type.Optional(Type.String({ maxLength: 300 })),
    categoryCode: Type.Optional(CategoryCode),
    hotlineType: Type.Optional(literalUnion(HOTLINE_TYPES)),
    description: Type.String({ minLength: 2, maxLength: 2000 }),
    reporter: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
          phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{5,15}$' })),
        },
        { additionalProperties: false },
      ),
    ),
    photoIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 9, uniqueItems: true })),
    photoKey: Type.Optional(
      Type.String({ pattern: UPLOAD_KEY_PATTERN, description: 'The upload key of anonymous photos' }),
    ),
  },
  { additionalProperties: false },
);

const IntakeReply = Type.Object({
  id: Type.Integer(),
  publicCode: Type.String(),
  state: Type.String(),
  gridCode: Type.String(),
  suggestedDepartment: Type.Union([Type.String(), Type.Null()]),
  routing: Type.String(),
  deadline: Type.Union([Type.String(), Type.Null()]),
  possibleDuplicates: Type.Array(
    Type.Object({
      id: Type.Integer(),
      publicCode: Type.String(),
      categoryCode: Type.Union([Type.String(), Type.Null()]),
      description: Type.String(),
      state: Type.String(),
      distanceM: Type.Number(),
      similarity: Type.Number(),
      reportedAt: Type.String(),
    }),
  ),
});

/** Body schemas per action: each names exactly the fields that action uses. */
const ACTION_BODIES: Record<CaseActionType, ReturnType<typeof Type.Object>> = {
  file: Type.Object(
    {
      categoryCode: Type.Optional(CategoryCode),
      urgent: Type.Optional(Type.Boolean()),
      note: Type.Optional(Note),
    },
    { additionalProperties: false },
  ),
  reject: Type.Object({ note: Note }, { additionalProperties: false }),
  dispatch: Type.Object(
    {
      departments: Type.Optional(Type.Array(DeptCode, { minItems: 1, maxItems: 10, uniqueItems: true })),
      note: Type.Optional(Note),
    },
    { additionalProperties: false },
  ),
  accept: Type.Object(
    { department: Type.Optional(DeptCode), note: Type.Optional(Note) },
    { additionalProperties: false },
  ),
  return: Type.Object({ department: Type.Optional(DeptCode), note: Note }, { additionalProperties: false }),
  reassign: Type.Object(
    { from: Type.Optional(DeptCode), to: DeptCode, note: Type.Optional(Note) },
    { additionalProperties: false },
  ),
  request_extension: Type.Object(
    {
      department: Type.Optional(DeptCode),
      minutes: Type.Integer({ minimum: 1, maximum: 60 * 480 }),
      note: Note,
    },
    { additionalProperties: false },
  ),
  approve_extension: Type.Object({ note: Type.Optional(Note) }, { additionalProperties: false }),
  deny_extension: Type.Object({ note: Type.Optional(Note) }, { additionalProperties: false }),
  report_back: Type.Object(
    {
      department: Type.Optional(DeptCode),
      note: Note,
      photoIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 9, uniqueItems: true })),
    },
    { additionalProperties: false },
  ),
  verify_pass: Type.Object(
    {
      note: Type.Optional(Note),
      photoIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 9, uniqueItems: true })),
    },
    { additionalProperties: false },
  ),
  verify_fail: Type.Object({ note: Note }, { additionalProperties: false }),
  evaluate: Type.Object(
    {
      result: literalUnion(['satisfied', 'basically_satisfied', 'dissatisfied'] as const),
      comment: Type.Optional(Note),
    },
    { additionalProperties: false },
  ),
  reopen: Type.Object({ note: Note }, { additionalProperties: false }),
  suspend: Type.Object({ note: Note }, { additionalProperties: false }),
  resume: Type.Object({ note: Type.Optional(Note) }, { additionalProperties: false }),
  void: Type.Object({ note: Note }, { additionalProperties: false }),
  merge_into: Type.Object(
    { targetId: Type.Integer({ minimum: 1 }), note: Type.Optional(Note) },
    { additionalProperties: false },
  ),
  whistle: Type.Object(
    { departments: Type.Array(DeptCode, { minItems: 1, maxItems: 10, uniqueItems: true }), note: Note },
    { additionalProperties: false },
  ),
};

const SearchQuery = Type.Object(
  {
    within: Type.Optional(Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$' })),
    category: Type.Optional(Type.String({ pattern: '^[EPH][0-9]{2,4}$' })),
    state: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z_]{3,20}$' }), { maxItems: 10 })),
    deadlineStatus: Type.Optional(literalUnion(['due_soon', 'overdue'] as const)),
    channel: Type.Optional(literalUnion(CHANNELS)),
    department: Type.Optional(DeptCode),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    callerPhone: Type.Optional(
      Type.String({ pattern: '^\\+?[0-9]{5,15}$', description: 'earlier cases of this caller' }),
    ),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

/** Offline clients send an Idempotency-Key so a replayed action is applied once. */
const ActionHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$' }),
  ),
});

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });

/** The services the case routes call. */
export interface CaseRouteDeps {
  intake: CaseIntakeService;
  workflow: CaseWorkflowService;
  query: CaseQueryService;
  cipher: FieldCipher;
  /** Limits anonymous reports per client address and phone (none: not limited). */
  anonLimit?: AnonReportLimiter;
}

/** HTTP for the case loop: intake, "me too", public tracking, search, detail and one route per action. */
export function caseRoutes(app: TypedApp, d: CaseRouteDeps): void {
  app.post(
    '/api/cases',
    {
      config: { access: 'public' },
      schema: {
        tags: ['cases'],
        summary: 'Report a problem (any channel). Idempotent by idempotencyKey; durable before 201.',
        body: IntakeBody,
        response: { 200: IntakeReply, 201: IntakeReply },
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (req.actor.kind === 'anonymous') await d.anonLimit?.hit(req.ip, b.reporter?.phone);
      const { result, replayed } = await d.intake.report(
        req.actor,
        {
          channel: b.channel as Channel,
          idempotencyKey: b.idempotencyKey,
          lng: b.location.lng,
          lat: b.location.lat,
          ...definedFields({
            address: b.address,
            categoryCode: b.categoryCode,
            hotlineType: b.hotlineType === undefined ? undefined : (b.hotlineType as HotlineType),
          }),
          description: b.description,
          ...definedFields({
            reporterName: b.reporter?.name,
            reporterPhone: b.reporter?.phone,
            photoIds: b.photoIds,
            photoKey: b.photoKey,
          }),
        },
        { client: `${req.ip}|${b.photoKey ?? ''}` },
      );
      reply.header('idempotent-replay', String(replayed));
      // A replay answers like the first time (201, same body); the header tells them apart.
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/api/cases/duplicates',
    {
      config: { access: 'public' },
      schema: {
        tags: ['cases'],
        summary: 'Open cases of the same kind nearby ("me too" candidates)',
        body: Type.Object(
          {
            location: Type.Object({ lng: Lng, lat: Lat }, { additionalProperties: false }),
            categoryCode: Type.Optional(CategoryCode),
            text: Type.String({ maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: IntakeReply.properties.possibleDuplicates }) },
      },
    },
    async (req) => ({
      items: await d.intake.findDuplicates(req.actor, {
        lng: req.body.location.lng,
        lat: req.body.location.lat,
        ...(req.body.categoryCode ? { categoryCode: req.body.categoryCode } : {}),
        text: req.body.text,
      }),
    }),
  );

  app.post(
    '/api/track/:code/join',
    {
      config: { access: 'public' },
      schema: {
        tags: ['cases'],
        summary: '"Me too": join an open case instead of filing a new one',
        params: Type.Object({ code: PublicCode }),
        body: Type.Object(
          {
            reporter: Type.Optional(
              Type.Object(
                {
                  name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
                  phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{5,15}$' })),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ publicCode: Type.String(), reporters: Type.Integer() }) },
      },
    },
    async (req) =>
      d.intake.join(req.actor, req.params.code, {
        ...(req.body.reporter?.phone ? { reporterPhone: req.body.reporter.phone } : {}),
        ...(req.body.reporter?.name ? { reporterName: req.body.reporter.name } : {}),
      }),
  );

  app.get(
    '/api/track/:code',
    {
      config: { access: 'public' },
      schema: {
        tags: ['cases'],
        summary: 'Track a case by its public code (no sign-in, no personal data)',
        params: Type.Object({ code: PublicCode }),
        response: { 200: PublicCaseDto },
      },
    },
    async (req) => presentPublic(await d.query.track(req.params.code)),
  );

  app.get(
    '/api/cases',
    {
      config: { access: { policy: casePolicy, action: 'search' } },
      schema: {
        tags: ['cases'],
        summary: 'Search cases in your scope (residents: your own reports)',
        querystring: SearchQuery,
        response: { 200: Type.Object({ items: Type.Array(CaseDto), total: Type.Integer() }) },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof SearchQuery>;
      const result = await d.query.search(req.actor, {
        ...(q.within ? { within: q.within } : {}),
        ...(q.category ? { categoryCode: q.category } : {}),
        ...(q.state ? { states: q.state } : {}),
        ...(q.deadlineStatus ? { deadlineStatus: q.deadlineStatus as 'due_soon' | 'overdue' } : {}),
        ...(q.channel ? { channel: q.channel } : {}),
        ...(q.department ? { departmentCode: q.department } : {}),
        ...(q.q ? { text: q.q } : {}),
        ...(q.callerPhone ? { reporterPhoneHash: d.cipher.lookupHash(normalisePhone(q.callerPhone)) } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return { items: result.items.map((c) => presentCase(c, d.cipher)), total: result.total };
    },
  );

  app.get(
    '/api/cases/:id',
    {
      config: { access: { policy: casePolicy, action: 'read' } },
      schema: {
        tags: ['cases'],
        summary: 'A case with its history (404 outside your scope)',
        params: IdParams,
        response: { 200: CaseDetailDto },
      },
    },
    async (req) => presentDetail(await d.query.get(req.actor, req.params.id), d.cipher),
  );

  app.post(
    '/api/cases/:id/reveal',
    {
      config: { access: { policy: casePolicy, action: 'reveal' }, revealsPii: true },
      schema: {
        tags: ['cases'],
        summary:
          "A case reporter's clear data or unredacted texts, for a stated purpose (audited as case.reveal)",
        params: IdParams,
        body: Type.Object(
          {
            purpose: RevealPurpose,
            fields: Type.Array(literalUnion(CASE_REVEAL_FIELDS), { minItems: 1, uniqueItems: true }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            id: Type.Integer(),
            ...Object.fromEntries(
              CASE_REVEAL_FIELDS.map((f) => [f, Type.Optional(Type.Union([Type.String(), Type.Null()]))]),
            ),
          }),
        },
      },
    },
    async (req) =>
      d.query.reveal(req.actor, req.params.id, {
        purpose: auditPurpose(req.body.purpose),
        fields: req.body.fields as Array<(typeof CASE_REVEAL_FIELDS)[number]>,
        origin: req.ip,
      }),
  );

  for (const action of CASE_ACTION_TYPES) {
    app.post(
      `/api/cases/:id/${action.replace(/_/g, '-')}`,
      {
        config: { access: { policy: casePolicy, action } },
        schema: {
          tags: ['case actions'],
          summary: `Case action: ${action}`,
          params: IdParams,
          headers: ActionHeaders,
          body: ACTION_BODIES[action],
          response: { 200: CaseDto },
        },
      },
      async (req) => {
        const key = (req.headers as { 'idempotency-key'?: string })['idempotency-key'];
        const updated = await d.workflow.act(
          req.actor,
          req.params.id,
          action,
          req.body as Record<string, never>,
          key ? { idempotencyKey: key } : {},
        );
        return presentCase(updated, d.cipher);
      },
    );
  }
}
