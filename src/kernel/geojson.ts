/**
 * The few GeoJSON (RFC 7946) geometry types the grid module needs, kept local so that no
 * `@types/geojson` dependency is required. Coordinates are [longitude, latitude] in WGS 84.
 */

/** A [lng, lat] pair (extra members such as altitude are ignored). */
export type Position = [number, number] | number[];

/** A closed ring: first and last positions are equal. */
export type LinearRing = Position[];

/** An area with an outer ring followed by zero or more holes. */
export interface Polygon {
  type: 'Polygon';
  coordinates: LinearRing[];
}

/** Several polygons that together form one area (e.g. a grid split by a river). */
export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: LinearRing[][];
}

/** What an area boundary may be: grids, communities, streets, districts and the city all use it. */
export type AreaGeometry = Polygon | MultiPolygon;

/** The polygons of an area geometry as a list, so callers handle Polygon and MultiPolygon alike. */
export function polygonsOf(geometry: AreaGeometry): LinearRing[][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** [minLng, minLat, maxLng, maxLat] of a geometry; used for spatial indexes and rasters. */
export function bboxOf(geometry: AreaGeometry): [number, number, number, number] {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      for (const p of ring) {
        const x = p[0] as number;
        const y = p[1] as number;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  return [minX, minY, maxX, maxY];
}
