/**
 * `wangge demo --scale N`: N demo districts side by side, a synthetic city for benchmarks. The first
 * is the demo district everyone knows (马村区 410804, exactly as with scale 1); each other one is a copy
 * of its recipe with a seed of its own (the seed is keyed by the district code), so every district has
 * its own outline, villages and people.
 *
 * Codes: after 410804 the real county-level codes of Jiaozuo above it (山阳区 410811 ... 孟州市 410883),
 * then unused 4108xx codes. Every one sorts after 410804, so "the installed district" (the lowest code)
 * stays Macun. Names are 马村区二, 马村区三 ...: the boundaries and people are Macun's synthetic kind,
 * not the real county's.
 */
export interface DemoDistrictSpec {
  code: string;
  name: string;
  originLng: number;
  originLat: number;
  /** Appended to the district-wide demo usernames (`admin`, `leader` ...): '' for the first, `-<code>` after. */
  accountSuffix: string;
}

const FIRST = { code: '410804', name: '马村区', originLng: 113.32, originLat: 35.27 };
const REAL_CODES_AFTER_FIRST = ['410811', '410821', '410822', '410823', '410825', '410882', '410883'];
/**
 * Centre-to-centre spacing. An outline reaches at most ~9.4 km east-west and ~7.5 km north-south from
 * its centre (layout.ts: half-extents 7.6 × 6 km, harmonics up to +24 %), i.e. 0.104° × 0.068° here;
 * twice that plus a margin keeps neighbours apart.
 */
const STEP_LNG = 0.23;
const STEP_LAT = 0.16;

const CODES = [FIRST.code, ...REAL_CODES_AFTER_FIRST, ...syntheticCodes()];
export const MAX_DEMO_SCALE = CODES.length;

/** The districts of a demo city of `scale` districts, on a near-square layout, Macun at the north-west corner. */
export function demoCity(scale: number): DemoDistrictSpec[] {
  if (!Number.isInteger(scale) || scale < 1 || scale > MAX_DEMO_SCALE) {
    throw new RangeError(`the demo scale is a whole number of districts from 1 to ${MAX_DEMO_SCALE}, got ${scale}`);
  }
  const columns = Math.ceil(Math.sqrt(scale));
  return CODES.slice(0, scale).map((code, i) => ({
    code,
    name: i === 0 ? FIRST.name : `${FIRST.name}${chineseNumber(i + 1)}`,
    originLng: FIRST.originLng + (i % columns) * STEP_LNG,
    originLat: FIRST.originLat - Math.floor(i / columns) * STEP_LAT,
    accountSuffix: i === 0 ? '' : `-${code}`,
  }));
}

/** 4108xx codes after 410804 that are not real Jiaozuo counties, ascending. */
function syntheticCodes(): string[] {
  const taken = new Set([FIRST.code, ...REAL_CODES_AFTER_FIRST]);
  const codes: string[] = [];
  for (let n = 5; n <= 99; n++) {
    const code = `4108${String(n).padStart(2, '0')}`;
    if (!taken.has(code)) codes.push(code);
  }
  return codes;
}

const DIGITS = '零一二三四五六七八九';

/** 2 → 二, 10 → 十, 13 → 十三, 40 → 四十, 96 → 九十六 (1 ≤ n ≤ 99). */
export function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones === 0 ? '' : DIGITS[ones]}`;
}
