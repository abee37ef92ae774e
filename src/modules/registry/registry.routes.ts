import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { definedFields } from '../../lib/defined.js';
import { auditPurpose, RevealPurpose } from '../identity/index.js';
import { RECORD_KINDS, type RecordKind } from './record-kinds.js';
import { RegistryErrors } from './registry.errors.js';
import { personPolicy, registryImportPolicy } from './registry.policy.js';
import type { RegistryFileKind, RegistryService } from './registry.service.js';
import { readTable, tableFormatOf } from './tabular-file.js';

const AreaCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$' });
const Page = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
};
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const RecordKindSchema = Type.Union(RECORD_KINDS.map((k) => Type.Literal(k as RecordKind)));
const FileKind = Type.Union(
  (['person', ...RECORD_KINDS] as const).map((k) => Type.Literal(k as RegistryFileKind)),
  { default: 'person', description: 'What the file holds (default person)' },
);

const PersonDto = Type.Object({
  id: Type.Integer(),
  name: Nullable(Type.String({ description: 'Masked (surname only)' })),
  idNumber: Nullable(
    Type.String({ description: 'Masked (first and last character); null without a number' }),
  ),
  phone: Nullable(Type.String({ description: 'Masked (138****5678)' })),
  gender: Nullable(Type.String()),
  birthYear: Type.Union([Type.Integer(), Type.Null()]),
  residenceType: Nullable(Type.String()),
  householdNo: Nullable(Type.String()),
  gridCode: Nullable(Type.String()),
});
const ProvenanceDto = Type.Object({
  source: Type.String(),
  fileName: Type.String(),
  row: Type.Integer(),
  importedAt: Type.String({ format: 'date-time' }),
  fields: Type.Array(Type.String()),
});
const ConflictDto = Type.Object({
  id: Type.Integer(),
  entityType: Type.String(),
  entityId: Type.Integer(),
  field: Type.String(),
  gridCode: Nullable(Type.String()),
  current: Nullable(Type.String({ description: 'Masked' })),
  proposed: Nullable(Type.String({ description: 'Masked' })),
  source: Type.String(),
  fileName: Type.String(),
  row: Type.Integer(),
  status: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
const RecordDto = Type.Object({
  id: Type.Integer(),
  key: Nullable(
    Type.String({ description: 'Natural key: address code, building code, household number or credit code' }),
  ),
  gridCode: Nullable(Type.String()),
  values: Type.Record(Type.String(), Nullable(Type.String()), {
    description: 'Field → display value; personal values masked, location as "lng,lat"',
  }),
  provenance: Type.Array(ProvenanceDto),
});
const ImportReportDto = Type.Object({
  batchId: Type.Integer(),
  source: Type.String(),
  fileName: Type.String(),
  rows: Type.Integer(),
  created: Type.Integer(),
  merged: Type.Integer(),
  filled: Type.Integer(),
  conflicts: Type.Integer(),
  rejected: Type.Integer(),
  rejections: Type.Array(Type.Object({ row: Type.Integer(), field: Type.String(), reason: Type.String() })),
});

function presentPerson(p: Awaited<ReturnType<RegistryService['listPeople']>>['items'][number]) {
  return {
    id: p.id,
    name: p.nameMasked,
    idNumber: p.idMasked,
    phone: p.phoneMasked,
    gender: p.gender,
    birthYear: p.birthYear,
    residenceType: p.residenceType,
    householdNo: p.householdNo,
    gridCode: p.gridCode,
  };
}

function presentConflict(c: Awaited<ReturnType<RegistryService['listConflicts']>>['items'][number]) {
  return {
    id: c.id,
    entityType: c.entityType,
    entityId: c.entityId,
    field: c.field,
    gridCode: c.gridCode,
    current: c.currentMasked,
    proposed: c.proposedMasked,
    source: c.source,
    fileName: c.fileName,
    row: c.rowNo,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
  };
}

/** Department files are uploaded whole; 1M rows of CSV is about 80 MB. */
const UPLOAD_LIMIT = 256 * 1024 * 1024;
const UPLOAD_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

/**
 * Base-data endpoints: import of department files of every kind (admin), masked reads in the
 * reader's area, audited reveal, conflicts, quality.
 */
export function registryRoutes(app: TypedApp, registry: RegistryService): void {
  app.register(async (scoped: TypedApp) => {
    scoped.addContentTypeParser(
      UPLOAD_TYPES,
      { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT },
      (_req, body, done) => done(null, body),
    );
    scoped.post(
      '/api/admin/registry/import',
      {
        bodyLimit: UPLOAD_LIMIT,
        config: { access: { policy: registryImportPolicy, action: 'import' } },
        schema: {
          tags: ['registry'],
          summary:
            'Import a department base-data file (CSV or XLSX body) of people, standard addresses, buildings, households or organisations; returns the rejection report',
          consumes: UPLOAD_TYPES,
          querystring: Type.Object(
            {
              kind: FileKind,
              source: Type.String({
                pattern: '^[a-z][a-z0-9_]{1,39}$',
                description: 'Department code of the file',
              }),
              fileName: Type.String({ minLength: 1, maxLength: 200 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: ImportReportDto },
        },
      },
      async (req) => {
        const format = tableFormatOf(req.headers['content-type'] ?? '');
        if (!format || !Buffer.isBuffer(req.body)) throw RegistryErrors.UnsupportedFile();
        return registry.importFile(req.actor, {
          kind: req.query.kind,
          source: req.query.source,
          fileName: req.query.fileName,
          rows: readTable(req.body, format),
        });
      },
    );
  });
  app.get(
    '/api/registry/records',
    {
      config: { access: { policy: personPolicy, action: 'read' } },
      schema: {
        tags: ['registry'],
        summary:
          'Standard addresses, buildings, households or organisations in your area (personal values masked), with provenance',
        querystring: Type.Object(
          {
            kind: RecordKindSchema,
            within: Type.Optional(AreaCode),
            key: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
            ...Page,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(RecordDto), total: Type.Integer() }) },
      },
    },
    async (req) => {
      const { kind, within, key, limit, offset } = req.query;
      const page = await registry.listRecords(req.actor, kind, {
        ...(within ? { within } : {}),
        ...(key ? { key } : {}),
        limit,
        offset,
      });
      return {
        items: page.items.map((r) => ({
          ...r,
          provenance: r.provenance.map((v) => ({
            source: v.source,
            fileName: v.fileName,
            row: v.rowNo,
            importedAt: v.importedAt.toISOString(),
            fields: v.fields,
          })),
        })),
        total: page.total,
      };
    },
  );
  app.get(
    '/api/registry/people',
    {
      config: { access: { policy: personPolicy, action: 'read' } },
      schema: {
        tags: ['registry'],
        summary: 'People in your area (masked)',
        querystring: Type.Object(
          { within: Type.Optional(AreaCode), ...Page },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(PersonDto), total: Type.Integer() }) },
      },
    },
    async (req) => {
      const { within, limit, offset } = req.query;
      const page = await registry.listPeople(req.actor, { ...(within ? { within } : {}), limit, offset });
      return { items: page.items.map(presentPerson), total: page.total };
    },
  );
  app.get(
    '/api/registry/people/:id',
    {
      config: { access: { policy: personPolicy, action: 'read' } },
      schema: {
        tags: ['registry'],
        summary: 'One person (masked) with the provenance of their values',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: {
          200: Type.Intersect([PersonDto, Type.Object({ provenance: Type.Array(ProvenanceDto) })]),
        },
      },
    },
    async (req) => {
      const p = await registry.getPerson(req.actor, req.params.id);
      return {
        ...presentPerson(p),
        provenance: p.provenance.map((v) => ({
          source: v.source,
          fileName: v.fileName,
          row: v.rowNo,
          importedAt: v.importedAt.toISOString(),
          fields: v.fields,
        })),
      };
    },
  );
  app.post(
    '/api/registry/people/:id/reveal',
    {
      config: { access: { policy: personPolicy, action: 'reveal' }, revealsPii: true },
      schema: {
        tags: ['registry'],
        summary: 'Clear values of one person for a stated purpose (audited)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          {
            purpose: RevealPurpose,
            fields: Type.Array(
              Type.Union([Type.Literal('name'), Type.Literal('idNumber'), Type.Literal('phone')]),
              {
                minItems: 1,
                uniqueItems: true,
              },
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            id: Type.Integer(),
            name: Type.Optional(Nullable(Type.String())),
            idNumber: Type.Optional(Nullable(Type.String())),
            phone: Type.Optional(Nullable(Type.String())),
          }),
        },
      },
    },
    async (req) =>
      registry.revealPerson(req.actor, req.params.id, {
        purpose: auditPurpose(req.body.purpose),
        fields: req.body.fields,
        origin: req.ip,
      }),
  );
  app.get(
    '/api/registry/conflicts',
    {
      config: { access: { policy: personPolicy, action: 'read' } },
      schema: {
        tags: ['registry'],
        summary: 'Values on which sources disagree, in your area (masked)',
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union([Type.Literal('open'), Type.Literal('kept'), Type.Literal('replaced')]),
            ),
            within: Type.Optional(AreaCode),
            personId: Type.Optional(Type.Integer({ minimum: 1 })),
            entityType: Type.Optional(
              Type.Union(
                (['person', ...RECORD_KINDS] as const).map((k) => Type.Literal(k as RegistryFileKind)),
              ),
            ),
            entityId: Type.Optional(Type.Integer({ minimum: 1 })),
            ...Page,
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(ConflictDto), total: Type.Integer() }) },
      },
    },
    async (req) => {
      const { status, within, personId, entityType, entityId, limit, offset } = req.query;
      const page = await registry.listConflicts(req.actor, {
        ...(status ? { status } : {}),
        ...(within ? { within } : {}),
        ...definedFields({ personId }),
        ...(entityType ? { entityType } : {}),
        ...definedFields({ entityId }),
        limit,
        offset,
      });
      return { items: page.items.map(presentConflict), total: page.total };
    },
  );
  app.post(
    '/api/registry/conflicts/:id/resolve',
    {
      config: { access: { policy: personPolicy, action: 'resolve' } },
      schema: {
        tags: ['registry'],
        summary: 'Keep the stored value or replace it with the source value (audited)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          { decision: Type.Union([Type.Literal('keep'), Type.Literal('replace')]) },
          { additionalProperties: false },
        ),
        response: { 200: ConflictDto },
      },
    },
    async (req) =>
      presentConflict(await registry.resolveConflict(req.actor, req.params.id, req.body.decision)),
  );
  app.get(
    '/api/registry/quality',
    {
      config: { access: { policy: personPolicy, action: 'read' } },
      schema: {
        tags: ['registry'],
        summary:
          'Per grid in your area: addresses, buildings, organisations, households, people, parts, missing fields, open conflicts',
        querystring: Type.Object({ within: Type.Optional(AreaCode) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                gridCode: Type.String(),
                addresses: Type.Integer(),
                buildings: Type.Integer(),
                organisations: Type.Integer(),
                households: Type.Integer(),
                householdsWithoutHead: Type.Integer(),
                people: Type.Integer(),
                parts: Type.Integer(),
                missingName: Type.Integer(),
                missingPhone: Type.Integer(),
                missingResidenceType: Type.Integer(),
                withoutHousehold: Type.Integer(),
                openConflicts: Type.Integer(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ items: await registry.quality(req.actor, req.query.within) }),
  );
}
