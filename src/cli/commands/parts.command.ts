import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CLI_ACTOR } from '../../kernel/actor.js';
import { AppError } from '../../lib/errors.js';
import { geojsonPartRows } from '../../modules/parts/index.js';
import { readTable, type TableRow, tableFormatOf } from '../../modules/registry/index.js';
import { CliFailure, fail, withServices } from '../runtime.js';

/** `civicgrid parts import --source <dept> file.csv|xlsx|geojson`: the same use case as the admin API. */
export function registerPartsCommands(program: Command): void {
  const parts = program.command('parts').description('City parts (部件, GB/T 30428.2) inventory');
  parts
    .command('import <file>')
    .description(
      'Import parts (CSV, XLSX or GeoJSON points) from one department; each is placed into its grid',
    )
    .requiredOption('--source <dept>', 'department code the file comes from (e.g. urban_mgmt)')
    .action(async (file: string, opts: { source: string }) => {
      const lower = file.toLowerCase();
      const isGeojson = lower.endsWith('.geojson') || lower.endsWith('.json');
      const format = isGeojson ? null : tableFormatOf(file);
      if (!isGeojson && !format) fail(`${file}: only .csv, .xlsx and .geojson files can be imported`);
      let content: Buffer;
      try {
        content = readFileSync(file);
      } catch (err) {
        fail(`cannot read ${file}: ${(err as Error).message}`);
      }
      await withServices(async (services, ctx) => {
        try {
          let rows: AsyncIterable<TableRow> | Iterable<TableRow>;
          if (isGeojson) rows = geojsonPartRows(JSON.parse(content.toString('utf8')) as unknown);
          else rows = readTable(content, format ?? 'csv');
          const progress = ctx.progress();
          progress.start(`Parts from ${opts.source}`, 0);
          const report = await services.parts.importParts(CLI_ACTOR, {
            source: opts.source,
            fileName: path.basename(file),
            rows,
            progress,
          });
          progress.done();
          for (const r of report.rejections.slice(0, 20)) {
            process.stderr.write(`  row ${r.row} ${r.field}: ${r.reason}\n`);
          }
          if (report.rejections.length > 20)
            process.stderr.write(`  … ${report.rejections.length - 20} more\n`);
          process.stdout.write(
            `Batch ${report.batchId} from ${opts.source}: ${report.rows} rows, ${report.created} new parts, ` +
              `${report.updated} updated, ${report.rejected} rows rejected\n`,
          );
        } catch (err) {
          if (err instanceof SyntaxError) throw new CliFailure(`${file}: not valid JSON (${err.message})`);
          if (err instanceof AppError) throw new CliFailure(err.message);
          throw err;
        }
      });
    });
}
