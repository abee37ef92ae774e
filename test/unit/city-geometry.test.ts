import turfArea from '@turf/area';
import { describe, expect, it } from 'vitest';
import { levelOfCode, parentCode, validateAreaCode } from '../../src/kernel/area-code.js';
import { generateCityGeometry, generateGridsForBenchmark } from '../../src/kernel/demo-data/city-geometry.js';
import { GridLocator } from '../../src/modules/grid/grid-locator.js';

describe('generateCityGeometry', () => {
  const city = generateCityGeometry(7);

  it('is deterministic for a seed and differs between seeds', () => {
    expect(JSON.stringify(generateCityGeometry(7))).toBe(JSON.stringify(city));
    expect(JSON.stringify(generateCityGeometry(8))).not.toBe(JSON.stringify(city));
  });

  it('has one city, five districts, ~2,000 grids with valid codes and existing parents', () => {
    const byCode = new Map(city.map((a) => [a.code, a]));
    expect(byCode.size).toBe(city.length);
    const count = (level: string) => city.filter((a) => a.level === level).length;
    expect(count('city')).toBe(1);
    expect(count('district')).toBe(5);
    expect(count('street')).toBeGreaterThanOrEqual(15);
    expect(count('community')).toBeGreaterThanOrEqual(60);
    expect(count('grid')).toBeGreaterThanOrEqual(1800);
    expect(count('grid')).toBeLessThanOrEqual(2200);
    for (const a of city) {
      expect(validateAreaCode(a.level, a.code)).toBeNull();
      expect(levelOfCode(a.code)).toBe(a.level);
      expect(a.parentCode).toBe(parentCode(a.code));
      if (a.parentCode !== null) expect(byCode.has(a.parentCode)).toBe(true);
      expect(a.nameZh.length).toBeGreaterThan(0);
      expect(a.nameEn).toMatch(/^[A-Z][A-Za-z' ]+( \d+)?$/);
    }
    const grid = city.find((a) => a.level === 'grid');
    expect(grid?.nameZh).toMatch(/^第\d+网格$/);
    expect(city[0]?.nameZh).toBe('南湖市');
  });

  it('children tile their parent: areas sum to the parent area within 0.1%', () => {
    const childArea = new Map<string, number>();
    for (const a of city) {
      if (a.parentCode === null) continue;
      childArea.set(a.parentCode, (childArea.get(a.parentCode) ?? 0) + turfArea(a.geometry));
    }
    let parents = 0;
    for (const a of city) {
      if (a.level === 'grid') continue;
      const sum = childArea.get(a.code);
      expect(sum).toBeDefined();
      const own = turfArea(a.geometry);
      expect(Math.abs((sum ?? 0) - own) / own).toBeLessThan(0.001);
      parents++;
    }
    expect(parents).toBeGreaterThan(100);
  });

  it('has a city ~20 km across and grids of roughly 0.05–0.5 km²', () => {
    const cityKm2 = turfArea(city[0]!.geometry) / 1e6;
    expect(cityKm2).toBeGreaterThan(200);
    expect(cityKm2).toBeLessThan(450);
    const grids = city.filter((a) => a.level === 'grid').map((a) => turfArea(a.geometry) / 1e6);
    const mean = grids.reduce((s, v) => s + v, 0) / grids.length;
    expect(mean).toBeGreaterThan(0.1);
    expect(mean).toBeLessThan(0.25);
  });

  it('every grid vertex resolves to a grid through the locator', () => {
    const grids = city
      .filter((a) => a.level === 'grid')
      .map((a, i) => ({ id: i, code: a.code, geometry: a.geometry }));
    const locator = new GridLocator(grids);
    // every grid's first vertex lies on some grid (boundary counts as inside)
    let found = 0;
    for (const g of grids) {
      const ring =
        g.geometry.type === 'Polygon' ? g.geometry.coordinates[0]! : g.geometry.coordinates[0]![0]!;
      const [x, y] = ring[0]! as [number, number];
      if (locator.locate(x, y) !== -1) found++;
    }
    expect(found).toBe(grids.length);
  });
});

describe('generateGridsForBenchmark', () => {
  it('builds the requested number of grids with unique valid codes, deterministically', () => {
    const a = generateGridsForBenchmark(3, 5000);
    expect(a).toHaveLength(5000);
    expect(new Set(a.map((g) => g.code)).size).toBe(5000);
    for (const g of a) expect(validateAreaCode('grid', g.code)).toBeNull();
    expect(JSON.stringify(generateGridsForBenchmark(3, 5000))).toBe(JSON.stringify(a));
  });
});
