import { type Static, Type } from '@sinclair/typebox';
import type { Locale } from '../../config/config.js';
import type { TypedApp } from '../../kernel/http.js';
import { localize } from '../../lib/i18n.js';
import { taxonomyPolicy } from './taxonomy.policy.js';
import type { TaxonomyDocument, TaxonomyService } from './taxonomy.service.js';
import type { Category } from './taxonomy.types.js';

const Kind = Type.Union([Type.Literal('event'), Type.Literal('part'), Type.Literal('hotline')]);
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Minutes = Type.Integer({ minimum: 1 });
const Deadlines = Type.Object(
  {
    file: Minutes,
    dispatch: Minutes,
    handle: Minutes,
    verify: Minutes,
    handleUnit: Type.Union([Type.Literal('working'), Type.Literal('natural')]),
  },
  { additionalProperties: false },
);

const MajorBody = Type.Object(
  {
    code: Type.String({ pattern: '^[EPH][0-9]{2}$' }),
    kind: Kind,
    majorCode: Type.String({ pattern: '^[0-9]{2}$' }),
    nameZh: Text(100),
    nameEn: Text(200),
  },
  { additionalProperties: false },
);

const CategoryBody = Type.Object(
  {
    code: Type.String({ pattern: '^[EPH][0-9]{2,4}$' }),
    kind: Kind,
    majorCode: Type.String({ pattern: '^[0-9]{2}$' }),
    minorCode: Type.String({ pattern: '^[0-9]{2}$' }),
    nameZh: Text(100),
    nameEn: Text(200),
    departmentCode: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }),
    filingCriteriaZh: Type.String({ maxLength: 2000 }),
    filingCriteriaEn: Type.String({ maxLength: 2000 }),
    closingCriteriaZh: Type.String({ maxLength: 2000 }),
    closingCriteriaEn: Type.String({ maxLength: 2000 }),
    deadlines: Deadlines,
    milestones: Type.Optional(
      Type.Array(
        Type.Object(
          {
            key: Type.String({ pattern: '^[a-z_]{1,40}$' }),
            nameZh: Text(100),
            nameEn: Text(200),
            minutes: Minutes,
            unit: Type.Union([Type.Literal('working'), Type.Literal('natural')]),
          },
          { additionalProperties: false },
        ),
        { maxItems: 10 },
      ),
    ),
    urgent: Type.Boolean(),
    photoRequired: Type.Boolean(),
    keywordsZh: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 50 }),
    keywordsEn: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 50 }),
  },
  { additionalProperties: false },
);

const VersionBody = Type.Object(
  {
    nameZh: Text(200),
    nameEn: Text(300),
    majors: Type.Array(MajorBody, { minItems: 1, maxItems: 200 }),
    categories: Type.Array(CategoryBody, { minItems: 1, maxItems: 5000 }),
  },
  { additionalProperties: false },
);

const CategoryDto = Type.Object({
  code: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  departmentCode: Type.String(),
  filingCriteria: Type.String(),
  closingCriteria: Type.String(),
  deadlines: Type.Object({
    file: Type.Number(),
    dispatch: Type.Number(),
    handle: Type.Number(),
    verify: Type.Number(),
    handleUnit: Type.String(),
  }),
  urgent: Type.Boolean(),
  photoRequired: Type.Boolean(),
});

const TaxonomyDto = Type.Object({
  version: Type.Integer(),
  majors: Type.Array(
    Type.Object({
      code: Type.String(),
      kind: Type.String(),
      name: Type.String(),
      nameZh: Type.String(),
      nameEn: Type.String(),
      categories: Type.Array(CategoryDto),
    }),
  ),
});

function presentCategory(c: Category, locale: Locale): Static<typeof CategoryDto> {
  return {
    code: c.code,
    kind: c.kind,
    name: localize({ zh: c.nameZh, en: c.nameEn }, locale),
    nameZh: c.nameZh,
    nameEn: c.nameEn,
    departmentCode: c.departmentCode,
    filingCriteria: localize({ zh: c.filingCriteriaZh, en: c.filingCriteriaEn }, locale),
    closingCriteria: localize({ zh: c.closingCriteriaZh, en: c.closingCriteriaEn }, locale),
    deadlines: { ...c.deadlines },
    urgent: c.urgent,
    photoRequired: c.photoRequired,
  };
}

/** HTTP for the taxonomy: the active version (public) and new versions (admin). */
export function taxonomyRoutes(app: TypedApp, taxonomy: TaxonomyService): void {
  app.get(
    '/api/taxonomy',
    {
      config: { access: 'public' },
      schema: {
        tags: ['taxonomy'],
        summary: 'The active categories by major class, names in your language',
        response: { 200: TaxonomyDto },
      },
    },
    async (req) => {
      const t = await taxonomy.active();
      return {
        version: t.version,
        majors: t.majors.map((m) => ({
          code: m.code,
          kind: m.kind,
          name: localize({ zh: m.nameZh, en: m.nameEn }, req.locale),
          nameZh: m.nameZh,
          nameEn: m.nameEn,
          categories: m.categories.map((c) => presentCategory(c, req.locale)),
        })),
      };
    },
  );

  app.post(
    '/api/admin/taxonomy/versions',
    {
      config: { access: { policy: taxonomyPolicy, action: 'create_version' } },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['taxonomy'],
        summary: 'Create and activate a new taxonomy version from a full document (old cases keep theirs)',
        body: VersionBody,
        response: { 201: Type.Object({ version: Type.Integer(), categories: Type.Integer() }) },
      },
    },
    async (req, reply) => {
      const created = await taxonomy.createVersion(req.actor, req.body as TaxonomyDocument);
      return reply.status(201).send(created);
    },
  );
}
