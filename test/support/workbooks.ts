import ExcelJS from 'exceljs';
import { idCheckCharacter } from '../../src/modules/people/people.validation.ts';

/** Cells as a spreadsheet program leaves them: text, numbers, Dates, rich text, formula results. */
export type SheetCells = ExcelJS.CellValue[][];

/** An .xlsx with the given sheets, each a header row followed by data rows, as someone filled it in. */
export async function workbookOf(sheets: Record<string, SheetCells>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const worksheet = workbook.addWorksheet(name);
    for (const row of rows) worksheet.addRow(row);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Every sheet of an .xlsx as rows of plain cell values (row 1 is the header). */
export async function sheetsOf(file: Buffer): Promise<Record<string, unknown[][]>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  const sheets: Record<string, unknown[][]> = {};
  for (const worksheet of workbook.worksheets) {
    const rows: unknown[][] = [];
    worksheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    sheets[worksheet.name] = rows;
  }
  return sheets;
}

/** A valid 18-character ID number of someone born on `birth` (YYYYMMDD) in 马村区; `sequence` odd for men. */
export function idNumberOf(birth: string, sequence: number): string {
  const first17 = `410804${birth}${String(sequence).padStart(3, '0')}`;
  return first17 + idCheckCharacter(first17);
}

/** Around Macun, in degrees: the home micro-grid of the import tests is the box W..W+D × S..S+D. */
export const W = 113.3;
export const S = 35.26;
export const D = 0.01;

export const IDS = {
  grandmother: idNumberOf('19480312', 102),
  son: idNumberOf('19750701', 101),
  girl: idNumberOf('20100905', 204),
  worker: idNumberOf('19601111', 301),
};

/**
 * A small registry for makeWorld's district, filled in the ways people fill in sheets: Dates, text
 * dates, Excel serial days, formula results, rich text, a phone typed as a number, Chinese commas. It
 * adds a grid with a micro-grid (组织单元) and uses that micro-grid in the people sheets, so the file
 * also refers to units it brings itself.
 */
export function registrySheets(
  codes: { homeMicrogrid: string; homeCommunity: string },
  workerUsername: string | null,
): Record<string, SheetCells> {
  const m1 = codes.homeMicrogrid;
  const grid2 = `${codes.homeCommunity}002`;
  const m2 = `${grid2}01`;
  return {
    组织单元: [
      ['代码', '名称'],
      [grid2, '二网格'],
      [m2, '二网格一号微网格'],
    ],
    楼栋: [
      ['所属微网格代码', '地址', '类型', '经度', '纬度', '坐标系'],
      [m1, '幸福路1号院1号楼', '楼房', W + 0.003, S + 0.003, 'wgs84'],
      [m1, '幸福路1号院2号楼', '楼房', String(W + 0.006), String(S + 0.006), null],
      [m2, '团结村12号', '院落', 113.35, 35.3, null],
    ],
    户: [
      ['所属微网格代码', '地址', '楼栋地址'],
      [m1, '幸福路1号院1号楼1单元101', '幸福路1号院1号楼'],
      [m1, '幸福路1号院2号楼2单元202', '幸福路1号院2号楼'],
      [m2, '团结村12号', '团结村12号'],
    ],
    居民: [
      ['户地址', '所属微网格代码', '姓名', '性别', '出生日期', '身份证号', '手机号', '标签', '健康备注'],
      [
        '幸福路1号院1号楼1单元101',
        m1,
        '张桂兰',
        '女',
        new Date(Date.UTC(1948, 2, 12)),
        IDS.grandmother,
        13903910101,
        '独居，老年',
        '高血压，需定期服药',
      ],
      [
        '幸福路1号院1号楼1单元101',
        m1,
        { richText: [{ text: '李' }, { text: '建国', font: { bold: true } }] },
        '男',
        '1975/7/1',
        IDS.son,
        '138-0391-0102',
        '党员',
        null,
      ],
      [
        '幸福路1号院2号楼2单元202',
        m1,
        '王小红',
        '女',
        { formula: 'DATE(2010,9,5)', result: new Date(Date.UTC(2010, 8, 5)) },
        IDS.girl,
        null,
        null,
        null,
      ],
      ['幸福路1号院2号楼2单元202', m1, '李小宝', '男', 40000, null, null, null, null],
      ['团结村12号', m2, '赵大山', '男', null, IDS.worker, '13903910104', '党员', null],
    ],
    网格员: [
      ['身份证号', '服务微网格代码', '起始日期', '账号'],
      [IDS.worker, `${m2}，${m1}`, '2024-01-01', workerUsername],
    ],
  };
}

/**
 * The same registry with ten bad rows among the good ones, one problem each; `expected` lists them
 * as the report must (sheet, row, column), in sheet and row order.
 */
export function registryWithBadRows(good: Record<string, SheetCells>, codes: { homeMicrogrid: string; homeGrid: string }) {
  const m1 = codes.homeMicrogrid;
  const wrongCheck = IDS.son.slice(0, 17) + (IDS.son[17] === '0' ? '1' : '0');
  const sheets = structuredClone(good);
  sheets['组织单元'].push(['4108040010010', '坏编码']);
  sheets['楼栋'].push([m1, '幸福路9号', '楼房', 113.5, 35.5, null], [m1, '幸福路10号', '别墅', W + 0.003, S + 0.003, null]);
  sheets['户'].push([codes.homeGrid, '网格里的户', null], [m1, '幸福路1号院3号楼101', '幸福路1号院3号楼']);
  sheets['居民'].push(
    ['幸福路1号院1号楼1单元101', m1, '钱坏号', '男', null, wrongCheck, null, null, null],
    ['幸福路1号院1号楼1单元101', m1, '孙坏机', '男', null, null, '1234', null, null],
    ['幸福路1号院1号楼1单元101', m1, '周坏日', '女', '1948-02-30', null, null, null, null],
    ['幸福路1号院1号楼1单元101', m1, '吴重号', '女', null, IDS.grandmother, null, null, null],
  );
  sheets['网格员'].push([IDS.son, `${m1.slice(0, -2)}99`, null, null]);
  const expected = [
    ['组织单元', 4, '代码'],
    ['楼栋', 5, '经度'],
    ['楼栋', 6, '类型'],
    ['户', 5, '所属微网格代码'],
    ['户', 6, '楼栋地址'],
    ['居民', 7, '身份证号'],
    ['居民', 8, '手机号'],
    ['居民', 9, '出生日期'],
    ['居民', 10, '身份证号'],
    ['网格员', 3, '服务微网格代码'],
  ];
  return { sheets, expected };
}

/** The 12345 work-order sheet's headers, in the template's order. */
export const HOTLINE_HEADER = ['工单编号', '来电时间', '来电人', '联系电话', '问题地址', '诉求内容', '问题分类', '办理时限'];

/** Phones of the callers in hotlineOrders, to prove they are never stored or shown in clear. */
export const HOTLINE_PHONES = ['13903917788', '3561234', '13703912266'];

/**
 * Three 12345 orders as a hotline system exports them: headers in another order and spaced out, a
 * column of the hotline's own (受理坐席), times as a date cell, as text and as an Excel serial number, a
 * mobile typed as a number, a landline with its area code, a caller who gave no name, a day-only deadline.
 */
export function hotlineOrders(prefix = 'GD2026030'): SheetCells {
  return [
    ['工单 编号', '受理坐席', '来电时间', '来电人', ' 联系电话 ', '问题地址', '诉求内容', '问题分类', '办理时限'],
    [
      `${prefix}001`,
      '坐席07',
      new Date(Date.UTC(2026, 2, 2, 9, 15)),
      '王建华',
      13903917788,
      '幸福路12号院北门',
      '小区北门外垃圾堆积三天无人清运，气味很大。',
      '暴露垃圾',
      new Date(Date.UTC(2026, 2, 3, 18, 0)),
    ],
    [
      `${prefix}002`,
      '坐席07',
      '2026/3/2 10:40',
      '刘桂芝',
      '0391-3561234',
      '建设路与幸福路交叉口',
      '路口井盖缺失，夜间很危险。',
      ' 井盖缺失破损 ',
      '2026-03-02 14:40',
    ],
    // 2026-03-02 11:30 as a serial number (a time cell that lost its format).
    [`${prefix}003`, null, 46083 + 11.5 / 24, null, '137 0391 2266', null, '楼下商铺占道经营，行人无法通过。', '占道经营', '2026-03-06'],
  ];
}
