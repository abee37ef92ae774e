import turfArea from '@turf/area';
import { type AreaGeometry, bboxOf, polygonsOf } from '../../kernel/geojson.js';

/**
 * Derived facts stored beside each boundary so that maps and lists never parse polygons:
 * bounding box, a label point and the area in m².
 */
export function describeGeometry(geometry: AreaGeometry): {
  bbox: [number, number, number, number];
  center: { lng: number; lat: number };
  areaM2: number;
} {
  return { bbox: bboxOf(geometry), center: labelPoint(geometry), areaM2: turfArea(geometry) };
}

/**
 * The area-weighted centroid of the largest polygon's outer ring (shoelace formula): inside
 * every convex polygon, which is what generated grids are; good enough to place a label.
 */
function labelPoint(geometry: AreaGeometry): { lng: number; lat: number } {
  let best: { lng: number; lat: number; a: number } | undefined;
  for (const polygon of polygonsOf(geometry)) {
    const ring = polygon[0] ?? [];
    let a = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i + 1 < ring.length; i++) {
      const [x0 = 0, y0 = 0] = ring[i] ?? [];
      const [x1 = 0, y1 = 0] = ring[i + 1] ?? [];
      const cross = x0 * y1 - x1 * y0;
      a += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
    if (a === 0) continue;
    const candidate = { lng: cx / (3 * a), lat: cy / (3 * a), a: Math.abs(a) };
    if (!best || candidate.a > best.a) best = candidate;
  }
  if (best) return { lng: best.lng, lat: best.lat };
  const [minX, minY, maxX, maxY] = bboxOf(geometry);
  return { lng: (minX + maxX) / 2, lat: (minY + maxY) / 2 };
}
