import type { Measure } from './cases.tally.ts';

/**
 * The rates of DOMAIN.md §4, each a count over a denominator from the monthly counters, and the
 * weighted score units are ranked on (晒比评). Pure: the counters come in, figures go out.
 */
export const RATES = {
  handling: { numerator: 'handled', denominator: 'due_handling' }, // 处置率
  on_time_handling: { numerator: 'handled_on_time', denominator: 'due_handling' }, // 按期处置率
  closure: { numerator: 'closed', denominator: 'due_handling' }, // 结案率
  on_time_closure: { numerator: 'closed_on_time', denominator: 'due_handling' }, // 按期结案率 (parked may be excluded)
  accurate_dispatch: { numerator: 'dispatched', denominator: 'dispatched', minus: 'returned' }, // 准确派遣率
  rework: { numerator: 'reworked', denominator: 'due_handling', lowerIsBetter: true }, // 返工率
  response: { numerator: 'contacted_on_time', denominator: 'dispatched' }, // 响应率
  resolution: { numerator: 'solved', denominator: 'evaluated' }, // 解决率
  satisfaction: { numerator: 'satisfied', denominator: 'evaluated' }, // 满意率
} as const satisfies Record<string, { numerator: Measure; denominator: Measure; minus?: Measure; lowerIsBetter?: boolean }>;
export type RateName = keyof typeof RATES;
export const RATE_NAMES = Object.keys(RATES) as RateName[];

export interface RateSettings {
  /** Weight of each rate in the score; a rate with weight 0 is shown but not scored. */
  weights: Record<RateName, number>;
  /** Cases parked with approval leave the on-time closure rate's denominator. */
  excludeParkedFromOnTimeClosure: boolean;
}

/** The 12345 "three rates" weigh most; the process rates share the rest. */
export const DEFAULT_RATE_SETTINGS: RateSettings = {
  weights: {
    handling: 10,
    on_time_handling: 15,
    closure: 10,
    on_time_closure: 10,
    accurate_dispatch: 5,
    rework: 5,
    response: 15,
    resolution: 15,
    satisfaction: 15,
  },
  excludeParkedFromOnTimeClosure: true,
};

export type Counts = Partial<Record<Measure, number>>;

export interface Rate {
  numerator: number;
  denominator: number;
  /** null when nothing was due: no figure, rather than 0 % or 100 %. */
  value: number | null;
}

export function ratesOf(counts: Counts, settings: RateSettings): Record<RateName, Rate> {
  const n = (m: Measure) => counts[m] ?? 0;
  const rates = {} as Record<RateName, Rate>;
  for (const name of RATE_NAMES) {
    const rule: { numerator: Measure; denominator: Measure; minus?: Measure } = RATES[name];
    let numerator = n(rule.numerator) - (rule.minus ? n(rule.minus) : 0);
    let denominator = n(rule.denominator);
    if (name === 'on_time_closure' && settings.excludeParkedFromOnTimeClosure) denominator -= n('parked');
    numerator = Math.max(0, numerator);
    denominator = Math.max(0, denominator);
    rates[name] = { numerator, denominator, value: denominator > 0 ? numerator / denominator : null };
  }
  return rates;
}

/**
 * The weighted score out of 100: each rate with a figure counts by its weight (a lower-is-better rate
 * as its complement); rates without a figure drop out and the others' weights are rescaled.
 */
export function scoreOf(rates: Record<RateName, Rate>, settings: RateSettings): number | null {
  let weighted = 0;
  let weights = 0;
  for (const name of RATE_NAMES) {
    const weight = settings.weights[name];
    const value = rates[name].value;
    if (!weight || value === null) continue;
    const lowerIsBetter = 'lowerIsBetter' in RATES[name];
    weighted += weight * (lowerIsBetter ? 1 - value : value);
    weights += weight;
  }
  return weights > 0 ? Math.round((weighted / weights) * 10_000) / 100 : null;
}
