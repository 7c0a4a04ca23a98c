import { describe, expect, it } from 'vitest';
import { escapeXml, parseW3Date, render, w3Date } from '../../../src/modules/open311/open311.format.ts';
import { parseXml } from './xml.ts';

/** The serialisation rules GeoReport v2 sets: the Spark convention between XML and JSON, W3C-DTF dates with a zone. */
describe('Open311 formats', () => {
  it('a list of records is a JSON array, and in XML a wrapper of item elements; null is an empty element', () => {
    const value = [{ service_request_id: '01J', service_notice: null, account_id: null }];
    expect(JSON.parse(render('json', 'service_requests', value))).toEqual(value);
    const text = render('xml', 'service_requests', value);
    expect(text).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request><service_request_id>01J</service_request_id><service_notice></service_notice><account_id></account_id></request></service_requests>\n',
    );
    expect(render('xml', 'errors', [])).toContain('<errors></errors>');
  });

  it('text is escaped, and characters XML cannot carry are dropped, so the document always parses', () => {
    const nasty = 'a<b>&c"d\'e\u0001f\u0008g\tline\nh\ud800i\uffffj 𝄞 中文';
    const root = parseXml(render('xml', 'service_requests', [{ description: nasty }]));
    expect(root.children[0].children[0].text).toBe('a<b>&c"d\'efg\tline\nhij 𝄞 中文');
    expect(escapeXml('</description><x>')).toBe('&lt;/description&gt;&lt;x&gt;');
    expect(JSON.parse(render('json', 'service_requests', [{ description: nasty }]))[0].description).toBe(nasty);
  });

  it('dates go out in the district’s zone with its offset', () => {
    expect(w3Date('2026-03-02T01:00:00.000Z', 'Asia/Shanghai')).toBe('2026-03-02T09:00:00+08:00');
    expect(w3Date('2026-03-01T16:30:05.999Z', 'Asia/Shanghai')).toBe('2026-03-02T00:30:05+08:00');
    expect(w3Date('2026-07-01T12:00:00.000Z', 'UTC')).toBe('2026-07-01T12:00:00+00:00');
    expect(w3Date('2026-07-01T12:00:00.000Z', 'America/New_York')).toBe('2026-07-01T08:00:00-04:00');
    expect(w3Date('2026-01-01T12:00:00.000Z', 'Asia/Kolkata')).toBe('2026-01-01T17:30:00+05:30');
    expect(w3Date(null, 'Asia/Shanghai')).toBeNull();
  });

  it('dates come in as W3C-DTF with a zone, or as whole days in the district’s zone', () => {
    const iso = (text: string, zone = 'Asia/Shanghai') => parseW3Date(text, zone)?.toISOString();
    expect(iso('2026-03-02T09:00:00+08:00')).toBe('2026-03-02T01:00:00.000Z');
    expect(iso('2026-03-02T01:00:00Z')).toBe('2026-03-02T01:00:00.000Z');
    expect(iso('2026-03-02T01:00Z')).toBe('2026-03-02T01:00:00.000Z');
    expect(iso('2026-03-01T20:00:00.250-05:00')).toBe('2026-03-02T01:00:00.250Z');
    expect(iso('2026-03-02')).toBe('2026-03-01T16:00:00.000Z');
    expect(iso('2026-07-01', 'America/New_York')).toBe('2026-07-01T04:00:00.000Z');
    for (const bad of [
      '2026-03-02T09:00:00',
      '2026-02-30',
      '2026-13-01T00:00:00Z',
      '2026-03-02T24:00:00Z',
      '2026-03-02T09:00:00+25:00',
      '02/03/2026',
      '',
      'now',
    ]) {
      expect(parseW3Date(bad, 'Asia/Shanghai'), bad).toBeUndefined();
    }
  });
});
