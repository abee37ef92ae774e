/**
 * Issue 16, "merge then unmerge restores both exactly": over random sequences of merges between
 * live people (with conflicts, provenance, redirects of earlier merges) and unmerges of the most
 * recent merge, the state after each unmerge equals the state before its merge. And a value that
 * arrived after the merge goes, on unmerge, to the person whose source row supplied it.
 */
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/db.js';
import { systemActor } from '../../src/kernel/actor.js';
import { idNumber, phoneNumber } from '../../src/kernel/demo-data/demo-content.js';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher } from '../../src/lib/privacy.js';
import { createRng } from '../../src/lib/random.js';
import { DepartmentRepository } from '../../src/modules/org/department.repository.js';
import { PersonHistoryRepository } from '../../src/modules/registry/person-history.repository.js';
import { RegistryService } from '../../src/modules/registry/registry.service.js';
import { readTable } from '../../src/modules/registry/tabular-file.js';
import { describeEachDriver } from '../support/db.js';
import { RecordingAudit } from '../support/fake-audit.js';

const rng = createRng(1616);
const ADMIN = systemActor('test');
const AT = new Date('2026-03-04T02:00:00Z');
const csv = (lines: string[]) => readTable(Buffer.from(`${lines.join('\n')}\n`, 'utf8'), 'csv');

class Rollback extends Error {}

/** Everything a merge or unmerge may touch. */
async function snapshot(q: Queryable) {
  const people = await q.query('SELECT to_jsonb(p) AS p FROM people p ORDER BY id');
  const records = await q.query('SELECT id, person_id FROM person_records ORDER BY id');
  const conflicts = await q.query('SELECT id, entity_type, entity_id FROM registry_conflicts ORDER BY id');
  const provenance = await q.query('SELECT id, entity_type, entity_id FROM registry_provenance ORDER BY id');
  return {
    people: people.rows,
    records: records.rows,
    conflicts: conflicts.rows,
    provenance: provenance.rows,
  };
}

describeEachDriver('person merge and unmerge', (t) => {
  let registry: RegistryService;
  const ids: string[] = [];
  const history = new PersonHistoryRepository();

  beforeAll(async () => {
    registry = new RegistryService(t().db, {
      audit: new RecordingAudit(),
      cipher: new FieldCipher('k'.repeat(40)),
      clock: new FixedClock(AT),
    });
    await new DepartmentRepository().upsertMany(t().db, [
      { code: 'public_security', nameZh: '公安局', nameEn: 'Public Security', kind: 'bureau' },
      { code: 'civil_affairs', nameZh: '民政局', nameEn: 'Civil Affairs', kind: 'bureau' },
    ]);
    for (let i = 0; i < 6; i++)
      ids.push(idNumber(rng, `19${70 + i}-0${1 + i}-1${i}`, '320502', i % 2 ? 'male' : 'female'));
    // Six people: some with and some without phone or number, a second department that fills
    // and contradicts (conflicts), and one floating person without a number.
    await registry.importPeople(ADMIN, {
      source: 'public_security',
      fileName: 'a.csv',
      rows: csv([
        'name,id_number,phone,address',
        `赵一,${ids[0]},${phoneNumber(rng)},苏州市平江路1号`,
        `钱二,${ids[1]},,`,
        `孙三,${ids[2]},${phoneNumber(rng)},`,
        `李四,${ids[3]},,苏州市人民路4号`,
      ]),
    });
    await registry.importPeople(ADMIN, {
      source: 'civil_affairs',
      fileName: 'b.csv',
      rows: csv([
        'name,id_number,phone,address,residence_type',
        `赵一,${ids[0]},${phoneNumber(rng)},,户籍`,
        `钱二,${ids[1]},${phoneNumber(rng)},苏州市十全街2号,流动`,
        `周五,${ids[4]},,,常住`,
        `吴六,,${phoneNumber(rng)},苏州市宝带路6号,流动`,
      ]),
    });
  });

  it('restores the state before each merge on unmerge, over random merge/unmerge sequences', async () => {
    const { rows } = await t().db.query<{ id: number }>('SELECT id FROM people ORDER BY id');
    const people = rows.map((r) => Number(r.id));
    expect(people.length).toBe(6);
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('merge' as const), a: fc.nat(), b: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('unmerge' as const) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        await t()
          .db.transaction(async (tx) => {
            const stack: Array<{ mergeId: number; before: Awaited<ReturnType<typeof snapshot>> }> = [];
            for (const o of ops) {
              if (o.kind === 'merge') {
                const live = (
                  await tx.query<{ id: number }>(
                    'SELECT id FROM people WHERE merged_into IS NULL ORDER BY id',
                  )
                ).rows.map((r) => Number(r.id));
                if (live.length < 2) continue;
                const s = live[o.a % live.length]!;
                const rest = live.filter((x) => x !== s);
                const a = rest[o.b % rest.length]!;
                const before = await snapshot(tx);
                const mergeId = await history.merge(tx, s, a, { kind: 'manual', by: 'test', at: AT });
                stack.push({ mergeId, before });
              } else {
                const top = stack.pop();
                if (!top) continue;
                const m = await history.findMerge(tx, top.mergeId);
                expect(await history.unmergeBlocker(tx, m!)).toBeNull();
                await history.unmerge(tx, top.mergeId, 'test', AT);
                expect(await snapshot(tx)).toEqual(top.before);
              }
            }
            while (stack.length > 0) {
              const top = stack.pop()!;
              await history.unmerge(tx, top.mergeId, 'test', AT);
              expect(await snapshot(tx)).toEqual(top.before);
            }
            expect(people.length).toBe(6);
            throw new Rollback();
          })
          .catch((err) => {
            if (!(err instanceof Rollback)) throw err;
          });
      }),
      { numRuns: 15 },
    );
  });

  it('gives a value that arrived after the merge to the person whose row supplied it', async () => {
    // 李四 has no phone but an address; 周五 neither.
    const zhao = (await registry.findByIdNumber(ADMIN, ids[3]!))!.id;
    const zhou = (await registry.findByIdNumber(ADMIN, ids[4]!))!.id;
    const before = await registry.getPerson(ADMIN, zhou);
    expect(before.phoneMasked).toBeNull();
    const mergeId = await t().db.transaction((tx) =>
      history.merge(tx, zhao, zhou, { kind: 'manual', by: 'test', at: AT }),
    );
    // 周五's number (now redirected to 李四) arrives with a phone (fills 李四's empty one) and an
    // address (disagrees with 李四's: a conflict).
    const phone = phoneNumber(rng);
    await registry.importPeople(ADMIN, {
      source: 'public_security',
      fileName: 'c.csv',
      rows: csv(['name,id_number,phone,address', `周五,${ids[4]},${phone},苏州市道前街5号`]),
    });
    expect(await registry.findByIdNumber(ADMIN, ids[4]!)).toMatchObject({ id: zhao });
    const merged = await registry.getPerson(ADMIN, zhao);
    expect(merged.provenance.map((p) => p.fileName)).toContain('c.csv');
    await t().db.transaction((tx) => history.unmerge(tx, mergeId, 'test', AT));
    const back = await registry.getPerson(ADMIN, zhou);
    expect(back.phoneMasked).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect(back.provenance.map((p) => p.fileName)).toEqual(['b.csv', 'c.csv']);
    const zhaoAfter = await registry.getPerson(ADMIN, zhao);
    expect(zhaoAfter.provenance.map((p) => p.fileName)).toEqual(['a.csv']);
    expect(merged.phoneMasked).toBe(back.phoneMasked);
    expect(zhaoAfter.phoneMasked).toBeNull();
    const conflicts = await registry.listConflicts(ADMIN, { personId: zhou, limit: 10, offset: 0 });
    // 李四's name and address disagreed with the row: those conflicts are 周五's row's, so 周五's.
    expect(conflicts.items.map((c) => [c.field, c.fileName]).sort()).toEqual([
      ['address', 'c.csv'],
      ['name', 'c.csv'],
    ]);
    expect((await registry.listConflicts(ADMIN, { personId: zhao, limit: 10, offset: 0 })).total).toBe(0);
  });
});
