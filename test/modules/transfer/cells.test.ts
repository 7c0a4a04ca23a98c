import { describe, expect, it } from 'vitest';
import { crs, date, idNumber, orgCode, orgCodes, phone, plainCell, tags } from '../../../src/modules/transfer/transfer.cells.ts';
import { IDS } from '../../support/workbooks.ts';

describe('cell values as spreadsheet programs leave them', () => {
  it('normalises rich text, hyperlinks, formula results and blanks in one place', () => {
    expect(plainCell({ richText: [{ text: '张' }, { text: '桂兰 ' }] })).toEqual({ ok: true, value: '张桂兰' });
    expect(plainCell({ text: '幸福路', hyperlink: 'http://example.com' })).toEqual({ ok: true, value: '幸福路' });
    expect(plainCell({ formula: 'A1&B1', result: '410804' })).toEqual({ ok: true, value: '410804' });
    expect(plainCell({ sharedFormula: 'A2', result: 42 })).toEqual({ ok: true, value: 42 });
    expect(plainCell('   ')).toEqual({ ok: true, value: null });
    expect(plainCell({ error: '#N/A' })).toMatchObject({ ok: false, problem: 'the cell shows the error #N/A' });
    expect(plainCell({ formula: 'A1' })).toMatchObject({ ok: false });
  });

  it('reads dates from Date cells, Excel serial days and the ways people type them', () => {
    expect(date(new Date(Date.UTC(1948, 2, 12)))).toEqual({ ok: true, value: '1948-03-12' });
    expect(date(40000)).toEqual({ ok: true, value: '2009-07-06' });
    for (const typed of ['1975-07-01', '1975/7/1', '1975.7.1', '1975年7月1日', '19750701'])
      expect(date(typed)).toEqual({ ok: true, value: '1975-07-01' });
    expect(date('1948-02-30')).toMatchObject({ ok: false });
    expect(date('last spring')).toMatchObject({ ok: false });
  });

  it('refuses long digit strings that a spreadsheet turned into numbers', () => {
    expect(orgCode(Number('41080400100100101'))).toMatchObject({ ok: false, problem: expect.stringMatching(/format the column as text/) });
    expect(orgCode(410804001)).toEqual({ ok: true, value: '410804001' });
    expect(idNumber(Number(IDS.son))).toMatchObject({ ok: false });
    expect(idNumber(` ${IDS.son.slice(0, 6)} ${IDS.son.slice(6)} `)).toEqual({ ok: true, value: IDS.son });
    expect(idNumber('410804********0102')).toMatchObject({ ok: false, problem: expect.stringMatching(/masked/) });
    expect(phone(13903910101)).toEqual({ ok: true, value: '13903910101' });
    expect(phone('139****0101')).toMatchObject({ ok: false });
  });

  it('reads lists with either comma, 、 or spaces, and choices in Chinese', () => {
    expect(orgCodes('41080400100100101，41080400100100102、 41080400100100103')).toEqual({
      ok: true,
      value: ['41080400100100101', '41080400100100102', '41080400100100103'],
    });
    expect(tags('独居，老年、党员')).toEqual({ ok: true, value: ['living_alone', 'elderly', 'party_member'] });
    expect(tags('富裕')).toMatchObject({ ok: false });
    expect(crs('GCJ-02')).toEqual({ ok: true, value: 'gcj02' });
    expect(crs('百度')).toEqual({ ok: true, value: 'bd09' });
  });
});
