import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { loadMigrations, MigrationError, migrate } from '../../src/db/migrate.js';
import { describeEachDriver } from '../support/db.js';

describeEachDriver('db layer', (t) => {
  it('maps values the same way on both drivers', async () => {
    const { rows } = await t().db.query<Record<string, unknown>>(
      `SELECT 42::bigint AS big, 1.5::numeric AS num, DATE '2026-03-01' AS d, now() AS ts,
              '{"a":1}'::jsonb AS j, ARRAY[1,2]::int[] AS arr, $1::jsonb AS param`,
      [{ b: [1, 2] }],
    );
    const r = rows[0]!;
    expect(r.big).toBe(42);
    expect(r.num).toBe(1.5);
    expect(r.d).toBe('2026-03-01');
    expect(r.ts).toBeInstanceOf(Date);
    expect(r.j).toEqual({ a: 1 });
    expect(r.arr).toEqual([1, 2]);
    expect(r.param).toEqual({ b: [1, 2] });
  });

  it('rolls a failed transaction back completely', async () => {
    const db = t().db;
    await db.exec('CREATE TABLE tx_probe (id int PRIMARY KEY)');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES (1)');
        await tx.query('INSERT INTO tx_probe VALUES (1)');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tx_probe');
    expect(rows[0]?.n).toBe(0);
  });

  it('delivers NOTIFY to listeners', async () => {
    const db = t().db;
    const got: string[] = [];
    const stop = await db.listen('cg_probe', (p) => got.push(p));
    await db.notify('cg_probe', 'hello');
    await db.transaction(async (tx) => {
      await tx.query("SELECT pg_notify('cg_probe', 'in-tx')");
    });
    for (let i = 0; i < 50 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await stop();
    expect(got).toEqual(['hello', 'in-tx']);
  });

  it('bulk-loads rows with COPY in the caller transaction on PostgreSQL (PGlite has no copyFrom)', async () => {
    const db = t().db;
    if (db.driver === 'pglite') {
      // Callers fall back to their INSERT path (the registry import's unnest inserts).
      expect(db.copyFrom).toBeUndefined();
      await db.transaction(async (tx) => {
        expect(tx.copyFrom).toBeUndefined();
      });
      return;
    }
    await db.exec(
      'CREATE TABLE copy_probe (id int PRIMARY KEY, t text, n bigint, tags text[], at timestamptz)',
    );
    const awkward = 'tab\there\nnew \\ slash, "quoted" 路灯\r';
    const at = new Date('2026-03-01T08:00:00.000Z');
    const seen = await db.transaction(async (tx) => {
      const copied = await tx.copyFrom?.(
        'copy_probe',
        ['id', 't', 'n', 'tags', 'at'],
        [
          [1, awkward, 42, ['a', 'b,c', 'd"e\\f', null], at],
          [2, null, null, [], null],
          [3, '\\N', 7n, undefined, undefined],
        ],
      );
      expect(copied).toBe(3);
      // Same connection as the transaction: the rows are visible before commit.
      const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM copy_probe');
      return rows[0]?.n;
    });
    expect(seen).toBe(3);
    const { rows } = await db.query<{
      id: number;
      t: string | null;
      n: number | null;
      tags: string[] | null;
      at: Date | null;
    }>('SELECT id, t, n, tags, at FROM copy_probe ORDER BY id');
    expect(rows).toEqual([
      { id: 1, t: awkward, n: 42, tags: ['a', 'b,c', 'd"e\\f', null], at },
      { id: 2, t: null, n: null, tags: [], at: null },
      { id: 3, t: '\\N', n: 7, tags: null, at: null },
    ]);
    // Rolled back with the transaction, whether the caller or the COPY itself fails.
    await expect(
      db.transaction(async (tx) => {
        await tx.copyFrom?.('copy_probe', ['id'], [[10]]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(
      db.transaction(async (tx) => {
        await tx.copyFrom?.('copy_probe', ['id'], [[20], [1]]);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const after = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM copy_probe');
    expect(after.rows[0]?.n).toBe(3);
    // Outside a transaction it borrows a pool client; names are checked, never interpolated raw.
    expect(await db.copyFrom?.('copy_probe', ['id'], [[30]])).toBe(1);
    await expect(db.copyFrom?.('copy_probe; DROP TABLE copy_probe', ['id'], [])).rejects.toThrow(
      /bad identifier/,
    );
  });

  it('has pg_trgm for text similarity', async () => {
    const { rows } = await t().db.query<{ s: number }>("SELECT similarity('路灯不亮', '路灯坏了不亮') AS s");
    expect(rows[0]?.s).toBeGreaterThan(0.2);
  });
});

describeEachDriver('migrations', (t) => {
  it('are applied once and recorded with a checksum', async () => {
    const again = await migrate(t().db);
    expect(again.applied).toEqual([]);
    const { rows } = await t().db.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM schema_migrations',
    );
    expect(rows.length).toBe(loadMigrations().length);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });

  it('refuse to start when an applied migration was edited', async () => {
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
    await expect(migrate(t().db, edited)).rejects.toThrow(MigrationError);
    await expect(migrate(t().db, edited)).rejects.toThrow(/0001_foundation\.sql was edited/);
  });

  it('refuse to run on a database newer than the code', async () => {
    await expect(migrate(t().db, loadMigrations().slice(0, 0))).rejects.toThrow(/does not know/);
  });

  it('apply a new numbered file from a directory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cg-mig-'));
    for (const m of loadMigrations()) writeFileSync(path.join(dir, m.name), m.sql);
    writeFileSync(path.join(dir, '9999_probe.sql'), 'CREATE TABLE probe_9999 (id int);');
    const report = await migrate(t().db, loadMigrations(dir));
    expect(report.applied).toEqual(['9999_probe.sql']);
  });
});
