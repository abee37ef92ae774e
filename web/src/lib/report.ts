import { api } from './api';
import type { Area } from './types';

/**
 * A random upload key for one report: anonymous photos belong to the key they were uploaded under,
 * and the report that attaches them sends it as photoKey (signed-in uploads belong to the account).
 */
export function newUploadKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Uploads photos one by one (raw body, under `uploadKey` if given) and returns their ids. */
export async function uploadPhotos(
  files: readonly Blob[],
  purpose: 'report' | 'report_back' | 'verify',
  uploadKey?: string,
): Promise<number[]> {
  const ids: number[] = [];
  for (const f of files) {
    const r = await api<{ id: number }>('POST', `/api/photos?purpose=${purpose}`, f, {
      ...(uploadKey ? { headers: { 'x-upload-key': uploadKey } } : {}),
    });
    ids.push(r.id);
  }
  return ids;
}

/** A named area of GET /api/locate (grid or ancestor). */
export interface LocatedArea {
  code: string;
  level: string;
  nameZh: string;
  nameEn: string;
}

/** GET /api/locate: the grid containing a point and its ancestors (city › … › community). */
export interface Location {
  grid: LocatedArea;
  ancestors: LocatedArea[];
}

/** The grid and ancestors of a point, or null outside the city (or offline). */
export async function locatePoint(lng: number, lat: number): Promise<Location | null> {
  try {
    return await api<Location>('GET', `/api/locate?lng=${lng}&lat=${lat}`);
  } catch {
    return null;
  }
}

/** The grid containing a point, or null outside the city. */
export async function locate(
  lng: number,
  lat: number,
): Promise<{ code: string; nameZh: string; nameEn: string } | null> {
  try {
    const r = await api<{ grid: { code: string; nameZh: string; nameEn: string } }>(
      'GET',
      `/api/locate?lng=${lng}&lat=${lat}`,
    );
    return r.grid;
  } catch {
    return null;
  }
}

/** Areas of a level (with boundaries), optionally inside an area. */
export function loadAreas(level: string, within?: string, geometry = true, limit = 100): Promise<Area[]> {
  const q = new URLSearchParams({ level, geometry: String(geometry), limit: String(limit) });
  if (within) q.set('within', within);
  return api<{ items: Area[] }>('GET', `/api/areas?${q}`).then((r) => r.items);
}

/** The box around several boxes [minLng, minLat, maxLng, maxLat]. */
export function unionBox(boxes: Array<[number, number, number, number]>): [number, number, number, number] {
  return boxes.reduce<[number, number, number, number]>(
    (a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])],
    [180, 90, -180, -90],
  );
}
