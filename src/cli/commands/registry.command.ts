import { accessSync, createReadStream, constants as fsConstants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CLI_ACTOR } from '../../kernel/actor.js';
import { silentProgress } from '../../kernel/progress.js';
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
  thresholdCurve,
} from '../../modules/registry/index.js';
import { terminalProgress } from '../progress.js';
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

/** `registry link` refuses files over this many bytes unless --max-bytes says otherwise (512 MiB). */
export const DEFAULT_LINK_MAX_BYTES = 512 * 1024 * 1024;

/** `500000`, `64k`, `500M`, `2G` (binary multiples) → bytes, or null. */
function byteSize(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(s.trim());
  if (!m) return null;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[
    (m[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'
  ];
  return Math.floor(Number(m[1]) * unit);
}

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
    .option(
      '--max-bytes <n>',
      'refuse a file larger than this (bytes; k, M, G suffixes); the whole file is held in memory',
      String(DEFAULT_LINK_MAX_BYTES),
    )
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
          maxBytes: string;
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
        const maxBytes = byteSize(opts.maxBytes);
        if (maxBytes === null)
          fail(`--max-bytes ${opts.maxBytes}: give a size in bytes (e.g. 500000000 or 500M)`);
        let size: number;
        try {
          size = statSync(file).size;
        } catch (err) {
          fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
        }
        if (size > maxBytes)
          fail(`${file}: ${size} bytes is over the limit of ${maxBytes} bytes (--max-bytes); nothing linked`);
        const buffer = readFileSync(file);
        const rows: Record<string, string>[] = [];
        let headers: readonly string[] = [];
        let lastRow = 1;
        try {
          for await (const row of readTable(buffer, format)) {
            headers = row.headers;
            lastRow = row.rowNo;
            rows.push(row.values);
          }
        } catch (err) {
          // The parser's message can quote the cell it choked on: name the line, never the content.
          const e = err as { code?: unknown; lines?: unknown };
          const line = typeof e.lines === 'number' ? e.lines : lastRow + 1;
          const code = typeof e.code === 'string' ? ` (${e.code})` : '';
          fail(`${file}: line ${line}: not readable as ${format.toUpperCase()}${code}; nothing linked`);
        }
        if (rows.length === 0) fail(`${file}: no data rows (line 2 onwards is empty); nothing linked`);
        const fields = linkFieldsOf(opts.field, headers);
        for (const [option, column] of [
          ['--id', opts.id],
          ['--truth', opts.truth],
        ] as const) {
          if (column !== undefined && !headers.includes(column))
            fail(`${option} ${column}: column ${column} is not in the file (columns: ${headers.join(', ')})`);
        }
        const progress = process.stderr.isTTY ? terminalProgress(process.stderr) : silentProgress;
        const truthColumn = opts.truth;
        const truth = truthColumn ? rows.map((r, i) => r[truthColumn] ?? `\u0000row${i}`) : null;
        const records = prepareRecords(rows, opts.id, fields, progress);
        const recordCount = rows.length;
        rows.length = 0; // the raw cells are no longer needed: free them before the pairs grow
        const result = linkRecords(records, fields, { threshold, reviewThreshold: review, progress });
        const { clustering, scores } = result;
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
          const order = Array.from({ length: scores.count }, (_, k) => k).sort(
            (x, y) => (scores.probability[y] as number) - (scores.probability[x] as number) || x - y,
          );
          const F = fields.length;
          const labels = fields.map((f) => LEVELS[f.kind]);
          const lines = [header.join(',')];
          for (const k of order) {
            const st = clustering.status[k];
            const levels: string[] = [];
            for (let f = 0; f < F; f++) {
              const l = scores.vectors[k * F + f] as number;
              levels.push(csvCell(labels[f]?.[l] ?? String(l)));
            }
            lines.push(
              [
                csvCell(records[scores.pairs[2 * k] as number]?.id ?? ''),
                csvCell(records[scores.pairs[2 * k + 1] as number]?.id ?? ''),
                (scores.weight[k] as number).toFixed(3),
                (scores.probability[k] as number).toPrecision(6),
                st === 2 ? 'linked' : st === 1 ? 'review' : 'unlinked',
                scores.idConflict[k] === 1 ? '1' : '0',
                ...levels,
              ].join(','),
            );
          }
          writeOutputFile(opts.out, `${lines.join('\n')}\n`);
        }
        const seconds = (performance.now() - started) / 1000;
        process.stdout.write(
          `${recordCount} records: ${result.candidates} pairs compared (${result.skippedBlocks} oversized blocks skipped), ` +
            `${clustering.linked.length} linked, ${clustering.review.length} for review ` +
            `(${clustering.refused} refused: different valid id numbers), ${clustering.clusters} persons; ` +
            `EM ${result.params.iterations} iterations${result.params.converged ? '' : ' (not converged)'}; ${seconds.toFixed(2)} s\n`,
        );
        if (truth) {
          const s = pairwiseScores(clustering.clusterOf, truth);
          process.stdout.write(
            `pairwise precision ${s.precision.toFixed(4)}, recall ${s.recall.toFixed(4)}, F1 ${s.f1.toFixed(4)} ` +
              `(${s.correctPairs} of ${s.predictedPairs} linked pairs correct, ${s.truePairs} true pairs; ` +
              `${s.truthEntities} true entities, ${clustering.clusters} clusters)\n`,
          );
          process.stdout.write(
            'F1 against the threshold (review band ignored):\n  threshold  precision  recall  F1      clusters\n',
          );
          for (const p of thresholdCurve(result, truth)) {
            process.stdout.write(
              `  ${p.threshold.toFixed(2).padEnd(9)}  ${p.precision.toFixed(4).padEnd(9)}  ${p.recall.toFixed(4)}  ` +
                `${p.f1.toFixed(4)}  ${p.clusters}\n`,
            );
          }
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
