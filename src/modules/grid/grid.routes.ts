import { type Static, Type } from '@sinclair/typebox';
import type { Locale } from '../../config/config.js';
import type { TypedApp } from '../../kernel/http.js';
import { localize } from '../../lib/i18n.js';
import type { AreaRecord } from './area.types.js';
import { areaPolicy } from './grid.policy.js';
import type { GridService } from './grid.service.js';

const AreaLevel = Type.Union([
  Type.Literal('city'),
  Type.Literal('district'),
  Type.Literal('street'),
  Type.Literal('community'),
  Type.Literal('grid'),
]);
const AreaCode = Type.String({
  pattern: '^[0-9]{6}([0-9]{3}){0,3}$',
  description: 'GB/T 30428.1-style area code',
});

/** An area as the API shows it. */
export const AreaDto = Type.Object({
  code: Type.String(),
  level: AreaLevel,
  parentCode: Type.Union([Type.String(), Type.Null()]),
  name: Type.String({ description: 'Name in the response locale' }),
  nameZh: Type.String(),
  nameEn: Type.String(),
  center: Type.Object({ lng: Type.Number(), lat: Type.Number() }),
  bbox: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
  areaM2: Type.Number(),
  validFrom: Type.String({ format: 'date-time' }),
  geometry: Type.Optional(Type.Unknown({ description: 'GeoJSON Polygon or MultiPolygon' })),
});

const ListQuery = Type.Object(
  {
    level: Type.Optional(AreaLevel),
    parent: Type.Optional(AreaCode),
    within: Type.Optional(AreaCode),
    geometry: Type.Optional(Type.Boolean({ default: false })),
    limit: Type.Integer({ minimum: 1, maximum: 5000, default: 100 }),
    offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

/** Presents an area record for the API. */
export function presentArea(a: AreaRecord, locale: Locale): Static<typeof AreaDto> {
  return {
    code: a.code,
    level: a.level,
    parentCode: a.parentCode,
    name: localize({ zh: a.nameZh, en: a.nameEn }, locale),
    nameZh: a.nameZh,
    nameEn: a.nameEn,
    center: a.center,
    bbox: a.bbox,
    areaM2: a.areaM2,
    validFrom: a.validFrom.toISOString(),
    ...(a.geometry ? { geometry: a.geometry } : {}),
  };
}

const FeatureIssueDto = Type.Object({
  index: Type.Integer({ description: 'Index in features[]; -1 = the file itself' }),
  code: Type.Optional(Type.String()),
  reason: Type.String(),
});
const TopologyWarningDto = Type.Object({
  kind: Type.Union([Type.Literal('overlap'), Type.Literal('gap')]),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  codes: Type.Array(Type.String()),
  areaM2: Type.Number(),
});
const ImportReportDto = Type.Object({
  total: Type.Integer(),
  inserted: Type.Integer(),
  reshaped: Type.Integer({
    description: 'Existing codes with a new boundary (old version closed, history kept)',
  }),
  renamed: Type.Integer(),
  unchanged: Type.Integer(),
  skipped: Type.Integer(),
  errors: Type.Array(FeatureIssueDto),
  warnings: Type.Array(TopologyWarningDto),
});
const FeatureCollectionBody = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Unknown(), { maxItems: 200_000 }),
});
const AreaFeatureDto = Type.Object({
  type: Type.Literal('Feature'),
  properties: Type.Object({
    code: Type.String(),
    level: AreaLevel,
    parentCode: Type.Union([Type.String(), Type.Null()]),
    nameZh: Type.String(),
    nameEn: Type.String(),
    validFrom: Type.String({ format: 'date-time' }),
  }),
  geometry: Type.Unknown({ description: 'GeoJSON Polygon or MultiPolygon' }),
});

/** Import bodies carry whole city boundary files. */
const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

/** Area endpoints: the hierarchy and boundaries on the map (public), export, and the admin import. */
export function gridRoutes(app: TypedApp, grid: GridService): void {
  app.get(
    '/api/areas/export.geojson',
    {
      config: { access: 'public' },
      schema: {
        tags: ['areas'],
        summary: 'Current areas as a GeoJSON FeatureCollection (a subtree with `within`)',
        querystring: Type.Object({ within: Type.Optional(AreaCode) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(AreaFeatureDto) }),
        },
      },
    },
    async (req, reply) => {
      const fc = await grid.exportAreas(req.actor, req.query.within);
      reply.header(
        'content-disposition',
        `attachment; filename="areas${req.query.within ? `-${req.query.within}` : ''}.geojson"`,
      );
      reply.type('application/geo+json; charset=utf-8');
      return fc;
    },
  );
  app.post(
    '/api/admin/areas/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: { access: { policy: areaPolicy, action: 'import' } },
      schema: {
        tags: ['areas'],
        summary: 'Import areas from GeoJSON (admin); refused with a per-feature report unless skipInvalid',
        querystring: Type.Object(
          {
            skipInvalid: Type.Boolean({ default: false }),
            fileName: Type.String({ minLength: 1, maxLength: 200, default: 'upload.geojson' }),
          },
          { additionalProperties: false },
        ),
        body: FeatureCollectionBody,
        response: { 200: ImportReportDto },
      },
    },
    async (req) =>
      grid.importAreas(req.actor, req.body, {
        skipInvalid: req.query.skipInvalid,
        fileName: req.query.fileName,
      }),
  );

  app.get(
    '/api/areas',
    {
      config: { access: 'public' },
      schema: {
        tags: ['areas'],
        summary: 'List current areas (filter by level, parent or subtree)',
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(AreaDto), total: Type.Integer() }) },
      },
    },
    async (req) => {
      const q = req.query;
      const result = await grid.listAreas(req.actor, {
        ...(q.level ? { level: q.level } : {}),
        ...(q.parent ? { parentCode: q.parent } : {}),
        ...(q.within ? { within: q.within } : {}),
        withGeometry: q.geometry ?? false,
        limit: q.limit,
        offset: q.offset,
      });
      return { items: result.items.map((a) => presentArea(a, req.locale)), total: result.total };
    },
  );
  app.get(
    '/api/areas/:code',
    {
      config: { access: 'public' },
      schema: {
        tags: ['areas'],
        summary: 'One area with its boundary',
        params: Type.Object({ code: AreaCode }),
        response: { 200: AreaDto },
      },
    },
    async (req) => presentArea(await grid.getArea(req.actor, req.params.code), req.locale),
  );
}
