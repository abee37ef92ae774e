/**
 * HTTP for Open311 GeoReport v2 under `/open311/v2/` (+ `/open311/discovery.{json,xml}`) and the
 * admin API for its keys. The GeoReport routes live in their own plugin scope: they parse
 * `application/x-www-form-urlencoded` bodies and answer every error as the spec's list
 * (`[{code, description}]` / `<errors><error>…`) in the format the URL asked for.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { TypedApp } from '../../kernel/http.js';
import { routeNotFound, STATUS_BY_KIND, toAppError } from '../../kernel/http-errors.js';
import { hasOverlongSegment, paramTooLong } from '../../kernel/param-length.js';
import type { ApiKeyRecord } from './api-key.repository.js';
import type { ApiKeyService } from './api-key.service.js';
import { Open311Errors } from './open311.errors.js';
import { open311KeyPolicy } from './open311.policy.js';
import type { Open311Service } from './open311.service.js';
import { contentType, type Open311Format, toXml, type XmlValue } from './open311-format.js';
import { type Fields, jurisdictionOf, parseCreateRequest, parseListRequests } from './open311-params.js';

const FormatParam = Type.String({ maxLength: 10 });
const Id = Type.String({ minLength: 1, maxLength: 200 });

function formatOf(p: string): Open311Format {
  if (p === 'json' || p === 'xml') return p;
  throw Open311Errors.FormatNotFound({ params: { format: p.slice(0, 10) } });
}

/** The URL's format, for answers (errors included) written before or without route params. */
function formatOfUrl(url: string): Open311Format {
  return /\.xml$/i.test(url.split('?')[0] ?? '') ? 'xml' : 'json';
}

function send(reply: FastifyReply, format: Open311Format, root: string, value: XmlValue, status = 200) {
  return reply
    .status(status)
    .type(contentType(format))
    .send(format === 'xml' ? toXml(root, value) : JSON.stringify(value));
}

/** Query or body fields as plain strings (JSON bodies are accepted flat, like the form). */
function fieldsOf(value: unknown): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Fields = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

const common = { config: { access: 'public' as const }, schema: { tags: ['open311'], hide: false } };

/** Mounts the GeoReport v2 endpoints (public reads, api_key on POST). */
export function open311Routes(app: TypedApp, open311: Open311Service): void {
  void app.register(
    async (plain) => {
      const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string' },
        (_req, body, done) => {
          const fields: Record<string, string | string[]> = {};
          for (const [k, v] of new URLSearchParams(body as string)) {
            const prev = fields[k];
            fields[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
          }
          done(null, fields);
        },
      );
      scope.setErrorHandler((err, req, reply) => {
        const e = toAppError(err, req.id);
        let status = STATUS_BY_KIND[e.kind];
        // The spec's statuses: 400 for anything wrong with the parameters, 403 for the key.
        if (status === 422 || status === 409 || status === 413 || status === 415) status = 400;
        if (status === 401) status = 403;
        if (status >= 500) req.log.error({ err }, 'open311 request failed');
        if (e.kind === 'rate_limited' && typeof e.params.seconds === 'number')
          reply.header('retry-after', String(e.params.seconds));
        if (status === 503) reply.header('retry-after', '5');
        return send(
          reply,
          formatOfUrl(req.url),
          'errors',
          [{ code: status, description: e.localized(req.locale) }],
          status,
        );
      });
      // Unknown URLs under /open311/ answer in the spec's format too (GET needs a route of its own:
      // the web app's `GET /*` fallback would otherwise answer them).
      const notFound = routeNotFound;
      scope.setNotFoundHandler(async (req) => {
        throw notFound(req);
      });
      scope.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (req) => {
        // A GET route with an over-long parameter lands here too (param-length.ts).
        throw hasOverlongSegment(req.url) ? paramTooLong() : notFound(req);
      });

      scope.get(
        '/discovery.:format',
        {
          ...common,
          schema: {
            ...common.schema,
            summary: 'GeoReport v2 discovery document',
            params: Type.Object({ format: FormatParam }),
          },
        },
        async (req, reply) =>
          send(reply, formatOf(req.params.format), 'discovery', { ...open311.discovery() }),
      );

      scope.get(
        '/v2/services.:format',
        {
          ...common,
          schema: {
            ...common.schema,
            summary: 'Services (event and part categories)',
            params: Type.Object({ format: FormatParam }),
          },
        },
        async (req, reply) => {
          const format = formatOf(req.params.format);
          const services = await open311.services(jurisdictionOf(fieldsOf(req.query)), req.locale);
          return send(
            reply,
            format,
            'services',
            services.map((s) => ({ ...s })),
          );
        },
      );

      scope.get(
        '/v2/services/:service_code.:format',
        {
          ...common,
          schema: {
            ...common.schema,
            summary: 'Service definition: the attributes of a service',
            params: Type.Object({ service_code: Id, format: FormatParam }),
          },
        },
        async (req, reply) => {
          const format = formatOf(req.params.format);
          const def = await open311.serviceDefinition(
            req.params.service_code,
            jurisdictionOf(fieldsOf(req.query)),
            req.locale,
          );
          return send(reply, format, 'service_definition', {
            service_code: def.service_code,
            attributes: def.attributes.map((a) => ({
              ...a,
              ...(a.values ? { values: a.values.map((v) => ({ ...v })) } : {}),
            })),
          });
        },
      );

      scope.post(
        '/v2/requests.:format',
        {
          ...common,
          schema: {
            ...common.schema,
            summary: 'Create a service request (form-encoded; api_key required)',
            params: Type.Object({ format: FormatParam }),
          },
        },
        async (req, reply) => {
          const format = formatOf(req.params.format);
          const created = await open311.createRequest(parseCreateRequest(fieldsOf(req.body)), req.locale);
          return send(
            reply,
            format,
            'service_requests',
            created.map((c) => ({ ...c })),
            201,
          );
        },
      );

      scope.get(
        '/v2/requests.:format',
        {
          ...common,
          schema: {
            ...common.schema,
            summary:
              'Service requests: service_request_id, service_code, start_date, end_date, status, page, page_size',
            params: Type.Object({ format: FormatParam }),
          },
        },
        async (req, reply) => {
          const format = formatOf(req.params.format);
          const requests = await open311.listRequests(parseListRequests(fieldsOf(req.query)), req.locale);
          return send(
            reply,
            format,
            'service_requests',
            requests.map((r) => ({ ...r })),
          );
        },
      );

      scope.get(
        '/v2/requests/:service_request_id.:format',
        {
          ...common,
          schema: {
            ...common.schema,
            summary: 'One service request',
            params: Type.Object({ service_request_id: Id, format: FormatParam }),
          },
        },
        async (req, reply) => {
          const format = formatOf(req.params.format);
          const requests = await open311.getRequest(
            req.params.service_request_id,
            jurisdictionOf(fieldsOf(req.query)),
            req.locale,
          );
          return send(
            reply,
            format,
            'service_requests',
            requests.map((r) => ({ ...r })),
          );
        },
      );

      scope.get(
        '/v2/tokens/:token.:format',
        {
          ...common,
          schema: {
            ...common.schema,
            summary: 'The service_request_id a token became',
            params: Type.Object({ token: Id, format: FormatParam }),
          },
        },
        async (req, reply) => {
          const format = formatOf(req.params.format);
          const found = await open311.token(req.params.token, jurisdictionOf(fieldsOf(req.query)));
          return send(
            reply,
            format,
            'service_requests',
            found.map((t) => ({ ...t })),
          );
        },
      );
    },
    { prefix: '/open311' },
  );
}

const KeyDto = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  keyPrefix: Type.String(),
  jurisdictionId: Type.String(),
  ratePerMinute: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const presentKey = (k: ApiKeyRecord) => ({
  ...k,
  createdAt: k.createdAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

/** Admin API for Open311 API keys. */
export function open311KeyRoutes(app: TypedApp, keys: ApiKeyService): void {
  app.post(
    '/api/admin/open311/keys',
    {
      config: { access: { policy: open311KeyPolicy, action: 'create' } },
      schema: {
        tags: ['open311'],
        summary: 'Issue an Open311 API key; the key is shown once (only its hash is kept)',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            jurisdictionId: Type.Optional(Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$' })),
            ratePerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Composite([KeyDto, Type.Object({ key: Type.String() })]) },
      },
    },
    async (req, reply) => {
      const { key, record } = await keys.create(req.actor, req.body);
      return reply.status(201).send({ ...presentKey(record), key });
    },
  );

  app.get(
    '/api/admin/open311/keys',
    {
      config: { access: { policy: open311KeyPolicy, action: 'list' } },
      schema: {
        tags: ['open311'],
        summary: 'Open311 API keys (prefixes only), newest first',
        response: { 200: Type.Object({ items: Type.Array(KeyDto) }) },
      },
    },
    async (req) => ({ items: (await keys.list(req.actor)).map(presentKey) }),
  );

  app.delete(
    '/api/admin/open311/keys/:id',
    {
      config: { access: { policy: open311KeyPolicy, action: 'revoke' } },
      schema: {
        tags: ['open311'],
        summary: 'Revoke an Open311 API key',
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }),
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await keys.revoke(req.actor, req.params.id);
      return reply.status(204).send(null);
    },
  );
}
