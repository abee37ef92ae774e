/**
 * CAP 1.2 out: every alert of ours (an emergency declaration, a broadcast) is also a CAP message,
 * written once in the act's transaction and served as is — per alert as XML, all of them as an
 * Atom feed. The area is the area's own boundary (grid boundaries rolled up) as polygons, plus
 * geocodes: the GB/T 2260 county code and our full area code.
 */
import type { Queryable } from '../../db/db.js';
import { type Actor, actorLabel } from '../../kernel/actor.js';
import { CapRepository } from './cap.repository.js';
import { atomFeed, type CapAlert, capPolygons, capXml, referenceOf } from './cap-format.js';
import { EmergencyErrors } from './emergency.errors.js';
import type { AlertIssuer, EmergencySupport } from './emergency-support.js';

/** Our CAP geocode for an area code (the GB/T 2260 one is its first six digits). */
export const AREA_GEOCODE = 'CivicGrid-AreaCode';

/** Issues, stores and serves our CAP alerts. */
export class CapOutService implements AlertIssuer {
  readonly repo = new CapRepository();

  constructor(private readonly s: EmergencySupport) {}

  /** The URL of one alert's CAP document. */
  alertUrl(identifier: string): string {
    return `${this.s.cap.publicUrl}/api/cap/alerts/${identifier}.xml`;
  }

  async issue(tx: Queryable, actor: Actor, a: Parameters<AlertIssuer['issue']>[2]) {
    const area = await this.s.repo.area(tx, a.areaCode);
    if (!area) throw EmergencyErrors.AreaNotFound({ params: { code: a.areaCode } });
    const previous = a.cancelsPrevious ? await this.repo.latestActiveOut(tx, a.areaCode) : null;
    const id = await this.repo.nextId(tx);
    const identifier = `civicgrid-alert-${id}`;
    const sent = new Date(Math.floor(this.s.now().getTime() / 1000) * 1000);
    const alert: CapAlert = {
      identifier,
      sender: this.s.cap.sender,
      sent,
      msgType: previous ? 'Cancel' : 'Alert',
      references: previous ? [referenceOf(previous)] : [],
      category: a.category ?? 'Safety',
      urgency: a.urgency,
      severity: a.severity,
      certainty: 'Observed',
      effective: sent,
      expires: a.expires.getTime() > sent.getTime() ? a.expires : sent,
      web: `${this.s.cap.publicUrl}/alerts/${identifier}`,
      senderName: 'CivicGrid',
      infos: [
        {
          language: 'zh-CN',
          event: a.event.zh,
          headline: a.headline.zh,
          description: a.description.zh,
          ...(a.instruction ? { instruction: a.instruction.zh } : {}),
        },
        {
          language: 'en-US',
          event: a.event.en,
          headline: a.headline.en,
          description: a.description.en,
          ...(a.instruction ? { instruction: a.instruction.en } : {}),
        },
      ],
      area: {
        desc: `${area.nameZh} / ${area.nameEn}`,
        polygons: capPolygons(area.geometry),
        geocodes: [
          { valueName: 'GB/T 2260', value: area.code.slice(0, 6) },
          { valueName: AREA_GEOCODE, value: area.code },
        ],
      },
    };
    await this.repo.insertOut(tx, id, {
      identifier,
      sender: alert.sender,
      sent,
      status: 'Actual',
      msgType: alert.msgType,
      refs: alert.references,
      headline: a.headline.en,
      areaCodes: [a.areaCode],
      xml: capXml(alert),
      by: actorLabel(actor),
      at: this.s.now(),
    });
    if (previous) await this.repo.setState(tx, previous.id, 'cancelled');
    await this.s.deps.audit.record(tx, {
      actor,
      action: 'cap.issue',
      resourceType: 'cap_alert',
      resourceId: identifier,
      areaCode: a.areaCode,
      details: { msgType: alert.msgType, references: alert.references },
    });
    return { id, identifier };
  }

  /** One alert's CAP document (public: alerts are addressed to the public). */
  async xml(identifier: string): Promise<string> {
    const xml = await this.repo.xmlOf(this.s.db, identifier);
    if (xml === null) throw EmergencyErrors.AlertNotFound({ params: { id: identifier } });
    return xml;
  }

  /** The Atom feed of our latest alerts. */
  async feed(limit = 50): Promise<string> {
    const rows = await this.repo.feed(this.s.db, limit);
    return atomFeed({
      title: 'CivicGrid CAP alerts',
      selfUrl: `${this.s.cap.publicUrl}/api/cap/feed.atom`,
      updated: rows[0]?.sent ?? new Date(0),
      entries: rows.map((r) => ({
        identifier: r.identifier,
        headline: r.headline ?? r.identifier,
        sent: r.sent,
        msgType: r.msgType,
        url: this.alertUrl(r.identifier),
      })),
    });
  }
}
