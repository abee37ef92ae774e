import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/config.js';
import type { Db } from '../db/db.js';
import type { Clock } from '../lib/clock.js';
import type { MessageSender } from './message-sender.js';

/**
 * What every module receives to build its services: configuration, the database, time and a
 * logger. Modules add their own services to the registry in `src/server/modules.ts`.
 */
export interface AppContext {
  config: Config;
  db: Db;
  clock: Clock;
  log: FastifyBaseLogger;
  /** An SMS gateway (or a test's recording sender); the built-in dev outbox when absent. */
  messageSender?: MessageSender;
}
