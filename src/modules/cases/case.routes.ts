import { type Static, Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { type FieldCipher, normalisePhone } from '../../lib/privacy.js';
import { auditPurpose, RevealPurpose } from '../identity/index.js';
import { casePolicy } from './case.policy.js';
import {
  CaseDetailDto,
  CaseDto,
  PublicCaseDto,
  presentCase,
  presentDetail,
  presentPublic,
} from './case.presenter.js';
import { CategoryCode, DeptCode, literalUnion, Note, PublicCode } from './case.schemas.js';
import { CHANNELS } from './case.types.js';
import { CASE_REVEAL_FIELDS, type CaseQueryService } from './case-query.service.js';
import { CASE_ACTION_TYPES, type CaseActionType } from './case-transitions.table.js';
import type { CaseWorkflowService } from './case-workflow.service.js';

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
  workflow: CaseWorkflowService;
  query: CaseQueryService;
  cipher: FieldCipher;
}

/** HTTP for the case loop after intake: public tracking, search, detail and one route per action. */
export function caseRoutes(app: TypedApp, d: CaseRouteDeps): void {
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
