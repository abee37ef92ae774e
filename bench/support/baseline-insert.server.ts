/**
 * The intake benchmark's baseline: a bare Fastify endpoint doing one INSERT into the same database
 * (same driver, same pool settings, its own process like the real server). Env: PORT, and
 * DATABASE_URL (PostgreSQL) or PGLITE_DIR (embedded). Prints "ready" when listening.
 */
import Fastify from 'fastify';
import type { Db } from '../../src/db/db.js';
import { openPglite } from '../../src/db/pglite-driver.js';
import { openPostgres } from '../../src/db/postgres-driver.js';

const db: Db = process.env.DATABASE_URL
  ? await openPostgres({ connectionString: process.env.DATABASE_URL })
  : await openPglite(process.env.PGLITE_DIR);
await db.exec(`CREATE TABLE IF NOT EXISTS bench_baseline (
  id bigserial PRIMARY KEY, key text NOT NULL UNIQUE, body jsonb NOT NULL, at timestamptz NOT NULL)`);
const app = Fastify({ logger: false });
app.post('/api/cases', async (req, reply) => {
  const body = req.body as { idempotencyKey: string };
  const { rows } = await db.query<{ id: number }>(
    'INSERT INTO bench_baseline (key, body, at) VALUES ($1, $2, now()) RETURNING id',
    [body.idempotencyKey, body],
  );
  return reply.status(201).send({ id: rows[0]!.id });
});
process.once('SIGTERM', () => {
  void app.close().then(() => db.close().then(() => process.exit(0)));
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write('ready\n');
