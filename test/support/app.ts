import { loadConfig } from '../../src/config/config.js';
import type { Db } from '../../src/db/db.js';
import type { MessageSender } from '../../src/kernel/message-sender.js';
import { type Clock, systemClock } from '../../src/lib/clock.js';
import { type BuiltApp, buildApp } from '../../src/server/app.js';
import type { LogStream } from '../../src/server/log-redaction.js';

/** Test configuration: fixed secrets, silent logs, no files written. */
export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig({
    NODE_ENV: 'test',
    SESSION_SECRET: 's'.repeat(40),
    DATA_KEY: 'd'.repeat(40),
    DATA_DIR: '/tmp/civicgrid-test-unused',
    ...overrides,
  });
}

/** Builds the real application over a test database (inject() requests, no port). */
export async function buildTestApp(
  db: Db,
  opts: {
    clock?: Clock;
    env?: Record<string, string>;
    sender?: MessageSender;
    /** Capture the server log (at LOG_LEVEL, `trace` unless env sets it) instead of none. */
    logStream?: LogStream;
  } = {},
): Promise<BuiltApp> {
  const env = opts.logStream ? { LOG_LEVEL: 'trace', ...opts.env } : opts.env;
  const built = await buildApp(
    {
      config: testConfig(env),
      db,
      clock: opts.clock ?? systemClock,
      ...(opts.sender ? { messageSender: opts.sender } : {}),
    },
    opts.logStream ? { logStream: opts.logStream } : {},
  );
  await built.app.ready();
  return built;
}
