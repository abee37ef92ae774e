import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { escapeXml, parseW3c, toXml, w3cDateTime } from '../../src/modules/open311/open311-format.js';

describe('GeoReport v2 formats', () => {
  it('writes dates in city time with the +08:00 offset and reads W3C dates back', () => {
    expect(w3cDateTime(new Date('2026-01-05T01:30:00.123Z'))).toBe('2026-01-05T09:30:00+08:00');
    expect(parseW3c('2026-01-05T09:30:00+08:00')).toEqual(new Date('2026-01-05T01:30:00Z'));
    expect(parseW3c('2026-01-05T01:30:00Z')).toEqual(new Date('2026-01-05T01:30:00Z'));
    expect(parseW3c('2026-01-05')).toEqual(new Date('2026-01-04T16:00:00Z'));
    expect(parseW3c('2026-01-05 09:30')).toBeUndefined();
    expect(parseW3c('yesterday')).toBeUndefined();
  });

  it('escapes text, drops characters XML cannot carry, and names list items as the spec does', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0000\u0007`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;',
    );
    const doc = toXml('service_requests', [
      { service_request_id: 'NH1', description: '<b>&</b> 井盖', media_url: null },
    ]);
    expect(doc).toBe(
      '<?xml version="1.0" encoding="utf-8"?><service_requests><request><service_request_id>NH1</service_request_id><description>&lt;b&gt;&amp;&lt;/b&gt; 井盖</description><media_url></media_url></request></service_requests>',
    );
    const parsed = new XMLParser({ ignoreDeclaration: true }).parse(doc) as {
      service_requests: { request: { description: string } };
    };
    expect(parsed.service_requests.request.description).toBe('<b>&</b> 井盖');
    expect(toXml('errors', [{ code: 400, description: 'x' }])).toContain('<errors><error><code>400</code>');
  });
});
