/** The FEBRL-style registry generator: deterministic, truth consistent, noise at its configured rates. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidIdNumber } from '../../src/kernel/demo-data/demo-content.js';
import { compareLevel, prepare } from '../../src/modules/registry/linkage/comparisons.js';
import {
  DEFAULT_NOISE,
  EN_COLUMNS,
  generateRegistry,
  type NoiseRates,
  ZH_COLUMNS,
  ZH_SOURCES,
} from '../../src/modules/registry/linkage/generator.js';

const byEntity = (rows: readonly Record<string, string>[]): Map<string, Record<string, string>[]> => {
  const out = new Map<string, Record<string, string>[]>();
  for (const r of rows) out.set(r.entity_id ?? '', [...(out.get(r.entity_id ?? '') ?? []), r]);
  return out;
};

const noNoise = Object.fromEntries(Object.keys(DEFAULT_NOISE).map((k) => [k, 0])) as unknown as NoiseRates;

describe('registry generator', () => {
  it('property: the same seed gives the same file, row count exact, ids R1…Rn', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.string({ maxLength: 6 }),
        fc.constantFrom('zh', 'en'),
        (rows, seed, lang) => {
          const a = generateRegistry({ rows, seed, lang: lang as 'zh' | 'en' });
          const b = generateRegistry({ rows, seed, lang: lang as 'zh' | 'en' });
          expect(b).toEqual(a);
          expect(a.rows).toHaveLength(rows);
          expect(a.rows.map((r) => r.record_id)).toEqual(a.rows.map((_, i) => `R${i + 1}`));
          for (const r of a.rows)
            expect(Object.keys(r).sort()).toEqual([...(lang === 'zh' ? ZH_COLUMNS : EN_COLUMNS)].sort());
        },
      ),
      { numRuns: 25 },
    );
    expect(generateRegistry({ rows: 200, seed: 1, lang: 'zh' }).rows).not.toEqual(
      generateRegistry({ rows: 200, seed: 2, lang: 'zh' }).rows,
    );
  });

  it('truth: a person’s records come from different departments and never carry two different valid ID numbers', () => {
    const reg = generateRegistry({ rows: 20_000, seed: 7, lang: 'zh' });
    const people = byEntity(reg.rows);
    expect(reg.rows.length - people.size).toBe(reg.duplicates);
    let multi = 0;
    for (const records of people.values()) {
      expect(new Set(records.map((r) => r.source)).size).toBe(Math.min(records.length, ZH_SOURCES.length));
      const valid = new Set(records.map((r) => r.id_number ?? '').filter((id) => isValidIdNumber(id)));
      expect(valid.size).toBeLessThanOrEqual(1);
      if (records.length > 1) multi++;
    }
    // About 35 % of people in more than one file, 2 to 5 files each.
    expect(multi / people.size).toBeGreaterThan(0.3);
    expect(multi / people.size).toBeLessThan(0.4);
  });

  it('noise: each kind applied at about its configured rate, visible in the data', () => {
    const reg = generateRegistry({ rows: 20_000, seed: 9, lang: 'zh' });
    const d = reg.duplicates;
    for (const kind of [
      'homophone',
      'moved',
      'addressPartial',
      'dateFormat',
      'phoneMissing',
      'phoneOther',
    ] as const)
      expect(reg.applied[kind] / d, kind).toBeCloseTo(DEFAULT_NOISE[kind], 1);
    // ID noise only for people who have an ID (95 %: the rest are floating population).
    for (const kind of ['idDigit', 'idMissing', 'passport'] as const) {
      const rate = reg.applied[kind] / d;
      expect(rate, kind).toBeGreaterThan(DEFAULT_NOISE[kind] * 0.8);
      expect(rate, kind).toBeLessThan(DEFAULT_NOISE[kind] * 1.1);
    }
    const passports = reg.rows.filter((r) => /^E\d{8}$/.test(r.id_number ?? '')).length;
    expect(passports).toBe(reg.applied.passport);
    const traditional = reg.rows.filter((r) => (r.name ?? '') !== (prepare('name', r.name)?.v ?? '')).length;
    expect(traditional).toBeGreaterThanOrEqual(reg.applied.traditional);
    // One wrong digit: still one edit away from the person's valid number, and itself invalid.
    let oneEdit = 0;
    for (const records of byEntity(reg.rows).values()) {
      const valid = records.find((r) => isValidIdNumber(r.id_number ?? ''));
      if (!valid) continue;
      for (const r of records) {
        const level = compareLevel(
          'id_number',
          prepare('id_number', valid.id_number),
          prepare('id_number', r.id_number),
        );
        if (level === 2) {
          oneEdit++;
          expect(isValidIdNumber(prepare('id_number', r.id_number)?.v ?? '')).toBe(false);
        }
      }
    }
    expect(oneEdit).toBeGreaterThan(0.8 * (reg.applied.idDigit + reg.applied.idTransposition));
  });

  it('all noise off: a person’s records are the same but for their source', () => {
    for (const lang of ['zh', 'en'] as const) {
      const reg = generateRegistry({ rows: 3000, seed: 4, lang, noise: noNoise, floatingRate: 0 });
      expect(Object.values(reg.applied).every((n) => n === 0)).toBe(true);
      for (const records of byEntity(reg.rows).values()) {
        const strip = ({ record_id, source, ...rest }: Record<string, string>) => rest;
        for (const r of records) expect(strip(r)).toEqual(strip(records[0] as Record<string, string>));
      }
    }
  });

  it('English: nicknames, OCR and phone formats that the comparisons fold back', () => {
    const reg = generateRegistry({ rows: 10_000, seed: 5, lang: 'en' });
    expect(reg.applied.nickname).toBeGreaterThan(0);
    expect(reg.applied.ocr).toBeGreaterThan(0);
    expect(reg.rows.some((r) => /^\+61 /.test(r.phone ?? ''))).toBe(true);
    expect(reg.rows.some((r) => /^\d{2}\/\d{2}\/\d{4}$/.test(r.date_of_birth ?? ''))).toBe(true);
    expect(compareLevel('phone', prepare('phone', '+61 412 345 678'), prepare('phone', '0412345678'))).toBe(
      1,
    );
    expect(
      compareLevel('phone', prepare('phone', '(03) 9347 1234'), prepare('phone', '+61 3 9347 1234')),
    ).toBe(1);
    expect(compareLevel('date', prepare('date', '07/03/1985'), prepare('date', '1985年3月7日'))).toBe(1);
    expect(compareLevel('name', prepare('name', '張偉'), prepare('name', '张 伟'))).toBe(1);
    expect(
      compareLevel(
        'id_number',
        prepare('id_number', '44O3O5198503071238'),
        prepare('id_number', '440305198503071238'),
      ),
    ).toBe(1);
  });
});
