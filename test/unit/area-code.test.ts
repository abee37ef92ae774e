import { describe, expect, it } from 'vitest';
import {
  cityAreaCode,
  communityAreaCode,
  districtAreaCode,
  gridAreaCode,
  isWithinArea,
  levelOfCode,
  parentCode,
  streetAreaCode,
  validateAreaCode,
} from '../../src/kernel/area-code.js';

describe('area codes', () => {
  it('builds a 15-digit grid code from the hierarchy', () => {
    const district = districtAreaCode('320502');
    const street = streetAreaCode(district, 1);
    const community = communityAreaCode(street, 3);
    const grid = gridAreaCode(community, 12);
    expect(street).toBe('320502001');
    expect(community).toBe('320502001003');
    expect(grid).toBe('320502001003012');
    expect(validateAreaCode('grid', grid)).toBeNull();
    expect(cityAreaCode('320500')).toBe('320500');
  });

  it('recognises the level of each code', () => {
    expect(levelOfCode('320500')).toBe('city');
    expect(levelOfCode('320502')).toBe('district');
    expect(levelOfCode('320502001')).toBe('street');
    expect(levelOfCode('320502001003')).toBe('community');
    expect(levelOfCode('320502001003012')).toBe('grid');
    expect(levelOfCode('3205020010')).toBeNull();
    expect(levelOfCode('990502')).toBeNull();
    expect(levelOfCode('320502000003')).toBeNull();
  });

  it('walks up to the city', () => {
    expect(parentCode('320502001003012')).toBe('320502001003');
    expect(parentCode('320502001003')).toBe('320502001');
    expect(parentCode('320502001')).toBe('320502');
    expect(parentCode('320502')).toBe('320500');
    expect(parentCode('320500')).toBeNull();
    expect(() => parentCode('12')).toThrow(RangeError);
  });

  it('explains what is wrong with a bad code', () => {
    expect(validateAreaCode('grid', '32050200100301')).toMatch(/15 digits/);
    expect(validateAreaCode('grid', '32050200100301a')).toMatch(/digits only/);
    expect(validateAreaCode('city', '320502')).toMatch(/end in 00/);
    expect(validateAreaCode('district', '320500')).toMatch(/not ending in 00/);
    expect(validateAreaCode('street', '320502000')).toMatch(/street sequence/);
    expect(validateAreaCode('community', '320502001000')).toMatch(/community sequence/);
    expect(validateAreaCode('grid', '320502001003000')).toMatch(/grid sequence/);
    expect(validateAreaCode('district', '000502')).toMatch(/province/);
  });

  it('rejects out-of-range sequences when building', () => {
    expect(() => streetAreaCode('320502', 0)).toThrow(RangeError);
    expect(() => streetAreaCode('320502', 1000)).toThrow(RangeError);
    expect(() => gridAreaCode('320502001', 1)).toThrow(RangeError);
    expect(() => districtAreaCode('320500')).toThrow(RangeError);
  });

  it('checks scope by prefix, city included', () => {
    expect(isWithinArea('320500', '320502001003012')).toBe(true);
    expect(isWithinArea('320502001', '320502001003012')).toBe(true);
    expect(isWithinArea('320502001', '320502002003012')).toBe(false);
    expect(isWithinArea('320500', '320600')).toBe(false);
    expect(isWithinArea('320502', '320502')).toBe(true);
  });
});
