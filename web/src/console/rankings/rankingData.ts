/** The shapes of GET /api/cases/rankings (src/modules/cases/cases.schemas.ts rankingView). */
export const RATE_NAMES = [
  'handling',
  'on_time_handling',
  'closure',
  'on_time_closure',
  'accurate_dispatch',
  'rework',
  'response',
  'resolution',
  'satisfaction',
] as const;
export type RateName = (typeof RATE_NAMES)[number];

/** The count behind each rate's numerator, to open the cases behind a figure. */
export const RATE_MEASURES: Record<RateName, string> = {
  handling: 'handled',
  on_time_handling: 'handled_on_time',
  closure: 'closed',
  on_time_closure: 'closed_on_time',
  accurate_dispatch: 'returned',
  rework: 'reworked',
  response: 'contacted_on_time',
  resolution: 'solved',
  satisfaction: 'satisfied',
};

export type RankedLevel = 'subdistrict' | 'community' | 'grid' | 'department';

export interface RateFigure {
  numerator: number;
  denominator: number;
  value: number | null;
}

export interface RankedUnit {
  code: string;
  name: string;
  counts: Partial<Record<string, number>>;
  rates: Record<RateName, RateFigure>;
  score: number | null;
  rank: number | null;
  lastMonthScore: number | null;
  trend: number | null;
}

export interface Ranking {
  month: string;
  level: RankedLevel;
  within: string;
  settings: { weights: Record<RateName, number>; excludeParkedFromOnTimeClosure: boolean };
  units: RankedUnit[];
  top: string[];
  bottom: string[];
}

/** This month in the district's calendar, as YYYY-MM (the browser is in the district). */
export function thisMonth(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

export function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}
