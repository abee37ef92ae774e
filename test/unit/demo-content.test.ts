import { describe, expect, it } from 'vitest';
import {
  buildingAddress,
  idNumber,
  idNumberCheckChar,
  isValidIdNumber,
  organisationName,
  personName,
  phoneNumber,
  REPORT_TEMPLATES,
  type ReplyStage,
  replyText,
  reportPlace,
  reportText,
  residentialCompoundName,
  roadName,
} from '../../src/kernel/demo-data/demo-content.js';
import { createRng } from '../../src/lib/random.js';
import { categoryRef } from '../../src/modules/cases/cases.demo.js';
import { findCategory, TAXONOMY_V1 } from '../../src/modules/taxonomy/taxonomy.seed.js';

/** ISO 7064 MOD 11-2 written the textbook way (weights 2^(17-i) mod 11), to cross-check the table. */
function referenceCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const v = (12 - (sum % 11)) % 11;
  return v === 10 ? 'X' : String(v);
}

const ASOF = new Date('2025-01-01T00:00:00Z');
const STAGES: readonly ReplyStage[] = [
  'dispatch',
  'accept',
  'feedback',
  'return',
  'extension',
  'verify_pass',
  'verify_fail',
  'callback',
];

function everything(seed: number): unknown[] {
  const rng = createRng(seed);
  const out: unknown[] = [];
  for (const c of TAXONOMY_V1.categories) {
    out.push(reportText(rng, c, reportPlace(rng)));
    out.push(replyText(rng, c, rng.pick(STAGES)));
  }
  for (let i = 0; i < 20; i++) {
    out.push(personName(rng), roadName(rng), residentialCompoundName(rng), buildingAddress(rng));
    out.push(phoneNumber(rng), organisationName(rng), idNumber(rng, '1990-03-07', '110101', 'male'));
  }
  return out;
}

describe('determinism', () => {
  it('gives the same output for the same seed and different output for another', () => {
    expect(everything(42)).toEqual(everything(42));
    expect(everything(42)).not.toEqual(everything(43));
  });
});

describe('identity numbers (GB 11643)', () => {
  it('computes the check character of known examples', () => {
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(idNumberCheckChar('31010419700101123')).toBe('4');
    expect(() => idNumberCheckChar('123')).toThrow();
  });

  it('agrees with the textbook MOD 11-2 formula', () => {
    const rng = createRng('check');
    for (let i = 0; i < 2000; i++) {
      let s = '';
      for (let j = 0; j < 17; j++) s += String(rng.int(0, 9));
      expect(idNumberCheckChar(s)).toBe(referenceCheckChar(s));
    }
  });

  it('accepts known-good numbers', () => {
    expect(isValidIdNumber('11010519491231002X', ASOF)).toBe(true);
    expect(isValidIdNumber('310104197001011234', ASOF)).toBe(true);
  });

  it('rejects known-bad numbers', () => {
    const withCheck = (first17: string): string => first17 + idNumberCheckChar(first17);
    expect(isValidIdNumber('110105194912310021', ASOF)).toBe(false); // wrong check character
    expect(isValidIdNumber('11010519491231002x', ASOF)).toBe(false); // lower-case x
    expect(isValidIdNumber('11010519491231002', ASOF)).toBe(false); // 17 characters
    expect(isValidIdNumber('440524188001010014', ASOF)).toBe(false); // right checksum, born 1880
    expect(isValidIdNumber(withCheck('11010519490230002'), ASOF)).toBe(false); // 30 February
    expect(isValidIdNumber(withCheck('99010519491231002'), ASOF)).toBe(false); // no province 99
    expect(isValidIdNumber(withCheck('11000019491231002'), ASOF)).toBe(false); // province-level area
    expect(isValidIdNumber(withCheck('11010520300101002'), ASOF)).toBe(false); // born in the future
    expect(isValidIdNumber(withCheck('11010519491231000'), ASOF)).toBe(false); // sequence 000
  });

  it('generates only valid numbers with the requested sex and birth date', () => {
    const rng = createRng('ids');
    for (let i = 0; i < 1000; i++) {
      const sex = rng.chance(0.5) ? 'male' : 'female';
      const year = rng.int(1930, 2020);
      const birth = `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
      const id = idNumber(rng, birth, rng.pick(['110105', '320508', '440305', '510107']), sex);
      expect(isValidIdNumber(id, ASOF), id).toBe(true);
      expect(id.slice(6, 14)).toBe(birth.replace(/-/g, ''));
      expect(Number(id.charAt(16)) % 2).toBe(sex === 'male' ? 1 : 0);
    }
    expect(idNumber(rng, new Date(Date.UTC(2000, 1, 29)), '110101', 'female').slice(6, 14)).toBe('20000229');
    expect(() => idNumber(rng, '1999-02-29', '110101', 'male')).toThrow();
    expect(() => idNumber(rng, '1999-01-01', '11010', 'male')).toThrow();
  });
});

describe('people, places and numbers', () => {
  it('makes mainland mobile numbers without vanity runs', () => {
    const rng = createRng('phones');
    for (let i = 0; i < 500; i++) {
      const n = phoneNumber(rng);
      expect(n).toMatch(/^1[3-9]\d{9}$/);
      expect(n.slice(3)).not.toMatch(/(\d)\1{3}/);
    }
  });

  it('draws common surnames most often', () => {
    const rng = createRng('names');
    const counts = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const p = personName(rng);
      expect(p.zh).toBe(p.surnameZh + p.givenNameZh);
      expect(p.givenNameZh.length).toBeGreaterThanOrEqual(1);
      expect(p.en).toMatch(/^[A-Z][a-z]+ [A-Z][a-z']+$/);
      counts.set(p.surnameZh, (counts.get(p.surnameZh) ?? 0) + 1);
    }
    const wang = counts.get('王') ?? 0;
    expect(wang).toBeGreaterThan(counts.get('郭') ?? 0);
    expect(wang / 5000).toBeGreaterThan(0.04);
    expect(wang / 5000).toBeLessThan(0.1);
    expect(personName(rng, 'female').sex).toBe('female');
  });

  it('builds non-empty bilingual roads, compounds, addresses and organisations', () => {
    const rng = createRng('places');
    for (let i = 0; i < 200; i++) {
      for (const t of [
        roadName(rng),
        residentialCompoundName(rng),
        reportPlace(rng),
        organisationName(rng),
      ]) {
        expect(t.zh.length).toBeGreaterThan(1);
        expect(t.en.length).toBeGreaterThan(1);
      }
      const a = buildingAddress(rng);
      expect(a.zh).toMatch(/号.+栋\d单元\d+室$/);
      expect(a.en).toMatch(/^Room \d+, Unit \d, Building \d+, /);
    }
    const road = { zh: '人民路', en: 'Renmin Road' };
    expect(buildingAddress(rng, { road }).zh.startsWith('人民路')).toBe(true);
    expect(organisationName(rng, 'property').zh).toMatch(/物业(管理|服务)有限公司$/);
  });
});

describe('report texts', () => {
  it('has at least 3 templates per event minor and 2 per part minor and 12345 type', () => {
    for (const c of TAXONOMY_V1.categories) {
      const n = REPORT_TEMPLATES[c.code]?.length ?? 0;
      expect(n, c.code).toBeGreaterThanOrEqual(c.kind === 'event' ? 3 : 2);
    }
    for (const code of Object.keys(REPORT_TEMPLATES)) {
      expect(
        TAXONOMY_V1.categories.some((c) => c.code === code),
        code,
      ).toBe(true);
    }
  });

  it('fills every slot in both languages and keeps texts short', () => {
    const rng = createRng('reports');
    for (const c of TAXONOMY_V1.categories) {
      for (let i = 0; i < 15; i++) {
        const place = reportPlace(rng);
        const r = reportText(rng, c, place);
        expect(r.zh, c.code).not.toMatch(/[{}]/);
        expect(r.en, c.code).not.toMatch(/[{}]/);
        expect(r.zh.length).toBeLessThan(120);
        expect(r.en).not.toMatch(/[\u4e00-\u9fff]/);
        // Place names differ in form between the languages; the shared parts are the numbers.
        expect(r.zh.trim().length).toBeGreaterThan(5);
        expect(r.en.trim().length).toBeGreaterThan(10);
      }
    }
  });

  it('varies across calls', () => {
    const rng = createRng('vary');
    const place = { zh: '人民路88号门口', en: 'the entrance of No. 88 Renmin Road' };
    const cat = TAXONOMY_V1.categories.find((c) => c.code === 'E0102');
    if (!cat) throw new Error('E0102 missing');
    const texts = new Set(Array.from({ length: 30 }, () => reportText(rng, cat, place).zh));
    expect(texts.size).toBeGreaterThan(10);
    for (const t of texts) expect(t).toContain('88');
  });

  it('writes 12345 types as hotline work orders and still handles unknown categories', () => {
    const rng = createRng('hotline');
    const place = reportPlace(rng);
    const r = reportText(rng, { code: 'H03', kind: 'hotline' }, place);
    expect(r.zh).toMatch(/^(市民来电反映|来电人称|市民反映)：/);
    const other = reportText(rng, { code: 'E9901', nameZh: '共享充电宝', nameEn: 'Power bank' }, place);
    expect(other.zh).toContain('共享充电宝');
    expect(other.en.toLowerCase()).toContain('power bank');
  });
});

describe('replies', () => {
  it('gives non-empty, slot-free replies for every stage', () => {
    const rng = createRng('replies');
    for (const c of TAXONOMY_V1.categories) {
      for (const stage of STAGES) {
        const r = replyText(rng, c, stage);
        expect(r.zh.length).toBeGreaterThan(5);
        expect(r.en.length).toBeGreaterThan(5);
        expect(`${r.zh}${r.en}`).not.toMatch(/[{}]/);
      }
    }
  });

  it('names the owner department and the closing criteria', () => {
    const rng = createRng('owner');
    // The demo step passes the category with its department (the generators know no module).
    const ref = categoryRef(findCategory('E0102')!);
    expect(ref.department?.nameZh).toBe('环境卫生管理处');
    const seen = new Set(Array.from({ length: 40 }, () => replyText(rng, ref, 'verify_pass').zh));
    expect([...seen].some((t) => t.includes('垃圾清理干净'))).toBe(true);
    const dispatch = new Set(Array.from({ length: 40 }, () => replyText(rng, ref, 'dispatch').zh));
    expect([...dispatch].every((t) => t.includes('环境卫生管理处'))).toBe(true);
  });
});
