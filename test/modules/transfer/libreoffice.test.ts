import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { importBoundaries } from '../../../src/modules/transfer/commands/importBoundaries.ts';
import { importWorkbook } from '../../../src/modules/transfer/commands/importWorkbook.ts';
import { exportWorkbook } from '../../../src/modules/transfer/commands/exportWorkbook.ts';
import { DATABASES } from '../../support/databases.ts';
import { makeWorld, type World } from '../../support/factories.ts';
import { countRows, startTestServer, type TestServer } from '../../support/server.ts';
import { box } from '../../support/tessellation.ts';
import { D, registrySheets, S, W, workbookOf, type SheetCells } from '../../support/workbooks.ts';

/**
 * Workbooks saved by LibreOffice, the spreadsheet program of many government offices: it writes
 * its own shared strings, real date cells and numbers where Excel would, and recomputes formulas.
 * Mandatory in CI; elsewhere skipped, loudly, only when LibreOffice is not installed.
 */
const HAS_LIBREOFFICE = spawnSync('sh', ['-c', 'command -v libreoffice'], { stdio: 'ignore' }).status === 0;
if (!HAS_LIBREOFFICE && process.env.CI !== 'true') {
  console.warn('SKIPPING the LibreOffice workbook tests: libreoffice is not installed (apt-get install libreoffice-calc-nogui)');
}
const suite = HAS_LIBREOFFICE || process.env.CI === 'true' ? describe.each(DATABASES) : describe.skip.each(DATABASES);

/** Per sheet, how LibreOffice's CSV filter types each column: 2 text, 1 standard (numbers), 5 a Y-M-D date. */
const COLUMN_TYPES: Record<string, number[]> = {
  组织单元: [2, 2],
  楼栋: [2, 2, 2, 1, 1, 2],
  户: [2, 2, 2],
  居民: [2, 2, 2, 2, 5, 2, 1, 2, 2],
  网格员: [2, 2, 5, 2],
};

/**
 * Runs LibreOffice headless with a throwaway profile, so parallel runs never share one. A fresh
 * profile's first start now and then aborts under load ("Unspecified Application Error", a crash of
 * LibreOffice itself, not a judgement on the file): tried once more in a new profile before failing.
 */
async function libreoffice(args: string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const profile = mkdtempSync(join(tmpdir(), 'wangge-lo-profile-'));
    try {
      await promisify(execFile)('libreoffice', [`-env:UserInstallation=file://${profile}`, '--headless', ...args], { timeout: 120_000 });
      return;
    } catch (error) {
      if (attempt >= 2 || !String((error as Error).message).includes('Unspecified Application Error')) throw error;
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  }
}

/** A cell as it would be typed into a CSV file. */
function typed(cell: ExcelJS.CellValue): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  if (typeof cell === 'object' && 'richText' in cell) return cell.richText.map((part) => part.text).join('');
  if (typeof cell === 'object' && 'result' in cell) return typed(cell.result as ExcelJS.CellValue);
  const text = String(cell);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Each sheet as `<sheet>.csv`, converted by LibreOffice into `<sheet>.xlsx` (all at once): one workbook per sheet. */
async function perSheetWorkbooks(dir: string, sheets: Record<string, SheetCells>): Promise<Map<string, Buffer>> {
  const names = Object.keys(sheets);
  await Promise.all(
    names.map((name) => {
      const csv = join(dir, `${name}.csv`);
      writeFileSync(csv, sheets[name].map((row) => row.map(typed).join(',')).join('\n') + '\n');
      const formats = COLUMN_TYPES[name].map((type, i) => `${i + 1}/${type}`).join('/');
      return libreoffice([`--infilter=CSV:44,34,76,1,${formats}`, '--convert-to', 'xlsx', '--outdir', dir, csv]);
    }),
  );
  return new Map(names.map((name) => [name, readFileSync(join(dir, `${name}.xlsx`))]));
}

/** An exceljs workbook opened and saved again by LibreOffice: all sheets in one file. */
async function resavedByLibreOffice(dir: string, file: Buffer): Promise<Buffer> {
  const source = join(dir, 'registry.xlsx');
  const out = join(dir, 'resaved');
  writeFileSync(source, file);
  await libreoffice(['--convert-to', 'xlsx:Calc MS Excel 2007 XML', '--outdir', out, source]);
  return readFileSync(join(out, 'registry.xlsx'));
}

suite('workbooks saved by LibreOffice on %s', (kind) => {
  let server: TestServer;
  let world: World;
  let dir: string;
  const by = { actor: systemActor('test'), requestId: null };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wangge-lo-'));
    server = await startTestServer(kind);
    world = await makeWorld(server.platform);
    const boundary = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { code: world.codes.homeMicrogrid }, geometry: box(W, S, W + D, S + D) }],
    };
    await importBoundaries(server.platform, by, boundary, { source: 'boundaries.geojson' });
  });
  afterAll(async () => {
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('one workbook per sheet, converted from CSV, imports sheet by sheet, then again without change', async () => {
    const sheets = registrySheets(world.codes, world.users.worker.username);
    sheets['居民'][4][4] = '2009-07-06'; // typed as a date, not as Excel's serial day
    const workbooks = await perSheetWorkbooks(dir, sheets);

    const first = [];
    for (const [name, file] of workbooks) first.push(await importWorkbook(server.platform, by, file, { source: `${name}.xlsx` }));

    expect(first.map((r) => r.sheets.map((s) => [s.sheet, s.created]))).toEqual([
      [['组织单元', 2]],
      [['楼栋', 3]],
      [['户', 3]],
      [['居民', 5]],
      [['网格员', 1]],
    ]);
    const residents = await server.platform.database.db
      .selectFrom('resident')
      .innerJoin('household', 'household.id', 'resident.household_id')
      .select(['resident.name', 'resident.birth_date'])
      .where('household.address', 'like', '幸福路1号院%')
      .orderBy('resident.birth_date')
      .execute();
    expect(residents).toEqual([
      { name: '张桂兰', birth_date: '1948-03-12' },
      { name: '李建国', birth_date: '1975-07-01' },
      { name: '李小宝', birth_date: '2009-07-06' },
      { name: '王小红', birth_date: '2010-09-05' },
    ]);
    const audit = await countRows(server, 'audit_record');
    for (const [name, file] of workbooks) {
      expect(await importWorkbook(server.platform, by, file, { source: `${name}.xlsx` })).toMatchObject({ unchanged: true });
    }
    expect(await countRows(server, 'audit_record')).toBe(audit + workbooks.size);
  });

  it('a whole workbook opened and saved by LibreOffice imports as the registry it holds', async () => {
    const sheets = registrySheets(world.codes, world.users.worker.username);
    const resaved = await resavedByLibreOffice(dir, await workbookOf(sheets));
    expect(resaved.equals(await workbookOf(sheets))).toBe(false);

    expect(await importWorkbook(server.platform, by, resaved, { source: 'resaved.xlsx' })).toMatchObject({ unchanged: true });
  });

  it('our own export, opened and saved by LibreOffice, imports back without change', async () => {
    // The new grid holds only rows of the registry above (makeWorld's own household says 女 with a man's ID number).
    const exported = await exportWorkbook(server.platform, by, { unit: `${world.codes.homeCommunity}002`, unmasked: true });
    const resaved = await resavedByLibreOffice(dir, exported.file);

    expect(await importWorkbook(server.platform, by, resaved, { source: 'resaved-export.xlsx' })).toMatchObject({ unchanged: true });
  });
});
