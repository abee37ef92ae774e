import { accessSync, createReadStream, constants as fsConstants, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CLI_ACTOR } from '../../kernel/actor.js';
import { definedFields } from '../../lib/defined.js';
import { AppError } from '../../lib/errors.js';
import { RECORD_SPECS, recordKindOf } from '../../modules/registry/record-kinds.js';
import type { RegistryFileKind } from '../../modules/registry/registry.service.js';
import { countDataRows, readTable, tableFormatOf } from '../../modules/registry/tabular-file.js';
import { CliFailure, fail, withServices, writeOutputFile } from '../runtime.js';

/** The kind a `--kind` value names (person by default), or a failure listing the kinds. */
function fileKindOf(name: string | undefined): RegistryFileKind {
  if (name === undefined || ['person', 'people', '人口'].includes(name.trim().toLowerCase())) return 'person';
  const kind = recordKindOf(name);
  if (!kind) fail(`--kind ${name}: use person, ${Object.keys(RECORD_SPECS).join(', ')}`);
  return kind;
}

/**
 * `civicgrid registry import [--kind address|building|household|organisation] --source <dept>
 * file.csv|xlsx`: the same use case as the admin API (people by default).
 */
export function registerRegistryCommands(program: Command): void {
  const registry = program.command('registry').description('Base data (一标三实): department imports');
  registry
    .command('import <file>')
    .description(
      'Import a base-data file (CSV or XLSX) from one department: people (default), standard addresses, ' +
        'buildings, households or organisations; merged on their key, conflicts kept, bad rows reported, all or nothing',
    )
    .requiredOption('--source <dept>', 'department code the file comes from (e.g. public_security)')
    .option(
      '--kind <kind>',
      'what the file holds: person, address (key 地址编码), building (建筑物编码), household (户号), organisation (统一社会信用代码)',
      'person',
    )
    .option('--rejections <file>', 'write the rejection report as CSV (row,field,reason)')
    .action(async (file: string, opts: { source: string; kind?: string; rejections?: string }) => {
      const kind = fileKindOf(opts.kind);
      const format = tableFormatOf(file);
      if (!format) fail(`${file}: only .csv and .xlsx files can be imported`);
      let expectedRows: number | undefined;
      try {
        if (format === 'csv') expectedRows = countDataRows(readFileSync(file), 'csv');
        else accessSync(file, fsConstants.R_OK);
      } catch (err) {
        fail(`cannot read ${file}: ${(err as Error).message}`);
      }
      await withServices(async (services, ctx) => {
        try {
          const report = await services.registry.importFile(CLI_ACTOR, {
            kind,
            source: opts.source,
            fileName: path.basename(file),
            rows: readTable(createReadStream(file), format),
            progress: ctx.progress(),
            ...definedFields({ expectedRows }),
          });
          for (const r of report.rejections.slice(0, 20)) {
            process.stderr.write(`  row ${r.row} ${r.field}: ${r.reason}\n`);
          }
          if (report.rejections.length > 20)
            process.stderr.write(`  … ${report.rejections.length - 20} more\n`);
          if (opts.rejections) {
            const lines = report.rejections.map(
              (r) => `${r.row},${r.field},"${r.reason.replace(/"/g, '""')}"`,
            );
            writeOutputFile(opts.rejections, `row,field,reason\n${lines.join('\n')}\n`);
          }
          process.stdout.write(
            `Batch ${report.batchId} from ${report.source}: ${report.rows} rows, ` +
              `${report.created} new ${kind === 'person' ? 'people' : RECORD_SPECS[kind].table}, ` +
              `${report.merged} merged, ${report.filled} fields filled, ${report.conflicts} conflicts, ` +
              `${report.rejected} rows rejected\n`,
          );
        } catch (err) {
          if (err instanceof AppError) throw new CliFailure(err.message);
          throw err;
        }
      });
    });
}
