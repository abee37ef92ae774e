import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { text } from '../../lib/errors.js';
import { RegistryErrors, readTable, tableFormatOf } from '../registry/index.js';
import { partImportPolicy, partPolicy } from './parts.policy.js';
import { geojsonPartRows, type PartsService } from './parts.service.js';

const State = Type.Union(
  ['normal', 'damaged', 'missing', 'repairing', 'removed'].map((s) => Type.Literal(s as 'normal')),
);
const PartDto = Type.Object({
  id: Type.Integer(),
  code: Type.String({ description: '16-digit GB/T 30428.2 identifier' }),
  categoryCode: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  ownerDepartment: Type.String(),
  state: Type.String(),
  lng: Type.Number(),
  lat: Type.Number(),
  gridCode: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
});
const UPLOAD_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/geo+json',
];
const UPLOAD_LIMIT = 128 * 1024 * 1024;

/** City parts endpoints: inventory list in your area, admin import (CSV, XLSX or GeoJSON points). */
export function partsRoutes(app: TypedApp, parts: PartsService): void {
  app.register(async (scoped: TypedApp) => {
    scoped.addContentTypeParser(
      UPLOAD_TYPES,
      { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT },
      (_req, body, done) => done(null, body),
    );
    scoped.post(
      '/api/admin/parts/import',
      {
        bodyLimit: UPLOAD_LIMIT,
        config: { access: { policy: partImportPolicy, action: 'import' } },
        schema: {
          tags: ['parts'],
          summary: 'Import city parts (CSV, XLSX or GeoJSON points); each is placed into its grid',
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
              batchId: Type.Integer(),
              rows: Type.Integer(),
              created: Type.Integer(),
              updated: Type.Integer(),
              rejected: Type.Integer(),
              rejections: Type.Array(
                Type.Object({ row: Type.Integer(), field: Type.String(), reason: Type.String() }),
              ),
            }),
          },
        },
      },
      async (req) => {
        const type = req.headers['content-type'] ?? '';
        if (!Buffer.isBuffer(req.body)) throw RegistryErrors.UnsupportedFile();
        let rows: ReturnType<typeof readTable> | ReturnType<typeof geojsonPartRows>;
        if (type.startsWith('application/geo+json')) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(req.body.toString('utf8'));
          } catch {
            throw RegistryErrors.UnreadableFile({
              params: { detail: text('不是合法的 JSON', 'invalid JSON') },
            });
          }
          rows = geojsonPartRows(parsed);
        } else {
          const format = tableFormatOf(type);
          if (!format) throw RegistryErrors.UnsupportedFile();
          rows = readTable(req.body, format);
        }
        return parts.importParts(req.actor, { source: req.query.source, fileName: req.query.fileName, rows });
      },
    );
  });
  app.get(
    '/api/parts',
    {
      config: { access: { policy: partPolicy, action: 'read' } },
      schema: {
        tags: ['parts'],
        summary: 'City parts in your area',
        querystring: Type.Object(
          {
            within: Type.Optional(Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$' })),
            category: Type.Optional(Type.String({ pattern: '^P[0-9]{4}$' })),
            state: Type.Optional(State),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(PartDto), total: Type.Integer() }) },
      },
    },
    async (req) => {
      const { within, category, state, limit, offset } = req.query;
      const page = await parts.list(req.actor, {
        ...(within ? { within } : {}),
        ...(category ? { categoryCode: category } : {}),
        ...(state ? { state } : {}),
        limit,
        offset,
      });
      return {
        items: page.items.map((p) => ({ ...p, updatedAt: p.updatedAt.toISOString() })),
        total: page.total,
      };
    },
  );
}
