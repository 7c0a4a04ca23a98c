import ExcelJS from 'exceljs';
import { isCalendarDate } from '../../platform/clock.ts';
import { badRequest } from '../../platform/http/errors.ts';
import { ADDRESS_MAX_LENGTH, ADDRESS_MIN_LENGTH, NAME_MAX_LENGTH } from '../people/people.validation.ts';
import { plainCell, text, type CellParser, type Parsed, type Plain } from './transfer.cells.ts';
import { PROBLEMS, type Problem } from './transfer.problems.ts';
import type { RowProblem } from './transfer.workbook.ts';

/**
 * 12345 hotline work orders (12345工单) as the hotline's system exports them: one sheet, a row per
 * order, Chinese headers in any order. Columns are found by header (spaces and * ignored), columns of
 * its own the export may carry are ignored, and a missing column is one problem naming it. Times are
 * wall-clock times in the district's zone: read here as they were typed, placed in time by the
 * command with `config.timeZone`.
 */
export const HOTLINE_SHEET = '12345工单';
export const HOTLINE_README_SHEET = '说明';
/** dispatch_case.external_ref of an imported order: `12345:<工单编号>`. */
export const HOTLINE_REF_PREFIX = '12345:';
/** Order numbers of the template's example row start with this: such a row is never imported. */
export const EXAMPLE_PREFIX = '示例';
/**
 * 诉求内容 becomes the case's description followed by one line naming the order, the call and its
 * deadline; the two together stay within the 1000 characters a description may have.
 */
export const CONTENT_MAX_LENGTH = 900;
/** Order numbers are 15-20 characters in practice; 32 keeps the description's last line short. */
export const ORDER_NUMBER_MAX_LENGTH = 32;

/** A wall-clock time in the district's zone: the day, and the time of day unless only a day was given. */
export interface WallTime {
  day: string;
  /** `HH:MM:SS`; null when the cell held a day alone. */
  time: string | null;
}

export interface HotlineRow {
  orderNumber: string;
  calledAt: WallTime;
  callerName: string | null;
  callerPhone: string | null;
  address: string | null;
  content: string;
  categoryName: string;
  deadline: WallTime | null;
}

export interface HotlineColumn {
  key: keyof HotlineRow & string;
  header: string;
  required: boolean;
  note: string;
  parse: CellParser<unknown>;
  width: number;
  numFmt?: string;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (problem: Problem): Parsed<never> => ({ ok: false, ...problem });

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
const TEXT_TIME = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[\sT]*(\d{1,2})[:：时点](\d{1,2})分?(?:[:：]?(\d{1,2})(?:\.\d+)?秒?)?)?$/;

const pad = (n: number | string) => String(n).padStart(2, '0');

/** A Date as exceljs reads a date cell: its UTC fields are the wall-clock time typed. */
function wallOfDate(date: Date): WallTime {
  const rounded = new Date(Math.round(date.getTime() / 1000) * 1000);
  const iso = rounded.toISOString();
  return { day: iso.slice(0, 10), time: iso.slice(11, 19) };
}

/**
 * A wall-clock time: a date cell, an Excel serial number (days since 1899-12-30, the time as the
 * fraction), or text `2026-03-02 09:15`, `2026/3/2 9:15:30`, `2026年3月2日 9时15分`. With
 * `dayAlone`, a day without a time is accepted (a deadline: the end of that day).
 */
export function wallTime(dayAlone: boolean): CellParser<WallTime> {
  return (value: Plain) => {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? bad(PROBLEMS.dateTimeExpected()) : ok(wallOfDate(value));
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || value < 1 || value >= 2_958_466) return bad(PROBLEMS.dateTimeExpected());
      const wall = wallOfDate(new Date(EXCEL_EPOCH + value * DAY_MS));
      return Number.isInteger(value) && dayAlone ? ok({ day: wall.day, time: null }) : ok(wall);
    }
    const s = String(value).trim();
    const m = TEXT_TIME.exec(s);
    if (!m) return bad(PROBLEMS.dateTimeExpected());
    const day = `${m[1]}-${pad(m[2])}-${pad(m[3])}`;
    if (!isCalendarDate(day)) return bad(PROBLEMS.notRealTime(s));
    if (m[4] === undefined) return dayAlone ? ok({ day, time: null }) : bad(PROBLEMS.dateTimeExpected());
    const [h, min, sec] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
    if (h > 23 || min > 59 || sec > 59) return bad(PROBLEMS.notRealTime(s));
    return ok({ day, time: `${pad(h)}:${pad(min)}:${pad(sec)}` });
  };
}

/** The instant of a wall-clock time in `timeZone`; a day alone is its last second (a deadline's end). */
export function instantOf(wall: WallTime, timeZone: string): Date {
  const local = Date.parse(`${wall.day}T${wall.time ?? '23:59:59'}Z`);
  // The zone's offset at that wall time: guess with the offset at the wall time read as UTC, then correct once.
  const first = local - offsetAt(timeZone, local);
  return new Date(local - offsetAt(timeZone, first));
}

function offsetAt(timeZone: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** `2026-03-02 09:15` (seconds only when not zero), or the day alone. */
export function showWall(wall: WallTime): string {
  if (wall.time === null) return wall.day;
  return `${wall.day} ${wall.time.endsWith(':00') ? wall.time.slice(0, 5) : wall.time}`;
}

/**
 * The hotline's order number, as text: a number cell is taken while it still has all its digits,
 * spaces are dropped. The template's example row (示例…) is refused, so it cannot become a case.
 */
export const orderNumber: CellParser<string> = (value) => {
  if (value instanceof Date) return bad(PROBLEMS.textExpected());
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return bad(PROBLEMS.lostDigits());
  const s = String(value).replace(/\s/g, '');
  if (s.length > ORDER_NUMBER_MAX_LENGTH) return bad(PROBLEMS.tooLong(ORDER_NUMBER_MAX_LENGTH));
  if (s.startsWith(EXAMPLE_PREFIX)) return bad(PROBLEMS.exampleRow());
  return ok(s);
};

/**
 * A caller's phone as the hotline records it: a mobile or a landline with its area code, an
 * extension (转), or already masked by the hotline (139****0101). The value is never echoed in a problem.
 */
export const callerPhone: CellParser<string> = (value) => {
  if (value instanceof Date) return bad(PROBLEMS.contactExpected());
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return bad(PROBLEMS.lostDigits());
  const s = String(value).replace(/\s/g, '');
  const digits = s.replace(/\D/g, '').length;
  if (!/^\+?[\d()\-*#转]+$/.test(s) || digits < 3 || s.length > 40) return bad(PROBLEMS.contactExpected());
  return ok(s);
};

const TEXT = '@';
const DATE_TIME = 'yyyy-mm-dd hh:mm';

export const HOTLINE_COLUMNS: HotlineColumn[] = [
  {
    key: 'orderNumber',
    header: '工单编号',
    required: true,
    note: '12345 热线的工单编号，同一编号只导入一次（再次导入视为未变）；请把本列设为文本格式',
    parse: orderNumber,
    width: 22,
    numFmt: TEXT,
  },
  {
    key: 'calledAt',
    header: '来电时间',
    required: true,
    note: '如 2026-03-02 09:15，本区时间；可为日期单元格',
    parse: wallTime(false),
    width: 18,
    numFmt: DATE_TIME,
  },
  { key: 'callerName', header: '来电人', required: false, note: '可空；个人信息，界面上脱敏显示', parse: text(NAME_MAX_LENGTH), width: 10 },
  {
    key: 'callerPhone',
    header: '联系电话',
    required: false,
    note: '可空；手机或带区号的固话，加密保存，界面上脱敏显示',
    parse: callerPhone,
    width: 16,
    numFmt: TEXT,
  },
  {
    key: 'address',
    header: '问题地址',
    required: false,
    note: `可空；${ADDRESS_MIN_LENGTH}-${ADDRESS_MAX_LENGTH} 字`,
    parse: text(ADDRESS_MAX_LENGTH, ADDRESS_MIN_LENGTH),
    width: 28,
  },
  { key: 'content', header: '诉求内容', required: true, note: `2-${CONTENT_MAX_LENGTH} 字`, parse: text(CONTENT_MAX_LENGTH, 2), width: 48 },
  { key: 'categoryName', header: '问题分类', required: true, note: '案件分类中的小类名称（见说明表）', parse: text(40), width: 16 },
  {
    key: 'deadline',
    header: '办理时限',
    required: false,
    note: '可空；如 2026-03-05 18:00，只写日期则为当天结束',
    parse: wallTime(true),
    width: 18,
    numFmt: DATE_TIME,
  },
];

export interface HotlineSheet {
  /** The sheet's name as in the file. */
  sheet: string;
  /** Rows with no problem in their cells, with their spreadsheet row numbers. */
  rows: { row: number; value: HotlineRow }[];
  /** Rows with a problem, with what could be read of them (their order numbers still count for duplicates). */
  invalid: { row: number; value: Partial<HotlineRow> }[];
  problems: RowProblem[];
  /** Every data row, good or bad. */
  count: number;
}

/**
 * Reads the orders sheet: the sheet named 12345工单, or the workbook's only sheet besides 说明 (an
 * export named Sheet1 does). A file that is not a workbook, or has no such sheet, is a 400.
 */
export async function readHotlineWorkbook(file: Buffer): Promise<HotlineSheet> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw badRequest('transfer.not_xlsx', 'The file is not an .xlsx workbook.');
  }
  const sheets = workbook.worksheets.filter((w) => w.name.trim() !== HOTLINE_README_SHEET);
  const worksheet = sheets.find((w) => w.name.trim() === HOTLINE_SHEET) ?? (sheets.length === 1 ? sheets[0] : undefined);
  if (!worksheet) {
    throw badRequest('transfer.hotline_sheet_missing', `The workbook needs a sheet named ${HOTLINE_SHEET}.`, {
      sheets: workbook.worksheets.map((w) => w.name),
    });
  }
  return readOrders(worksheet);
}

function readOrders(worksheet: ExcelJS.Worksheet): HotlineSheet {
  const sheet = worksheet.name.trim();
  const result: HotlineSheet = { sheet, rows: [], invalid: [], problems: [], count: 0 };
  const positions = new Map<string, number>();
  const byHeader = new Map(HOTLINE_COLUMNS.map((c) => [c.header, c]));
  worksheet.getRow(1).eachCell({ includeEmpty: false }, (cell, position) => {
    const plain = plainCell(cell.value);
    const header = plain.ok && plain.value !== null ? String(plain.value).replace(/[*＊\s]/g, '') : '';
    const column = byHeader.get(header);
    if (!column) return;
    if (positions.has(column.key)) result.problems.push({ sheet, row: 1, column: column.header, ...PROBLEMS.columnTwice() });
    else positions.set(column.key, position);
  });
  for (const column of HOTLINE_COLUMNS) {
    if (column.required && !positions.has(column.key))
      result.problems.push({ sheet, row: 1, column: column.header, ...PROBLEMS.columnMissing() });
  }
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return;
    const rowProblems: RowProblem[] = [];
    const value: Record<string, unknown> = {};
    let empty = true;
    for (const column of HOTLINE_COLUMNS) {
      const position = positions.get(column.key);
      const report = ({ code, problem, params }: Problem) =>
        rowProblems.push({ sheet, row: rowNumber, column: column.header, code, problem, ...(params ? { params } : {}) });
      if (position === undefined) {
        // A missing column is reported once, above, not again on every row.
        value[column.key] = null;
        continue;
      }
      const cell = plainCell(row.getCell(position).value);
      if (!cell.ok) {
        empty = false;
        report(cell);
        continue;
      }
      if (cell.value === null) {
        value[column.key] = null;
        if (column.required) report(PROBLEMS.required());
        continue;
      }
      empty = false;
      const parsed = column.parse(cell.value);
      if (parsed.ok) value[column.key] = parsed.value;
      else report(parsed);
    }
    // A row with nothing in our columns (formatted but blank, or the hotline's own notes) is no order.
    if (empty) return;
    result.count += 1;
    result.problems.push(...rowProblems);
    if (rowProblems.length === 0) result.rows.push({ row: rowNumber, value: value as unknown as HotlineRow });
    else result.invalid.push({ row: rowNumber, value: value as Partial<HotlineRow> });
  });
  return result;
}

/** The order of problems in a report: by row, then as the columns are declared. */
export function sortHotlineProblems(problems: RowProblem[]): RowProblem[] {
  const index = (header: string) => {
    const i = HOTLINE_COLUMNS.findIndex((c) => c.header === header);
    return i < 0 ? HOTLINE_COLUMNS.length : i;
  };
  return [...problems].sort((a, b) => a.row - b.row || index(a.column) - index(b.column));
}

/**
 * The template: the 12345工单 sheet with its headers (a note on each), one example row whose order
 * number (示例…) is refused on import, and a 说明 sheet with the columns and the category names in use.
 */
export async function writeHotlineTemplate(categories: { major: string; name: string }[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Wangge 网格';
  workbook.title = '12345工单导入模板';
  const worksheet = workbook.addWorksheet(HOTLINE_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  worksheet.columns = HOTLINE_COLUMNS.map((c) => ({ key: c.key, width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  const header = worksheet.getRow(1);
  HOTLINE_COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.note = `${c.required ? '必填。' : '选填。'}${c.note}`;
    cell.font = { bold: true, color: c.required ? { argb: 'FFC00000' } : undefined };
  });
  const example: Record<keyof HotlineRow, ExcelJS.CellValue> = {
    orderNumber: `${EXAMPLE_PREFIX}-202603020001`,
    calledAt: new Date(Date.UTC(2026, 2, 2, 9, 15)),
    callerName: '张先生',
    callerPhone: '13800000000',
    address: '幸福路12号院北门',
    content: '小区北门外垃圾堆积三天无人清运，气味很大，请尽快处理。',
    categoryName: categories[0]?.name ?? '暴露垃圾',
    deadline: new Date(Date.UTC(2026, 2, 3, 18, 0)),
  };
  worksheet.addRow(HOTLINE_COLUMNS.map((c) => example[c.key]));

  const readme = workbook.addWorksheet(HOTLINE_README_SHEET);
  readme.columns = [
    { header: '列', key: 'column', width: 12 },
    { header: '必填', key: 'required', width: 6 },
    { header: '说明', key: 'note', width: 90 },
  ];
  readme.getRow(1).font = { bold: true };
  readme.addRow({
    column: '导入',
    note: '整个文件一起导入：任何一行有错则全部不导入，并逐行列出问题；已导入的工单编号再次导入时不会重复。示例行（工单编号以“示例”开头）不会导入，请删除。',
  });
  for (const c of HOTLINE_COLUMNS) readme.addRow({ column: c.header, required: c.required ? '是' : '', note: c.note });
  readme.addRow({});
  readme.addRow({ column: '问题分类', note: '可填的小类（大类 / 小类）：' });
  for (const c of categories) readme.addRow({ column: '', note: `${c.major} / ${c.name}` });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
