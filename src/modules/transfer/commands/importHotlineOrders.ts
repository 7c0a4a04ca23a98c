import type { Actor } from '../../../platform/authz/actor.ts';
import { authorize, can } from '../../../platform/authz/policy.ts';
import { runAudited, type By } from '../../../platform/command.ts';
import type { Platform } from '../../../platform/context.ts';
import { isUniqueViolation } from '../../../platform/db/dialect.ts';
import { forbidden, unprocessable } from '../../../platform/http/errors.ts';
import { reportCase, type CaseReport } from '../../cases/commands/reportCase.ts';
import { leafCategoriesByName, takenExternalRefs } from '../../cases/cases.external.ts';
import { installedDistrict, lookupUnit } from '../../org/org.queries.ts';
import {
  HOTLINE_REF_PREFIX,
  instantOf,
  readHotlineWorkbook,
  showWall,
  sortHotlineProblems,
  type HotlineRow,
  type HotlineSheet,
} from '../transfer.hotline.ts';
import { PROBLEMS, type Problem } from '../transfer.problems.ts';
import type { RowProblem } from '../transfer.workbook.ts';
import type { TransferResult } from './importWorkbook.ts';

export interface HotlineImportOptions {
  /** Names the file in the audit trail. */
  source: string;
  /**
   * The area unit the orders' cases are placed in (a case's area may be any area unit): by default
   * the importer's own unit, at the command line the district.
   */
  unit?: string;
  dryRun?: boolean;
}

/** A call logged more than this after the import's "now" is a typo (2062 for 2026), not an order. */
const FUTURE_SLACK_MS = 60 * 60 * 1000;

/**
 * Imports 12345 hotline work orders (12345工单) as cases, all or nothing, idempotent on the order
 * number. Every cell is parsed and every row checked (the category is a leaf of the catalogue in use,
 * times are real, order numbers are not repeated in the file) before anything is written; any
 * problem rejects the file with a report of each one (sheet, row, column, problem).
 *
 * Then each order not imported before is reported through the cases module's reportCase with
 * `source: 'hotline'` and `externalRef: 12345:<工单编号>` (unique in dispatch_case): one transaction
 * per case, each with its own audit record, and one record for the import with its counts. Orders
 * already imported are counted as unchanged and left alone, so the same file imported again creates
 * nothing. If the import stops half-way (a crash, the database going away), the cases made so far
 * stay, and importing the same file again creates exactly the rest.
 *
 * Placement: a hotline address is free text, and the people module has no query matching it to a
 * registered building or household, so every case is placed in one area unit (`options.unit`, by
 * default the importer's own), for its grid staff to verify and locate. The caller's name and phone
 * become the case's reporter (the phone encrypted by reportCase, both masked on every read); 来电时间
 * dates the case and 办理时限 bounds its handling deadline; both are also repeated in the description.
 */
export async function importHotlineOrders(
  platform: Platform,
  by: By,
  file: Buffer,
  options: HotlineImportOptions,
): Promise<TransferResult> {
  authorize(by.actor, 'transfer.import');
  const areaCode = await placeOfOrders(platform, by.actor, options.unit);
  const parsed = await readHotlineWorkbook(file);
  const categories = await categoryCodes(platform, parsed);
  const problems = [...parsed.problems, ...duplicateProblems(parsed), ...categories.problems, ...timeProblems(platform, parsed)];
  if (problems.length > 0) {
    throw unprocessable('transfer.import_invalid', `${problems.length} problem(s) in the file; nothing was imported.`, {
      problems: sortHotlineProblems(problems),
    });
  }

  const summary = { sheet: parsed.sheet, rows: parsed.count };
  if (options.dryRun) return { dryRun: true, unchanged: false, sheets: [summary] };

  const refOf = (row: HotlineRow) => `${HOTLINE_REF_PREFIX}${row.orderNumber}`;
  const taken = await takenExternalRefs(
    platform,
    parsed.rows.map(({ value }) => refOf(value)),
  );
  let created = 0;
  let unchanged = 0;
  for (const { value: row } of parsed.rows) {
    const externalRef = refOf(row);
    if (taken.has(externalRef)) {
      unchanged += 1;
      continue;
    }
    try {
      await reportCase(platform, by, caseReport(row, categories.codes.get(row.categoryName)!, areaCode), {
        source: 'hotline',
        externalRef,
        reportedAt: instantOf(row.calledAt, platform.config.timeZone),
        ...(row.deadline ? { externalDeadline: instantOf(row.deadline, platform.config.timeZone) } : {}),
      });
      created += 1;
    } catch (error) {
      // Another import of the same order got there first (two offices, one file): it is imported.
      if (!isUniqueViolation(error) || (await takenExternalRefs(platform, [externalRef])).size === 0) throw error;
      unchanged += 1;
    }
  }
  await runAudited(platform, by, async () => ({
    result: null,
    audit: {
      action: 'transfer.import_hotline',
      objectType: 'unit',
      objectId: areaCode,
      summary: { source: options.source, rows: parsed.count, created, unchanged },
    },
  }));
  return { dryRun: false, unchanged: created === 0, sheets: [{ ...summary, created, unchanged }] };
}

/**
 * Where the orders' cases go: an area unit inside the importer's scope where they may report. Asked
 * before the unit is looked up, so a unit outside the scope is refused whether it exists or not.
 */
async function placeOfOrders(platform: Platform, actor: Actor, unit: string | undefined): Promise<string> {
  const { db } = platform.database;
  let code = unit;
  if (code === undefined) {
    if (actor.scope.kind !== 'unit') throw forbidden('case.report');
    code = actor.scope.code || (await installedDistrict(db))?.code;
    if (!code) throw unprocessable('transfer.no_district', 'Set up the district first (wangge init).');
  }
  if (!can(actor, 'case.report', code)) throw forbidden('case.report');
  const found = await lookupUnit(db, code);
  if (!found || found.level === 'department') {
    throw unprocessable(
      'transfer.hotline_unit',
      'The orders are placed in an area unit: the district, a subdistrict, a community, a grid or a micro-grid.',
      {
        unit: code,
      },
    );
  }
  return found.code;
}

/** Each row's category: a leaf (小类) of the catalogue, in use, named exactly (after trimming). */
async function categoryCodes(platform: Platform, parsed: HotlineSheet): Promise<{ codes: Map<string, string>; problems: RowProblem[] }> {
  const byName = await leafCategoriesByName(platform);
  const codes = new Map<string, string>();
  const problems: RowProblem[] = [];
  for (const { row, value } of [...parsed.rows, ...parsed.invalid]) {
    const name = value.categoryName;
    if (!name) continue;
    const leaves = byName.get(name) ?? [];
    const inUse = leaves.filter((leaf) => leaf.active);
    const problem: Problem | null =
      leaves.length === 0
        ? PROBLEMS.unknownCategory(name)
        : inUse.length === 0
          ? PROBLEMS.categoryNotInUse(name)
          : inUse.length > 1
            ? PROBLEMS.categoryAmbiguous(name)
            : null;
    if (problem) problems.push({ sheet: parsed.sheet, row, column: '问题分类', ...problem });
    else codes.set(name, inUse[0].code);
  }
  return { codes, problems };
}

/** The same order number twice in one file: reported on the later row, naming the earlier one. */
function duplicateProblems(parsed: HotlineSheet): RowProblem[] {
  const seen = new Map<string, number>();
  const problems: RowProblem[] = [];
  for (const { row, value } of [...parsed.rows, ...parsed.invalid].sort((a, b) => a.row - b.row)) {
    if (!value.orderNumber) continue;
    const first = seen.get(value.orderNumber);
    if (first === undefined) seen.set(value.orderNumber, row);
    else problems.push({ sheet: parsed.sheet, row, column: '工单编号', ...PROBLEMS.duplicate(first) });
  }
  return problems;
}

/** A call cannot be logged in the future, nor be due before it was made. */
function timeProblems(platform: Platform, parsed: HotlineSheet): RowProblem[] {
  const zone = platform.config.timeZone;
  const now = platform.clock.now().getTime();
  const problems: RowProblem[] = [];
  for (const { row, value } of [...parsed.rows, ...parsed.invalid]) {
    if (!value.calledAt) continue;
    const called = instantOf(value.calledAt, zone).getTime();
    if (called > now + FUTURE_SLACK_MS) problems.push({ sheet: parsed.sheet, row, column: '来电时间', ...PROBLEMS.inFuture() });
    else if (value.deadline && instantOf(value.deadline, zone).getTime() < called) {
      problems.push({ sheet: parsed.sheet, row, column: '办理时限', ...PROBLEMS.deadlineBeforeCall() });
    }
  }
  return problems;
}

/**
 * The case of an order. The description is the caller's request followed by one line naming the
 * order, the call and its deadline in the district's time, as the hotline gave them, so a department
 * reading the case sees them as the hotline wrote them; the case itself is dated by the call and held
 * to the deadline (reportedAt, externalDeadline).
 */
function caseReport(row: HotlineRow, categoryCode: string, areaCode: string): CaseReport {
  const facts = [`12345工单 ${row.orderNumber}`, `来电时间 ${showWall(row.calledAt)}`];
  if (row.deadline) facts.push(`办理时限 ${showWall(row.deadline)}`);
  const caller = row.callerName ?? (row.callerPhone ? '匿名' : null);
  return {
    categoryCode,
    description: `${row.content}\n【${facts.join('；')}】`,
    areaCode,
    ...(row.address ? { address: row.address } : {}),
    ...(caller ? { reporter: { name: caller, ...(row.callerPhone ? { contact: row.callerPhone } : {}) } } : {}),
  };
}
