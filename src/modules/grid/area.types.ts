import type { AreaLevel } from '../../kernel/area-code.js';
import type { AreaGeometry } from '../../kernel/geojson.js';

export type { AreaGeometry } from '../../kernel/geojson.js';
/** Levels of the area hierarchy, top down (city › district › street › community › grid). */
export type AreaLevelName = AreaLevel;

/** An area as the application sees it. */
export interface AreaRecord {
  id: number;
  code: string;
  level: AreaLevelName;
  parentCode: string | null;
  nameZh: string;
  nameEn: string;
  /** [minLng, minLat, maxLng, maxLat] */
  bbox: [number, number, number, number];
  center: { lng: number; lat: number };
  areaM2: number;
  validFrom: Date;
  validTo: Date | null;
  geometry?: AreaGeometry;
}

/** What is needed to insert an area version. */
export interface NewArea {
  code: string;
  level: AreaLevelName;
  parentCode: string | null;
  nameZh: string;
  nameEn: string;
  geometry: AreaGeometry;
  bbox: [number, number, number, number];
  center: { lng: number; lat: number };
  areaM2: number;
  validFrom: Date;
}
