/**
 * Live updates at scale: 1,000 SSE clients (a separate process) on one `civicgrid serve` (child
 * process; PostgreSQL when BENCH_DATABASE_URL/TEST_DATABASE_URL is set, else PGlite). The bench
 * reports cases one after another and measures, per client, the time from sending the report to
 * the event arriving on that client's stream (and from the 201 to arrival). Goal: p99 < 1 s, every
 * client gets every event. Baseline in the same run: the time to the 201 alone (the commit).
 * Run alone: `npx tsx bench/sse.bench.ts [--quick]`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Db } from '../src/db/db.js';
import { migrate } from '../src/db/migrate.js';
import { openPglite } from '../src/db/pglite-driver.js';
import { buildTestApp } from '../test/support/app.js';
import { seedCity } from '../test/support/city.js';
import { createPgSchema, startServer } from '../test/support/server-process.js';
import type { BenchResult } from './bench-result.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const log = (s: string): void => console.log(`[sse] ${s}`);
const now = (): number => performance.timeOrigin + performance.now();

/** A city-wide dispatcher with an open session, made through the real services. */
async function staffCookie(db: Db): Promise<string> {
  const built = await buildTestApp(db);
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO users (username, display_name, created_at, updated_at) VALUES ('sse-bench', 'SSE bench', now(), now()) RETURNING id`,
  );
  await db.query(
    `INSERT INTO role_grants (user_id, role, area_code, department_code, granted_by, granted_at) VALUES ($1, 'admin', NULL, NULL, 'bench', now())`,
    [rows[0]!.id],
  );
  const s = await built.services.auth.openSession(db, rows[0]!.id, { ip: '127.0.0.1' });
  await built.app.close();
  return `cg_session=${s.sessionId}; cg_csrf=${s.csrfToken}`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Starts the server and the clients, fires the reports, collects and reports latencies. */
export async function runSseBench(opts: { quick: boolean }): Promise<BenchResult> {
  const clients = 1_000;
  const events = opts.quick ? 10 : 40;
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'civicgrid-sse-bench-'));
  let dispose = async (): Promise<void> => undefined;
  let serverOpts: { databaseUrl?: string; dataDir?: string };
  let point: { lng: number; lat: number };
  let cookie: string;
  const pickPoint = async (db: Db) => {
    const { rows } = await db.query<{ center_lng: number; center_lat: number }>(
      `SELECT center_lng, center_lat FROM areas WHERE level = 'grid' AND valid_to IS NULL ORDER BY code LIMIT 1`,
    );
    return { lng: rows[0]!.center_lng, lat: rows[0]!.center_lat };
  };
  if (pgUrl) {
    const pgs = await createPgSchema(pgUrl, 'cg_bench_sse');
    await seedCity(pgs.db);
    point = await pickPoint(pgs.db);
    cookie = await staffCookie(pgs.db);
    serverOpts = { databaseUrl: pgs.url };
    dispose = () => pgs.dispose();
  } else {
    const db = await openPglite(path.join(tmp, 'pglite'));
    await migrate(db);
    await seedCity(db);
    point = await pickPoint(db);
    cookie = await staffCookie(db);
    await db.close();
    serverOpts = { dataDir: tmp };
  }
  const driver = pgUrl ? 'postgres' : 'pglite';
  const server = await startServer({ ...serverOpts, env: { LOG_LEVEL: 'error' }, readyTimeoutMs: 120_000 });
  const worker = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/support/sse-clients.worker.ts',
      JSON.stringify({ url: `${server.baseUrl}/api/events/stream`, cookie, clients }),
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = readline.createInterface({ input: worker.stdout! });
  const nextLine = () => new Promise<string>((resolve) => lines.once('line', resolve));
  try {
    const t = performance.now();
    const ready = await Promise.race([
      nextLine(),
      new Promise<string>((_, reject) =>
        setTimeout(() => reject(new Error('clients not connected in 60 s')), 60_000),
      ),
    ]);
    log(`${driver}: ${ready} in ${(performance.now() - t).toFixed(0)} ms`);
    const sent = new Map<string, { sentAt: number; answeredAt: number }>();
    const commit: number[] = [];
    for (let i = 0; i < events; i++) {
      const sentAt = now();
      const res = await fetch(`${server.baseUrl}/api/cases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          channel: 'resident',
          idempotencyKey: `sse-bench-${Date.now()}-${i}`,
          location: point,
          description: `live update bench ${i}`,
        }),
      });
      const answeredAt = now();
      if (res.status !== 201) throw new Error(`report → ${res.status} ${await res.text()}`);
      const { publicCode } = (await res.json()) as { publicCode: string };
      sent.set(publicCode, { sentAt, answeredAt });
      commit.push(answeredAt - sentAt);
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 1_500)); // late arrivals still count (and show in max)
    worker.stdin!.write('done\n');
    const result = JSON.parse(await nextLine()) as {
      connected: number;
      failed: number;
      arrivals: Record<string, number[]>;
    };
    const fromSend: number[] = [];
    const fromCommit: number[] = [];
    let delivered = 0;
    for (const [code, s] of sent) {
      for (const at of result.arrivals[code] ?? []) {
        fromSend.push(at - s.sentAt);
        fromCommit.push(at - s.answeredAt);
        delivered++;
      }
    }
    fromSend.sort((a, b) => a - b);
    fromCommit.sort((a, b) => a - b);
    commit.sort((a, b) => a - b);
    const expected = events * result.connected;
    const p99 = percentile(fromSend, 99);
    log(
      `${delivered.toLocaleString()}/${expected.toLocaleString()} deliveries to ${result.connected} clients; ` +
        `report sent → event on a client: p50 ${percentile(fromSend, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ` +
        `max ${(fromSend[fromSend.length - 1] ?? 0).toFixed(1)} ms; 201 → event: p99 ${percentile(fromCommit, 99).toFixed(1)} ms; ` +
        `baseline (send → 201 alone): p50 ${percentile(commit, 50).toFixed(1)} ms`,
    );
    return {
      name: `live updates (${result.connected} SSE clients, ${driver})`,
      metrics: {
        clients: result.connected,
        failedConnections: result.failed,
        events,
        deliveries: delivered,
        expectedDeliveries: expected,
        sendToEventP50Ms: Number(percentile(fromSend, 50).toFixed(1)),
        sendToEventP99Ms: Number(p99.toFixed(1)),
        sendToEventMaxMs: Number((fromSend[fromSend.length - 1] ?? 0).toFixed(1)),
        commitToEventP99Ms: Number(percentile(fromCommit, 99).toFixed(1)),
        baselineSendTo201P50Ms: Number(percentile(commit, 50).toFixed(1)),
      },
      goals: [
        { goal: `${clients} clients connected`, met: result.connected === clients },
        { goal: 'every client got every event', met: delivered === expected && expected > 0 },
        { goal: 'p99 < 1 s from the change to every client', met: p99 < 1_000 },
      ],
    };
  } finally {
    worker.kill();
    await server.stop();
    await dispose();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  console.log(JSON.stringify(await runSseBench({ quick }), null, 2));
}
