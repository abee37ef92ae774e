import { type Static, Type } from '@sinclair/typebox';
import type { Locale } from '../../config/config.js';
import type { TypedApp } from '../../kernel/http.js';
import { localize } from '../../lib/i18n.js';
import { GridErrors } from './grid.errors.js';
import type { LocatedArea, LocateService, Location } from './locate.service.js';

const Lng = Type.Number({ minimum: -180, maximum: 180, description: 'Longitude, WGS 84' });
const Lat = Type.Number({ minimum: -90, maximum: 90, description: 'Latitude, WGS 84' });

const LocatedAreaDto = Type.Object({
  code: Type.String(),
  level: Type.String(),
  name: Type.String({ description: 'Name in the response locale' }),
  nameZh: Type.String(),
  nameEn: Type.String(),
});

/** A location as the API shows it. */
export const LocationDto = Type.Object({
  grid: LocatedAreaDto,
  ancestors: Type.Array(LocatedAreaDto, { description: 'City › district › street › community' }),
});

/** Most points one batch request may carry (about 400 kB of JSON). */
export const LOCATE_BATCH_MAX = 10_000;

function presentArea(a: LocatedArea, locale: Locale): Static<typeof LocatedAreaDto> {
  return { ...a, name: localize({ zh: a.nameZh, en: a.nameEn }, locale) };
}

/** Presents a location for the API. */
export function presentLocation(l: Location, locale: Locale): Static<typeof LocationDto> {
  return { grid: presentArea(l.grid, locale), ancestors: l.ancestors.map((a) => presentArea(a, locale)) };
}

/**
 * Point → grid endpoints. Grid boundaries are public (residents drop a pin on the map before
 * signing in), so locating needs no grant.
 */
export function locateRoutes(app: TypedApp, locate: LocateService): void {
  app.get(
    '/api/locate',
    {
      config: { access: 'public' },
      schema: {
        tags: ['areas'],
        summary: 'The unit grid (and its ancestors) containing a point; 422 OUTSIDE_CITY outside every grid',
        querystring: Type.Object({ lat: Lat, lng: Lng }, { additionalProperties: false }),
        response: { 200: LocationDto },
      },
    },
    async (req) => {
      const { lng, lat } = req.query;
      const found = await locate.locate(lng, lat);
      if (!found) throw GridErrors.OutsideCity({ params: { lng, lat } });
      return presentLocation(found, req.locale);
    },
  );
  app.post(
    '/api/locate/batch',
    {
      bodyLimit: 2 * 1024 * 1024,
      config: { access: 'public' },
      schema: {
        tags: ['areas'],
        summary: `Grid codes of up to ${LOCATE_BATCH_MAX} points (null = outside the city), in input order`,
        body: Type.Object(
          {
            points: Type.Array(Type.Object({ lng: Lng, lat: Lat }, { additionalProperties: false }), {
              minItems: 1,
              maxItems: LOCATE_BATCH_MAX,
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            codes: Type.Array(Type.Union([Type.String(), Type.Null()])),
            outside: Type.Integer({ description: 'Points outside every grid' }),
          }),
        },
      },
    },
    async (req) => {
      const codes = await locate.locateMany(req.body.points);
      return { codes, outside: codes.filter((c) => c === null).length };
    },
  );
}
