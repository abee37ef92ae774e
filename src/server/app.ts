import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifySchema } from 'fastify';
import { ANONYMOUS } from '../kernel/actor.js';
import type { AppContext } from '../kernel/context.js';
import type { TypedApp } from '../kernel/http.js';
import { installErrorHandling, sendError } from '../kernel/http-errors.js';
import { hasOverlongSegment, MAX_PARAM_LENGTH, paramTooLong } from '../kernel/param-length.js';
import { ROUTER_DETAILS } from '../kernel/validation-messages.js';
import { CommonErrors } from '../lib/errors.js';
import { pickLocale } from '../lib/i18n.js';
import { installAuth } from '../modules/identity/index.js';
import { rejectControlCharacters } from './control-chars.js';
import { rejectNonFiniteNumbers } from './finite-numbers.js';
import { type LogStream, loggerOptions } from './log-redaction.js';
import { createServices, registerRoutes, type Services } from './modules.js';

export type { TypedApp };

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** What buildApp returns: the HTTP app and the services behind it (CLI and tests use both). */
export interface BuiltApp {
  app: TypedApp;
  services: Services;
  /** Every route as registered: the authorization matrix and the fuzz tests walk it. */
  routes: RouteEntry[];
}

/** One registered route. */
export interface RouteEntry {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
  config: unknown;
}

/** How to build the app beyond its context. */
export interface BuildOptions {
  /** Where log lines go instead of stdout (tests capture the log to grep it). */
  logStream?: LogStream;
}

/**
 * Builds the HTTP application around an open database. Listening and closing the database
 * are the caller's job (CLI `serve`, tests).
 */
export async function buildApp(ctx: Omit<AppContext, 'log'>, opts: BuildOptions = {}): Promise<BuiltApp> {
  const app = Fastify({
    // Route patterns and redacted queries, never headers, bodies or SQL parameters (log-redaction.ts).
    logger: ctx.config.logLevel === 'silent' ? false : loggerOptions(ctx.config, opts.logStream),
    bodyLimit: ctx.config.bodyLimit,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH, ignoreTrailingSlash: true },
    // Errors raised by the router before any hook runs (malformed URL, over-long path parameter)
    // get the same {code, message} body as every other rejection.
    frameworkErrors: (err, req, reply) => {
      req.locale = pickLocale(req.headers['accept-language'], undefined, ctx.config.defaultLocale);
      const error =
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? paramTooLong()
          : CommonErrors.ValidationFailed({ params: { detail: ROUTER_DETAILS.malformedUrl }, field: 'url' });
      void sendError(req, reply, error);
    },
    // Forwarded headers only from configured proxies (proxy-addr list); none = the socket address.
    trustProxy: ctx.config.trustProxy.length > 0 ? ctx.config.trustProxy : false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const fullCtx: AppContext = { ...ctx, log: app.log };
  const services = createServices(fullCtx);

  app.decorateRequest('locale', ctx.config.defaultLocale);
  app.decorateRequest('actor', null as never);
  app.addHook('onRequest', async (req, reply) => {
    req.actor = ANONYMOUS;
    req.locale = pickLocale(req.headers['accept-language'], undefined, ctx.config.defaultLocale);
    reply.header('x-request-id', req.id);
  });
  await installAuth(app, services.auth, ctx.config);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Map tiles only from the configured host (TILE_URL); photos are same-origin or blob: previews.
        imgSrc: ["'self'", 'data:', 'blob:', ...tileOrigin(ctx.config.tileUrl)],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
      },
    },
    crossOriginEmbedderPolicy: false,
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'CivicGrid API',
        description: 'Grid-based municipal and community governance. Errors are {code, message}.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          session: { type: 'apiKey', in: 'cookie', name: 'cg_session' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: r.url, schema: r.schema, config: r.config });
    }
  });

  installErrorHandling(app);
  rejectControlCharacters(app);
  rejectNonFiniteNumbers(app);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await registerRoutes(app, services, fullCtx);
  await serveWebApp(app);
  return { app, services, routes };
}

/** Where `npm run build` puts the web app (same depth from src/server and dist/server). */
const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** The origin of the tile template, for the CSP (none when tiles are off). */
function tileOrigin(tileUrl: string): string[] {
  if (!tileUrl) return [];
  const origin = tileUrl.match(/^https?:\/\/[^/]+/)?.[0];
  return origin ? [origin.replace(/\{s\}/, '*')] : [];
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * Serves the built web app: files of web/dist by path, and index.html for other browser
 * navigations (GET accepting HTML, outside /api) so the app's own routes survive a reload.
 * Anything else falls through to the JSON 404. Registered even before a build (then 404s).
 */
async function serveWebApp(app: TypedApp): Promise<void> {
  await app.register(fastifyStatic, { root: WEB_DIST, serve: false });
  app.get('/*', { schema: { hide: true }, config: { access: 'public' } }, async (req, reply) => {
    const rel = safeDecode((req.params as { '*': string })['*'] ?? '');
    // A path that does not decode (a stray "%") names no file: the JSON 404, not a 500.
    if (rel === undefined) return reply.callNotFound();
    // An API route with an over-long parameter lands here for GET: refused as the router refuses
    // it for other methods (frameworkErrors above), same body.
    if (rel.startsWith('api/') && hasOverlongSegment(req.url)) return sendError(req, reply, paramTooLong());
    const isFile = rel !== '' && !rel.includes('..') && existsSync(path.join(WEB_DIST, rel));
    if (isFile && !rel.startsWith('api/')) {
      const immutable = rel.startsWith('assets/');
      return reply
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .sendFile(rel);
    }
    const acceptsHtml = (req.headers.accept ?? '').includes('text/html');
    if (acceptsHtml && !rel.startsWith('api/') && existsSync(path.join(WEB_DIST, 'index.html'))) {
      return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.callNotFound();
  });
}
