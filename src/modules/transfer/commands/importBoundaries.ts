import { authorize } from '../../../platform/authz/policy.ts';
import type { By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { AppError, unprocessable } from '../../../platform/http/errors.ts';
import { importUnits, type ImportProblem } from '../../org/commands/importUnits.ts';
import { lookupUnits } from '../../org/org.queries.ts';
import { boundaryImportRows, GEOJSON_SHEET, parseBoundaries } from '../transfer.geojson.ts';
import { PROBLEMS } from '../transfer.problems.ts';
import type { RowProblem } from '../transfer.workbook.ts';
import type { ImportOptions, TransferResult } from './importWorkbook.ts';

/**
 * Imports unit boundaries from GeoJSON through org's importUnits, all or nothing: ring problems,
 * unknown units without a name, and broken seamless coverage (DOMAIN.md §3) reject the whole file.
 * A unit already known keeps its name unless the feature gives one; re-importing changes nothing.
 */
export async function importBoundaries(platform: Platform, by: By, body: unknown, options: ImportOptions): Promise<TransferResult> {
  authorize(by.actor, 'transfer.import');
  const { rows, problems } = parseBoundaries(body, options.crs);
  const known = await lookupUnits(
    platform.database.db,
    rows.map((r) => r.code),
  );
  for (const r of rows) {
    if (!r.name && !known.has(r.code))
      problems.push({ sheet: GEOJSON_SHEET, row: r.row, column: 'name', ...PROBLEMS.unknownUnitNeedsName(r.code) });
  }
  reject(problems);
  const summary = { sheet: GEOJSON_SHEET, rows: rows.length };
  if (options.dryRun) return { dryRun: true, unchanged: false, sheets: [summary] };
  const names = new Map([...known].map(([code, unit]) => [code, unit.name]));
  try {
    const counts = await importUnits(platform, by, boundaryImportRows(rows, names), options.source);
    return { dryRun: false, unchanged: counts.created + counts.updated === 0, sheets: [{ ...summary, ...counts }] };
  } catch (error) {
    if (error instanceof AppError && error.code === 'org.import_invalid') {
      const given = (error.details?.problems ?? []) as ImportProblem[];
      reject(given.map((p) => ({ sheet: GEOJSON_SHEET, row: rows[p.row - 1]?.row ?? p.row, column: p.field, problem: p.problem })));
    }
    throw error;
  }
}

function reject(problems: RowProblem[]): void {
  if (problems.length > 0) {
    throw unprocessable('transfer.import_invalid', `${problems.length} problem(s) in the file; nothing was imported.`, {
      problems: problems.sort((a, b) => a.row - b.row),
    });
  }
}
