import { api } from './api';
import type { Area } from './types';

/** Uploads photos one by one (raw body) and returns their ids for the report. */
export async function uploadPhotos(
  files: readonly Blob[],
  purpose: 'report' | 'report_back' | 'verify',
): Promise<number[]> {
  const ids: number[] = [];
  for (const f of files) {
    const r = await api<{ id: number }>('POST', `/api/photos?purpose=${purpose}`, f);
    ids.push(r.id);
  }
  return ids;
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
export function loadAreas(level: string, within?: string, geometry = true): Promise<Area[]> {
  const q = new URLSearchParams({ level, geometry: String(geometry) });
  if (within) q.set('within', within);
  return api<{ items: Area[] }>('GET', `/api/areas?${q}`).then((r) => r.items);
}
