import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { CLI_ACTOR } from '../../kernel/actor.js';
import { AppError } from '../../lib/errors.js';
import { reportCsv, reportXlsx } from '../../modules/indicators/index.js';
import type { Services } from '../../server/modules.js';
import { CliFailure, fail, withServices, writeOutputFile } from '../runtime.js';

function day(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new InvalidArgumentError('expected a date YYYY-MM-DD');
  return v;
}

function areaCode(v: string): string {
  if (!/^[0-9]{6}([0-9]{3}){0,3}$/.test(v))
    throw new InvalidArgumentError('expected an area code (6, 9, 12 or 15 digits)');
  return v;
}

/** What `civicgrid indicators export` is asked for. */
export interface IndicatorExportOptions {
  within?: string;
  department?: string;
  from: string;
  to: string;
  format: 'csv' | 'xlsx';
  out: string;
}

/**
 * `civicgrid indicators export`: the report of an area and period as CSV/XLSX, audited
 * (`indicator.export`, origin `cli`) before the file is written.
 */
export async function exportIndicators(
  s: Pick<Services, 'indicators' | 'audit'>,
  opts: IndicatorExportOptions,
): Promise<void> {
  try {
    const report = await s.indicators.compute(CLI_ACTOR, {
      from: opts.from,
      to: opts.to,
      ...(opts.within ? { within: opts.within } : {}),
      ...(opts.department ? { department: opts.department } : {}),
    });
    await s.audit.recordRelease({
      actor: CLI_ACTOR,
      action: 'indicator.export',
      resourceType: 'indicators',
      resourceId: opts.within ?? 'city',
      areaCode: opts.within ?? null,
      details: {
        from: opts.from,
        to: opts.to,
        department: opts.department ?? null,
        format: opts.format,
        file: path.basename(opts.out),
        indicators: report.indicators.length,
      },
    });
    if (opts.format === 'csv') writeOutputFile(opts.out, reportCsv(report));
    else writeOutputFile(opts.out, await reportXlsx(report));
    process.stdout.write(
      `Wrote ${report.indicators.length} indicators and ${report.composites.length} composite scores to ${opts.out}\n`,
    );
  } catch (err) {
    if (err instanceof AppError) throw new CliFailure(err.message);
    throw err;
  }
}

/** `civicgrid indicators export|recount`: the indicator use cases, run as the system actor. */
export function registerIndicatorsCommands(program: Command): void {
  const ind = program.command('indicators').description('Closed-loop indicators: export and recount');
  ind
    .command('export')
    .description('Export the indicators of an area and period as CSV or XLSX')
    .option('--within <code>', 'area code (any level); the whole city when omitted', areaCode)
    .option('--department <code>', 'only this department')
    .requiredOption('--from <day>', 'first local day, YYYY-MM-DD', day)
    .requiredOption('--to <day>', 'last local day, YYYY-MM-DD', day)
    .option('--format <format>', 'csv or xlsx', 'csv')
    .requiredOption('--out <file>', 'file to write')
    .action(
      async (opts: {
        within?: string;
        department?: string;
        from: string;
        to: string;
        format: string;
        out: string;
      }) => {
        const format = opts.format;
        if (format !== 'csv' && format !== 'xlsx') fail('--format must be csv or xlsx');
        await withServices(async (s) => exportIndicators(s, { ...opts, format }));
      },
    );
  ind
    .command('recount')
    .description('Recount the daily rollups from the case event log and report differences')
    .option('--dry-run', 'only report differences, do not rewrite the rollups')
    .action(async (opts: { dryRun?: boolean }) => {
      await withServices(async (s) => {
        const report = await s.indicators.recount(CLI_ACTOR, { apply: opts.dryRun !== true });
        for (const d of report.differences.slice(0, 50)) {
          process.stdout.write(
            `  ${d.day} ${d.gridCode} ${d.departmentCode || '-'} ${d.metric}: stored ${d.stored}, recounted ${d.recounted}\n`,
          );
        }
        if (report.differences.length > 50)
          process.stdout.write(`  … and ${report.differences.length - 50} more\n`);
        process.stdout.write(
          `Recounted ${report.events} events into ${report.cells} rollup cells: ${report.differences.length} differences` +
            `${report.applied ? ', rollups rewritten' : ''}\n`,
        );
        if (report.differences.length > 0 && !report.applied) process.exitCode = 1;
      });
    });
}
