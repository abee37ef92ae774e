import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { FastifyBaseLogger } from 'fastify';
import { CLI_ACTOR } from '../../kernel/actor.js';
import type { CalendarService } from '../../modules/calendar/index.js';
import { COVERAGE_DAYS, parseHolidayFile } from '../../modules/calendar/index.js';
import { fail, withServices } from '../runtime.js';

/** Logs a warning at start-up when the holiday calendar covers fewer than 90 days ahead. */
export async function warnCalendarCoverage(calendar: CalendarService, log: FastifyBaseLogger): Promise<void> {
  const c = await calendar.coverage();
  if (c.warn)
    log.warn(
      { coveredUntil: c.coveredUntil, daysCovered: c.daysCovered, missingYear: c.missingYear },
      `holiday calendar covers fewer than ${COVERAGE_DAYS} days ahead: import ${c.missingYear} (civicgrid calendar import FILE)`,
    );
}

/** `civicgrid calendar import FILE | coverage`: the State Council's yearly holiday list. */
export function registerCalendarCommands(program: Command): void {
  const cal = program.command('calendar').description('The working calendar: holidays and make-up workdays');
  cal
    .command('import <file>')
    .description(
      'Add the holidays and make-up workdays of a file (JSON [{date, kind, label}] or CSV date,kind,label; ' +
        'kind holiday/休 or workday/班; date may be a range 2027-01-01..2027-01-03); all or nothing',
    )
    .action(async (file: string) => {
      let content: string;
      try {
        content = readFileSync(file, 'utf8');
      } catch (err) {
        fail(`Cannot read ${file}: ${(err as Error).message}`);
      }
      const { items, problems } = parseHolidayFile(content);
      if (problems.length > 0)
        fail(
          `${file}: nothing imported, ${problems.length} problem(s):\n` +
            problems
              .slice(0, 20)
              .map((p) => `  line ${p.line}: ${p.reason}`)
              .join('\n'),
        );
      if (items.length === 0) fail(`${file}: no entries`);
      await withServices(async (s) => {
        const c = await s.calendar.importExceptions(CLI_ACTOR, items, file);
        process.stdout.write(
          `Imported ${items.length} dates; holidays known until ${c.coveredUntil} (${c.daysCovered} days ahead)\n`,
        );
      });
    });
  cal
    .command('coverage')
    .description(`How far ahead holidays are known (exit 1 when fewer than ${COVERAGE_DAYS} days)`)
    .action(async () => {
      await withServices(async (s) => {
        const c = await s.calendar.coverage();
        process.stdout.write(
          `${c.warn ? 'WARN' : 'OK'}: holidays known until ${c.coveredUntil ?? '(none)'} (${c.daysCovered} days ahead)` +
            `${c.warn ? `; import ${c.missingYear}` : ''}\n`,
        );
        if (c.warn) process.exitCode = 1;
      });
    });
}
