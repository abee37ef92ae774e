#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { checkpointsOff } from '../config/config.js';
import { systemClock } from '../lib/clock.js';
import { isDemoSeeded, seedDemoCity } from '../modules/demo/index.js';
import { buildApp } from '../server/app.js';
import { registerAreasCommands } from './commands/areas.command.js';
import { registerAuditCommands } from './commands/audit.command.js';
import { registerCalendarCommands, warnCalendarCoverage } from './commands/calendar.command.js';
import { registerChannelsCommands } from './commands/channels.command.js';
import { registerHousekeepingCommands } from './commands/housekeeping.command.js';
import { registerIndicatorsCommands } from './commands/indicators.command.js';
import { registerPartsCommands } from './commands/parts.command.js';
import { registerRegistryCommands } from './commands/registry.command.js';
import { registerUsersCommands } from './commands/users.command.js';
import { terminalProgress } from './progress.js';
import { CliFailure, fail, openRuntime, withDb } from './runtime.js';

const program = new Command();
program.name('civicgrid').description('CivicGrid — grid-based municipal governance').version('0.1.0');

function seedOption(v: string): number {
  if (!/^\d{1,9}$/.test(v)) throw new InvalidArgumentError('seed must be a non-negative integer');
  return Number(v);
}

function intervalOption(v: string): number {
  if (!/^\d{1,6}$/.test(v)) throw new InvalidArgumentError('interval must be a whole number of seconds');
  return Number(v);
}

/** Options of `serve`. */
interface ServeOptions {
  demoIfEmpty?: boolean;
  seed: number;
  deadlineInterval: number;
  deviceCheckInterval: number;
  housekeepingInterval: number;
}

program
  .command('serve')
  .description('Run the HTTP server (migrates first)')
  .option('--demo-if-empty', 'create the demo city when the database has no areas')
  .option('--seed <n>', 'demo city seed', seedOption, 2026)
  .option('--deadline-interval <seconds>', 'deadline scheduler pass interval (0 = off)', intervalOption, 30)
  .option('--device-check-interval <seconds>', 'device offline check interval (0 = off)', intervalOption, 60)
  .option('--housekeeping-interval <seconds>', 'housekeeping pass interval (0 = off)', intervalOption, 3600)
  .action(async (opts: ServeOptions) => {
    const { config, db } = await openRuntime();
    if (opts.demoIfEmpty && !(await isDemoSeeded(db))) {
      process.stderr.write(
        `Empty database: creating the demo city (seed ${opts.seed}) — this takes a minute…\n`,
      );
      const summary = await seedDemoCity(db, {
        seed: opts.seed,
        clock: systemClock,
        progress: terminalProgress(),
        dataKey: config.dataKey,
      });
      process.stderr.write(`Demo city ready: ${summary}\n`);
    }
    const { app, services } = await buildApp({ config, db, clock: systemClock });
    const shutdown = async (signal: string) => {
      app.log.info({ signal }, 'shutting down');
      await app.close();
      await db.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (err) {
      await app.close().catch(() => undefined);
      await db.close().catch(() => undefined);
      fail(`Cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
    }
    await warnCalendarCoverage(services.calendar, app.log);
    // Safe on any number of instances; stopped by app.close() (onClose hook in modules.ts).
    if (opts.deadlineInterval > 0) services.cases.deadlines.start(opts.deadlineInterval * 1000);
    // IoT: the offline check (exactly once per silence on any number of nodes) and, when MQTT_URL
    // is set, the reading consumer; both stop with app.close().
    if (opts.deviceCheckInterval > 0) services.iot.offline.start(opts.deviceCheckInterval * 1000);
    services.iot.mqtt?.start();
    // Deletes expired/abandoned rows and orphan photo files; safe on several nodes; stopped by app.close().
    if (opts.housekeepingInterval > 0) services.housekeeping.start(opts.housekeepingInterval * 1000);
    // Signed checkpoints of the audit chain outside the database (every node may write them).
    const off = checkpointsOff(config);
    if (off === null) services.auditCheckpoints?.start(config.auditCheckpointInterval * 1000);
    else if (config.env === 'production')
      app.log.warn(
        `audit checkpoints are off (${off}): deleting the newest audit records and resetting the chain head would go undetected; see SECURITY.md "The audit log"`,
      );
    const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    process.stderr.write(
      `CivicGrid is serving on http://${shown}:${config.port} (database: ${db.driver}); API docs at /api/docs\n`,
    );
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const log = (m: string): void => {
      process.stdout.write(`${m}\n`);
    };
    await withDb(async () => log('Database schema is up to date.'), { log });
  });

program
  .command('demo')
  .description('Seed the demo city into an empty database')
  .option('--seed <n>', 'random seed (same seed, same city)', seedOption, 2026)
  .action(async (opts: { seed: number }) => {
    await withDb(async ({ config, db, progress }) => {
      if (await isDemoSeeded(db))
        throw new CliFailure(
          'the database already holds areas; the demo city is only created in an empty database',
        );
      const summary = await seedDemoCity(db, {
        seed: opts.seed,
        clock: systemClock,
        progress: progress(),
        dataKey: config.dataKey,
      });
      process.stdout.write(`Demo city ready: ${summary}\n`);
    });
  });

registerAreasCommands(program);
registerIndicatorsCommands(program);
registerAuditCommands(program);
registerCalendarCommands(program);
registerUsersCommands(program);
registerRegistryCommands(program);
registerPartsCommands(program);
registerChannelsCommands(program);
registerHousekeepingCommands(program);

program.parseAsync(process.argv).catch((err: Error) => fail(err.stack ?? err.message));
