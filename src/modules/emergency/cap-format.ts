/**
 * CAP 1.2 (OASIS Common Alerting Protocol) out: the alert document and the Atom feed, built as
 * ordered objects and serialised by fast-xml-parser's XMLBuilder (which escapes every text).
 * Element order follows the schema's sequences (alert, info, area); times carry an explicit
 * offset without fractions, as the schema's pattern requires.
 */
import { XMLBuilder } from 'fast-xml-parser';

/** The CAP 1.2 namespace. */
export const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';
/** The CAP media type. */
export const CAP_MEDIA_TYPE = 'application/cap+xml';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  format: true,
  suppressEmptyNode: true,
});

/** Shanghai time (UTC+8, no daylight saving) in the CAP form `2026-11-02T10:00:00+08:00`. */
export function capTime(d: Date): string {
  const local = new Date(d.getTime() + 8 * 3_600_000).toISOString();
  return `${local.slice(0, 19)}+08:00`;
}

/** One language block of an alert. */
export interface CapInfo {
  language: 'zh-CN' | 'en-US';
  event: string;
  headline: string;
  description: string;
  instruction?: string;
}

/** Everything an outgoing alert says. */
export interface CapAlert {
  identifier: string;
  sender: string;
  sent: Date;
  msgType: 'Alert' | 'Update' | 'Cancel';
  /** `sender,identifier,sent` of the alerts an Update or Cancel refers to. */
  references: string[];
  category: string;
  urgency: string;
  severity: string;
  certainty: string;
  effective: Date;
  expires: Date;
  web: string;
  senderName: string;
  infos: CapInfo[];
  area: { desc: string; polygons: string[]; geocodes: Array<{ valueName: string; value: string }> };
}

/** A headline under 140 characters (CAP's advice), cut on a character, never mid-surrogate. */
export function shortHeadline(text: string): string {
  const chars = [...text.trim()];
  return chars.length < 140 ? chars.join('') : `${chars.slice(0, 138).join('')}…`;
}

type Ring = ReadonlyArray<readonly [number, number] | readonly number[]>;

/**
 * The CAP polygons of a GeoJSON Polygon or MultiPolygon: each outer ring as `lat,lon` pairs,
 * closed (first = last), at least four pairs; holes are not expressible in CAP and are left out.
 */
export function capPolygons(geometry: unknown): string[] {
  const g = geometry as { type?: string; coordinates?: unknown };
  const rings: Ring[] =
    g.type === 'Polygon'
      ? [(g.coordinates as Ring[])[0]!]
      : g.type === 'MultiPolygon'
        ? (g.coordinates as Ring[][]).map((p) => p[0]!)
        : [];
  return rings
    .map((ring) => {
      const pts = ring.map((p) => `${Number(p[1]).toFixed(6)},${Number(p[0]).toFixed(6)}`);
      if (pts.length > 0 && pts[0] !== pts.at(-1)) pts.push(pts[0]!);
      return pts;
    })
    .filter((pts) => pts.length >= 4)
    .map((pts) => pts.join(' '));
}

/** The CAP 1.2 XML of one alert. */
export function capXml(a: CapAlert): string {
  const info = a.infos.map((i) => ({
    language: i.language,
    category: a.category,
    event: i.event,
    urgency: a.urgency,
    severity: a.severity,
    certainty: a.certainty,
    effective: capTime(a.effective),
    expires: capTime(a.expires),
    senderName: a.senderName,
    headline: shortHeadline(i.headline),
    description: i.description,
    ...(i.instruction ? { instruction: i.instruction } : {}),
    web: a.web,
    area: {
      areaDesc: a.area.desc,
      polygon: a.area.polygons,
      geocode: a.area.geocodes,
    },
  }));
  const doc = {
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    alert: {
      '@xmlns': CAP_NS,
      identifier: a.identifier,
      sender: a.sender,
      sent: capTime(a.sent),
      status: 'Actual',
      msgType: a.msgType,
      scope: 'Public',
      ...(a.references.length ? { references: a.references.join(' ') } : {}),
      info,
    },
  };
  return builder.build(doc) as string;
}

/** The `references` entry naming an alert. */
export function referenceOf(a: { sender: string; identifier: string; sent: Date }): string {
  return `${a.sender},${a.identifier},${capTime(a.sent)}`;
}

/** One entry of the Atom feed. */
export interface FeedEntry {
  identifier: string;
  headline: string;
  sent: Date;
  msgType: string;
  url: string;
}

/** The Atom feed of our alerts, newest first, each entry linking its CAP document. */
export function atomFeed(f: { title: string; selfUrl: string; updated: Date; entries: FeedEntry[] }): string {
  return builder.build({
    '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
    feed: {
      '@xmlns': 'http://www.w3.org/2005/Atom',
      id: f.selfUrl,
      title: f.title,
      updated: capTime(f.updated),
      link: { '@rel': 'self', '@href': f.selfUrl },
      entry: f.entries.map((e) => ({
        id: e.url,
        title: e.headline,
        updated: capTime(e.sent),
        link: { '@rel': 'alternate', '@type': CAP_MEDIA_TYPE, '@href': e.url },
        summary: `${e.msgType}: ${e.headline}`,
      })),
    },
  }) as string;
}
