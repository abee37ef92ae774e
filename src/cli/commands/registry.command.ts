import { accessSync, createReadStream, constants as fsConstants, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CLI_ACTOR } from '../../kernel/actor.js';
import { definedFields } from '../../lib/defined.js';
import { AppError } from '../../lib/errors.js';
import type { RegistryFileKind } from '../../modules/registry/index.js';
import {
  countDataRows,
  FIELD_KINDS,
  type GeneratorLang,
  generateRegistry,
  isFieldKind,
  LEVELS,
  type LinkField,
  linkRecords,
  pairwiseScores,
  prepareRecords,
  RECORD_SPECS,
  readTable,
  recordKindOf,
  registryCsv,
  tableFormatOf,
} from '../../modules/registry/index.js';
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
  registerLinkCommands(registry);
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The `--field column:kind` options, or a failure naming the bad one. */
function linkFieldsOf(specs: readonly string[], headers: readonly string[]): LinkField[] {
  if (specs.length === 0) fail('give at least one --field <column>:<kind>');
  return specs.map((spec) => {
    const at = spec.lastIndexOf(':');
    const column = at < 0 ? spec : spec.slice(0, at);
    const kind = at < 0 ? '' : spec.slice(at + 1);
    if (!isFieldKind(kind))
      fail(`--field ${spec}: kind "${kind}" of column ${column} is not one of ${FIELD_KINDS.join(', ')}`);
    if (!headers.includes(column))
      fail(`--field ${spec}: column ${column} is not in the file (columns: ${headers.join(', ')})`);
    return { column, kind };
  });
}

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** `registry link` (evaluation of the linkage engine on a file, in memory) and `registry generate-people`. */
function registerLinkCommands(registry: Command): void {
  registry
    .command('link <file>')
    .description(
      'Link a person file (CSV or XLSX) against itself in memory (Fellegi–Sunter, EM-estimated): prints pairs ' +
        'compared, linked, for review and persons; with --truth pairwise precision, recall and F1. No database.',
    )
    .requiredOption('--id <column>', 'the column holding each record’s id')
    .option(
      '--field <column:kind>',
      `a compared column and its kind (${FIELD_KINDS.join(', ')}); repeat`,
      collect,
      [],
    )
    .option(
      '--truth <column>',
      'a column holding the true entity key: prints pairwise precision / recall / F1',
    )
    .option('--out <file>', 'write the scored pairs (ids, weight, probability, per-field levels) as CSV')
    .option('--threshold <p>', 'match probability at or above which a pair is linked', '0.9')
    .option('--review <p>', 'match probability from which a pair goes to review', '0.5')
    .action(
      async (
        file: string,
        opts: {
          id: string;
          field: string[];
          truth?: string;
          out?: string;
          threshold: string;
          review: string;
        },
      ) => {
        const started = performance.now();
        const format = tableFormatOf(file);
        if (!format) fail(`${file}: only .csv and .xlsx files can be linked`);
        const threshold = Number(opts.threshold);
        const review = Number(opts.review);
        if (!(threshold > 0 && threshold < 1))
          fail(`--threshold ${opts.threshold}: give a probability between 0 and 1`);
        if (!(review > 0 && review <= threshold))
          fail(`--review ${opts.review}: give a probability between 0 and --threshold`);
        let buffer: Buffer;
        try {
          buffer = readFileSync(file);
        } catch (err) {
          fail(`cannot read ${file}: ${(err as Error).message}`);
        }
        const rows: Record<string, string>[] = [];
        let headers: readonly string[] = [];
        try {
          for await (const row of readTable(buffer, format)) {
            headers = row.headers;
            rows.push(row.values);
          }
        } catch (err) {
          fail(`${file}: ${(err as Error).message}`);
        }
        if (rows.length === 0) fail(`${file}: no data rows`);
        const fields = linkFieldsOf(opts.field, headers);
        for (const [option, column] of [
          ['--id', opts.id],
          ['--truth', opts.truth],
        ] as const) {
          if (column !== undefined && !headers.includes(column))
            fail(`${option} ${column}: column ${column} is not in the file (columns: ${headers.join(', ')})`);
        }
        const records = prepareRecords(rows, opts.id, fields);
        const result = linkRecords(records, fields, { threshold, reviewThreshold: review });
        const { clustering } = result;
        if (opts.out) {
          const header = [
            'left_id',
            'right_id',
            'weight',
            'probability',
            'status',
            'id_conflict',
            ...fields.map((f) => `${f.column}_level`),
          ];
          const linked = new Set(clustering.linked);
          const lines = [header.join(',')];
          for (const p of [...result.pairs].sort((a, b) => b.probability - a.probability)) {
            const status = linked.has(p) ? 'linked' : p.probability >= review ? 'review' : 'unlinked';
            lines.push(
              [
                csvCell(records[p.left]?.id ?? ''),
                csvCell(records[p.right]?.id ?? ''),
                p.weight.toFixed(3),
                p.probability.toPrecision(6),
                status,
                p.idConflict ? '1' : '0',
                ...p.levels.map((l, f) => csvCell(LEVELS[fields[f]?.kind ?? 'text'][l] ?? String(l))),
              ].join(','),
            );
          }
          writeOutputFile(opts.out, `${lines.join('\n')}\n`);
        }
        const seconds = (performance.now() - started) / 1000;
        process.stdout.write(
          `${rows.length} records: ${result.candidates} pairs compared (${result.skippedBlocks} oversized blocks skipped), ` +
            `${clustering.linked.length} linked, ${clustering.review.length} for review ` +
            `(${clustering.refused} refused: different valid id numbers), ${clustering.clusters} persons; ` +
            `EM ${result.params.iterations} iterations${result.params.converged ? '' : ' (not converged)'}; ${seconds.toFixed(2)} s\n`,
        );
        if (opts.truth) {
          const truthColumn = opts.truth;
          const s = pairwiseScores(
            clustering.clusterOf,
            rows.map((r, i) => r[truthColumn] ?? `\u0000row${i}`),
          );
          process.stdout.write(
            `pairwise precision ${s.precision.toFixed(4)}, recall ${s.recall.toFixed(4)}, F1 ${s.f1.toFixed(4)} ` +
              `(${s.correctPairs} of ${s.predictedPairs} linked pairs correct, ${s.truePairs} true pairs; ` +
              `${s.truthEntities} true entities)\n`,
          );
        }
      },
    );

  registry
    .command('generate-people')
    .description('Write a generated person registry with known truth (entity_id) for linkage tests')
    .option('--rows <n>', 'number of records', '5000')
    .option('--seed <s>', 'seed (same seed, same file)', '1')
    .option(
      '--lang <zh|en>',
      'Chinese (name, id_number, birth_date, phone, address) or English columns',
      'zh',
    )
    .requiredOption('--out <file>', 'the CSV file to write')
    .action((opts: { rows: string; seed: string; lang: string; out: string }) => {
      const rows = Number(opts.rows);
      if (!Number.isInteger(rows) || rows < 1) fail(`--rows ${opts.rows}: give a positive whole number`);
      if (opts.lang !== 'zh' && opts.lang !== 'en') fail(`--lang ${opts.lang}: use zh or en`);
      const reg = generateRegistry({ rows, seed: opts.seed, lang: opts.lang as GeneratorLang });
      writeOutputFile(opts.out, registryCsv(reg));
      process.stdout.write(`${rows} ${opts.lang} records written to ${opts.out}\n`);
    });
}
