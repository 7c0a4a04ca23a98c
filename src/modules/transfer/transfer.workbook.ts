import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { badRequest } from '../../platform/http/errors.ts';
import type { Crs } from '../org/org.crs.ts';
import type { ResidentTag } from '../people/people.tables.ts';
import {
  address,
  choice,
  crs,
  date,
  idNumber,
  number,
  orgCode,
  orgCodes,
  personName,
  phone,
  plainCell,
  TAG_LABELS,
  tags,
  text,
  type CellParser,
} from './transfer.cells.ts';
import { PROBLEMS, type Problem } from './transfer.problems.ts';

/**
 * The registry's workbook (登记表): one declaration per sheet, each column with its Chinese header,
 * its key, how its cells are parsed and how values are written. Templates, imports and exports are
 * all made from these declarations, so the three cannot drift apart.
 */

export interface Column<R> {
  key: keyof R & string;
  header: string;
  required: boolean;
  /** What to type, shown as the header cell's note and on the 说明 sheet. */
  note: string;
  parse: CellParser<unknown>;
  format: (value: never) => ExcelJS.CellValue;
  width: number;
  /** Text format ('@') keeps long digit strings (codes, ID numbers) from becoming numbers as people type. */
  numFmt?: string;
}

export interface Sheet<R> {
  key: SheetKey;
  name: string;
  columns: Column<R>[];
}

export interface UnitSheetRow {
  code: string;
  name: string;
}

export interface BuildingSheetRow {
  microgridCode: string;
  address: string;
  kind: 'apartment' | 'courtyard' | 'other';
  lng: number;
  lat: number;
  crs: Crs | null;
}

export interface HouseholdSheetRow {
  microgridCode: string;
  address: string;
  buildingAddress: string | null;
}

export interface ResidentSheetRow {
  householdAddress: string;
  microgridCode: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string | null;
  idNumber: string | null;
  phone: string | null;
  tags: ResidentTag[];
  healthNotes: string | null;
}

export interface WorkerSheetRow {
  idNumber: string;
  microgridCodes: string[];
  since: string | null;
  username: string | null;
}

export interface Rows {
  units: UnitSheetRow;
  buildings: BuildingSheetRow;
  households: HouseholdSheetRow;
  residents: ResidentSheetRow;
  workers: WorkerSheetRow;
}

export type SheetKey = keyof Rows;

const asText = (value: unknown): ExcelJS.CellValue => (value === null || value === undefined ? null : String(value));
const asNumber = (value: number): ExcelJS.CellValue => value;
const asList = (value: string[]): ExcelJS.CellValue => value.join(',');
const TEXT = '@';

function column<R>(
  key: keyof R & string,
  header: string,
  parse: CellParser<unknown>,
  options: { required?: boolean; note: string; width?: number; format?: (value: never) => ExcelJS.CellValue; numFmt?: string },
): Column<R> {
  return {
    key,
    header,
    parse,
    required: options.required ?? false,
    note: options.note,
    width: options.width ?? 14,
    format: options.format ?? asText,
    numFmt: options.numFmt,
  };
}

const KIND_LABELS = { apartment: '楼房', courtyard: '院落', other: '其他' } as const;
const GENDER_LABELS = { male: '男', female: '女' } as const;
const microgridNote = '17 位微网格代码，须已存在（或在本文件的组织单元表中）';

const units: Sheet<UnitSheetRow> = {
  key: 'units',
  name: '组织单元',
  columns: [
    column('code', '代码', orgCode, {
      required: true,
      note: '区 6 位、街道 9 位、社区 12 位、网格 15 位、微网格 17 位；上级须已存在或在本表中',
      width: 20,
      numFmt: TEXT,
    }),
    column('name', '名称', text(100), { required: true, note: '如 马村街道、新华社区、一网格', width: 24 }),
  ],
};

const buildings: Sheet<BuildingSheetRow> = {
  key: 'buildings',
  name: '楼栋',
  columns: [
    column('microgridCode', '所属微网格代码', orgCode, { required: true, note: microgridNote, width: 20, numFmt: TEXT }),
    column('address', '地址', address, { required: true, note: '同一微网格内唯一，如 幸福路 12 号院 3 号楼', width: 28 }),
    column('kind', '类型', choice(KIND_LABELS), {
      required: true,
      note: '楼房、院落或其他',
      width: 8,
      format: (kind: BuildingSheetRow['kind']) => KIND_LABELS[kind],
    }),
    column('lng', '经度', number(-180, 180), { required: true, note: '如 113.3245；须落在所属微网格内', width: 12, format: asNumber }),
    column('lat', '纬度', number(-90, 90), { required: true, note: '如 35.2712', width: 12, format: asNumber }),
    column('crs', '坐标系', crs, { note: 'wgs84（GPS，默认）、gcj02（高德、腾讯）或 bd09（百度）', width: 8 }),
  ],
};

const households: Sheet<HouseholdSheetRow> = {
  key: 'households',
  name: '户',
  columns: [
    column('microgridCode', '所属微网格代码', orgCode, { required: true, note: microgridNote, width: 20, numFmt: TEXT }),
    column('address', '地址', address, { required: true, note: '同一微网格内唯一，如 幸福路 12 号院 3 号楼 2 单元 301', width: 32 }),
    column('buildingAddress', '楼栋地址', address, { note: '可空；须是同一微网格内楼栋表中的地址', width: 28 }),
  ],
};

const residents: Sheet<ResidentSheetRow> = {
  key: 'residents',
  name: '居民',
  columns: [
    column('householdAddress', '户地址', address, { required: true, note: '户表中的地址', width: 32 }),
    column('microgridCode', '所属微网格代码', orgCode, { required: true, note: '户所在的微网格', width: 20, numFmt: TEXT }),
    column('name', '姓名', personName, { required: true, note: '没有身份证号的居民按 户 + 姓名 识别', width: 10 }),
    column('gender', '性别', choice(GENDER_LABELS), {
      required: true,
      note: '男或女',
      width: 6,
      format: (gender: ResidentSheetRow['gender']) => GENDER_LABELS[gender],
    }),
    column('birthDate', '出生日期', date, { note: '如 1948-03-12；空则取身份证号中的日期', width: 12 }),
    column('idNumber', '身份证号', idNumber, { note: '18 位，末位可为 X；请把本列设为文本格式', width: 22, numFmt: TEXT }),
    column('phone', '手机号', phone, { note: '11 位手机号', width: 14, numFmt: TEXT }),
    column('tags', '标签', tags, {
      note: `逗号分隔：${Object.values(TAG_LABELS).join('、')}`,
      width: 16,
      format: (list: ResidentTag[]) => list.map((tag) => TAG_LABELS[tag]).join(','),
    }),
    column('healthNotes', '健康备注', text(500), { note: '个人敏感信息，加密保存', width: 24 }),
  ],
};

const workers: Sheet<WorkerSheetRow> = {
  key: 'workers',
  name: '网格员',
  columns: [
    column('idNumber', '身份证号', idNumber, { required: true, note: '须是已登记（或在本文件居民表中）的居民', width: 22, numFmt: TEXT }),
    column('microgridCodes', '服务微网格代码', orgCodes, {
      required: true,
      note: '一个或多个微网格代码，逗号分隔',
      width: 38,
      format: asList,
      numFmt: TEXT,
    }),
    column('since', '起始日期', date, { note: '空则为导入当天（已登记的网格员保持原日期）', width: 12 }),
    column('username', '账号', text(64), { note: '网格员的登录账号（如已创建，则关联）', width: 20 }),
  ],
};

/** The sheets in the order they are written and imported: each refers only to the ones before it. */
export const SHEETS: { [K in SheetKey]: Sheet<Rows[K]> } = { units, buildings, households, residents, workers };
export const SHEET_ORDER: SheetKey[] = ['units', 'buildings', 'households', 'residents', 'workers'];
/** Instructions; never imported. */
export const README_SHEET = '说明';
/** Marks a masked export, so that it is refused as an import instead of overwriting real data with stars. */
export const MASKED_MARK = 'wangge:masked';

export interface RowProblem {
  /** The sheet's name as in the file (组织单元, 楼栋 ...), or GeoJSON. */
  sheet: string;
  /** The row number as the spreadsheet shows it (the header is row 1). */
  row: number;
  /** The column's header (代码, 身份证号 ...). */
  column: string;
  /** In plain English; `code` and `params` let the console say it in the reader's language. */
  problem: string;
  code?: string;
  params?: Record<string, string | number>;
}

export interface SheetRows<R> {
  /** Parsed rows that had no problem, with their spreadsheet row numbers. */
  rows: { row: number; value: R }[];
  /** Rows with a problem, with what could be read of them: their keys still count as present, so one bad cell is reported once and not again by every row referring to it. */
  invalid: { row: number; value: Partial<R> }[];
  /** Every data row, good or bad. */
  count: number;
}

export interface ParsedWorkbook {
  sheets: { [K in SheetKey]?: SheetRows<Rows[K]> };
  problems: RowProblem[];
  masked: boolean;
}

/** Reads an .xlsx into typed rows, sheet by sheet; a file that is not a workbook of ours is a 400. */
export async function readWorkbook(file: Buffer): Promise<ParsedWorkbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw badRequest('transfer.not_xlsx', 'The file is not an .xlsx workbook.');
  }
  const parsed: ParsedWorkbook = { sheets: {}, problems: [], masked: workbook.keywords === MASKED_MARK };
  const byName = new Map(SHEET_ORDER.map((key) => [SHEETS[key].name, key]));
  for (const worksheet of workbook.worksheets) {
    const name = worksheet.name.trim();
    if (name === README_SHEET) continue;
    const key = byName.get(name);
    if (!key) {
      throw badRequest('transfer.unknown_sheet', `Unknown sheet ${name}; the sheets are ${[...byName.keys()].join(', ')}.`, {
        sheet: name,
        known: [...byName.keys()],
      });
    }
    if (parsed.sheets[key]) throw badRequest('transfer.duplicate_sheet', `The sheet ${name} appears twice.`, { sheet: name });
    (parsed.sheets as Record<SheetKey, SheetRows<unknown>>)[key] = readSheet(worksheet, SHEETS[key] as Sheet<unknown>, parsed.problems);
  }
  return parsed;
}

function readSheet<R>(worksheet: ExcelJS.Worksheet, sheet: Sheet<R>, problems: RowProblem[]): SheetRows<R> {
  const positions = headerPositions(worksheet, sheet);
  const result: SheetRows<R> = { rows: [], invalid: [], count: 0 };
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return;
    const rowProblems: RowProblem[] = [];
    const value: Record<string, unknown> = {};
    let empty = true;
    for (const column of sheet.columns) {
      const position = positions.get(column.key);
      const cell = position === undefined ? { ok: true as const, value: null } : plainCell(row.getCell(position).value);
      const report = ({ code, problem, params }: Problem) =>
        rowProblems.push({ sheet: sheet.name, row: rowNumber, column: column.header, code, problem, ...(params ? { params } : {}) });
      if (!cell.ok) {
        empty = false;
        report(cell);
        continue;
      }
      if (cell.value === null) {
        value[column.key] = column.key === 'tags' ? [] : null;
        if (column.required) report(PROBLEMS.required());
        continue;
      }
      empty = false;
      const parsed = column.parse(cell.value);
      if (parsed.ok) value[column.key] = parsed.value;
      else report(parsed);
    }
    // A row with nothing in it (formatted but blank) is no row at all.
    if (empty) return;
    result.count += 1;
    problems.push(...rowProblems);
    if (rowProblems.length === 0) result.rows.push({ row: rowNumber, value: value as R });
    else result.invalid.push({ row: rowNumber, value: value as Partial<R> });
  });
  return result;
}

/** Where each column is, by its header in row 1 (any order); unknown or missing headers are a 400. */
function headerPositions<R>(worksheet: ExcelJS.Worksheet, sheet: Sheet<R>): Map<string, number> {
  const byHeader = new Map(sheet.columns.map((c) => [c.header, c]));
  const positions = new Map<string, number>();
  worksheet.getRow(1).eachCell({ includeEmpty: false }, (cell, position) => {
    const plain = plainCell(cell.value);
    const header = plain.ok && plain.value !== null ? String(plain.value).replace(/[*＊\s]/g, '') : '';
    if (!header) return;
    const column = byHeader.get(header);
    if (!column) {
      throw badRequest('transfer.unknown_column', `Unknown column ${header} in sheet ${sheet.name}.`, {
        sheet: sheet.name,
        column: header,
        known: sheet.columns.map((c) => c.header),
      });
    }
    if (positions.has(column.key)) {
      throw badRequest('transfer.duplicate_column', `The column ${header} appears twice in sheet ${sheet.name}.`, {
        sheet: sheet.name,
        column: header,
      });
    }
    positions.set(column.key, position);
  });
  for (const column of sheet.columns) {
    if (column.required && !positions.has(column.key)) {
      throw badRequest('transfer.missing_column', `Sheet ${sheet.name} lacks the column ${column.header}.`, {
        sheet: sheet.name,
        column: column.header,
      });
    }
  }
  return positions;
}

export type WorkbookContent = { [K in SheetKey]?: Rows[K][] };

/**
 * Writes the sheets (all five, empty ones as bare headers: a template) with the 说明 sheet first.
 * Header notes say what to type; long digit columns are text so Excel keeps every digit. Rows are
 * streamed out as they are written: a whole district (160,000 residents) stays far below the memory
 * an in-memory workbook of that size takes.
 */
export async function writeWorkbook(
  content: WorkbookContent,
  options: { masked: boolean; title: string; /** Lines for the 说明 sheet about this file (what was left out). */ notes?: string[] },
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Wangge 网格';
  workbook.title = options.title;
  if (options.masked) workbook.keywords = MASKED_MARK;
  writeReadme(workbook.addWorksheet(README_SHEET), options.masked, options.notes ?? []);
  for (const key of SHEET_ORDER) writeSheet(workbook, SHEETS[key] as Sheet<unknown>, (content[key] ?? []) as unknown[]);
  await workbook.commit();
  return Buffer.concat(chunks);
}

function writeSheet<R>(workbook: ExcelJS.Workbook, sheet: Sheet<R>, rows: R[]): void {
  const worksheet = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
  worksheet.columns = sheet.columns.map((c) => ({ key: c.key, width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  const header = worksheet.getRow(1);
  sheet.columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.note = `${c.required ? '必填。' : '选填。'}${c.note}`;
    cell.font = { bold: true, color: c.required ? { argb: 'FFC00000' } : undefined };
  });
  header.commit();
  for (const row of rows) {
    worksheet.addRow(sheet.columns.map((c) => c.format((row as Record<string, unknown>)[c.key] as never))).commit();
  }
  worksheet.commit();
}

function writeReadme(worksheet: ExcelJS.Worksheet, masked: boolean, notes: string[]): void {
  worksheet.columns = [
    { header: '表', key: 'sheet', width: 12 },
    { header: '列', key: 'column', width: 16 },
    { header: '必填', key: 'required', width: 6 },
    { header: '说明', key: 'note', width: 80 },
  ];
  worksheet.getRow(1).font = { bold: true };
  const lines: Record<string, string>[] = [];
  if (masked) lines.push({ sheet: '注意', note: '本文件的个人信息已脱敏（*），只能查看，不能再导入。' });
  for (const note of notes) lines.push({ sheet: '注意', note });
  lines.push({
    sheet: '导入',
    note: '每个文件整体导入：任何一行有错则全部不导入，并逐行列出问题；同一文件再次导入只更新有变化的行，不会重复。',
  });
  for (const key of SHEET_ORDER) {
    for (const c of SHEETS[key].columns as Column<unknown>[]) {
      lines.push({ sheet: SHEETS[key].name, column: c.header, required: c.required ? '是' : '', note: c.note });
    }
  }
  for (const line of lines) worksheet.addRow(line).commit();
  worksheet.commit();
}
