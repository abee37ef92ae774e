/**
 * The real `civicgrid` CLI as a child process: every command, failing or not, closes what it
 * opened (app, locate index, audit chainer, database) and so ends by itself, with exit code 1 and
 * one `civicgrid: …` line (no stack) for an expected failure. A command that leaves a handle open
 * would sit there after its last line until the kill below.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSchema, type PgSchema } from '../support/server-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PG_URL = process.env.TEST_DATABASE_URL;
/** After its last line a command must be gone within this long… */
const EXIT_AFTER_OUTPUT_MS = 5_000;
/** …and a command that is still running after this long is killed (a hang, or a very slow machine). */
const KILL_AFTER_MS = 45_000;

interface CliRun {
  code: number | null;
  /** Set when the process had to be killed. */
  killed: boolean;
  stdout: string;
  stderr: string;
  /** Milliseconds from the last output (or the start, if none) to the exit. */
  lingeredMs: number;
}

function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let lastOutput = Date.now();
    let killed = false;
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      lastOutput = Date.now();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      lastOutput = Date.now();
    });
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, KILL_AFTER_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, killed, stdout, stderr, lingeredMs: Date.now() - lastOutput });
    });
  });
}

/** Asserts the run ended by itself, failed with code 1 and said why in one line without a stack. */
function expectFailedCleanly(run: CliRun, message: RegExp): void {
  const context = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  expect(run.killed, `did not exit by itself\n${context}`).toBe(false);
  expect(run.lingeredMs, `lingered after its last line\n${context}`).toBeLessThan(EXIT_AFTER_OUTPUT_MS);
  expect(run.code, context).toBe(1);
  const lines = run.stderr.trimEnd().split('\n');
  expect(
    lines.filter((l) => l.startsWith('civicgrid: ')),
    context,
  ).toHaveLength(1);
  expect(lines.at(-1), context).toMatch(message);
  expect(run.stderr, context).not.toMatch(/^\s+at /m);
}

function expectSucceeded(run: CliRun): void {
  const context = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  expect(run.killed, `did not exit by itself\n${context}`).toBe(false);
  expect(run.lingeredMs, `lingered after its last line\n${context}`).toBeLessThan(EXIT_AFTER_OUTPUT_MS);
  expect(run.code, context).toBe(0);
}

const square = (x: number, y: number, d = 0.1) => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];

const drivers = [{ name: 'pglite' }, ...(PG_URL ? [{ name: 'postgres' }] : [])] as const;

for (const driver of drivers) {
  describe(`civicgrid CLI closes what it opens [${driver.name}]`, () => {
    let dir: string;
    let pgSchema: PgSchema | undefined;
    let env: Record<string, string>;
    const cli = (...args: string[]) => runCli(args, env);

    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'civicgrid-cli-'));
      if (driver.name === 'postgres' && PG_URL) pgSchema = await createPgSchema(PG_URL, 'cg_cli');
      env = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.tmpdir(),
        NODE_ENV: 'test',
        DATA_DIR: dir,
        SESSION_SECRET: 's'.repeat(40),
        DATA_KEY: 'd'.repeat(40),
        ...(pgSchema ? { DATABASE_URL: pgSchema.url } : {}),
      };
      writeFileSync(
        path.join(dir, 'invalid.geojson'),
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { code: 'ABC', nameZh: 'x' },
              geometry: { type: 'Point', coordinates: [1, 1] },
            },
          ],
        }),
      );
      writeFileSync(
        path.join(dir, 'city.geojson'),
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { code: '320100', nameZh: '测试市', nameEn: 'Test City' },
              geometry: { type: 'Polygon', coordinates: [square(120.5, 31.2)] },
            },
          ],
        }),
      );
      // Migrations once, so each command below only opens the database.
      expectSucceeded(await cli('migrate'));
    });

    afterAll(async () => {
      await pgSchema?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('fails on a file that does not exist, before opening anything', async () => {
      expectFailedCleanly(
        await cli('areas', 'import', path.join(dir, 'missing.geojson')),
        /^civicgrid: cannot read .*missing\.geojson as JSON: ENOENT/,
      );
    });

    it('fails on invalid GeoJSON after opening the app and the database, and still ends', async () => {
      const run = await cli('areas', 'import', path.join(dir, 'invalid.geojson'));
      expectFailedCleanly(
        run,
        /^civicgrid: 1 feature\(s\) of the area file are invalid; nothing was imported/,
      );
      expect(run.stderr).toMatch(/^ {2}feature 0 \(ABC\): /m);
    });

    it('fails with one line when a use case refuses (AppError) or the command finds nothing', async () => {
      expectFailedCleanly(
        await cli('open311', 'keys', 'revoke', '424242'),
        /^civicgrid: OPEN311_KEY_NOT_FOUND: /,
      );
      expectFailedCleanly(
        await cli('users', 'grant', 'nobody', 'grid_worker'),
        /^civicgrid: no user named nobody$/,
      );
      expectFailedCleanly(
        await cli('areas', 'export', '-o', path.join(dir, 'no-such-dir', 'out.json')),
        /^civicgrid: cannot write .*out\.json: ENOENT/,
      );
    });

    it('ends by itself after a successful import, export and audit check', async () => {
      const imported = await cli('areas', 'import', path.join(dir, 'city.geojson'));
      expectSucceeded(imported);
      expect(imported.stdout).toMatch(/^Imported .*city\.geojson: 1 new, /);
      const exported = await cli('areas', 'export');
      expectSucceeded(exported);
      expect(
        JSON.parse(exported.stdout).features.map((f: { properties: { code: string } }) => f.properties.code),
      ).toEqual(['320100']);
      const verified = await cli('audit', 'verify');
      expectSucceeded(verified);
      expect(verified.stdout).toMatch(/^OK: audit chain intact \(\d+ records\)/);
    });
  });
}
