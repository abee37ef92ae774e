import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { systemClock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import type { AreaImportReport } from '../../modules/grid/grid.service.js';
import { systemActor } from '../../modules/identity/actor.js';
import { buildApp } from '../../server/app.js';
import { fail, openRuntime } from '../runtime.js';

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
        fail(`cannot read ${file} as JSON: ${(err as Error).message}`);
      }
      const { config, db } = await openRuntime();
      const { services } = await buildApp({
        config: { ...config, logLevel: 'silent' },
        db,
        clock: systemClock,
      });
      try {
        const report = await services.grid.importAreas(systemActor('cli'), parsed, {
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
          await db.close();
          fail(err.message);
        }
        throw err;
      } finally {
        await services.locate.stop();
      }
      await db.close();
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
      const { config, db } = await openRuntime();
      const { services } = await buildApp({
        config: { ...config, logLevel: 'silent' },
        db,
        clock: systemClock,
      });
      const fc = await services.grid.exportAreas(systemActor('cli'), opts.within);
      const text = JSON.stringify(fc);
      if (opts.output) {
        writeFileSync(opts.output, text);
        process.stderr.write(`Wrote ${fc.features.length} areas to ${opts.output}\n`);
      } else {
        process.stdout.write(`${text}\n`);
      }
      await db.close();
    });
}
