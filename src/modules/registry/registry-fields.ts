/**
 * Cell readers every department-file import shares (people, addresses, buildings, households,
 * organisations), so a phone, a name or a coordinate pair is judged the same way in every file.
 */

/** The first non-empty value among a field's column names (departments name columns differently). */
export function pick(values: Record<string, string>, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = values[n];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** True when the header row has one of the names (a required column). */
export function hasColumn(headers: readonly string[], names: readonly string[]): boolean {
  return headers.some((h) => names.includes(h));
}

const MOBILE = /^1[3-9][0-9]{9}$/;
const LANDLINE = /^0[0-9]{2,3}-?[0-9]{7,8}$/;

/** Why a (normalised) phone is not one, or null. */
export function phoneProblem(phone: string): string | null {
  return MOBILE.test(phone) || LANDLINE.test(phone)
    ? null
    : 'is neither an 11-digit mobile nor a landline number';
}

/** Why a value is not a personal name (digits, markup, too long), or null. */
export function personNameProblem(name: string): string | null {
  return name.length > 50 || /[0-9<>]/.test(name) ? 'is not a personal name' : null;
}

/** Column names of a point, as the parts import reads them. */
export const POINT_COLUMNS = {
  lng: ['lng', 'longitude', '经度'],
  lat: ['lat', 'latitude', '纬度'],
} as const;

/**
 * The point a row gives: `undefined` when it gives none, a reason when it gives half a pair or
 * numbers out of range.
 */
export function pointOf(values: Record<string, string>): { lng: number; lat: number } | string | undefined {
  const lngRaw = pick(values, POINT_COLUMNS.lng);
  const latRaw = pick(values, POINT_COLUMNS.lat);
  if (lngRaw === undefined && latRaw === undefined) return undefined;
  if (lngRaw === undefined || latRaw === undefined) return 'give both lng and lat (经度/纬度) or neither';
  const lng = Number(lngRaw);
  const lat = Number(latRaw);
  if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) {
    return 'lng/lat are not numbers in range';
  }
  return { lng, lat };
}
