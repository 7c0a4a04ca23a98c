import { authorize, can } from '../../../platform/authz/policy.ts';
import type { Actor } from '../../../platform/authz/actor.ts';
import type { By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { AppError, badRequest, forbidden, unprocessable } from '../../../platform/http/errors.ts';
import { importUnits, type ImportProblem, type UnitImportRow } from '../../org/commands/importUnits.ts';
import { microgridBoundaries } from '../../org/org.bulk.ts';
import { impliedParentCode, levelOfCode } from '../../org/org.codes.ts';
import { toWgs84, type Crs } from '../../org/org.crs.ts';
import { pointInGeometry } from '../../org/org.geometry.ts';
import { locatePoint, lookupUnits } from '../../org/org.queries.ts';
import {
  upsertPeople,
  type PeopleKind,
  type PeopleUpsert,
  type PeopleUpsertProblem,
  type WorkerUpsert,
} from '../../people/commands/upsertPeople.ts';
import { registryKeys, workerRowProblems } from '../../people/people.bulk.ts';
import { cleanResident, idNumberFacts, residentProblems } from '../../people/people.validation.ts';
import {
  readWorkbook,
  SHEET_ORDER,
  SHEETS,
  type ParsedWorkbook,
  type RowProblem,
  type Rows,
  type SheetKey,
  type SheetRows,
} from '../transfer.workbook.ts';
import { PROBLEMS, type Problem } from '../transfer.problems.ts';

export interface SheetResult {
  sheet: string;
  rows: number;
  /** Absent on a dry run, which only validates. */
  created?: number;
  updated?: number;
  unchanged?: number;
}

export interface TransferResult {
  dryRun: boolean;
  /** True when the file matched the registry exactly: nothing was written but the audit record. */
  unchanged: boolean;
  sheets: SheetResult[];
}

export interface ImportOptions {
  /** Names the file in the audit trail. */
  source: string;
  /** Coordinate system of positions whose row does not say (坐标系). */
  crs?: Crs;
  dryRun?: boolean;
}

type Sheets = ParsedWorkbook['sheets'];

/**
 * Imports a registry workbook (org units, buildings, households, residents, workers) all or nothing:
 * every cell is parsed, every row checked against the file and the registry (codes are micro-grids,
 * references resolve, positions lie inside their micro-grid, no key twice), and any problem rejects
 * the file with a report of each one (sheet, row, column, problem) before anything is written. Then
 * the units go through org's importUnits and the people through upsertPeople, each by natural keys,
 * so importing the same file again changes nothing. The two are separate transactions: a file whose
 * rows all passed can fail between them only on a database error or a concurrent edit, and
 * importing it again finishes it.
 */
export async function importWorkbook(platform: Platform, by: By, file: Buffer, options: ImportOptions): Promise<TransferResult> {
  authorize(by.actor, 'transfer.import');
  const parsed = await readWorkbook(file);
  if (parsed.masked) throw badRequest('transfer.masked_export', 'This is a masked export: its stars would overwrite real data.');
  const sheets = completeResidents(parsed.sheets, parsed.problems);
  authorizeRows(by.actor, sheets);
  const problems = [
    ...parsed.problems,
    ...duplicateProblems(sheets),
    ...(await referenceProblems(platform, by.actor, sheets, options.crs)),
  ];
  rejectIfAny(problems);

  const counted = (key: SheetKey) => ({ sheet: SHEETS[key].name, rows: sheets[key]?.count ?? 0 });
  const present = SHEET_ORDER.filter((key) => sheets[key]);
  if (options.dryRun) return { dryRun: true, unchanged: false, sheets: present.map(counted) };

  const results: SheetResult[] = [];
  if (sheets.units && sheets.units.rows.length > 0) {
    const rows = sheets.units.rows;
    const counts = await withRowReport(
      () =>
        importUnits(
          platform,
          by,
          rows.map((r): UnitImportRow => ({ code: r.value.code, name: r.value.name })),
          options.source,
        ),
      'org.import_invalid',
      (p: ImportProblem) => ({
        sheet: SHEETS.units.name,
        row: rows[p.row - 1]?.row ?? p.row,
        column: p.field === 'name' ? '名称' : '代码',
        problem: p.problem,
      }),
    );
    results.push({ ...counted('units'), ...counts });
  } else if (sheets.units) results.push({ ...counted('units'), created: 0, updated: 0, unchanged: 0 });

  const peopleKeys = present.filter((key): key is PeopleKind => key !== 'units');
  if (peopleKeys.length > 0) {
    const data = peopleUpsert(sheets, options.crs);
    const counts = await withRowReport(
      () => upsertPeople(platform, by, data.upsert, options.source),
      'people.import_invalid',
      (p: PeopleUpsertProblem) => peopleProblem(sheets, p),
    );
    for (const key of peopleKeys) results.push({ ...counted(key), ...counts[key] });
  }
  const changed = results.some((r) => (r.created ?? 0) + (r.updated ?? 0) > 0);
  return { dryRun: false, unchanged: !changed, sheets: results };
}

function rejectIfAny(problems: RowProblem[]): void {
  if (problems.length === 0) return;
  const order = (p: RowProblem) => {
    const key = SHEET_ORDER.find((k) => SHEETS[k].name === p.sheet);
    const sheet = key ? SHEET_ORDER.indexOf(key) : SHEET_ORDER.length;
    const column = key ? (SHEETS[key].columns as { header: string }[]).findIndex((c) => c.header === p.column) : 0;
    return [sheet, p.row, column];
  };
  const sorted = [...problems].sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  throw unprocessable('transfer.import_invalid', `${problems.length} problem(s) in the file; nothing was imported.`, { problems: sorted });
}

/** Runs an import step, turning its own row report (positions in what it was given) into sheet rows. */
async function withRowReport<T, P>(run: () => Promise<T>, code: string, toRow: (problem: P) => RowProblem): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError && error.code === code) {
      const problems = ((error.details?.problems ?? []) as P[]).map(toRow);
      rejectIfAny(problems);
    }
    throw error;
  }
}

const PEOPLE_COLUMNS: Record<string, string> = {
  microgridCode: '所属微网格代码',
  address: '地址',
  buildingAddress: '楼栋地址',
  householdAddress: '户地址',
  idNumber: '身份证号',
  name: '姓名',
  username: '账号',
};

function peopleProblem(sheets: Sheets, p: PeopleUpsertProblem): RowProblem {
  const column = p.kind === 'workers' && p.field === 'microgridCode' ? '服务微网格代码' : (PEOPLE_COLUMNS[p.field] ?? p.field);
  const sheetRow = (index: number) => sheets[p.kind]?.rows[index]?.row ?? index + 2;
  // The command counts rows from 0 in what it was given; the reader, as the spreadsheet shows them.
  const problem: Omit<RowProblem, 'sheet' | 'row' | 'column'> =
    p.code === 'microgrid_twice' && p.params
      ? PROBLEMS.microgridTwice(String(p.params.code), sheetRow(Number(p.params.index)))
      : { problem: p.problem, ...(p.code ? { code: p.code } : {}), ...(p.params ? { params: p.params } : {}) };
  return { sheet: SHEETS[p.kind].name, row: sheetRow(p.index), column, ...problem };
}

const RESIDENT_COLUMNS: Record<string, string> = {
  name: '姓名',
  gender: '性别',
  birthDate: '出生日期',
  idNumber: '身份证号',
  phone: '手机号',
};

/**
 * Residents as people.validation.ts checks and stores them (the HTTP API's rules): a birth date or
 * gender that contradicts the ID number is a problem (one of the two is mistyped), and an empty
 * birth date is taken from the ID number.
 */
function completeResidents(sheets: Sheets, problems: RowProblem[]): Sheets {
  const residents = sheets.residents;
  if (!residents) return sheets;
  const good: SheetRows<Rows['residents']>['rows'] = [];
  for (const entry of residents.rows) {
    const found = residentProblems(entry.value);
    if (found.length === 0) {
      good.push({ row: entry.row, value: cleanResident(entry.value) });
      continue;
    }
    const facts = entry.value.idNumber ? idNumberFacts(entry.value.idNumber) : null;
    for (const { field, problem } of found) {
      const known =
        facts && field === 'birthDate' && entry.value.birthDate !== facts.birthDate
          ? PROBLEMS.birthDateMismatch(facts.birthDate)
          : facts && field === 'gender'
            ? PROBLEMS.genderMismatch(facts.gender === 'male' ? '男' : '女')
            : { problem };
      problems.push({ sheet: SHEETS.residents.name, row: entry.row, column: RESIDENT_COLUMNS[field] ?? field, ...known });
    }
    residents.invalid.push(entry);
  }
  return { ...sheets, residents: { ...residents, rows: good } };
}

/** Every row's micro-grids must be inside the importer's scope: refused as a whole, before anything is looked up. */
function authorizeRows(actor: Actor, sheets: Sheets): void {
  for (const code of microgridCodes(sheets)) if (!can(actor, 'people.write', code)) throw forbidden('people.write');
  for (const { value } of all(sheets.units))
    if (value.code && !can(actor, 'org.update', { code: value.code })) throw forbidden('org.update');
}

function all<R>(sheet: SheetRows<R> | undefined): { row: number; value: Partial<R> }[] {
  return sheet ? [...sheet.rows, ...sheet.invalid] : [];
}

function microgridCodes(sheets: Sheets): Set<string> {
  const codes = new Set<string>();
  for (const key of ['buildings', 'households', 'residents'] as const) {
    for (const { value } of all(sheets[key] as SheetRows<{ microgridCode: string }> | undefined))
      if (value.microgridCode) codes.add(value.microgridCode);
  }
  for (const { value } of all(sheets.workers)) for (const code of value.microgridCodes ?? []) codes.add(code);
  return codes;
}

const keyOf = (code: string, address: string) => `${code}\u0000${address}`;

/** The same natural key twice in one file: reported on the later row, naming the earlier one. */
function duplicateProblems(sheets: Sheets): RowProblem[] {
  const problems: RowProblem[] = [];
  const check = <K extends SheetKey>(key: K, column: string, keyOfRow: (row: Partial<Rows[K]>) => string | null) => {
    const seen = new Map<string, number>();
    for (const { row, value } of all(sheets[key] as SheetRows<Rows[K]> | undefined).sort((a, b) => a.row - b.row)) {
      const k = keyOfRow(value);
      if (k === null) continue;
      const first = seen.get(k);
      if (first === undefined) seen.set(k, row);
      else problems.push({ sheet: SHEETS[key].name, row, column, ...PROBLEMS.duplicate(first) });
    }
  };
  check('units', '代码', (u) => u.code ?? null);
  check('buildings', '地址', (b) => (b.microgridCode && b.address ? keyOf(b.microgridCode, b.address) : null));
  check('households', '地址', (h) => (h.microgridCode && h.address ? keyOf(h.microgridCode, h.address) : null));
  check('residents', '身份证号', (r) => r.idNumber ?? null);
  check('residents', '姓名', (r) =>
    !r.idNumber && r.microgridCode && r.householdAddress && r.name ? `${keyOf(r.microgridCode, r.householdAddress)}\u0000${r.name}` : null,
  );
  check('workers', '身份证号', (w) => w.idNumber ?? null);
  check('workers', '账号', (w) => w.username ?? null);
  return problems;
}

/**
 * What the file refers to must exist, in the file or in the registry: micro-grids (a new one may
 * come in the same file's 组织单元 sheet), a household's building, a resident's household, a
 * worker's resident, a worker's account; and a building's position must lie in its micro-grid.
 */
async function referenceProblems(platform: Platform, actor: Actor, sheets: Sheets, defaultCrs: Crs | undefined): Promise<RowProblem[]> {
  const { db } = platform.database;
  const problems: RowProblem[] = [];
  const report = (key: SheetKey, row: number, column: string, problem: Problem) =>
    problems.push({ sheet: SHEETS[key].name, row, column, ...problem });
  const codes = [...microgridCodes(sheets)];
  const units = await lookupUnits(db, codes);
  const rules = { widths: platform.config.orgCodeWidths };
  const fileUnits = new Set(all(sheets.units).map((u) => u.value.code));
  const microgridProblem = (code: string): Problem | null => {
    const level = units.get(code)?.level ?? (fileUnits.has(code) ? levelOfCode(rules, code) : undefined);
    if (!level) return PROBLEMS.unitMissing(code);
    return level === 'microgrid' ? null : PROBLEMS.notMicrogrid(code, level);
  };
  for (const key of ['buildings', 'households', 'residents'] as const) {
    for (const { row, value } of (sheets[key]?.rows ?? []) as { row: number; value: { microgridCode: string } }[]) {
      const problem = microgridProblem(value.microgridCode);
      if (problem) report(key, row, '所属微网格代码', problem);
    }
  }
  for (const { row, value } of sheets.workers?.rows ?? []) {
    for (const problem of value.microgridCodes.map(microgridProblem)) if (problem) report('workers', row, '服务微网格代码', problem);
  }

  problems.push(...(await unitProblems(platform, sheets)));

  const idNumbers = [...all(sheets.residents), ...all(sheets.workers)].map((r) => r.value.idNumber).filter((n): n is string => !!n);
  const known = await registryKeys(platform, actor, codes, idNumbers);
  const fileBuildings = new Set(all(sheets.buildings).map(({ value: b }) => keyOf(b.microgridCode ?? '', b.address ?? '')));
  const fileHouseholds = new Set(all(sheets.households).map(({ value: h }) => keyOf(h.microgridCode ?? '', h.address ?? '')));
  for (const { row, value: h } of sheets.households?.rows ?? []) {
    if (
      h.buildingAddress &&
      !fileBuildings.has(keyOf(h.microgridCode, h.buildingAddress)) &&
      !known.hasBuilding(h.microgridCode, h.buildingAddress)
    ) {
      report('households', row, '楼栋地址', PROBLEMS.noBuilding(h.buildingAddress, h.microgridCode));
    }
  }
  for (const { row, value: r } of sheets.residents?.rows ?? []) {
    if (!fileHouseholds.has(keyOf(r.microgridCode, r.householdAddress)) && !known.hasHousehold(r.microgridCode, r.householdAddress)) {
      report('residents', row, '户地址', PROBLEMS.noHousehold(r.householdAddress, r.microgridCode));
    }
  }
  for (const { row, value: r } of sheets.residents?.rows ?? []) {
    // One person, one entry (as the HTTP API's people.duplicate_id_number): naming no one and no place.
    if (r.idNumber && known.isIdNumberElsewhere(r.idNumber)) report('residents', row, '身份证号', PROBLEMS.idNumberElsewhere());
  }
  const workers = sheets.workers?.rows ?? [];
  const fileResidents = new Map(
    (sheets.residents?.rows ?? [])
      .filter(({ value: r }) => r.idNumber && !known.isIdNumberElsewhere(r.idNumber))
      .map(({ value: r }): [string, string] => [r.idNumber!, r.microgridCode]),
  );
  for (const p of await workerRowProblems(
    platform,
    actor,
    workers.map(({ value }) => workerUpsert(value)),
    fileResidents,
  )) {
    problems.push(peopleProblem(sheets, p));
  }
  problems.push(...(await positionProblems(platform, actor, sheets, defaultCrs)));
  return problems;
}

/**
 * The 组织单元 rows' codes and parents, checked here too so one report names every problem in the
 * file; importUnits checks them again with the boundaries when it writes.
 */
async function unitProblems(platform: Platform, sheets: Sheets): Promise<RowProblem[]> {
  const rows = sheets.units?.rows ?? [];
  const rules = { widths: platform.config.orgCodeWidths };
  const inFile = new Set(all(sheets.units).map((u) => u.value.code));
  const parents = await lookupUnits(
    platform.database.db,
    rows.map((u) => impliedParentCode(rules, u.value.code) ?? ''),
  );
  const problems: RowProblem[] = [];
  for (const { row, value } of rows) {
    const report = (problem: Problem) => problems.push({ sheet: SHEETS.units.name, row, column: '代码', ...problem });
    const level = levelOfCode(rules, value.code);
    if (!level) {
      report(PROBLEMS.notOrgCodeWidth(value.code, rules.widths));
      continue;
    }
    const parent = impliedParentCode(rules, value.code);
    if (parent && !parents.has(parent) && !inFile.has(parent)) report(PROBLEMS.parentMissing(parent));
  }
  return problems;
}

/** A building must stand inside its micro-grid, where the micro-grid has a boundary to check against. */
async function positionProblems(platform: Platform, actor: Actor, sheets: Sheets, defaultCrs: Crs | undefined): Promise<RowProblem[]> {
  const rows = sheets.buildings?.rows ?? [];
  const { db } = platform.database;
  const boundaries = await microgridBoundaries(
    db,
    rows.map((b) => b.value.microgridCode),
  );
  const problems: RowProblem[] = [];
  for (const { row, value: b } of rows) {
    const boundary = boundaries.get(b.microgridCode);
    if (!boundary) continue;
    const point = toWgs84([b.lng, b.lat], b.crs ?? defaultCrs ?? 'wgs84');
    if (pointInGeometry(point, boundary) !== 'outside') continue;
    const location = await locatePoint(db, point, 'wgs84');
    const actual = location?.path[location.path.length - 1]?.code;
    // The micro-grid it lies in is named only to someone who may see it.
    const problem = !actual
      ? PROBLEMS.positionOutside(b.microgridCode)
      : can(actor, 'org.read', { code: actual })
        ? PROBLEMS.positionElsewhere(b.microgridCode, actual)
        : PROBLEMS.positionInAnother(b.microgridCode);
    problems.push({ sheet: SHEETS.buildings.name, row, column: '经度', ...problem });
  }
  return problems;
}

/** The validated rows as the people command takes them: positions in WGS-84. */
function peopleUpsert(sheets: Sheets, defaultCrs: Crs | undefined): { upsert: PeopleUpsert } {
  return {
    upsert: {
      buildings: (sheets.buildings?.rows ?? []).map(({ value: b }) => ({
        microgridCode: b.microgridCode,
        address: b.address,
        kind: b.kind,
        position: toWgs84([b.lng, b.lat], b.crs ?? defaultCrs ?? 'wgs84'),
      })),
      households: (sheets.households?.rows ?? []).map(({ value: h }) => ({ ...h })),
      residents: (sheets.residents?.rows ?? []).map(({ value: r }) => ({
        microgridCode: r.microgridCode,
        householdAddress: r.householdAddress,
        name: r.name,
        gender: r.gender,
        birthDate: r.birthDate,
        idNumber: r.idNumber,
        phone: r.phone,
        healthNotes: r.healthNotes,
        tags: r.tags,
      })),
      workers: (sheets.workers?.rows ?? []).map(({ value }) => workerUpsert(value)),
    },
  };
}

function workerUpsert(w: Rows['workers']): WorkerUpsert {
  return { idNumber: w.idNumber, microgridCodes: w.microgridCodes, since: w.since, username: w.username };
}
