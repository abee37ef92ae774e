/**
 * Issue 16, entity resolution on the database: department rows kept as source records, a run
 * merging the same person across three files (mistyped ID digit, no ID, homophone name), not
 * merging two people who share a common name and birth year, the review queue (area-scoped,
 * 409 on a resolved pair), labels feeding the next estimate, and an exact unmerge.
 */
import { beforeAll, expect, it } from 'vitest';
import { type Actor, systemActor } from '../../src/kernel/actor.js';
import { idNumber } from '../../src/kernel/demo-data/demo-content.js';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher, UNMASKED_PII_PATTERNS } from '../../src/lib/privacy.js';
import { createRng } from '../../src/lib/random.js';
import { DepartmentRepository } from '../../src/modules/org/department.repository.js';
import { generateRegistry, registryCsv } from '../../src/modules/registry/linkage/generator.js';
import { LinkageService } from '../../src/modules/registry/linkage.service.js';
import { RegistryService } from '../../src/modules/registry/registry.service.js';
import { readTable } from '../../src/modules/registry/tabular-file.js';
import { describeEachDriver } from '../support/db.js';
import { RecordingAudit } from '../support/fake-audit.js';

const rng = createRng(16);
const ZHANG = idNumber(rng, '1980-05-06', '320502', 'male');
/** One digit of the birth date mistyped: the check character no longer fits. */
const ZHANG_TYPO = `${ZHANG.slice(0, 10)}${(Number(ZHANG[10]) + 1) % 10}${ZHANG.slice(11)}`;
const WANG = idNumber(rng, '1985-03-02', '320502', 'male');
const ADMIN = systemActor('test');
const GRID = '320502001001001';
const ADDRESS = '江苏省苏州市姑苏区平江路12号3幢402室';

const officer = (area: string, userId: number): Actor => ({
  kind: 'user',
  userId,
  displayName: 'officer',
  grants: [{ role: 'supervisor', areaCode: area, departmentCode: null }],
});

function csv(lines: string[]): Buffer {
  return Buffer.from(`\uFEFF${lines.join('\n')}\n`, 'utf8');
}

describeEachDriver('registry linkage (entity resolution)', (t) => {
  let registry: RegistryService;
  let linkage: LinkageService;
  let audit: RecordingAudit;
  const recordOf = async (source: string, rowNo: number): Promise<{ id: number; personId: number }> => {
    const { rows } = await t().db.query<{ id: number; person_id: number }>(
      'SELECT id, person_id FROM person_records WHERE source = $1 AND row_no = $2 ORDER BY id DESC LIMIT 1',
      [source, rowNo],
    );
    expect(rows[0], `${source} row ${rowNo}`).toBeDefined();
    return { id: Number(rows[0]!.id), personId: Number(rows[0]!.person_id) };
  };
  const personOf = async (recordId: number): Promise<number> => {
    const { rows } = await t().db.query<{ person_id: number }>(
      'SELECT person_id FROM person_records WHERE id = $1',
      [recordId],
    );
    return Number(rows[0]!.person_id);
  };
  const state = async (ids: readonly number[]) => {
    const q = t().db;
    const people = await q.query(
      'SELECT to_jsonb(p) AS p FROM people p WHERE id = ANY($1::bigint[]) ORDER BY id',
      [ids],
    );
    const records = await q.query(
      'SELECT id, person_id FROM person_records WHERE person_id = ANY($1::bigint[]) ORDER BY id',
      [ids],
    );
    const provenance = await q.query(
      `SELECT id, entity_id FROM registry_provenance WHERE entity_type = 'person' AND entity_id = ANY($1::bigint[]) ORDER BY id`,
      [ids],
    );
    return { people: people.rows, records: records.rows, provenance: provenance.rows };
  };

  beforeAll(async () => {
    audit = new RecordingAudit();
    const deps = {
      audit,
      cipher: new FieldCipher('k'.repeat(40)),
      clock: new FixedClock(new Date('2026-03-03T02:00:00Z')),
    };
    registry = new RegistryService(t().db, deps);
    linkage = new LinkageService(t().db, { ...deps, thresholds: { upper: 0.995, lower: 0.9 } });
    await new DepartmentRepository().upsertMany(t().db, [
      { code: 'public_security', nameZh: '公安局', nameEn: 'Public Security', kind: 'bureau' },
      { code: 'civil_affairs', nameZh: '民政局', nameEn: 'Civil Affairs', kind: 'bureau' },
      { code: 'health', nameZh: '卫健委', nameEn: 'Health', kind: 'bureau' },
    ]);
    // A background population (with its own noisy duplicates) so EM has data to learn from.
    const background = generateRegistry({ rows: 600, seed: 7, lang: 'zh' });
    await registry.importPeople(ADMIN, {
      source: 'public_security',
      fileName: 'background.csv',
      rows: readTable(Buffer.from(registryCsv(background)), 'csv'),
    });
    const header = 'name,id_number,birth_date,phone,address';
    await registry.importPeople(ADMIN, {
      source: 'public_security',
      fileName: 'ga.csv',
      rows: readTable(
        csv([
          header,
          `张伟,${ZHANG},1980-05-06,13912345678,${ADDRESS}`,
          `王伟,${WANG},1985-03-02,13812340001,江苏省苏州市姑苏区人民路5号1幢101室`,
        ]),
        'csv',
      ),
    });
    await registry.importPeople(ADMIN, {
      source: 'civil_affairs',
      fileName: 'mz.csv',
      rows: readTable(
        csv([
          header,
          `张伟,${ZHANG_TYPO},,13912345678,`,
          '王伟,,1985-07-19,13712340002,江苏省苏州市吴中区东吴北路8号2幢202室',
        ]),
        'csv',
      ),
    });
    await registry.importPeople(ADMIN, {
      source: 'health',
      fileName: 'wj.csv',
      rows: readTable(
        csv([
          header,
          `张玮,,1980-05-06,13912345678,${ADDRESS}`,
          '欧阳靖,,1991-08-17,,江苏省苏州市姑苏区十全街88号1幢301室',
          '欧阳晶,,1991-08-17,13612340003,',
          '欧阳靖,,1991-08-17,,江苏省苏州市吴中区宝带路1号',
        ]),
        'csv',
      ),
    });
    // The 欧阳 rows live in one grid (as their households would place them).
    await t().db.query(
      `UPDATE person_records SET grid_code = $1 WHERE source = 'health' AND row_no IN (3, 4, 5)`,
      [GRID],
    );
  });

  it('keeps every department row as a source record, including rows without or with a mistyped ID', async () => {
    const typo = await recordOf('civil_affairs', 2);
    const noId = await recordOf('health', 2);
    const { rows } = await t().db.query<{
      id_valid: boolean;
      id_masked: string | null;
      id_hash: string | null;
    }>('SELECT id_valid, id_masked, id_hash FROM person_records WHERE id = ANY($1::bigint[]) ORDER BY id', [
      [typo.id, noId.id],
    ]);
    expect(rows).toEqual([
      {
        id_valid: false,
        id_masked: `${ZHANG[0]}****************${ZHANG_TYPO[17]}`,
        id_hash: expect.any(String),
      },
      { id_valid: false, id_masked: null, id_hash: null },
    ]);
    // Three people so far: nothing merged them on an exact number.
    const zhang = await recordOf('public_security', 2);
    expect(new Set([zhang.personId, typo.personId, noId.personId]).size).toBe(3);
  });

  it('merges the same person from three department files into one person with three provenances', async () => {
    const report = await linkage.run(ADMIN);
    expect(report.mode).toBe('full');
    // Every kept source record takes part (the background file's rows the import accepted, and ours).
    const { rows: kept } = await t().db.query<{ n: number }>('SELECT count(*)::int AS n FROM person_records');
    expect(report.records).toBe(kept[0]!.n);
    expect(report.records).toBeGreaterThan(500);
    expect(report.pairsCompared).toBeGreaterThan(0);
    expect(report.merged).toBeGreaterThan(0);
    const person = await registry.findByIdNumber(ADMIN, ZHANG);
    expect(person).toBeDefined();
    const links = await linkage.personLinks(ADMIN, person!.id);
    expect(links.records.map((r) => [r.source, r.fileName, r.rowNo])).toEqual([
      ['public_security', 'ga.csv', 2],
      ['civil_affairs', 'mz.csv', 2],
      ['health', 'wj.csv', 2],
    ]);
    expect(links.sources).toBe(3);
    const detail = await registry.getPerson(ADMIN, person!.id);
    expect(detail.provenance.map((p) => p.source)).toEqual(['public_security', 'civil_affairs', 'health']);
    // The merged-away people are gone from every read.
    const typo = await recordOf('civil_affairs', 2);
    expect(typo.personId).toBe(person!.id);
    const run = await linkage.listRuns(ADMIN, 1);
    expect(run[0]).toMatchObject({ id: report.runId, merged: report.merged, queued: report.queued });
    expect(audit.entries.some((e) => e.action === 'registry.linkage_run')).toBe(true);
    expect(JSON.stringify(run)).not.toMatch(UNMASKED_PII_PATTERNS.phone);
  });

  it('does not merge two different people with the same common name and birth year', async () => {
    const a = await recordOf('public_security', 3);
    const b = await recordOf('civil_affairs', 3);
    expect(a.personId).not.toBe(b.personId);
  });

  it('queues an uncertain pair for the officer of its area only; accepting it merges and labels', async () => {
    const mine = officer('320502001', 501);
    const other = officer('320503', 502);
    const queue = await linkage.listPairs(mine, { limit: 50, offset: 0 });
    const ouyang = [await recordOf('health', 3), await recordOf('health', 4), await recordOf('health', 5)];
    const ids = new Set(ouyang.map((r) => r.id));
    const pair = queue.items.find((p) => ids.has(p.recordA) && ids.has(p.recordB));
    expect(pair, JSON.stringify(queue.items.map((p) => [p.recordA, p.recordB, p.probability]))).toBeDefined();
    expect(pair!.areaCode).toBe(GRID);
    expect(pair!.left?.nameMasked).toMatch(/^欧阳/);
    expect(pair!.contributions.map((c) => c.field)).toEqual([
      'name',
      'id_number',
      'birth_date',
      'phone',
      'address',
    ]);
    const waterfall = pair!.prior + pair!.contributions.reduce((s, c) => s + c.weight, 0);
    expect(waterfall).toBeCloseTo(pair!.weight, 6);
    expect(JSON.stringify(queue)).not.toMatch(UNMASKED_PII_PATTERNS.phone);

    // Another area's officer neither sees nor decides it.
    expect((await linkage.listPairs(other, { limit: 50, offset: 0 })).items.map((p) => p.id)).not.toContain(
      pair!.id,
    );
    await expect(linkage.getPair(other, pair!.id)).rejects.toMatchObject({ code: 'LINKAGE_PAIR_NOT_FOUND' });
    await expect(linkage.decide(other, pair!.id, 'accept')).rejects.toMatchObject({
      code: 'LINKAGE_PAIR_NOT_FOUND',
    });

    const before = await state([await personOf(pair!.recordA), await personOf(pair!.recordB)]);
    const decided = await linkage.decide(mine, pair!.id, 'accept');
    expect(decided.status).toBe('accepted');
    expect(await personOf(pair!.recordA)).toBe(await personOf(pair!.recordB));
    expect(audit.entries.at(-1)).toMatchObject({ action: 'registry.linkage_decision', areaCode: GRID });

    // A second decision on the decided pair: 409 with the current state.
    await expect(linkage.decide(mine, pair!.id, 'reject')).rejects.toMatchObject({
      code: 'LINKAGE_PAIR_RESOLVED',
      details: { pair: { id: pair!.id, status: 'accepted' } },
    });

    // The next estimate uses the label: m is corrected by it.
    const next = await linkage.run(ADMIN);
    const { params } = (await linkage.listRuns(ADMIN, 1))[0]!;
    expect(next.runId).toBeGreaterThan(0);
    expect(params.labelled).toEqual({ matches: 1, nonMatches: 0 });
    expect(params.m).not.toEqual((params.em as { m: unknown }).m);

    // Unmerge the accepted merge: both people exactly as before.
    const survivor = await personOf(pair!.recordA);
    const merges = (await linkage.personLinks(ADMIN, survivor)).merges.filter((m) => m.kind === 'review');
    expect(merges).toHaveLength(1);
    await linkage.unmerge(ADMIN, merges[0]!.id);
    const after = await state(before.people.map((p) => Number((p as { p: { id: number } }).p.id)));
    expect(after).toEqual(before);
    // …and no later run merges them again (the unmerge left a non-match label).
    await linkage.run(ADMIN);
    expect(await personOf(pair!.recordA)).not.toBe(await personOf(pair!.recordB));
  });

  it('a decision on a pair a later run resolved is refused with 409', async () => {
    // A queued pair (the earlier test's, put back in the queue as a run would have queued it).
    const { rows } = await t().db.query<{ id: number }>(
      `SELECT id FROM linkage_pairs ORDER BY id DESC LIMIT 1`,
    );
    const id = Number(rows[0]!.id);
    await t().db.query(
      `UPDATE linkage_pairs SET status = 'pending', decided_by = NULL, decided_at = NULL WHERE id = $1`,
      [id],
    );
    // Resolve it the way a run does when it merged the two meanwhile.
    const pair = await linkage.getPair(ADMIN, id);
    await t().db.query(`UPDATE linkage_pairs SET status = 'resolved' WHERE id = $1`, [id]);
    await expect(linkage.decide(ADMIN, pair.id, 'accept')).rejects.toMatchObject({
      code: 'LINKAGE_PAIR_RESOLVED',
      details: { pair: { id, status: 'resolved' } },
    });
  });

  it('an incremental run after an import compares only the new rows against the rest', async () => {
    await registry.importPeople(ADMIN, {
      source: 'health',
      fileName: 'wj-2.csv',
      rows: readTable(csv(['name,id_number,phone', `张伟,${ZHANG},13912345678`]), 'csv'),
    });
    const report = await linkage.run(ADMIN, { mode: 'incremental' });
    expect(report.mode).toBe('incremental');
    expect(report.pairsCompared).toBeGreaterThan(0);
    const full = (await linkage.listRuns(ADMIN, 3)).find((r) => r.mode === 'full')!;
    expect(report.pairsCompared).toBeLessThan(full.pairsCompared);
    const again = await linkage.run(ADMIN, { mode: 'incremental' });
    expect(again.pairsCompared).toBe(0);
  });
});
