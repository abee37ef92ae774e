/**
 * The anonymous intake limit under load (issue 14, "a load test shows the anonymous limit (429 with
 * Retry-After) while staff traffic from the same address continues"). `civicgrid serve` as a child
 * process with the default limit (ANON_REPORT_LIMIT=60 per address per 10 minutes); every request
 * comes from 127.0.0.1. First a hotline operator's reports alone (bearer token), then the same
 * staff load while an anonymous flood from the same address runs beside it. The baseline is the
 * staff load alone, measured in the same run. PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL),
 * else PGlite. Run alone: `npx tsx bench/anon-limit.bench.ts [--quick]`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Db } from '../src/db/db.js';
import { migrate } from '../src/db/migrate.js';
import { openPglite } from '../src/db/pglite-driver.js';
import { PasswordHasher } from '../src/modules/identity/password-hasher.js';
import { makeUser, seedCity } from '../test/support/city.js';
import { createPgSchema, startServer } from '../test/support/server-process.js';
import type { BenchResult } from './bench-result.js';
import type { LoadResult, LoadSpec } from './support/load.worker.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const log = (s: string): void => console.log(`[anon-limit] ${s}`);
const LIMIT = 60;
const PASSWORD = 'bench-hotline-password';

/** One load generator in its own process (bench/support/load.worker.ts). */
async function load(spec: LoadSpec): Promise<LoadResult> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/support/load.worker.ts', JSON.stringify(spec)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load worker exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as LoadResult;
}

/** A city-wide hotline operator with a password, for a bearer token. */
async function seed(db: Db): Promise<{ username: string; points: Array<[number, number]> }> {
  await seedCity(db);
  const op = await makeUser(db, 'BenchHotline', [{ role: 'hotline_operator' }]);
  await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [
    op.userId,
    await new PasswordHasher().hash(PASSWORD),
  ]);
  const { rows } = await db.query<{ username: string }>('SELECT username FROM users WHERE id = $1', [
    op.userId,
  ]);
  const grids = await db.query<{ center_lng: number; center_lat: number }>(
    `SELECT center_lng, center_lat FROM areas WHERE level = 'grid' AND valid_to IS NULL ORDER BY code`,
  );
  return { username: rows[0]!.username, points: grids.rows.map((r) => [r.center_lng, r.center_lat]) };
}

function describe(name: string, r: LoadResult): string {
  return (
    `${name}: ${r.requests} requests, ${r.ok} 2xx (${r.reqPerSec.toFixed(0)}/s), p50 ${r.p50} ms, p99 ${r.p99} ms` +
    `${r.non2xx > 0 ? `, non-2xx ${JSON.stringify(r.non2xxByStatus)}` : ''}, ${r.errors} errors`
  );
}

/** Staff alone, then staff beside an anonymous flood from the same address. */
export async function runAnonLimitBench(opts: { quick: boolean }): Promise<BenchResult> {
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const durationSec = opts.quick ? 4 : 15;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'civicgrid-anon-limit-bench-'));
  let serverEnv: { databaseUrl?: string; dataDir?: string };
  let dispose: () => Promise<void>;
  let seeded: Awaited<ReturnType<typeof seed>>;
  if (pgUrl) {
    const pgs = await createPgSchema(pgUrl, 'cg_bench_anon');
    seeded = await seed(pgs.db);
    serverEnv = { databaseUrl: pgs.url };
    dispose = () => pgs.dispose();
  } else {
    const db = await openPglite(path.join(tmp, 'pglite'));
    await migrate(db);
    seeded = await seed(db);
    await db.close();
    serverEnv = { dataDir: tmp };
    dispose = async () => undefined;
  }
  const driver = pgUrl ? 'postgres' : 'pglite';
  const server = await startServer({
    ...serverEnv,
    env: { LOG_LEVEL: 'error', ANON_REPORT_LIMIT: String(LIMIT), ANON_REPORT_PHONE_LIMIT: '0' },
    readyTimeoutMs: 120_000,
  });
  try {
    const tokenRes = await fetch(`${server.baseUrl}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: seeded.username, password: PASSWORD }),
    });
    if (!tokenRes.ok) throw new Error(`token: ${tokenRes.status} ${await tokenRes.text()}`);
    const { token } = (await tokenRes.json()) as { token: string };
    const url = `${server.baseUrl}/api/cases`;
    const run = Date.now().toString(36);
    const staff = (prefix: string): LoadSpec => ({
      url,
      connections: 8,
      durationSec,
      maxRequests: 1_000_000,
      keyPrefix: `${run}-${prefix}`,
      points: seeded.points,
      channel: 'hotline',
      headers: { authorization: `Bearer ${token}` },
    });
    log(`${driver}: staff 8 connections alone, then beside 32 anonymous connections, ${durationSec} s each`);

    await load({ ...staff('warm'), durationSec: 1 });
    const alone = await load(staff('alone'));
    log(describe('staff alone', alone));
    const [under, anon] = await Promise.all([
      load(staff('under')),
      load({
        url,
        connections: 32,
        durationSec,
        maxRequests: 1_000_000,
        keyPrefix: `${run}-anon`,
        points: seeded.points,
      }),
    ]);
    log(describe('staff beside the flood', under));
    log(`${describe('anonymous flood', anon)}, ${anon.retryAfter429} of the 429s with Retry-After`);
    if (under.non2xx + under.errors > 0) log(`server output (tail):\n${server.output().slice(-4000)}`);

    const refused = anon.non2xxByStatus['429'] ?? 0;
    const staffRatio = under.reqPerSec / alone.reqPerSec;
    return {
      name: `anonymous limit under load (${driver})`,
      metrics: {
        staffAloneReqPerSec: Math.round(alone.reqPerSec),
        staffAloneP99Ms: alone.p99,
        staffBesideFloodReqPerSec: Math.round(under.reqPerSec),
        staffBesideFloodP99Ms: under.p99,
        staffBesideFloodNon2xx: under.non2xx + under.errors,
        staffRatio: Number(staffRatio.toFixed(2)),
        anonRequests: anon.requests,
        anonAccepted: anon.ok,
        anon429: refused,
        anon429WithRetryAfter: anon.retryAfter429,
        anonRefusedPerSec: Math.round(refused / anon.durationSec),
        anonP99Ms: anon.p99,
      },
      goals: [
        { goal: `anonymous: exactly the limit (${LIMIT}) accepted`, met: anon.ok === LIMIT },
        {
          goal: 'anonymous: every other answer 429 with Retry-After',
          met: refused === anon.requests - anon.ok && anon.retryAfter429 === refused && anon.errors === 0,
        },
        {
          goal: 'staff beside the flood: every report 2xx',
          met: under.non2xx + under.errors === 0 && under.ok > 0,
        },
        { goal: 'staff beside the flood: ≥ 0.5× the staff-alone rate', met: staffRatio >= 0.5 },
      ],
    };
  } finally {
    await server.stop();
    await dispose();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  console.log(JSON.stringify(await runAnonLimitBench({ quick }), null, 2));
}
