import type { Actor } from '../../../platform/authz/actor.ts';
import { authorize, can } from '../../../platform/authz/policy.ts';
import type { By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { AppError, forbidden, unprocessable } from '../../../platform/http/errors.ts';
import { importUnits, type ImportProblem } from '../../org/commands/importUnits.ts';
import { levelOfCode } from '../../org/org.codes.ts';
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
  // Every feature is authorised before anything is looked up, dry run or not: whether a unit outside
  // the scope exists is not the importer's to learn.
  for (const r of rows) if (!can(by.actor, 'org.update', { code: r.code })) throw forbidden('org.update');
  const known = await lookupUnits(
    platform.database.db,
    rows.map((r) => r.code),
  );
  authorizeFeatures(by.actor, rows, known, platform.config.orgCodeWidths);
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

/** org.update for a unit that exists, org.create for a new one, as importUnits decides when it writes. */
function authorizeFeatures(actor: Actor, rows: { code: string }[], known: Map<string, unknown>, widths: number[]): void {
  for (const { code } of rows) {
    if (known.has(code)) continue;
    const level = levelOfCode({ widths }, code);
    if (level) authorize(actor, 'org.create', { code, level });
  }
}

function reject(problems: RowProblem[]): void {
  if (problems.length > 0) {
    throw unprocessable('transfer.import_invalid', `${problems.length} problem(s) in the file; nothing was imported.`, {
      problems: problems.sort((a, b) => a.row - b.row),
    });
  }
}
