/**
 * Parsing of GeoReport v2 parameters (form fields and query strings) into typed inputs. Every
 * refusal is an Open311 error naming the parameter, so clients get the spec's 400 list.
 */
import { Open311Errors } from './open311.errors.js';
import { parseW3c } from './open311-format.js';

/** Form fields or query parameters as they arrive (a repeated name gives an array). */
export type Fields = Record<string, string | string[] | undefined>;

/** A POST requests body, validated. */
export interface CreateRequestInput {
  apiKey: string | undefined;
  jurisdictionId: string | undefined;
  serviceCode: string;
  lat: number | undefined;
  long: number | undefined;
  addressString: string | undefined;
  addressId: string | undefined;
  description: string;
  mediaUrl: string | undefined;
  attributes: Record<string, string | string[]>;
  /** Personal fields: stored encrypted on the case, never returned by GET. */
  firstName: string | undefined;
  lastName: string | undefined;
  phone: string | undefined;
}

/** GET requests parameters, validated (defaults are applied by the service). */
export interface ListRequestsInput {
  jurisdictionId: string | undefined;
  ids: string[] | undefined;
  serviceCodes: string[] | undefined;
  startDate: Date | undefined;
  endDate: Date | undefined;
  status: Array<'open' | 'closed'> | undefined;
  page: number;
  pageSize: number;
}

/** The spec caps a response at 1,000 requests. */
export const MAX_PAGE_SIZE = 1000;
const MAX_DESCRIPTION = 4000;
const AREA_CODE = /^[0-9]{6}([0-9]{3}){0,3}$/;
const SERVICE_CODE = /^[A-Za-z0-9_-]{1,32}$/;
const ATTRIBUTE = /^attribute\[([A-Za-z0-9_-]{1,64})\](\[\])?$/;

/** The single value of a field (the first, when a client repeats it). */
export function one(fields: Fields, name: string): string | undefined {
  const v = fields[name];
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined) return undefined;
  const t = s.trim();
  return t === '' ? undefined : t;
}

function invalid(name: string, detail: string): Error {
  return Open311Errors.InvalidParameter({ params: { name, detail }, field: name });
}

function coordinate(fields: Fields, name: string, limit: number): number | undefined {
  const raw = one(fields, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^-?\d+(\.\d+)?$/.test(raw) || !Number.isFinite(n) || Math.abs(n) > limit)
    throw invalid(name, 'must be a decimal number in WGS84');
  return n;
}

function text(fields: Fields, name: string, max: number): string | undefined {
  const v = one(fields, name);
  if (v !== undefined && v.length > max) throw invalid(name, `longer than ${max} characters`);
  return v;
}

/** The jurisdiction_id parameter, if any. */
export function jurisdictionOf(fields: Fields): string | undefined {
  const j = one(fields, 'jurisdiction_id');
  if (j !== undefined && !AREA_CODE.test(j))
    throw Open311Errors.JurisdictionNotServed({ params: { id: j.slice(0, 40) } });
  return j;
}

/** Validates a POST requests body. */
export function parseCreateRequest(fields: Fields): CreateRequestInput {
  const apiKey = one(fields, 'api_key');
  const serviceCode = one(fields, 'service_code');
  if (serviceCode === undefined)
    throw Open311Errors.MissingParameter({ params: { name: 'service_code' }, field: 'service_code' });
  if (!SERVICE_CODE.test(serviceCode)) throw invalid('service_code', 'not a service code');
  const lat = coordinate(fields, 'lat', 90);
  const long = coordinate(fields, 'long', 180);
  if ((lat === undefined) !== (long === undefined))
    throw invalid(lat === undefined ? 'lat' : 'long', 'give both lat and long');
  const mediaUrl = text(fields, 'media_url', 2000);
  if (mediaUrl !== undefined && !/^https?:\/\/[^\s<>"]+$/.test(mediaUrl))
    throw invalid('media_url', 'must be an http(s) URL');
  const phone = one(fields, 'phone')
    ?.replace(/[\s()-]/g, '')
    .replace(/^\+?86/, '');
  if (phone !== undefined && !/^\+?[0-9]{5,15}$/.test(phone)) throw invalid('phone', 'not a phone number');
  const attributes: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (!name.startsWith('attribute[') || value === undefined) continue;
    const m = ATTRIBUTE.exec(name);
    if (!m) throw invalid(name.slice(0, 80), 'not an attribute[code] name');
    const values = (Array.isArray(value) ? value : [value]).map((v) => v.trim()).filter((v) => v !== '');
    if (values.some((v) => v.length > 500)) throw invalid(name, 'value longer than 500 characters');
    if (values.length === 0) continue;
    attributes[m[1]!] = m[2] || values.length > 1 ? values : values[0]!;
  }
  return {
    apiKey,
    jurisdictionId: jurisdictionOf(fields),
    serviceCode,
    lat,
    long,
    addressString: text(fields, 'address_string', 500),
    addressId: text(fields, 'address_id', 100),
    description: text(fields, 'description', MAX_DESCRIPTION) ?? '',
    mediaUrl,
    attributes,
    firstName: text(fields, 'first_name', 100),
    lastName: text(fields, 'last_name', 100),
    phone,
  };
}

function list(fields: Fields, name: string, pattern: RegExp, max: number): string[] | undefined {
  const raw = one(fields, name);
  if (raw === undefined) return undefined;
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) return undefined;
  if (items.length > max) throw invalid(name, `at most ${max} values`);
  for (const i of items) if (!pattern.test(i)) throw invalid(name, `"${i.slice(0, 40)}" is not valid`);
  return items;
}

function date(fields: Fields, name: string): Date | undefined {
  const raw = one(fields, name);
  if (raw === undefined) return undefined;
  const d = parseW3c(raw);
  if (!d) throw invalid(name, 'must be a W3C date-time, e.g. 2026-01-05T09:30:00+08:00');
  return d;
}

function positive(fields: Fields, name: string, def: number, max: number): number {
  const raw = one(fields, name);
  if (raw === undefined) return def;
  if (!/^\d{1,7}$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw invalid(name, `must be 1..${max}`);
  return Number(raw);
}

/** Validates GET requests parameters. */
export function parseListRequests(fields: Fields): ListRequestsInput {
  const status = list(fields, 'status', /^(open|closed)$/, 2) as Array<'open' | 'closed'> | undefined;
  return {
    jurisdictionId: jurisdictionOf(fields),
    ids: list(fields, 'service_request_id', /^[A-Za-z0-9_-]{1,64}$/, MAX_PAGE_SIZE),
    serviceCodes: list(fields, 'service_code', SERVICE_CODE, 200),
    startDate: date(fields, 'start_date'),
    endDate: date(fields, 'end_date'),
    status,
    page: positive(fields, 'page', 1, 1_000_000),
    pageSize: positive(fields, 'page_size', MAX_PAGE_SIZE, MAX_PAGE_SIZE),
  };
}
