import type ExcelJS from 'exceljs';
import { isCalendarDate } from '../../platform/clock.ts';
import { CRS_VALUES, type Crs } from '../org/org.crs.ts';
import {
  ADDRESS_MAX_LENGTH,
  ADDRESS_MIN_LENGTH,
  idNumberProblem,
  NAME_MAX_LENGTH,
  normaliseIdNumber,
  phoneProblem,
} from '../people/people.validation.ts';
import { RESIDENT_TAGS, type ResidentTag } from '../people/people.tables.ts';
import { PROBLEMS, type Problem } from './transfer.problems.ts';

/**
 * Cell values as they really arrive (表格单元格): exceljs hands over strings, numbers, Dates, rich
 * text, hyperlinks and formula results, and LibreOffice, WPS and Excel each choose differently for
 * the same typed text. Everything is normalised here once, then each column kind parses the plain
 * value and says in one sentence what is wrong with it.
 */
export type Plain = string | number | boolean | Date;
export type Parsed<T> = { ok: true; value: T } | ({ ok: false } & Problem);

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (problem: Problem): Parsed<never> => ({ ok: false, ...problem });

/** A cell as a plain value; null when empty (blank text counts as empty). */
export function plainCell(value: ExcelJS.CellValue): Parsed<Plain | null> {
  if (value === null || value === undefined) return ok(null);
  if (typeof value === 'string') return ok(value.trim() === '' ? null : value.trim());
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return ok(value);
  if ('error' in value) return bad(PROBLEMS.cellError(value.error));
  if ('richText' in value) return plainCell(value.richText.map((part) => part.text).join(''));
  if ('hyperlink' in value) return plainCell(value.text as ExcelJS.CellValue);
  if ('formula' in value || 'sharedFormula' in value) {
    // A formula's cached result is what the user sees; a file saved without results has none.
    if (value.result === undefined) return bad(PROBLEMS.formulaWithoutValue());
    return plainCell(value.result as ExcelJS.CellValue);
  }
  return bad(PROBLEMS.unreadable());
}

/** One column's parser: from a non-empty plain value to the row's value. */
export type CellParser<T> = (value: Plain) => Parsed<T>;

export function text(max: number, min = 1): CellParser<string> {
  return (value) => {
    const s = typeof value === 'number' ? String(value) : value instanceof Date ? null : String(value).trim();
    if (s === null) return bad(PROBLEMS.textExpected());
    if (s.length > max) return bad(PROBLEMS.tooLong(max));
    if (s.length < min) return bad(PROBLEMS.tooShort(min));
    return ok(s);
  };
}

/** An address of a building or a household, as long as the HTTP API allows. */
export const address: CellParser<string> = text(ADDRESS_MAX_LENGTH, ADDRESS_MIN_LENGTH);

/**
 * Digits that must stay text: org codes, ID numbers. A spreadsheet that turned them into numbers has
 * already lost everything past the 15th significant digit, so such a cell cannot be trusted.
 */
function digitsOf(value: Plain): Parsed<string> {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return bad(PROBLEMS.lostDigits());
    return ok(String(value));
  }
  if (typeof value !== 'string') return bad(PROBLEMS.digitsExpected());
  return ok(value.replace(/\s/g, ''));
}

export const orgCode: CellParser<string> = (value) => {
  const digits = digitsOf(value);
  if (!digits.ok) return digits;
  return /^\d+(D\d{2,})?$/.test(digits.value) ? digits : bad(PROBLEMS.notOrgCode(digits.value));
};

/** Several codes in one cell, as people separate them: commas (either width), 、, semicolons, spaces. */
export const orgCodes: CellParser<string[]> = (value) => {
  if (typeof value === 'number') return orgCode(value) as Parsed<never>;
  const codes = String(value)
    .split(/[,，、;；\s]+/)
    .filter(Boolean);
  const wrong = codes.filter((code) => !/^\d+$/.test(code));
  if (wrong.length > 0) return bad(PROBLEMS.notOrgCode(wrong.join(', ')));
  return codes.length > 0 ? ok(codes) : bad(PROBLEMS.noCode());
};

export function number(min: number, max: number): CellParser<number> {
  return (value) => {
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.replace(/,/g, '')) : NaN;
    if (!Number.isFinite(n)) return bad(PROBLEMS.numberExpected());
    if (n < min || n > max) return bad(PROBLEMS.outOfRange(min, max));
    return ok(n);
  };
}

/** A choice shown in Chinese (楼房), stored as its key (apartment); the key itself is accepted too. */
export function choice<K extends string>(labels: Record<K, string>): CellParser<K> {
  const byLabel = new Map<string, K>();
  for (const [key, label] of Object.entries(labels) as [K, string][]) {
    byLabel.set(label, key);
    byLabel.set(key.toLowerCase(), key);
  }
  return (value) => {
    const found = byLabel.get(String(value).trim().toLowerCase());
    return found ? ok(found) : bad(PROBLEMS.oneOf(Object.values(labels)));
  };
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

/**
 * A calendar day as YYYY-MM-DD from a Date (exceljs reads date cells as UTC midnight), an Excel
 * serial day number (a date cell without a date format), or text: 2020-01-02, 2020/1/2, 2020.1.2,
 * 2020年1月2日, 20200102.
 */
export const date: CellParser<string> = (value) => {
  if (value instanceof Date) return ok(value.toISOString().slice(0, 10));
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1 || value > 2_958_465) return bad(PROBLEMS.dateExpected());
    return ok(new Date(EXCEL_EPOCH + value * DAY_MS).toISOString().slice(0, 10));
  }
  const s = String(value).trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return bad(PROBLEMS.dateExpected());
  const day = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  return isCalendarDate(day) ? ok(day) : bad(PROBLEMS.notRealDate(s));
};

export const idNumber: CellParser<string> = (value) => {
  const digits = typeof value === 'string' ? ok(normaliseIdNumber(value)) : digitsOf(value);
  if (!digits.ok) return digits;
  if (digits.value.includes('*')) return bad(PROBLEMS.masked('ID number'));
  const problem = idNumberProblem(digits.value);
  return problem ? bad(PROBLEMS.idNumber(problem)) : digits;
};

export const phone: CellParser<string> = (value) => {
  const digits = typeof value === 'number' ? String(value) : String(value).replace(/[\s-]/g, '');
  if (digits.includes('*')) return bad(PROBLEMS.masked('phone number'));
  const problem = phoneProblem(digits);
  return problem ? bad(PROBLEMS.phone(problem)) : ok(digits);
};

/** A person's name; a masked one (张*兰) would overwrite the real name on re-import. */
export const personName: CellParser<string> = (value) => {
  const s = text(NAME_MAX_LENGTH)(value);
  if (s.ok && s.value.includes('*')) return bad(PROBLEMS.masked('name'));
  return s;
};

export const TAG_LABELS: Record<ResidentTag, string> = {
  living_alone: '独居',
  elderly: '老年',
  disabled: '残疾',
  orphan: '孤儿',
  low_income: '低保',
  party_member: '党员',
};

export const tags: CellParser<ResidentTag[]> = (value) => {
  const labels = String(value)
    .split(/[,，、;；\s]+/)
    .filter(Boolean);
  const tagOf = choice(TAG_LABELS);
  const found: ResidentTag[] = [];
  for (const label of labels) {
    const tag = tagOf(label);
    if (!tag.ok)
      return bad(
        PROBLEMS.unknownTag(
          label,
          RESIDENT_TAGS.map((t) => TAG_LABELS[t]),
        ),
      );
    if (!found.includes(tag.value)) found.push(tag.value);
  }
  return ok(found);
};

/** WGS-84 as GPS gives it, GCJ-02 from AMap or Tencent, BD-09 from Baidu (org.crs.ts). */
export const crs: CellParser<Crs> = (value) => {
  const s = String(value)
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  const aliases: Record<string, Crs> = { gps: 'wgs84', 高德: 'gcj02', 腾讯: 'gcj02', 国测局: 'gcj02', 火星坐标: 'gcj02', 百度: 'bd09' };
  const found = (CRS_VALUES as readonly string[]).includes(s) ? (s as Crs) : aliases[s];
  return found ? ok(found) : bad(PROBLEMS.oneOf([...CRS_VALUES]));
};
