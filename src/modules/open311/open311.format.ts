import { wallClock, zoneOffsetMs } from '../../platform/clock.ts';
/**
 * GeoReport v2's two output formats from one value (the spec's "Spark convention"): a list is a JSON
 * array and, in XML, a wrapper element holding one element per item, named by ITEM_NAMES; a record is
 * a JSON object and an element per field; null is JSON null and an empty XML element. Dates go out
 * in W3C-DTF with the district's UTC offset, as the spec requires a zone on every date.
 */

export type Format = 'xml' | 'json';
export type Value = string | number | boolean | null | readonly Value[] | { readonly [field: string]: Value };

export const CONTENT_TYPES: Record<Format, string> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

export function isFormat(value: string | undefined): value is Format {
  return value === 'xml' || value === 'json';
}

/** The element of each item of a list, by the list's element name (the spec's pairs). */
const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

/** The body of an answer: `root` names the XML document element; JSON is the value itself. */
export function render(format: Format, root: string, value: Value): string {
  return format === 'json' ? JSON.stringify(value) : `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}\n`;
}

function element(name: string, value: Value): string {
  if (value === null) return `<${name}></${name}>`;
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name];
    if (!item) throw new Error(`no XML item name for the list ${name}`);
    return `<${name}>${value.map((v: Value) => element(item, v)).join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value as Record<string, Value>)
      .map(([field, v]) => element(field, v))
      .join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** Characters XML 1.0 cannot carry at all: controls other than tab and line breaks, lone surrogates, U+FFFE/U+FFFF. */
/* eslint-disable no-control-regex -- these are exactly the characters to drop */
const NOT_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/* eslint-enable no-control-regex */

/**
 * Text as XML 1.0 character data: markup characters escaped, and what XML cannot carry dropped, so a
 * stray byte in a resident's description never makes the whole document unreadable.
 */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Minutes the zone is ahead of UTC at that instant (480 for Asia/Shanghai). */
function offsetMinutes(instant: Date, timeZone: string): number {
  return Math.round(zoneOffsetMs(instant, timeZone) / 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant as W3C-DTF in the zone, with its offset: `2026-03-02T09:00:00+08:00`. Null stays null. */
export function w3Date(iso: string | null, timeZone: string): string | null {
  if (iso === null) return null;
  const instant = new Date(iso);
  const w = wallClock(instant, timeZone);
  const offset = offsetMinutes(instant, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const W3_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * A W3C-DTF date-time (`2010-01-01T00:00:00Z`, `2026-03-02T09:00+08:00`; a time must carry its zone)
 * or a whole day (`2026-03-02`, which starts at midnight in the district's zone), as an instant.
 * Undefined when it is neither or names no real moment.
 */
export function parseW3Date(text: string, timeZone: string): Date | undefined {
  const m = W3_DATE.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = m;
  const fields = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
  };
  const wall = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== fields.year ||
    check.getUTCMonth() !== fields.month - 1 ||
    check.getUTCDate() !== fields.day ||
    fields.hour > 23 ||
    fields.minute > 59 ||
    fields.second > 59
  ) {
    return undefined;
  }
  if (zone !== undefined) {
    const ahead = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    if (Math.abs(ahead) >= 24 * 60 || Number(zone.slice(4, 6)) > 59) return undefined;
    return new Date(wall + Math.floor(Number(fraction ?? 0) * 1000) - ahead * 60_000);
  }
  // A whole day: local midnight. The offset at the guess is right except across a DST change.
  const guess = new Date(wall);
  return new Date(wall - offsetMinutes(new Date(wall - offsetMinutes(guess, timeZone) * 60_000), timeZone) * 60_000);
}

/** One entry of the spec's error list. `code` is the HTTP status, as the spec recommends. */
export interface Problem {
  code: number;
  description: string;
}

/**
 * A refusal in the spec's terms: 404 for what does not exist, 403 for a missing or wrong api_key,
 * 400 for anything else the request gets wrong; every problem found is listed.
 */
export class Open311Error extends Error {
  readonly problems: Problem[];
  constructor(
    readonly status: 400 | 403 | 404,
    descriptions: string[],
  ) {
    super(descriptions.join('; '));
    this.problems = descriptions.map((description) => ({ code: status, description }));
  }
}

export const refuse = (status: 400 | 403 | 404, ...descriptions: string[]) => new Open311Error(status, descriptions);
