/**
 * Random points inside the current grids, located with the same locator the API uses: demo
 * steps of other modules (base data, city parts) place what they create with it.
 */
import type { Queryable } from '../../db/db.js';
import { polygonsOf } from '../../kernel/geojson.js';
import type { Rng } from '../../lib/random.js';
import { AreaRepository } from './area.repository.js';
import { GridLocator } from './grid-locator.js';

/** A point and the grid it lies in. */
export interface Place {
  gridCode: string;
  lng: number;
  lat: number;
}

/** Points inside the current grids, checked with the same locator the API uses. */
export class PlacePicker {
  private readonly rings: Array<{ code: string; ring: number[][]; cx: number; cy: number }>;
  private readonly locator: GridLocator;

  constructor(shapes: ReadonlyArray<{ code: string; geometry: Parameters<typeof polygonsOf>[0] }>) {
    this.locator = new GridLocator(shapes.map((s, i) => ({ id: i, code: s.code, geometry: s.geometry })));
    this.rings = shapes.map((s) => {
      const ring = (polygonsOf(s.geometry)[0]?.[0] ?? []).slice(0, -1) as number[][];
      const cx = ring.reduce((a, p) => a + (p[0] ?? 0), 0) / Math.max(1, ring.length);
      const cy = ring.reduce((a, p) => a + (p[1] ?? 0), 0) / Math.max(1, ring.length);
      return { code: s.code, ring, cx, cy };
    });
  }

  /** A random point between a grid's vertex centroid and one of its vertices, and its grid. */
  pick(rng: Rng): Place {
    for (;;) {
      const g = rng.pick(this.rings);
      const v = g.ring.length > 0 ? rng.pick(g.ring) : [g.cx, g.cy];
      const t = rng.range(0, 0.7);
      const lng = g.cx + t * ((v[0] ?? g.cx) - g.cx);
      const lat = g.cy + t * ((v[1] ?? g.cy) - g.cy);
      const id = this.locator.locate(lng, lat);
      const found = id >= 0 ? this.rings[id] : undefined;
      if (found) return { gridCode: found.code, lng, lat };
    }
  }
}

/** A picker over the current grids, or null when there are none (areas not created yet). */
export async function gridPlaces(q: Queryable): Promise<PlacePicker | null> {
  const shapes = await new AreaRepository().currentGridShapes(q);
  return shapes.length === 0 ? null : new PlacePicker(shapes);
}
