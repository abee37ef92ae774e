/** `civicgrid registry generate-people` then `registry link --truth` as a child process; bad input writes nothing. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'linkage-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });

const FIELDS = [
  'name:name',
  'id_number:id_number',
  'birth_date:date',
  'phone:phone',
  'address:address',
].flatMap((f) => ['--field', f]);

describe('civicgrid registry link', () => {
  it('links a generated file and prints precision, recall and F1; pairs carry no personal values', {
    timeout: 120_000,
  }, () => {
    const file = path.join(dir, 'people.csv');
    const out = path.join(dir, 'pairs.csv');
    const gen = cli(['registry', 'generate-people', '--rows', '2000', '--seed', '4', '--out', file]);
    expect(gen.status, gen.stderr).toBe(0);
    const run = cli([
      'registry',
      'link',
      file,
      '--id',
      'record_id',
      ...FIELDS,
      '--truth',
      'entity_id',
      '--out',
      out,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const m = /pairwise precision ([\d.]+), recall ([\d.]+), F1 ([\d.]+)/.exec(run.stdout);
    expect(m, run.stdout).not.toBeNull();
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(0.98);
    expect(Number(m?.[3])).toBeGreaterThanOrEqual(0.95);
    expect(run.stdout).toMatch(/pairs compared.*linked.*for review.*persons/);
    const pairs = readFileSync(out, 'utf8');
    expect(pairs.split('\n')[0]).toBe(
      'left_id,right_id,weight,probability,status,id_conflict,name_level,id_number_level,birth_date_level,phone_level,address_level',
    );
    const firstPerson = readFileSync(file, 'utf8').split('\n')[1]?.split(',') ?? [];
    for (const value of firstPerson.slice(1, 6)) if (value.length > 3) expect(pairs).not.toContain(value);
  });

  it('bad input: unknown kind, missing column, empty file — exit 1, the column named, nothing written', {
    timeout: 180_000,
  }, () => {
    const file = path.join(dir, 'small.csv');
    writeFileSync(file, 'record_id,name\nR1,王伟\nR2,王玮\n');
    const empty = path.join(dir, 'empty.csv');
    writeFileSync(empty, 'record_id,name\n');
    const cases: [string[], RegExp][] = [
      [[file, '--id', 'record_id', '--field', 'name:nickname'], /kind "nickname" of column name/],
      [[file, '--id', 'record_id', '--field', 'surname:surname'], /column surname is not in the file/],
      [[file, '--id', 'rid', '--field', 'name:name'], /--id rid: column rid is not in the file/],
      [[empty, '--id', 'record_id', '--field', 'name:name'], /no data rows/],
    ];
    for (const [args, message] of cases) {
      const out = path.join(dir, 'never.csv');
      const run = cli(['registry', 'link', ...args, '--out', out]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('English file: precision, recall, F1, clusters and the F1-against-threshold curve; no progress lines off a TTY', {
    timeout: 120_000,
  }, () => {
    const file = path.join(dir, 'people-en.csv');
    const gen = cli([
      'registry',
      'generate-people',
      '--rows',
      '10000',
      '--seed',
      '2',
      '--lang',
      'en',
      '--out',
      file,
    ]);
    expect(gen.status, gen.stderr).toBe(0);
    const fields = [
      'given_name:given_name',
      'surname:surname',
      'street_number:street_number',
      'address:address',
      'suburb:suburb',
      'postcode:postcode',
      'state:state',
      'date_of_birth:date',
      'phone:phone',
      'licence_number:id_number',
    ].flatMap((f) => ['--field', f]);
    const run = cli(['registry', 'link', file, '--id', 'record_id', ...fields, '--truth', 'entity_id']);
    expect(run.status, run.stderr).toBe(0);
    const m = /pairwise precision ([\d.]+), recall ([\d.]+), F1 ([\d.]+).*, (\d+) clusters\)/.exec(
      run.stdout,
    );
    expect(m, run.stdout).not.toBeNull();
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(0.98);
    expect(Number(m?.[3])).toBeGreaterThanOrEqual(0.95);
    const curve = [...run.stdout.matchAll(/^ {2}(0\.\d\d) +([\d.]+) +([\d.]+) +([\d.]+) +(\d+)$/gm)];
    expect(curve.map((c) => c[1])).toEqual([
      '0.50',
      '0.60',
      '0.70',
      '0.80',
      '0.85',
      '0.90',
      '0.95',
      '0.98',
      '0.99',
    ]);
    // A higher threshold never links more pairs: clusters do not decrease.
    const clusters = curve.map((c) => Number(c[5]));
    for (let i = 1; i < clusters.length; i++)
      expect(clusters[i]).toBeGreaterThanOrEqual(clusters[i - 1] as number);
    expect(run.stderr).toBe('');
  });

  it('a file over --max-bytes is refused naming the limit, nothing written', { timeout: 60_000 }, () => {
    const file = path.join(dir, 'big.csv');
    writeFileSync(
      file,
      `record_id,name\n${Array.from({ length: 200 }, (_, i) => `R${i},王伟`).join('\n')}\n`,
    );
    const out = path.join(dir, 'never-big.csv');
    const run = cli([
      'registry',
      'link',
      file,
      '--id',
      'record_id',
      '--field',
      'name:name',
      '--max-bytes',
      '1k',
      '--out',
      out,
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/over the limit of 1024 bytes \(--max-bytes\)/);
    expect(existsSync(out)).toBe(false);
    const bad = cli([
      'registry',
      'link',
      file,
      '--id',
      'record_id',
      '--field',
      'name:name',
      '--max-bytes',
      'lots',
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--max-bytes lots/);
  });

  it('a malformed file is refused naming the line, never quoting a cell', { timeout: 60_000 }, () => {
    const secret = '欧阳靖13812345678';
    const file = path.join(dir, 'broken.csv');
    writeFileSync(file, `record_id,name,phone\nR1,王伟,13900000000\nR2,"${secret}"x,1\nR3,"${secret}\n`);
    const out = path.join(dir, 'never-broken.csv');
    const run = cli(['registry', 'link', file, '--id', 'record_id', '--field', 'name:name', '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/line \d+: not readable as CSV/);
    for (const piece of [secret, '欧阳', '13812345678', '王伟', '13900000000'])
      expect(run.stderr).not.toContain(piece);
    expect(existsSync(out)).toBe(false);
  });
});
