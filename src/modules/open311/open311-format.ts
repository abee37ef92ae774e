/**
 * GeoReport v2 wire formats: W3C date-times in city time (+08:00) and a small XML writer. The
 * writer knows the spec's element names: a list is written as its own element holding one child
 * per item, named as the spec names it (`services` → `service`, `service_requests` → `request`).
 */

/** The two formats every GeoReport v2 resource comes in. */
export type Open311Format = 'json' | 'xml';

/** The city's UTC offset (China has no daylight saving time). */
const OFFSET_MS = 8 * 3_600_000;

/** `2026-01-05T09:30:00+08:00`: W3C/ISO 8601 with the city's offset, as the spec's examples. */
export function w3cDateTime(d: Date): string {
  return `${new Date(d.getTime() + OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

const W3C = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** Parses a W3C date or date-time query value (a bare date is midnight city time); undefined if invalid. */
export function parseW3c(v: string): Date | undefined {
  if (!W3C.test(v)) return undefined;
  const text = v.length === 10 ? `${v}T00:00:00+08:00` : v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** A value the XML writer can serialise. */
export type XmlValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | XmlValue[]
  | { [key: string]: XmlValue };

/** Child element names of the spec's lists. */
const ITEM_NAME: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

/** Escapes text for XML and drops characters XML 1.0 cannot carry. */
export function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, value: XmlValue): string {
  if (value === null || value === undefined) return `<${name}></${name}>`;
  if (Array.isArray(value)) {
    const item = ITEM_NAME[name] ?? 'item';
    return `<${name}>${value.map((v) => element(item, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => element(k, v))
      .join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A whole XML document with `root` as its element (a list root writes one child per item). */
export function toXml(root: string, value: XmlValue): string {
  return `<?xml version="1.0" encoding="utf-8"?>${element(root, value)}`;
}

/** The content type of a format. */
export function contentType(format: Open311Format): string {
  return format === 'xml' ? 'text/xml; charset=utf-8' : 'application/json; charset=utf-8';
}
