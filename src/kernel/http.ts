/**
 * The HTTP contract every module's routes are written against: the Fastify instance with
 * TypeBox typing and what the request carries once the server's hooks have run. Modules import
 * this, never src/server (the composition root that builds the app).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Locale } from '../config/config.js';
import type { Actor } from './actor.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Response language, from the user's setting or Accept-Language. */
    locale: Locale;
    /** Who is asking; set by the identity module's hook, anonymous otherwise. */
    actor: Actor;
  }
}

/** The Fastify instance with TypeBox typing, as route files receive it. */
export type TypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
