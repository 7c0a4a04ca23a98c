import { authorize } from '../../../platform/authz/policy.ts';
import { runAudited, type By, type Trx } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { unprocessable } from '../../../platform/http/errors.ts';
import { childLevel, impliedParentCode, levelOfCode } from '../org.codes.ts';
import { geometryToWgs84, type Crs } from '../org.crs.ts';
import { areaSquareMetres, centroidOf, ringProblems, type AreaGeometry } from '../org.geometry.ts';
import { findUnitsByCode, insertUnits, listChildren, updateUnitBoundary, type OrgUnit } from '../org.repository.ts';
import { isSeamless, validateTessellation, type TessellationReport } from '../org.validation.ts';

/** One unit as a file or the demo gives it. Re-importing the same row updates, never duplicates. */
export interface UnitImportRow {
  code: string;
  name: string;
  geometry?: AreaGeometry | null;
  /** The coordinate system of `geometry`; stored boundaries are always WGS-84. */
  crs?: Crs;
}

export interface ImportProblem {
  /** 1-based position in the file (the spreadsheet's data row, or the GeoJSON feature). */
  row: number;
  field: 'code' | 'name' | 'geometry';
  problem: string;
}

export interface UnitImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Imports org units all-or-nothing: every row is checked (code and level, parent present in the
 * database or earlier in the file, boundary rings valid), then the boundaries of every parent whose
 * children changed are checked for seamless coverage (DOMAIN.md §3); any problem rejects the whole
 * file with a row-by-row report and nothing is written. One audit record describes the import.
 */
export async function importUnits(platform: Platform, by: By, rows: UnitImportRow[], source: string): Promise<UnitImportResult> {
  const rules = { widths: platform.config.orgCodeWidths };
  const problems: ImportProblem[] = [];
  const prepared = rows.map((row, i) => prepareRow(row, i + 1, rules, problems));
  rejectIfAny(problems);

  return runAudited(platform, by, async (trx) => {
    const existing = new Map(
      (
        await findUnitsByCode(
          trx,
          prepared.map((u) => u.code),
        )
      ).map((u) => [u.code, u]),
    );
    const parents = new Map((await findUnitsByCode(trx, [...new Set(prepared.map((u) => u.parent_code!))])).map((u) => [u.code, u]));
    const at = platform.clock.now().toISOString();
    const created: OrgUnit[] = [];
    const updated: OrgUnit[] = [];
    // Shortest codes first, so a parent in the same file is known before its children.
    const order = prepared.map((unit, i) => ({ unit, row: i + 1 })).sort((a, b) => a.unit.code.length - b.unit.code.length);
    for (const { unit, row } of order) {
      const before = existing.get(unit.code);
      authorize(by.actor, before ? 'org.update' : 'org.create', before ?? unit);
      if (unit.level === 'district') {
        // The district's own row may bring its boundary; the district itself comes from `wangge init`.
        if (!before) problems.push({ row, field: 'code', problem: 'a district is set up with `wangge init`' });
      } else {
        problems.push(...parentProblems(row, unit, parents.get(unit.parent_code!)));
      }
      const next: OrgUnit = before
        ? { ...before, name: unit.name, ...(unit.geometry !== undefined ? boundaryColumns(unit.geometry) : {}), updated_at: at }
        : { ...unit, ...boundaryColumns(unit.geometry ?? null), created_at: at, updated_at: at, version: 1 };
      if (!before) created.push(next);
      else if (next.name !== before.name || next.geometry !== before.geometry) updated.push({ ...next, version: before.version + 1 });
      parents.set(unit.code, next);
    }
    rejectIfAny(problems);
    await insertUnits(trx, created);
    for (const unit of updated) await updateUnitBoundary(trx, unit);
    await checkCoverage(trx, [...created, ...updated], platform.config.geometryToleranceSquareMetres);
    const result = { created: created.length, updated: updated.length, unchanged: rows.length - created.length - updated.length };
    return { result, audit: { action: 'org.import', objectType: 'org_unit', summary: { source, ...result } } };
  });
}

function parentProblems(row: number, unit: PreparedUnit, parent: OrgUnit | undefined): ImportProblem[] {
  if (!parent) return [{ row, field: 'code', problem: `parent ${unit.parent_code} does not exist` }];
  const fits = unit.level === 'department' ? parent.level === 'district' : childLevel(parent.level) === unit.level;
  return fits ? [] : [{ row, field: 'code', problem: `a ${unit.level} cannot sit under a ${parent.level}` }];
}

type PreparedUnit = Pick<OrgUnit, 'code' | 'name' | 'level' | 'parent_code'> & { geometry?: AreaGeometry | null };

function prepareRow(row: UnitImportRow, index: number, rules: { widths: number[] }, problems: ImportProblem[]): PreparedUnit {
  const level = levelOfCode(rules, row.code);
  if (!level) problems.push({ row: index, field: 'code', problem: `${row.code} is not an org code (${rules.widths.join('/')} digits)` });
  if (!row.name.trim()) problems.push({ row: index, field: 'name', problem: 'the name is empty' });
  const geometry = row.geometry ? geometryToWgs84(row.geometry, row.crs ?? 'wgs84') : row.geometry;
  for (const { problem, at } of geometry ? ringProblems(geometry) : []) {
    problems.push({ row: index, field: 'geometry', problem: `${problem} at ${at[0]},${at[1]}` });
  }
  return { code: row.code, name: row.name.trim(), level: level ?? 'microgrid', parent_code: impliedParentCode(rules, row.code), geometry };
}

function boundaryColumns(geometry: AreaGeometry | null): Pick<OrgUnit, 'geometry' | 'centroid_lng' | 'centroid_lat' | 'area_m2'> {
  if (!geometry) return { geometry: null, centroid_lng: null, centroid_lat: null, area_m2: null };
  const [lng, lat] = centroidOf(geometry);
  return { geometry: JSON.stringify(geometry), centroid_lng: lng, centroid_lat: lat, area_m2: areaSquareMetres(geometry) };
}

function rejectIfAny(problems: ImportProblem[]): void {
  if (problems.length > 0) {
    throw unprocessable('org.import_invalid', `${problems.length} problem(s) in the file; nothing was imported.`, { problems });
  }
}

/**
 * Seamless coverage of every parent whose children (or itself) changed: children inside it, no
 * overlaps, no gaps above the tolerance. Parents or children without a boundary are not checked yet.
 */
async function checkCoverage(trx: Trx, changed: OrgUnit[], toleranceSquareMetres: number): Promise<void> {
  const parentCodes = new Set(changed.filter((u) => u.geometry).flatMap((u) => [u.code, u.parent_code ?? '']));
  const parents = await findUnitsByCode(trx, [...parentCodes].filter(Boolean));
  const reports: (TessellationReport & { parent: string })[] = [];
  for (const parent of parents) {
    if (!parent.geometry) continue;
    const children = (await listChildren(trx, parent.code)).filter((c) => c.level !== 'department');
    if (children.length === 0 || children.some((c) => !c.geometry)) continue;
    const report = validateTessellation(
      { code: parent.code, geometry: JSON.parse(parent.geometry!) },
      children.map((c) => ({ code: c.code, geometry: JSON.parse(c.geometry!) })),
      toleranceSquareMetres,
    );
    if (!isSeamless(report)) reports.push({ parent: parent.code, ...report });
  }
  if (reports.length > 0) {
    throw unprocessable('org.coverage_broken', 'Boundaries overlap, leave gaps or stick out of their parent; nothing was imported.', {
      reports: reports.slice(0, 20),
    });
  }
}
