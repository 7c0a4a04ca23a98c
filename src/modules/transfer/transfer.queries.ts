import { writeWorkbook } from './transfer.workbook.ts';

/** The empty workbook to fill in: every sheet with its headers and notes, and the 说明 sheet. */
export function templateWorkbook(): Promise<Buffer> {
  return writeWorkbook({}, { masked: false, title: '网格登记表模板' });
}
