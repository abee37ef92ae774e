/**
 * HTTP for intake: a report from any channel, the "me too" candidates while a resident types, and
 * joining an open case. The first stop of the anonymous report's path (see ARCHITECTURE.md).
 */
import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { UPLOAD_KEY_PATTERN } from '../../kernel/upload-key.js';
import { definedFields } from '../../lib/defined.js';
import type { AnonReportLimiter } from './anon-report-limit.js';
import { CategoryCode, Lat, Lng, literalUnion, PublicCode } from './case.schemas.js';
import { CHANNELS, type Channel, HOTLINE_TYPES, type HotlineType } from './case.types.js';
import type { CaseIntakeService } from './case-intake.service.js';
import type { CaseJoinService } from './case-join.service.js';

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

export const IntakeReply = Type.Object({
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

/** What the intake routes call. */
export interface IntakeRouteDeps {
  intake: CaseIntakeService;
  join: CaseJoinService;
  /** Limits anonymous reports per client address and phone (none: not limited). */
  anonLimit?: AnonReportLimiter;
}

/** POST /api/cases, POST /api/cases/duplicates, POST /api/track/:code/join. */
export function intakeRoutes(app: TypedApp, d: IntakeRouteDeps): void {
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
      d.join.join(req.actor, req.params.code, {
        ...(req.body.reporter?.phone ? { reporterPhone: req.body.reporter.phone } : {}),
        ...(req.body.reporter?.name ? { reporterName: req.body.reporter.name } : {}),
      }),
  );
}
