/**
 * Deterministic geometry for the demo city 南湖市 (Nanhu City, fictional) and for benchmarks.
 * Every level is a Voronoi partition (d3-delaunay, best-candidate seeds with Lloyd relaxation)
 * clipped to its parent (polygon-clipping), so children tile their parent without overlaps or
 * gaps up to float rounding, and shared edges use identical coordinates.
 *
 * Voronoi diagrams are computed in a local kilometre plane (so cells are not stretched by the
 * longitude/latitude ratio) and mapped back to WGS 84 with one fixed formula per vertex.
 */

import turfArea from '@turf/area';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { Delaunay } from 'd3-delaunay';
import polygonClipping, {
  type MultiPolygon as ClipMultiPolygon,
  type Ring as ClipRing,
} from 'polygon-clipping';
import { createRng, type Rng } from '../../lib/random.js';
import {
  type AreaLevel,
  cityAreaCode,
  communityAreaCode,
  districtAreaCode,
  gridAreaCode,
  streetAreaCode,
} from '../area-code.js';
import type { AreaGeometry, Polygon } from '../geojson.js';

/** One generated area, ready to be stored as an area version or used in tests. */
export interface DemoArea {
  code: string;
  level: AreaLevel;
  parentCode: string | null;
  nameZh: string;
  nameEn: string;
  geometry: AreaGeometry;
}

/** Knobs for the demo city; the defaults give ~2,000 grids over a city ~20 km across. */
export interface CityGeometryOptions {
  /** 6-digit city division code; district codes are its first four digits + 02, 03, … */
  divisionCode?: string;
  /** [lng, lat] of the city centre. */
  center?: [number, number];
  /** Approximate city diameter in km. */
  diameterKm?: number;
  /** Number of districts (1..9). */
  districts?: number;
  /** Total unit grids aimed at (split over communities by area). */
  targetGrids?: number;
}

/** A benchmark grid, in the shape GridLocator takes. */
export interface BenchmarkGrid {
  id: number;
  code: string;
  geometry: Polygon;
}

const KM_PER_DEG_LAT = 111.32;

/** Local km plane around a centre; one formula each way so shared vertices map identically. */
interface Plane {
  toKm(lng: number, lat: number): [number, number];
  toLngLat(x: number, y: number): [number, number];
}

function planeAt(center: [number, number]): Plane {
  const [lng0, lat0] = center;
  const kx = KM_PER_DEG_LAT * Math.cos((lat0 * Math.PI) / 180);
  const ky = KM_PER_DEG_LAT;
  return {
    toKm: (lng, lat) => [(lng - lng0) * kx, (lat - lat0) * ky],
    toLngLat: (x, y) => [lng0 + x / kx, lat0 + y / ky],
  };
}

function outlineRing(rng: Rng, plane: Plane, radiusKm: number, vertices: number): ClipRing {
  const phases = [rng.range(0, 2 * Math.PI), rng.range(0, 2 * Math.PI), rng.range(0, 2 * Math.PI)];
  const ring: ClipRing = [];
  for (let i = 0; i < vertices; i++) {
    const t = (2 * Math.PI * i) / vertices;
    const r =
      radiusKm *
      (1 +
        0.1 * Math.sin(2 * t + phases[0]!) +
        0.05 * Math.sin(3 * t + phases[1]!) +
        0.025 * Math.sin(5 * t + phases[2]!));
    ring.push(plane.toLngLat(r * Math.cos(t), r * Math.sin(t)));
  }
  ring.push([ring[0]![0], ring[0]![1]]);
  return ring;
}

function toGeometry(mp: ClipMultiPolygon): AreaGeometry {
  return mp.length === 1
    ? { type: 'Polygon', coordinates: mp[0]! }
    : { type: 'MultiPolygon', coordinates: mp };
}

function geometryArea(mp: ClipMultiPolygon): number {
  return turfArea({ type: 'MultiPolygon', coordinates: mp });
}

function bboxOfMp(mp: ClipMultiPolygon): [number, number, number, number] {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const poly of mp)
    for (const ring of poly)
      for (const [x, y] of ring) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
  return [minX, minY, maxX, maxY];
}

/** Area-weighted centroid (planar, in km) of a clipped cell; null for a degenerate one. */
function centroidKm(mp: ClipMultiPolygon, plane: Plane): [number, number] | null {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (const poly of mp) {
    for (const ring of poly) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x0, y0] = plane.toKm(ring[i]![0], ring[i]![1]);
        const [x1, y1] = plane.toKm(ring[i + 1]![0], ring[i + 1]![1]);
        const cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
      }
    }
  }
  if (Math.abs(a) < 1e-12) return null;
  return [cx / (3 * a), cy / (3 * a)];
}

function insideMp(mp: ClipMultiPolygon, lng: number, lat: number): boolean {
  return booleanPointInPolygon(
    [lng, lat],
    { type: 'MultiPolygon', coordinates: mp },
    { ignoreBoundary: true },
  );
}

/**
 * Splits `parent` into `n` Voronoi cells clipped to it. Seeds: Mitchell's best candidate inside
 * the parent, then `lloyd` relaxation steps (a centroid outside the parent keeps the old seed).
 */
function subdivide(
  rng: Rng,
  plane: Plane,
  parent: ClipMultiPolygon,
  n: number,
  lloyd: number,
): ClipMultiPolygon[] {
  const [minX, minY, maxX, maxY] = bboxOfMp(parent);
  const [x0, y0] = plane.toKm(minX, minY);
  const [x1, y1] = plane.toKm(maxX, maxY);
  const seeds: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    let best: [number, number] | null = null;
    let bestD = -1;
    for (let k = 0; k < 12; k++) {
      let cand: [number, number] | null = null;
      for (let tries = 0; tries < 200 && cand === null; tries++) {
        const x = rng.range(x0, x1);
        const y = rng.range(y0, y1);
        const [lng, lat] = plane.toLngLat(x, y);
        if (insideMp(parent, lng, lat)) cand = [x, y];
      }
      if (cand === null) continue;
      let d = Number.POSITIVE_INFINITY;
      for (const s of seeds) d = Math.min(d, (s[0] - cand[0]) ** 2 + (s[1] - cand[1]) ** 2);
      if (d > bestD) {
        bestD = d;
        best = cand;
      }
    }
    if (best === null) throw new Error('cannot place a seed inside the parent area');
    seeds.push(best);
  }
  const pad = Math.max(x1 - x0, y1 - y0) + 1;
  const bounds: [number, number, number, number] = [x0 - pad, y0 - pad, x1 + pad, y1 + pad];
  let cells: ClipMultiPolygon[] = [];
  for (let iter = 0; iter <= lloyd; iter++) {
    const voronoi = Delaunay.from(seeds).voronoi(bounds);
    cells = seeds.map((_, i) => {
      const poly = voronoi.cellPolygon(i);
      if (!poly) return [];
      const ring: ClipRing = poly.map(([x, y]) => plane.toLngLat(x as number, y as number));
      return polygonClipping.intersection([ring], parent);
    });
    if (iter === lloyd) break;
    cells.forEach((cell, i) => {
      const c = centroidKm(cell, plane);
      if (c === null) return;
      const [lng, lat] = plane.toLngLat(c[0], c[1]);
      if (insideMp(parent, lng, lat)) seeds[i] = c;
    });
  }
  return cells.filter((c) => c.length > 0);
}

/** [zh, pinyin] name roots; combined without repetition within one city. */
const DISTRICT_NAMES: Array<[string, string]> = [
  ['东湖', 'Donghu'],
  ['滨江', 'Binjiang'],
  ['西园', 'Xiyuan'],
  ['北塘', 'Beitang'],
  ['新城', 'Xincheng'],
  ['龙湾', 'Longwan'],
  ['南岸', "Nan'an"],
  ['湖西', 'Huxi'],
  ['金阊', 'Jinchang'],
];

const STREET_NAMES: Array<[string, string]> = [
  ['望湖', 'Wanghu'],
  ['金桥', 'Jinqiao'],
  ['文昌', 'Wenchang'],
  ['凤凰', 'Fenghuang'],
  ['双塔', 'Shuangta'],
  ['枫桥', 'Fengqiao'],
  ['横塘', 'Hengtang'],
  ['长青', 'Changqing'],
  ['玉山', 'Yushan'],
  ['锦绣', 'Jinxiu'],
  ['平江', 'Pingjiang'],
  ['莲花', 'Lianhua'],
  ['梅村', 'Meicun'],
  ['荷塘', 'Hetang'],
  ['阳澄', 'Yangcheng'],
  ['石湖', 'Shihu'],
  ['白塔', 'Baita'],
  ['观前', 'Guanqian'],
  ['天平', 'Tianping'],
  ['通安', "Tong'an"],
  ['浒关', 'Xuguan'],
  ['唯亭', 'Weiting'],
  ['娄葑', 'Loufeng'],
  ['斜塘', 'Xietang'],
  ['胜浦', 'Shengpu'],
  ['越溪', 'Yuexi'],
  ['香山', 'Xiangshan'],
  ['光福', 'Guangfu'],
  ['东渚', 'Dongzhu'],
  ['湖东', 'Hudong'],
  ['沧浪', 'Canglang'],
  ['虎丘', 'Huqiu'],
  ['留园', 'Liuyuan'],
  ['桐泾', 'Tongjing'],
  ['吴门', 'Wumen'],
  ['葑门', 'Fengmen'],
  ['盘门', 'Panmen'],
  ['胥江', 'Xujiang'],
  ['运河', 'Yunhe'],
  ['澄湖', 'Chenghu'],
  ['太湖', 'Taihu'],
  ['甪直', 'Luzhi'],
  ['木渎', 'Mudu'],
  ['渭塘', 'Weitang'],
  ['黄桥', 'Huangqiao'],
];

const COMMUNITY_FIRST: Array<[string, string]> = [
  ['清', 'Qing'],
  ['明', 'Ming'],
  ['翠', 'Cui'],
  ['桂', 'Gui'],
  ['春', 'Chun'],
  ['秋', 'Qiu'],
  ['嘉', 'Jia'],
  ['和', 'He'],
  ['康', 'Kang'],
  ['锦', 'Jin'],
  ['华', 'Hua'],
  ['新', 'Xin'],
  ['福', 'Fu'],
  ['兴', 'Xing'],
  ['永', 'Yong'],
  ['泰', 'Tai'],
  ['丰', 'Feng'],
  ['润', 'Run'],
  ['彩', 'Cai'],
  ['竹', 'Zhu'],
];

const COMMUNITY_SECOND: Array<[string, string]> = [
  ['风', 'feng'],
  ['苑', 'yuan'],
  ['庭', 'ting'],
  ['湾', 'wan'],
  ['桥', 'qiao'],
  ['港', 'gang'],
  ['里', 'li'],
  ['坊', 'fang'],
  ['溪', 'xi'],
  ['塘', 'tang'],
  ['林', 'lin'],
  ['荫', 'yin'],
];

function takeUnique<T>(rng: Rng, pool: T[], count: number): T[] {
  const copy = pool.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  if (count > copy.length) throw new RangeError(`name pool too small (${copy.length} < ${count})`);
  return copy.slice(0, count);
}

/**
 * The demo city as a flat list (city, districts, streets, communities, grids) in hierarchy order;
 * the same seed and options always give the same list, byte for byte.
 */
export function generateCityGeometry(seed: number | string, opts: CityGeometryOptions = {}): DemoArea[] {
  const division = cityAreaCode(opts.divisionCode ?? '320500');
  const center = opts.center ?? [120.6, 31.3];
  const diameterKm = opts.diameterKm ?? 20;
  const districtCount = opts.districts ?? 5;
  const targetGrids = opts.targetGrids ?? 2000;
  if (!Number.isInteger(districtCount) || districtCount < 1 || districtCount > DISTRICT_NAMES.length) {
    throw new RangeError(`districts must be 1..${DISTRICT_NAMES.length}`);
  }
  const rng = createRng(`city-geometry:${seed}`);
  const plane = planeAt(center);
  const cityMp: ClipMultiPolygon = [[outlineRing(rng.fork('outline'), plane, diameterKm / 2, 72)]];
  const cityArea = geometryArea(cityMp);
  const areas: DemoArea[] = [
    {
      code: division,
      level: 'city',
      parentCode: null,
      nameZh: '南湖市',
      nameEn: 'Nanhu City',
      geometry: toGeometry(cityMp),
    },
  ];
  const nameRng = rng.fork('names');
  const districtNames = takeUnique(nameRng, DISTRICT_NAMES, districtCount);
  const districtShapes = subdivide(rng.fork('districts'), plane, cityMp, districtCount, 3);
  const streetPlan = districtShapes.map(() => nameRng.int(3, 5));
  const streetNames = takeUnique(
    nameRng,
    STREET_NAMES,
    streetPlan.reduce((a, b) => a + b, 0),
  );
  const communityPool: Array<[string, string]> = [];
  for (const [z1, p1] of COMMUNITY_FIRST)
    for (const [z2, p2] of COMMUNITY_SECOND) communityPool.push([z1 + z2, p1 + p2]);
  const communityNames = takeUnique(nameRng, communityPool, communityPool.length);
  let streetNameIdx = 0;
  let communityNameIdx = 0;

  districtShapes.forEach((districtMp, di) => {
    const districtCode = districtAreaCode(division.slice(0, 4) + String(di + 2).padStart(2, '0'));
    const [dzh, den] = districtNames[di]!;
    areas.push({
      code: districtCode,
      level: 'district',
      parentCode: division,
      nameZh: `${dzh}区`,
      nameEn: `${den} District`,
      geometry: toGeometry(districtMp),
    });
    const streetShapes = subdivide(
      rng.fork(`streets:${districtCode}`),
      plane,
      districtMp,
      streetPlan[di]!,
      2,
    );
    streetShapes.forEach((streetMp, si) => {
      const streetCode = streetAreaCode(districtCode, si + 1);
      const [szh, sen] = streetNames[streetNameIdx++]!;
      areas.push({
        code: streetCode,
        level: 'street',
        parentCode: districtCode,
        nameZh: `${szh}街道`,
        nameEn: `${sen} Subdistrict`,
        geometry: toGeometry(streetMp),
      });
      const communityShapes = subdivide(
        rng.fork(`communities:${streetCode}`),
        plane,
        streetMp,
        nameRng.int(4, 6),
        2,
      );
      communityShapes.forEach((communityMp, ci) => {
        const communityCode = communityAreaCode(streetCode, ci + 1);
        const [czh, cen] = communityNames[communityNameIdx++ % communityNames.length]!;
        areas.push({
          code: communityCode,
          level: 'community',
          parentCode: streetCode,
          nameZh: `${czh}社区`,
          nameEn: `${cen} Community`,
          geometry: toGeometry(communityMp),
        });
        const gridCount = Math.min(
          999,
          Math.max(3, Math.round((targetGrids * geometryArea(communityMp)) / cityArea)),
        );
        const gridShapes = subdivide(rng.fork(`grids:${communityCode}`), plane, communityMp, gridCount, 1);
        gridShapes.forEach((gridMp, gi) => {
          areas.push({
            code: gridAreaCode(communityCode, gi + 1),
            level: 'grid',
            parentCode: communityCode,
            nameZh: `第${gi + 1}网格`,
            nameEn: `Grid ${gi + 1}`,
            geometry: toGeometry(gridMp),
          });
        });
      });
    });
  });
  return areas;
}

/** Options for benchmark grids. */
export interface BenchmarkGridOptions {
  center?: [number, number];
  /** Approximate diameter of the covered area in km (default 50). */
  diameterKm?: number;
  /** 6-digit city division code used to build the 15-digit grid codes (default 320500). */
  divisionCode?: string;
}

/**
 * `count` Voronoi grids (jittered-lattice seeds) covering an irregular city-sized outline, with
 * valid 15-digit codes in spatial order; built in well under a second for 40,000 grids so the
 * locate benchmark measures lookups, not generation. Points outside the outline hit no grid.
 */
export function generateGridsForBenchmark(
  seed: number | string,
  count: number,
  opts: BenchmarkGridOptions = {},
): BenchmarkGrid[] {
  if (!Number.isInteger(count) || count < 1 || count > 98 * 20_000) {
    throw new RangeError('count must be an integer 1..1,960,000');
  }
  const division = cityAreaCode(opts.divisionCode ?? '320500');
  const plane = planeAt(opts.center ?? [120.6, 31.3]);
  const radius = (opts.diameterKm ?? 50) / 2;
  const rng = createRng(`bench-grids:${seed}`);
  const outlineLngLat = outlineRing(rng.fork('outline'), plane, radius, 96);
  const outline = outlineLngLat.map(([lng, lat]) => plane.toKm(lng, lat));
  const inside = (x: number, y: number): boolean => {
    let odd = false;
    for (let i = 0, j = outline.length - 2; i < outline.length - 1; j = i++) {
      const [xi, yi] = outline[i]!;
      const [xj, yj] = outline[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
    }
    return odd;
  };
  let areaKm2 = 0;
  for (let i = 0; i + 1 < outline.length; i++) {
    areaKm2 += outline[i]![0] * outline[i + 1]![1] - outline[i + 1]![0] * outline[i]![1];
  }
  areaKm2 = Math.abs(areaKm2) / 2;
  const s = Math.sqrt(areaKm2 / count);
  const extent = radius * 1.3 + 2 * s;
  const insideSeeds: number[] = [];
  const outsideSeeds: number[] = [];
  for (let y = -extent; y <= extent; y += s) {
    for (let x = -extent; x <= extent; x += s) {
      const px = x + rng.range(-0.35, 0.35) * s;
      const py = y + rng.range(-0.35, 0.35) * s;
      if (inside(px, py)) insideSeeds.push(px, py);
      else outsideSeeds.push(px, py);
    }
  }
  while (insideSeeds.length / 2 > count) {
    const k = rng.int(0, insideSeeds.length / 2 - 1);
    insideSeeds.splice(k * 2, 2);
  }
  while (insideSeeds.length / 2 < count) {
    const px = rng.range(-extent, extent);
    const py = rng.range(-extent, extent);
    if (inside(px, py)) insideSeeds.push(px, py);
  }
  const all = new Float64Array(insideSeeds.length + outsideSeeds.length);
  all.set(insideSeeds);
  all.set(outsideSeeds, insideSeeds.length);
  const voronoi = new Delaunay(all).voronoi([-extent - s, -extent - s, extent + s, extent + s]);
  const grids: BenchmarkGrid[] = [];
  for (let i = 0; i < count; i++) {
    const cell = voronoi.cellPolygon(i);
    if (!cell) throw new Error(`benchmark grid ${i} has an empty Voronoi cell`);
    const ring = cell.map(([x, y]) => plane.toLngLat(x as number, y as number));
    const district = Math.floor(i / 20_000) + 2;
    const street = (Math.floor(i / 1000) % 20) + 1;
    const community = (Math.floor(i / 20) % 50) + 1;
    const code = gridAreaCode(
      communityAreaCode(
        streetAreaCode(division.slice(0, 4) + String(district).padStart(2, '0'), street),
        community,
      ),
      (i % 20) + 1,
    );
    grids.push({ id: i, code, geometry: { type: 'Polygon', coordinates: [ring] } });
  }
  return grids;
}
