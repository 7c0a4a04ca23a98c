import ExcelJS from 'exceljs';
import { scopeCovers, type Actor } from '../../platform/authz/actor.ts';
import { authorize } from '../../platform/authz/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { badRequest, notFound } from '../../platform/http/errors.ts';
import { lookupUnit, unitsAtLevel } from '../org/org.queries.ts';
import type { OrgLevel } from '../org/org.tables.ts';
import { at } from './cases.calendar.ts';
import { findRateSettings, listCasesBehind, sumTallies, type CaseRow, type Executor } from './cases.repository.ts';
import { DEFAULT_RATE_SETTINGS, RATE_NAMES, ratesOf, scoreOf, type Counts, type Rate, type RateName, type RateSettings } from './cases.rates.ts';
import { MEASURES, TALLY_FLAGS, type Measure } from './cases.tally.ts';

/**
 * Monthly rates and rankings of units (晒比评, DOMAIN.md §4), read from the per-day counters: a
 * month is at most 31 rows per unit and measure, whatever the number of cases. Every figure can be
 * opened to the cases behind it.
 */
export type RankedLevel = Extract<OrgLevel, 'subdistrict' | 'community' | 'grid' | 'department'>;

export interface UnitFigures {
  code: string;
  name: string;
  counts: Counts;
  rates: Record<RateName, Rate>;
  score: number | null;
  /** 1 for the best score; null without a score. */
  rank: number | null;
  lastMonthScore: number | null;
  /** Score change against last month, in points. */
  trend: number | null;
}

export interface Ranking {
  month: string;
  level: RankedLevel;
  within: string;
  settings: RateSettings;
  units: UnitFigures[];
  /** The best and the worst three with a score (published, 晒). */
  top: string[];
  bottom: string[];
}

export async function rateSettings(db: Executor): Promise<{ settings: RateSettings; version: number }> {
  const row = await findRateSettings(db);
  if (!row) return { settings: DEFAULT_RATE_SETTINGS, version: 0 };
  const stored = JSON.parse(row.settings) as Partial<RateSettings>;
  return { settings: { ...DEFAULT_RATE_SETTINGS, ...stored, weights: { ...DEFAULT_RATE_SETTINGS.weights, ...stored.weights } }, version: row.version };
}

/** A month's days and its instants in the district's zone. */
export function monthBounds(month: string, timeZone: string) {
  const [year, m] = month.split('-').map(Number);
  const next = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate();
  const zone = { timeZone, periods: [], holidays: new Set<string>(), workdays: new Set<string>() };
  return {
    fromDay: `${month}-01`,
    toDay: `${month}-${String(lastDay).padStart(2, '0')}`,
    fromInstant: at(zone, `${month}-01`, '00:00').toISOString(),
    toInstant: at(zone, `${next}-01`, '00:00').toISOString(),
  };
}

export function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}

/** The units of a level under `within` (inside the caller's scope) ranked on the month's score. */
export async function monthlyRanking(
  platform: Platform,
  actor: Actor,
  request: { month: string; level: RankedLevel; within?: string },
): Promise<Ranking> {
  authorize(actor, 'case.rates');
  const db = platform.database.db;
  const within = await rankingArea(platform, actor, request);
  const { settings } = await rateSettings(db);
  const units = await unitsAtLevel(db, within, request.level);
  const [current, last] = await Promise.all([
    countsByUnit(platform, within, request.month, units),
    countsByUnit(platform, within, previousMonth(request.month), units),
  ]);
  const figures: UnitFigures[] = units.map((unit) => {
    const counts = current.get(unit.code) ?? {};
    const rates = ratesOf(counts, settings);
    const score = scoreOf(rates, settings);
    const lastMonthScore = scoreOf(ratesOf(last.get(unit.code) ?? {}, settings), settings);
    const trend = score !== null && lastMonthScore !== null ? Math.round((score - lastMonthScore) * 100) / 100 : null;
    return { code: unit.code, name: unit.name, counts, rates, score, rank: null, lastMonthScore, trend };
  });
  // Best first; units without a score last, in code order.
  figures.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.code.localeCompare(b.code));
  let rank = 0;
  figures.forEach((unit, index) => {
    if (unit.score === null) return;
    if (index === 0 || unit.score !== figures[index - 1].score) rank = index + 1;
    unit.rank = rank;
  });
  const scored = figures.filter((unit) => unit.score !== null);
  return {
    month: request.month,
    level: request.level,
    within,
    settings,
    units: figures,
    top: scored.slice(0, 3).map((unit) => unit.code),
    bottom: scored.length > 3 ? scored.slice(-3).reverse().map((unit) => unit.code) : [],
  };
}

async function rankingArea(platform: Platform, actor: Actor, request: { level: RankedLevel; within?: string }): Promise<string> {
  if (actor.scope.kind !== 'unit') throw notFound('unit', request.within);
  const within = request.within ?? actor.scope.code;
  if (!scopeCovers(actor.scope, within)) throw notFound('unit', within);
  if (request.level === 'department') {
    // Departments serve the whole district: only those who see the district rank them.
    const district = within.slice(0, platform.config.orgCodeWidths[0]);
    if (!scopeCovers(actor.scope, `${district}D`)) throw notFound('unit', district);
    return district;
  }
  if (within && !(await lookupUnit(platform.database.db, within))) throw notFound('unit', within);
  return within;
}

/** The month's counts of the ranked units (only theirs: a ranking of grids need not sum the communities). */
async function countsByUnit(platform: Platform, within: string, month: string, units: readonly { code: string }[]): Promise<Map<string, Counts>> {
  const bounds = monthBounds(month, platform.config.timeZone);
  const only = { units: units.map((unit) => unit.code), measures: MEASURES };
  const sums = await sumTallies(platform.database.db, [within], bounds.fromDay, bounds.toDay, only);
  const byUnit = new Map<string, Counts>();
  for (const sum of sums) {
    const counts = byUnit.get(sum.unit_code) ?? {};
    counts[sum.measure as Measure] = sum.count;
    byUnit.set(sum.unit_code, counts);
  }
  return byUnit;
}

/** The cases counted in one unit's figure of a month, newest first. */
export async function casesBehindFigure(
  platform: Platform,
  actor: Actor,
  request: { unit: string; month: string; measure: Measure; after?: string; limit: number },
): Promise<{ items: CaseRow[]; nextCursor: string | null }> {
  authorize(actor, 'case.rates');
  if (actor.scope.kind !== 'unit' || !scopeCovers(actor.scope, request.unit)) throw notFound('unit', request.unit);
  if (!MEASURES.includes(request.measure)) throw badRequest('case.unknown_measure', 'No such figure.', { measure: request.measure });
  const flag = (TALLY_FLAGS as Record<string, number>)[request.measure] ?? null;
  const rows = await listCasesBehind(platform.database.db, {
    unitCode: request.unit,
    department: request.unit.includes('D'),
    ...monthBounds(request.month, platform.config.timeZone),
    measure: request.measure,
    flag,
    after: request.after,
    limit: request.limit + 1,
  });
  const items = rows.slice(0, request.limit);
  return { items, nextCursor: rows.length > request.limit ? items[items.length - 1].id : null };
}

const RATE_TITLES: Record<RateName, string> = {
  handling: '处置率',
  on_time_handling: '按期处置率',
  closure: '结案率',
  on_time_closure: '按期结案率',
  accurate_dispatch: '准确派遣率',
  rework: '返工率',
  response: '响应率',
  resolution: '解决率',
  satisfaction: '满意率',
};

/** The ranking as the spreadsheet offices circulate: one row per unit, rates as percentages. */
export async function rankingWorkbook(ranking: Ranking): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(`${ranking.month}排名`);
  sheet.addRow(['排名', '单位代码', '单位', '得分', '上月得分', '变化', ...RATE_NAMES.map((name) => RATE_TITLES[name])]);
  for (const unit of ranking.units) {
    sheet.addRow([
      unit.rank ?? '—',
      unit.code,
      unit.name,
      unit.score ?? '无数据',
      unit.lastMonthScore ?? '—',
      unit.trend ?? '—',
      ...RATE_NAMES.map((name) => {
        const value = unit.rates[name].value;
        return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
      }),
    ]);
  }
  sheet.getRow(1).font = { bold: true };
  sheet.columns.forEach((column) => (column.width = 12));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
