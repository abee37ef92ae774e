import type { Command } from 'commander';
import type { HousekeepingReport } from '../../modules/housekeeping/index.js';
import { withServices } from '../runtime.js';

/** One line per kind, for a person or a cron log. */
export function describeHousekeeping(r: HousekeepingReport): string {
  return [
    `sessions deleted: ${r.sessions}`,
    `one-time codes deleted: ${r.otpCodes}`,
    `throttle windows deleted: ${r.throttleWindows}`,
    `idempotency keys deleted: ${r.idempotencyKeys}`,
    `unattached photos deleted: ${r.orphanPhotos}`,
    `photo files deleted: ${r.photoFiles}`,
  ].join('\n');
}

/** `civicgrid housekeeping`: the pass `serve` runs every `--housekeeping-interval`, once, now. */
export function registerHousekeepingCommands(program: Command): void {
  program
    .command('housekeeping')
    .description(
      'Delete expired sessions, codes and throttle windows, idempotency keys older than 30 days and photos never attached, once; print the counts',
    )
    .action(async () => {
      await withServices(async (services) => {
        const report = await services.housekeeping.runOnce();
        process.stdout.write(`${describeHousekeeping(report)}\n`);
      });
    });
}
