import { type Static, Type } from '@sinclair/typebox';
import type { TypedApp } from '../../server/app.js';
import { localize } from '../../lib/i18n.js';
import type { Locale } from '../../config/config.js';
import type { AreaRecord } from './area.types.js';
import type { GridService } from './grid.service.js';

const AreaLevel = Type.Union([
  Type.Literal('city'),
  Type.Literal('district'),
  Type.Literal('street'),
  Type.Literal('community'),
  Type.Literal('grid'),
]);
const AreaCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$', description: 'GB/T 30428.1-style area code' });

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

/** Read-only area endpoints (the hierarchy and boundaries on the map). */
export function gridRoutes(app: TypedApp, grid: GridService): void {
  app.get(
    '/api/areas',
    {
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
