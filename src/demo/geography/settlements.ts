import type { Random } from '../random.ts';
import type { CommunityPlan, DistrictPlan, OutlineShape, Point } from './layout.ts';

/**
 * The sites of the tessellation, in local metres. Every site gets a Voronoi cell; the tree's polygons
 * are unions of cells. Four kinds:
 * - buildings, with households: the stairways (单元) of town apartment blocks (up to 12 households;
 *   slabs in parallel rows, in compounds, 小区) and courtyard houses (1-2 households, on the street lattice of a village or an urban
 *   village);
 * - fillers inside the district with no households (fields, factories, parks), so that open land
 *   gets cells of a sensible size and goes to the nearest settlement;
 * - mirror pairs across the outline: for each inside mirror an outside twin reflected across the
 *   outline's edge, so the bisector between the two, which is the district's boundary, runs along
 *   the outline;
 * - a far ring outside, so every site inside the district has a bounded cell.
 */

export type BuildingKind = 'apartment' | 'courtyard';

export const SITE_BUILDING = 0;
export const SITE_FILLER = 1;
export const SITE_EXTERIOR = 2;

export interface Sites {
  count: number;
  x: Float64Array;
  y: Float64Array;
  /** SITE_BUILDING, SITE_FILLER or SITE_EXTERIOR. */
  type: Uint8Array;
  households: Int32Array;
  /** Index into the plan's communities for a building, -1 otherwise. */
  community: Int32Array;
  apartment: Uint8Array;
}

/** No building or filler this close to the outline: the mirror pairs own that strip. */
const OUTLINE_MARGIN = 70;
const MIRROR_OFFSET = 30;
const MIRROR_SPACING = 100;
const FILLER_SPACING = 160;
/** A filler is placed only this far from any building. */
const FILLER_CLEARANCE = 85;

export function placeSites(shape: OutlineShape, plan: DistrictPlan, random: Random): Sites {
  const builder = new SiteBuilder();
  const hash = new SpatialHash(30);
  plan.communities.forEach((community, index) => {
    const stream = random.fork(`community-${index}`);
    // A community builds only on its own land (its power cell among all settlements), so its
    // buildings form one patch and never interleave with a neighbour's.
    const fits = (x: number, y: number) => ownerOf(plan, x, y) === index && shape.holds(x, y, OUTLINE_MARGIN);
    if (community.settlement === 'village') {
      placeCourtyards(builder, hash, fits, index, community.centre, community.households, stream);
      return;
    }
    const courtyards = Math.round(community.households * community.courtyardShare);
    if (courtyards > 0) {
      const angle = stream.range(0, 2 * Math.PI);
      const offset = community.radius * stream.range(0.3, 0.8);
      const centre: Point = [community.centre[0] + offset * Math.cos(angle), community.centre[1] + offset * Math.sin(angle)];
      placeCourtyards(builder, hash, fits, index, centre, courtyards, stream);
    }
    placeCompounds(builder, hash, fits, index, community, community.households - courtyards, stream);
  });
  placeFillers(builder, hash, shape, random.fork('fillers'));
  placeMirrors(builder, shape, random.fork('mirrors'));
  for (let i = 0; i < 32; i++) {
    const angle = (2 * Math.PI * i) / 32;
    builder.add(SITE_EXTERIOR, 30_000 * Math.cos(angle), 30_000 * Math.sin(angle), 0, -1, false);
  }
  return builder.build();
}

/**
 * Apartment compounds (小区) around the community's centre until its households are housed: rows of
 * slab blocks facing south, 30-38 m apart (the sunlight spacing), each slab 2-4 stairways (单元) of
 * ~15 m side by side. A building of the demo is one stairway.
 */
function placeCompounds(
  builder: SiteBuilder,
  hash: SpatialHash,
  fits: (x: number, y: number) => boolean,
  community: number,
  plan: CommunityPlan,
  households: number,
  random: Random,
): void {
  let housed = 0;
  let reach = plan.radius;
  let failures = 0;
  const gridAngle = random.range(-0.08, 0.08);
  while (housed < households) {
    // Where land runs short, smaller compounds: down to a single slab of two stairways.
    const cramped = failures > 300;
    if (failures > 5000) throw new Error(`demo geography: no room for the apartments of community ${community}`);
    const rows = cramped ? 1 : random.int(2, 5);
    const slabs = cramped ? 1 : random.int(1, 2);
    const stairways = cramped ? 2 : random.int(2, 4);
    const stairwayWidth = random.range(14, 16);
    const slabGap = random.range(14, 22);
    const rowSpacing = random.range(30, 38);
    const angle = gridAngle + random.range(-0.06, 0.06);
    const r = reach * Math.sqrt(random.next());
    const phi = random.range(0, 2 * Math.PI);
    const ox = plan.centre[0] + r * Math.cos(phi);
    const oy = plan.centre[1] + r * Math.sin(phi);
    const rowLength = slabs * stairways * stairwayWidth + (slabs - 1) * slabGap;
    const units: Point[] = [];
    // North row first, west to east: when the last compound is cut short, it loses its south end.
    for (let row = 0; row < rows; row++) {
      const v = ((rows - 1) / 2 - row) * rowSpacing + random.range(-1.5, 1.5);
      for (let slab = 0; slab < slabs; slab++) {
        for (let stairway = 0; stairway < stairways; stairway++) {
          const u =
            -rowLength / 2 + slab * (stairways * stairwayWidth + slabGap) + (stairway + 0.5) * stairwayWidth + random.range(-0.5, 0.5);
          units.push([ox + u * Math.cos(angle) - v * Math.sin(angle), oy + u * Math.sin(angle) + v * Math.cos(angle)]);
        }
      }
    }
    if (!units.every(([x, y]) => fits(x, y) && !hash.near(x, y, 24))) {
      if (++failures % 40 === 0 && !cramped) reach *= 1.1;
      continue;
    }
    for (const [x, y] of units) {
      if (housed >= households) break;
      const size = stairwayHouseholds(random);
      hash.insert(x, y);
      builder.add(SITE_BUILDING, x, y, size, community, true);
      housed += size;
    }
  }
}

/** Households of one stairway: 3-6 floors, two flats a floor, ~8 % of flats empty. */
function stairwayHouseholds(random: Random): number {
  const flats = 2 * [3, 4, 5, 6][random.weighted([1, 3, 3, 2])];
  let households = 0;
  for (let flat = 0; flat < flats; flat++) if (!random.chance(0.08)) households++;
  return Math.max(1, households);
}

/**
 * Courtyard houses on a village's street lattice: lots of ~16 × 22 m in pairs of rows between
 * streets, rows shifted against each other, taken in order of a wobbly distance from the centre
 * (an irregular blob), with a few lots left empty.
 */
function placeCourtyards(
  builder: SiteBuilder,
  hash: SpatialHash,
  fits: (x: number, y: number) => boolean,
  community: number,
  centre: Point,
  households: number,
  random: Random,
): void {
  const angle = random.range(-0.35, 0.35);
  const sx = random.range(14, 18);
  const sy = random.range(20, 24);
  const street = random.range(7, 10);
  const wobble = [1, 2, 3, 5].map((k) => ({ k, amplitude: random.range(0, 0.3 / Math.sqrt(k)), phase: random.range(0, 2 * Math.PI) }));
  const reach = 3 * Math.sqrt((households * 330) / Math.PI) + 120;
  const rows = Math.ceil(reach / (sy + street / 2));
  const cols = Math.ceil(reach / sx);
  const lots: { x: number; y: number; score: number }[] = [];
  for (let row = -rows; row <= rows; row++) {
    const shift = random.range(-sx / 2, sx / 2);
    const v = row * sy + Math.floor(row / 2) * street;
    for (let col = -cols; col <= cols; col++) {
      const u = col * sx + shift + random.range(-1.5, 1.5);
      const w = v + random.range(-1.5, 1.5);
      const x = centre[0] + u * Math.cos(angle) - w * Math.sin(angle);
      const y = centre[1] + u * Math.sin(angle) + w * Math.cos(angle);
      const theta = Math.atan2(w, u);
      let factor = 1;
      for (const { k, amplitude, phase } of wobble) factor += amplitude * Math.sin(k * theta + phase);
      lots.push({ x, y, score: Math.hypot(u, w) / Math.max(0.3, factor) });
    }
  }
  lots.sort((a, b) => a.score - b.score);
  let housed = 0;
  for (const { x, y } of lots) {
    if (housed >= households) return;
    if (random.chance(0.08) || !fits(x, y) || hash.near(x, y, 11)) continue;
    const size = random.chance(0.32) ? 2 : 1;
    hash.insert(x, y);
    builder.add(SITE_BUILDING, x, y, size, community, false);
    housed += size;
  }
  throw new Error(`demo geography: village ${community} ran out of lots at ${housed} of ${households} households`);
}

/** The settlement whose power cell (|p - centre|² - radius²) holds the point. */
function ownerOf(plan: DistrictPlan, x: number, y: number): number {
  let best = -1;
  let bestPower = Infinity;
  plan.communities.forEach(({ centre, radius }, index) => {
    const power = (x - centre[0]) ** 2 + (y - centre[1]) ** 2 - radius * radius;
    if (power < bestPower) {
      bestPower = power;
      best = index;
    }
  });
  return best;
}

function placeFillers(builder: SiteBuilder, hash: SpatialHash, shape: OutlineShape, random: Random): void {
  for (let x = shape.minX; x < shape.maxX; x += FILLER_SPACING) {
    for (let y = shape.minY; y < shape.maxY; y += FILLER_SPACING) {
      const fx = x + random.range(-0.35, 0.35) * FILLER_SPACING;
      const fy = y + random.range(-0.35, 0.35) * FILLER_SPACING;
      if (shape.holds(fx, fy, OUTLINE_MARGIN) && !hash.near(fx, fy, FILLER_CLEARANCE)) builder.add(SITE_FILLER, fx, fy, 0, -1, false);
    }
  }
}

/** Mirror pairs along every edge of the (counter-clockwise) outline. */
function placeMirrors(builder: SiteBuilder, shape: OutlineShape, random: Random): void {
  const ring = shape.ring;
  for (let i = 0; i < ring.length; i++) {
    const [ax, ay] = ring[i];
    const [bx, by] = ring[(i + 1) % ring.length];
    const length = Math.hypot(bx - ax, by - ay);
    const nx = -(by - ay) / length;
    const ny = (bx - ax) / length;
    const count = Math.max(1, Math.round(length / MIRROR_SPACING));
    for (let k = 0; k < count; k++) {
      const t = (k + 0.5 + random.range(-0.15, 0.15)) / count;
      const px = ax + t * (bx - ax);
      const py = ay + t * (by - ay);
      const ix = px + MIRROR_OFFSET * nx;
      const iy = py + MIRROR_OFFSET * ny;
      const ox = px - MIRROR_OFFSET * nx;
      const oy = py - MIRROR_OFFSET * ny;
      // Near a sharp bend a twin may land on the wrong side or crowd the other edge: skip that pair.
      if (!shape.holds(ix, iy, 0.8 * MIRROR_OFFSET) || shape.contains(ox, oy) || shape.distanceToBoundary(ox, oy) < 0.8 * MIRROR_OFFSET)
        continue;
      builder.add(SITE_FILLER, ix, iy, 0, -1, false);
      builder.add(SITE_EXTERIOR, ox, oy, 0, -1, false);
    }
  }
}

class SiteBuilder {
  private readonly x: number[] = [];
  private readonly y: number[] = [];
  private readonly type: number[] = [];
  private readonly households: number[] = [];
  private readonly community: number[] = [];
  private readonly apartment: number[] = [];

  add(type: number, x: number, y: number, households: number, community: number, apartment: boolean): void {
    this.x.push(x);
    this.y.push(y);
    this.type.push(type);
    this.households.push(households);
    this.community.push(community);
    this.apartment.push(apartment ? 1 : 0);
  }

  build(): Sites {
    return {
      count: this.x.length,
      x: Float64Array.from(this.x),
      y: Float64Array.from(this.y),
      type: Uint8Array.from(this.type),
      households: Int32Array.from(this.households),
      community: Int32Array.from(this.community),
      apartment: Uint8Array.from(this.apartment),
    };
  }
}

/** Points in square buckets, for "is anything within r metres" while placing. */
class SpatialHash {
  private readonly buckets = new Map<number, number[]>();

  constructor(private readonly cell: number) {}

  private key(ix: number, iy: number): number {
    return (ix + 50_000) * 100_000 + (iy + 50_000);
  }

  insert(x: number, y: number): void {
    const key = this.key(Math.floor(x / this.cell), Math.floor(y / this.cell));
    const bucket = this.buckets.get(key);
    if (bucket) bucket.push(x, y);
    else this.buckets.set(key, [x, y]);
  }

  near(x: number, y: number, radius: number): boolean {
    const span = Math.ceil(radius / this.cell);
    const ix = Math.floor(x / this.cell);
    const iy = Math.floor(y / this.cell);
    for (let i = ix - span; i <= ix + span; i++) {
      for (let j = iy - span; j <= iy + span; j++) {
        const bucket = this.buckets.get(this.key(i, j));
        if (!bucket) continue;
        for (let k = 0; k < bucket.length; k += 2) if ((bucket[k] - x) ** 2 + (bucket[k + 1] - y) ** 2 < radius * radius) return true;
      }
    }
    return false;
  }
}
