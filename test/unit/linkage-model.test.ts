import { pinyin } from 'pinyin-pro';
import { describe, expect, it } from 'vitest';
import { isValidIdNumber } from '../../src/kernel/demo-data/demo-content.js';
import { candidatePairs, defaultRules, type LinkField } from '../../src/modules/registry/linkage/blocking.js';
import { clusterPairs } from '../../src/modules/registry/linkage/cluster.js';
import { prepare } from '../../src/modules/registry/linkage/comparisons.js';
import { generateRegistry } from '../../src/modules/registry/linkage/generator.js';
import {
  linkRecords,
  pairwiseScores,
  prepareRecords,
  thresholdCurve,
} from '../../src/modules/registry/linkage/link.js';

const ZH_FIELDS: LinkField[] = [
  { column: 'name', kind: 'name' },
  { column: 'id_number', kind: 'id_number' },
  { column: 'birth_date', kind: 'date' },
  { column: 'phone', kind: 'phone' },
  { column: 'address', kind: 'address' },
];

describe('generator', () => {
  it('is deterministic, gives valid ids to originals and has common-name collisions', () => {
    const a = generateRegistry({ rows: 2000, seed: 3, lang: 'zh' });
    expect(generateRegistry({ rows: 2000, seed: 3, lang: 'zh' }).rows).toEqual(a.rows);
    expect(a.rows).toHaveLength(2000);
    const valid = a.rows.filter((r) => r.id_number && isValidIdNumber(r.id_number)).length;
    expect(valid / a.rows.length).toBeGreaterThan(0.7);
    const byName = new Map<string, Set<string>>();
    for (const r of a.rows)
      byName.set(r.name ?? '', (byName.get(r.name ?? '') ?? new Set()).add(r.entity_id ?? ''));
    expect([...byName.values()].some((ents) => ents.size >= 3)).toBe(true);
    const en = generateRegistry({ rows: 500, seed: 3, lang: 'en' });
    expect(Object.keys(en.rows[0] ?? {})).toEqual(
      expect.arrayContaining(['given_name', 'surname', 'postcode', 'entity_id']),
    );
  });

  it('homophone noise keeps the pinyin', () => {
    const reg = generateRegistry({ rows: 3000, seed: 5, lang: 'zh' });
    const byEntity = new Map<string, string[]>();
    for (const r of reg.rows)
      byEntity.set(r.entity_id ?? '', [...(byEntity.get(r.entity_id ?? '') ?? []), r.name ?? '']);
    let homophones = 0;
    for (const names of byEntity.values()) {
      // Traditional characters and spacing are folded the way the comparisons fold them.
      const py = names.map((n) => pinyin(prepare('name', n)?.v ?? '', { toneType: 'none' }));
      expect(new Set(py).size).toBe(1);
      if (new Set(names).size > 1) homophones++;
    }
    expect(homophones).toBeGreaterThan(20);
  });
});

describe('blocking', () => {
  it('gives each pair once with i < j and skips oversized blocks', () => {
    const reg = generateRegistry({ rows: 1000, seed: 2, lang: 'zh' });
    const records = prepareRecords(reg.rows, 'record_id', ZH_FIELDS);
    const all = candidatePairs(records, defaultRules(ZH_FIELDS));
    const keys = new Set<string>();
    for (let k = 0; k < all.count; k++) {
      const i = all.pairs[2 * k] as number;
      const j = all.pairs[2 * k + 1] as number;
      expect(i).toBeLessThan(j);
      keys.add(`${i},${j}`);
    }
    expect(keys.size).toBe(all.count);
    expect(all.count).toBeLessThan((1000 * 999) / 2 / 50);
    const capped = candidatePairs(records, [{ name: 'everyone', key: () => 'x' }], 10);
    expect(capped).toMatchObject({ count: 0, skippedBlocks: 1 });
  });
});

describe('Fellegi–Sunter linkage on a generated 5,000-row Chinese registry', () => {
  const reg = generateRegistry({ rows: 5000, seed: 11, lang: 'zh' });
  const records = prepareRecords(reg.rows, 'record_id', ZH_FIELDS);
  const result = linkRecords(records, ZH_FIELDS, { seed: 1 });

  it('EM converges; exact id agreement is likely among matches and rare among non-matches', () => {
    expect(result.params.converged).toBe(true);
    const idM = result.params.m[1]?.[1] ?? 0;
    const idU = result.params.u[1]?.[1] ?? 1;
    expect(idM).toBeGreaterThan(0.5);
    expect(idU).toBeLessThan(0.01);
    // Deterministic: the same input gives the same model.
    expect(linkRecords(records, ZH_FIELDS, { seed: 1 }).params).toEqual(result.params);
  });

  it('pairwise precision ≥ 0.98 and F1 ≥ 0.95', () => {
    const s = pairwiseScores(
      result.clustering.clusterOf,
      reg.rows.map((r) => r.entity_id ?? ''),
    );
    expect(s.precision).toBeGreaterThanOrEqual(0.98);
    expect(s.f1).toBeGreaterThanOrEqual(0.95);
  });
});

describe('the three department records and the namesakes', () => {
  const base = generateRegistry({ rows: 1500, seed: 21, lang: 'zh' }).rows;
  const person = {
    record_id: 'P1',
    name: '王伟',
    id_number: '440305198503071238',
    birth_date: '1985-03-07',
    phone: '13812345678',
    address: '广东省深圳市南山区科技路12号3栋501室',
  };
  const rows = [
    ...base,
    person,
    // one mistyped id digit
    { ...person, record_id: 'P2', id_number: '440305198503071288' },
    // no id, and the address written without the province
    { ...person, record_id: 'P3', id_number: '', address: '深圳市南山区科技路12号3栋501室' },
    // homophone name
    { ...person, record_id: 'P4', name: '王玮' },
    // a different 王伟 born the same year: other id, date, phone and address
    {
      record_id: 'Q1',
      name: '王伟',
      id_number: '110105198511200012',
      birth_date: '1985-11-20',
      phone: '13998765432',
      address: '北京市朝阳区建国路8号',
    },
  ];

  it('are one person, and the namesake is not linked to them', () => {
    const records = prepareRecords(rows, 'record_id', ZH_FIELDS);
    const { clustering } = linkRecords(records, ZH_FIELDS, { seed: 1 });
    const at = (id: string): number => clustering.clusterOf[records.findIndex((r) => r.id === id)] as number;
    expect(new Set(['P1', 'P2', 'P3', 'P4'].map(at)).size).toBe(1);
    expect(at('Q1')).not.toBe(at('P1'));
  });

  it('clustering refuses a union joining two different valid id numbers', () => {
    const pair = (left: number, right: number) => ({
      left,
      right,
      weight: 10,
      probability: 0.99,
      levels: [],
      idConflict: false,
    });
    const ids = ['A', null, 'B'];
    const c = clusterPairs(3, [pair(0, 1), pair(1, 2)], { upper: 0.9, lower: 0.5 }, (i) => ids[i] ?? null);
    expect(c.refused).toBe(1);
    expect(c.clusterOf[0]).not.toBe(c.clusterOf[2]);
    expect(c.review).toHaveLength(1);
  });
});

describe('quality at the generator’s default noise (10,000 records each, no labels)', () => {
  const EN_FIELDS: LinkField[] = [
    { column: 'given_name', kind: 'given_name' },
    { column: 'surname', kind: 'surname' },
    { column: 'street_number', kind: 'street_number' },
    { column: 'address', kind: 'address' },
    { column: 'suburb', kind: 'suburb' },
    { column: 'postcode', kind: 'postcode' },
    { column: 'state', kind: 'state' },
    { column: 'date_of_birth', kind: 'date' },
    { column: 'phone', kind: 'phone' },
    { column: 'licence_number', kind: 'id_number' },
  ];
  for (const [lang, fields] of [
    ['zh', ZH_FIELDS],
    ['en', EN_FIELDS],
  ] as const) {
    it(`${lang}: pairwise precision ≥ 0.98 and F1 ≥ 0.95 at the default threshold; precision rises with the threshold`, () => {
      const reg = generateRegistry({ rows: 10_000, seed: 31, lang });
      const records = prepareRecords(reg.rows, 'record_id', fields);
      const result = linkRecords(records, fields, { seed: 1 });
      const truth = reg.rows.map((r) => r.entity_id ?? '');
      const s = pairwiseScores(result.clustering.clusterOf, truth);
      expect(s.precision).toBeGreaterThanOrEqual(0.98);
      expect(s.f1).toBeGreaterThanOrEqual(0.95);
      const curve = thresholdCurve(result, truth, [0.5, 0.9, 0.99]);
      expect(curve.map((p) => p.threshold)).toEqual([0.5, 0.9, 0.99]);
      expect(curve[1]?.f1).toBeCloseTo(s.f1, 10);
      expect(curve[2]?.precision).toBeGreaterThanOrEqual((curve[0]?.precision ?? 1) - 1e-9);
      expect(curve[2]?.clusters).toBeGreaterThanOrEqual(curve[0]?.clusters ?? 0);
    });
  }
});
