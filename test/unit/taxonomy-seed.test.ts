import { describe, expect, it } from 'vitest';
import { DEPARTMENTS, findDepartment } from '../../src/modules/org/departments.seed.js';
import {
  CATEGORY_CODE_PATTERN,
  findCategory,
  TAXONOMY_V1,
} from '../../src/modules/taxonomy/taxonomy.seed.js';

const { categories, majors } = TAXONOMY_V1;

describe('departments seed', () => {
  it('has unique lowercase codes and parents that exist', () => {
    const codes = DEPARTMENTS.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const d of DEPARTMENTS) {
      expect(d.code).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(d.nameZh.length).toBeGreaterThan(0);
      expect(d.nameEn.length).toBeGreaterThan(0);
      if ('parentCode' in d) expect(findDepartment(d.parentCode), d.code).toBeDefined();
    }
  });

  it('includes the departments the brief names', () => {
    for (const code of [
      'urban_mgmt',
      'housing',
      'water',
      'transport',
      'ecology_env',
      'market_reg',
      'public_security',
      'civil_affairs',
      'greening',
      'emergency',
      'health',
      'hotline_12345',
    ]) {
      expect(findDepartment(code), code).toBeDefined();
    }
  });
});

describe('taxonomy v1 seed', () => {
  it('is version 1 with unique category and major codes', () => {
    expect(TAXONOMY_V1.version).toBe(1);
    const codes = categories.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    const majorCodes = majors.map((m) => m.code);
    expect(new Set(majorCodes).size).toBe(majorCodes.length);
  });

  it('gives every category a code that matches its kind, major and minor', () => {
    for (const c of categories) {
      expect(c.code, c.code).toMatch(CATEGORY_CODE_PATTERN[c.kind]);
      expect(c.majorCode).toMatch(/^\d{2}$/);
      expect(c.minorCode).toMatch(/^\d{2}$/);
      const expected =
        c.kind === 'hotline'
          ? `H${c.minorCode}`
          : `${c.kind === 'event' ? 'E' : 'P'}${c.majorCode}${c.minorCode}`;
      expect(c.code).toBe(expected);
      expect(c.minorCode).not.toBe('00');
    }
  });

  it('routes every category to a department that exists', () => {
    for (const c of categories) expect(findDepartment(c.departmentCode), c.code).toBeDefined();
  });

  it('has minors under every major and a major for every minor', () => {
    for (const m of majors) {
      const minors = categories.filter((c) => c.kind === m.kind && c.majorCode === m.majorCode);
      expect(minors.length, m.code).toBeGreaterThan(0);
      if (m.kind !== 'hotline') expect(minors.length, m.code).toBeGreaterThanOrEqual(6);
    }
    for (const c of categories) {
      expect(
        majors.some((m) => m.kind === c.kind && m.majorCode === c.majorCode),
        c.code,
      ).toBe(true);
    }
    expect(majors.filter((m) => m.kind === 'event').map((m) => m.majorCode)).toEqual([
      '01',
      '02',
      '03',
      '04',
      '05',
      '06',
    ]);
    expect(majors.filter((m) => m.kind === 'part').map((m) => m.majorCode)).toEqual([
      '01',
      '02',
      '03',
      '04',
      '05',
      '06',
    ]);
  });

  it('has the five 12345 request types', () => {
    expect(categories.filter((c) => c.kind === 'hotline').map((c) => c.nameZh)).toEqual([
      '咨询',
      '求助',
      '投诉',
      '举报',
      '建议',
    ]);
  });

  it('has positive whole-minute deadlines, urgent ones on the natural clock', () => {
    for (const c of categories) {
      const d = c.deadlines;
      for (const v of [d.file, d.dispatch, d.handle, d.verify]) {
        expect(Number.isInteger(v) && v > 0, c.code).toBe(true);
      }
      if (c.urgent) {
        expect(d.handleUnit, c.code).toBe('natural');
        expect(d.file + d.dispatch, c.code).toBeLessThanOrEqual(10);
      } else if (c.kind !== 'hotline') {
        expect(d.file + d.dispatch, c.code).toBeLessThanOrEqual(30);
      }
      for (const ms of c.milestones ?? []) expect(ms.minutes).toBeLessThan(d.handle);
    }
  });

  it('uses the published deadlines where they exist', () => {
    expect(findCategory('E0102')?.deadlines).toMatchObject({ handle: 240, handleUnit: 'working' });
    expect(findCategory('E0104')?.deadlines.handle).toBe(120);
    expect(findCategory('E0106')?.deadlines).toMatchObject({ handle: 5 * 480, handleUnit: 'working' });
    const building = findCategory('E0101');
    expect(building?.deadlines.handle).toBe(20 * 480);
    expect(building?.milestones?.[0]).toMatchObject({ key: 'stop_work', minutes: 240 });
  });

  it('has text in both languages and triage keywords', () => {
    for (const c of categories) {
      for (const s of [
        c.nameZh,
        c.nameEn,
        c.filingCriteriaZh,
        c.filingCriteriaEn,
        c.closingCriteriaZh,
        c.closingCriteriaEn,
      ]) {
        expect(s.trim().length, c.code).toBeGreaterThan(0);
      }
      expect(c.keywordsZh.length, c.code).toBeGreaterThanOrEqual(3);
      expect(c.keywordsEn.length, c.code).toBeGreaterThanOrEqual(3);
      expect(c.keywordsZh.every((k) => k.length > 0)).toBe(true);
    }
  });
});
