import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CLI_ACTOR } from '../../kernel/actor.js';
import { AppError } from '../../lib/errors.js';
import type { AreaImportReport } from '../../modules/grid/index.js';
import type { Services } from '../../server/modules.js';
import { CliFailure, fail, oneLine, withServices, writeOutputFile } from '../runtime.js';

function printIssues(report: Pick<AreaImportReport, 'errors' | 'warnings'>): void {
  for (const e of report.errors) {
    process.stderr.write(`  feature ${e.index}${e.code ? ` (${e.code})` : ''}: ${e.reason}\n`);
  }
  for (const w of report.warnings) {
    process.stderr.write(
      `  warning: ${w.kind} ${w.codes.join(' / ')} in ${w.parentCode ?? 'city'}, ${w.areaM2} m²\n`,
    );
  }
}

/**
 * `civicgrid areas export`: the areas as GeoJSON to a file or stdout, audited (`area.export`,
 * origin `cli`) before anything is written out.
 */
export async function exportAreas(
  services: Pick<Services, 'grid' | 'audit'>,
  opts: { within?: string; output?: string },
  stdout: (text: string) => void = (text) => process.stdout.write(text),
): Promise<void> {
  const fc = await services.grid.exportAreas(CLI_ACTOR, opts.within);
  const text = JSON.stringify(fc);
  await services.audit.recordRelease({
    actor: CLI_ACTOR,
    action: 'area.export',
    resourceType: 'areas',
    resourceId: opts.within ?? 'city',
    areaCode: opts.within ?? null,
    details: { features: fc.features.length, to: opts.output ? path.basename(opts.output) : 'stdout' },
  });
  if (opts.output) {
    writeOutputFile(opts.output, text);
    process.stderr.write(`Wrote ${fc.features.length} areas to ${opts.output}\n`);
  } else {
    stdout(`${text}\n`);
  }
}

/** `civicgrid areas import|export`: the same use cases as the admin API, run as the system actor. */
export function registerAreasCommands(program: Command): void {
  const areas = program.command('areas').description('Area hierarchy: GeoJSON import and export');
  areas
    .command('import <file>')
    .description(
      'Import areas from a GeoJSON FeatureCollection (refused with a per-feature report if any is invalid)',
    )
    .option('--skip-invalid', 'import the valid features and report the invalid ones')
    .action(async (file: string, opts: { skipInvalid?: boolean }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        fail(`cannot read ${file} as JSON: ${oneLine((err as Error).message)}`);
      }
      await withServices(async (services) => {
        try {
          const report = await services.grid.importAreas(CLI_ACTOR, parsed, {
            skipInvalid: opts.skipInvalid === true,
            fileName: path.basename(file),
          });
          printIssues(report);
          process.stdout.write(
            `Imported ${file}: ${report.inserted} new, ${report.reshaped} new boundaries (history kept), ` +
              `${report.renamed} renamed, ${report.unchanged} unchanged, ${report.skipped} skipped, ` +
              `${report.warnings.length} warnings\n`,
          );
        } catch (err) {
          if (err instanceof AppError && err.code === 'AREA_IMPORT_INVALID') {
            printIssues(err.details as AreaImportReport);
            throw new CliFailure(err.message);
          }
          throw err;
        }
      });
    });
  areas
    .command('export')
    .description('Export current areas as GeoJSON')
    .option('--within <code>', 'only this area and everything inside it')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (opts: { within?: string; output?: string }) => {
      if (opts.within !== undefined && !/^[0-9]{6}([0-9]{3}){0,3}$/.test(opts.within)) {
        fail('--within must be an area code (6, 9, 12 or 15 digits)');
      }
      await withServices(async (services) => exportAreas(services, opts));
    });
}
