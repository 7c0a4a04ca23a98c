import type { Position } from '../../modules/org/org.geometry.ts';
import type { Random } from '../random.ts';

/**
 * The large-scale layout of the synthetic district, in local metres (x east, y north, origin at the
 * district's centre): the outline, where each subdistrict lies, and where each community's
 * settlement sits with how many households it has. Nothing here is a polygon of the tree yet: the
 * polygons come from the tessellation of the buildings placed around these centres.
 */

export type Point = [number, number];

/** Local metres ⇄ WGS-84 around the origin (equirectangular; < 0.1 % scale error over 20 km). */
export interface LocalFrame {
  originLng: number;
  originLat: number;
  metresPerDegreeLng: number;
  metresPerDegreeLat: number;
}

export function localFrame(originLng: number, originLat: number): LocalFrame {
  const phi = (originLat * Math.PI) / 180;
  return {
    originLng,
    originLat,
    metresPerDegreeLng: 111412.84 * Math.cos(phi) - 93.5 * Math.cos(3 * phi),
    metresPerDegreeLat: 111132.954 - 559.822 * Math.cos(2 * phi) + 1.175 * Math.cos(4 * phi),
  };
}

/** 1e-7° (about 1 cm), the precision stored: short JSON, and far below any feature of the demo. */
const DEGREE_STEP = 1e7;

export function toLngLat(frame: LocalFrame, x: number, y: number): Position {
  return [
    Math.round((frame.originLng + x / frame.metresPerDegreeLng) * DEGREE_STEP) / DEGREE_STEP,
    Math.round((frame.originLat + y / frame.metresPerDegreeLat) * DEGREE_STEP) / DEGREE_STEP,
  ];
}

// ---------------------------------------------------------------------------------------------------
// The outline
// ---------------------------------------------------------------------------------------------------

/** Half-extents of the district: about 15 km east-west by 12 km north-south. */
const HALF_WIDTH = 7600;
const HALF_HEIGHT = 6000;

/**
 * A star-shaped, counter-clockwise outline: an ellipse whose radius is modulated by a few random
 * low harmonics (bays and lobes) and a little per-vertex noise. Star-shaped, so always simple.
 */
export function makeOutline(random: Random, vertices = 120): Point[] {
  const harmonics = [2, 3, 4, 5, 7].map((k) => ({ k, amplitude: (0.16 / k) * random.range(0.4, 1), phase: random.range(0, 2 * Math.PI) }));
  const outline: Point[] = [];
  for (let i = 0; i < vertices; i++) {
    const theta = (2 * Math.PI * i) / vertices;
    const ellipse = (HALF_WIDTH * HALF_HEIGHT) / Math.hypot(HALF_HEIGHT * Math.cos(theta), HALF_WIDTH * Math.sin(theta));
    let factor = 1 + random.range(-0.012, 0.012);
    for (const { k, amplitude, phase } of harmonics) factor += amplitude * Math.sin(k * theta + phase);
    outline.push([ellipse * factor * Math.cos(theta), ellipse * factor * Math.sin(theta)]);
  }
  return outline;
}

const RASTER = 100;
const HALF_DIAGONAL = (RASTER * Math.SQRT2) / 2;

/**
 * Inside test and distance to the boundary for one fixed polygon (local metres), with a raster of
 * signed distances at cell centres so that most "inside, at least m from the edge" questions are
 * answered without walking the edges.
 */
export class OutlineShape {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  private readonly columns: number;
  private readonly rows: number;
  private readonly signedDistance: Float64Array;

  constructor(readonly ring: Point[]) {
    this.minX = Math.min(...ring.map((p) => p[0]));
    this.maxX = Math.max(...ring.map((p) => p[0]));
    this.minY = Math.min(...ring.map((p) => p[1]));
    this.maxY = Math.max(...ring.map((p) => p[1]));
    this.columns = Math.ceil((this.maxX - this.minX) / RASTER) + 1;
    this.rows = Math.ceil((this.maxY - this.minY) / RASTER) + 1;
    this.signedDistance = new Float64Array(this.columns * this.rows);
    for (let row = 0; row < this.rows; row++) {
      for (let column = 0; column < this.columns; column++) {
        const x = this.minX + (column + 0.5) * RASTER;
        const y = this.minY + (row + 0.5) * RASTER;
        const distance = this.distanceToBoundary(x, y);
        this.signedDistance[row * this.columns + column] = this.contains(x, y) ? distance : -distance;
      }
    }
  }

  contains(x: number, y: number): boolean {
    let inside = false;
    const ring = this.ring;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  distanceToBoundary(x: number, y: number): number {
    let best = Infinity;
    const ring = this.ring;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[j];
      const [bx, by] = ring[i];
      const dx = bx - ax;
      const dy = by - ay;
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
      const d = Math.hypot(x - ax - t * dx, y - ay - t * dy);
      if (d < best) best = d;
    }
    return best;
  }

  /** Inside, at least `margin` metres from the boundary. */
  holds(x: number, y: number, margin: number): boolean {
    const column = Math.floor((x - this.minX) / RASTER);
    const row = Math.floor((y - this.minY) / RASTER);
    if (column < 0 || row < 0 || column >= this.columns || row >= this.rows) return false;
    // Distance is 1-Lipschitz: within half a cell diagonal of the centre's value.
    const atCentre = this.signedDistance[row * this.columns + column];
    if (atCentre - HALF_DIAGONAL >= margin) return true;
    if (atCentre + HALF_DIAGONAL < margin) return false;
    return this.contains(x, y) && this.distanceToBoundary(x, y) >= margin;
  }
}

// ---------------------------------------------------------------------------------------------------
// Subdistricts and communities
// ---------------------------------------------------------------------------------------------------

export type Settlement = 'town' | 'village';

interface SubdistrictSpec {
  name: string;
  /** Where its land lies, as fractions of the half-extents. */
  anchor: Point;
  communities: number;
  villages: number;
}

/**
 * DOMAIN.md §9: seven subdistricts, codes 001..007 in this order (as the first-start skeleton has
 * them). 马村 is the town, west of the centre; the town spills into its neighbours as a few urban
 * communities (社区) on their side of the border; the rest of the district is villages (村), with
 * 安阳城 in the east holding its 24.
 */
export const SUBDISTRICT_SPECS: SubdistrictSpec[] = [
  { name: '马村街道', anchor: [-0.3, 0.05], communities: 12, villages: 0 },
  { name: '武王街道', anchor: [-0.12, 0.62], communities: 3, villages: 10 },
  { name: '冯营街道', anchor: [-0.72, 0.42], communities: 5, villages: 6 },
  { name: '九里山街道', anchor: [-0.7, -0.45], communities: 3, villages: 9 },
  { name: '待王街道', anchor: [0.38, 0.6], communities: 2, villages: 12 },
  { name: '安阳城街道', anchor: [0.66, -0.18], communities: 0, villages: 24 },
  { name: '演马街道', anchor: [-0.02, -0.58], communities: 3, villages: 11 },
];

/** Households of the whole district: ~2.8 residents each gives the ~160,000 of DOMAIN.md §9. */
export const DISTRICT_HOUSEHOLDS = 58_000;

/** Gross land per household (m²) used to size a settlement before its buildings are placed. */
const TOWN_M2_PER_HOUSEHOLD = 170;
const VILLAGE_M2_PER_HOUSEHOLD = 330;

export interface CommunityPlan {
  subdistrict: number;
  settlement: Settlement;
  households: number;
  centre: Point;
  /** Estimated radius of the built-up area (m). */
  radius: number;
  /** Town communities: share of households in courtyard houses (an urban village, 城中村). */
  courtyardShare: number;
}

export interface DistrictPlan {
  townCentre: Point;
  communities: CommunityPlan[];
}

export function planDistrict(shape: OutlineShape, random: Random): DistrictPlan {
  const anchors = SUBDISTRICT_SPECS.map(({ anchor }) => [
    (anchor[0] + random.range(-0.04, 0.04)) * HALF_WIDTH,
    (anchor[1] + random.range(-0.04, 0.04)) * HALF_HEIGHT,
  ]) as Point[];
  const regions = new Regions(shape, anchors, SUBDISTRICT_SPECS.map(landNeed));
  const townCentre = anchors[0];

  // Households: drawn per community, then scaled so the district totals DISTRICT_HOUSEHOLDS.
  const drafts = SUBDISTRICT_SPECS.flatMap((spec, subdistrict) => [
    ...Array.from({ length: spec.communities }, () => ({
      subdistrict,
      settlement: 'town' as const,
      households: subdistrict === 0 ? random.range(900, 1500) : random.range(600, 1150),
      courtyardShare: subdistrict === 0 ? random.range(0, 0.1) : random.range(0.15, 0.4),
    })),
    ...Array.from({ length: spec.villages }, () => ({
      subdistrict,
      settlement: 'village' as const,
      households: Math.min(850, Math.max(160, 360 * Math.exp(0.35 * random.normal()))),
      courtyardShare: 1,
    })),
  ]);
  const scale = DISTRICT_HOUSEHOLDS / drafts.reduce((sum, d) => sum + d.households, 0);
  const communities: CommunityPlan[] = [];
  // Town communities first, 马村's before the fringe's, each as close to the town centre as spacing
  // allows: a compact town. Then villages, each as far from every settlement as its region allows.
  const order = [...drafts.keys()].sort((a, b) => rank(drafts[a]) - rank(drafts[b]) || a - b);
  for (const index of order) {
    const draft = drafts[index];
    const households = Math.round(draft.households * scale);
    const density = draft.settlement === 'town' ? TOWN_M2_PER_HOUSEHOLD : VILLAGE_M2_PER_HOUSEHOLD;
    const radius = Math.sqrt((households * density) / Math.PI);
    const centre = placeCentre(shape, regions, draft.subdistrict, draft.settlement, radius, townCentre, communities, random);
    communities.push({ ...draft, households, centre, radius });
  }
  return { townCentre, communities };
}

function rank(draft: { subdistrict: number; settlement: Settlement }): number {
  if (draft.settlement === 'village') return 2;
  return draft.subdistrict === 0 ? 0 : 1;
}

/** Relative land a subdistrict needs: a town community is compact, a village has its fields. */
function landNeed(spec: SubdistrictSpec): number {
  return 0.25 * spec.communities + spec.villages;
}

/** Clearance (m) between the built-up discs of two settlements. */
function gapBetween(a: Settlement, b: Settlement): number {
  if (a === 'town' && b === 'town') return 40;
  return a === 'village' && b === 'village' ? 550 : 350;
}

function placeCentre(
  shape: OutlineShape,
  regions: Regions,
  subdistrict: number,
  settlement: Settlement,
  radius: number,
  townCentre: Point,
  placed: CommunityPlan[],
  random: Random,
): Point {
  const samples = regions.samples[subdistrict];
  let relax = 1;
  for (let round = 0; round < 60; round++, relax *= 0.9) {
    let best: Point | null = null;
    let bestScore = -Infinity;
    for (let attempt = 0; attempt < (settlement === 'town' ? 160 : 40); attempt++) {
      const [sx, sy] = random.pick(samples);
      const x = sx + random.range(-REGION_STEP / 2, REGION_STEP / 2);
      const y = sy + random.range(-REGION_STEP / 2, REGION_STEP / 2);
      if (regions.regionOf(x, y) !== subdistrict || !shape.holds(x, y, Math.min(radius, 300) * relax + 80)) continue;
      let clearance = Infinity;
      for (const other of placed) {
        // When room is short, settlements may come closer than their gap and finally overlap a little.
        const room = Math.hypot(x - other.centre[0], y - other.centre[1]) - (other.radius + radius) * Math.max(relax, 0.6);
        clearance = Math.min(clearance, room - gapBetween(settlement, other.settlement) * relax);
      }
      if (clearance < 0) continue;
      const score = settlement === 'town' ? -Math.hypot(x - townCentre[0], y - townCentre[1]) : clearance;
      if (score > bestScore) {
        bestScore = score;
        best = [x, y];
      }
    }
    if (best) return best;
  }
  throw new Error(`demo geography: no room for a ${settlement} in subdistrict ${subdistrict}`);
}

const REGION_STEP = 200;

/**
 * Subdistrict regions as a power diagram of the anchors, with weights tuned until each region's
 * share of the district's area matches its land need. Used only to place community centres: the
 * subdistricts' real boundaries are the unions of their communities' cells.
 */
class Regions {
  private readonly weights: number[];
  readonly samples: Point[][];

  constructor(
    shape: OutlineShape,
    private readonly anchors: Point[],
    needs: number[],
  ) {
    const points: Point[] = [];
    for (let x = shape.minX + REGION_STEP / 2; x < shape.maxX; x += REGION_STEP) {
      for (let y = shape.minY + REGION_STEP / 2; y < shape.maxY; y += REGION_STEP) if (shape.contains(x, y)) points.push([x, y]);
    }
    const totalNeed = needs.reduce((a, b) => a + b, 0);
    this.weights = anchors.map(() => 0);
    const counts = anchors.map(() => 0);
    for (let iteration = 0; iteration < 60; iteration++) {
      counts.fill(0);
      for (const [x, y] of points) counts[this.regionOf(x, y)]++;
      for (let i = 0; i < anchors.length; i++) {
        const error = needs[i] / totalNeed - counts[i] / points.length;
        this.weights[i] += error * 2 * HALF_WIDTH * HALF_HEIGHT;
      }
    }
    this.samples = anchors.map(() => []);
    for (const point of points) this.samples[this.regionOf(point[0], point[1])].push(point);
  }

  regionOf(x: number, y: number): number {
    let best = 0;
    let bestPower = Infinity;
    for (let i = 0; i < this.anchors.length; i++) {
      const power = (x - this.anchors[i][0]) ** 2 + (y - this.anchors[i][1]) ** 2 - this.weights[i];
      if (power < bestPower) {
        bestPower = power;
        best = i;
      }
    }
    return best;
  }
}
