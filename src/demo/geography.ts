import type { AreaGeometry, Position } from '../modules/org/org.geometry.ts';
import type { AreaLevel } from '../modules/org/org.tables.ts';
import { apportion } from './geography/apportion.ts';
import { divideCommunity } from './geography/bisection.ts';
import { codeBuildings, codeUnits, type PerLevel, type Tree } from './geography/codes.ts';
import { localFrame, makeOutline, OutlineShape, planDistrict, SUBDISTRICT_SPECS } from './geography/layout.ts';
import { joinCutOffPieces, mergeStrayPieces, nearestBuildings, RegionGraph } from './geography/regions.ts';
import { placeSites, SITE_BUILDING, SITE_FILLER, type BuildingKind, type Sites } from './geography/settlements.ts';
import { tessellate, unionsByLabel } from './geography/tessellation.ts';
import { PlaceNames } from './names.ts';
import { createRandom } from './random.ts';

/**
 * The synthetic geography of a demo district (DOMAIN.md §3, §9): outline, subdistricts, communities
 * and villages, 337 grids, 2,589 micro-grids and the buildings with their households, as plain data,
 * deterministic in the seed. No database, no residents (those come later, ~2.8 per household).
 *
 * How it is made (geography/*.ts, in this order): settlements first (layout: a compact town of
 * apartment compounds west of the centre, villages of courtyard houses across the rest), then the
 * Voronoi diagram of every building plus filler sites on open land and mirror sites along the outline
 * (settlements, tessellation). Open land belongs to its nearest building (regions). Grid and
 * micro-grid counts are apportioned top-down by households with largest remainders (apportion); each
 * community's buildings are bisected into grids and each grid's into one-piece micro-grids of 20-30
 * households (bisection). Every polygon is the union of its cells, computed on the Delaunay topology,
 * so the levels nest exactly, no two siblings overlap, nothing is left uncovered and each building
 * lies inside its micro-grid. Codes and names last (codes).
 */

export interface DemoGeographyOptions {
  /** Any number or text (1 and '1' are the same seed); with the district code it fixes everything. */
  seed: number | string;
  districtCode?: string;
  districtName?: string;
  /** The district's centre; several districts can be laid side by side with different origins. */
  originLng?: number;
  originLat?: number;
}

export interface DemoUnit {
  code: string;
  parentCode: string | null;
  name: string;
  level: AreaLevel;
  geometry: AreaGeometry;
  /** Households in the unit's buildings. */
  households: number;
}

export interface DemoBuilding {
  /** `<micro-grid code>-<nnn>`, numbered north→south, west→east inside the micro-grid. */
  id: string;
  microgridCode: string;
  position: Position;
  households: number;
  /** One stairway (单元) of an apartment block in a town compound (up to 12 households), or a courtyard house (1-2). */
  kind: BuildingKind;
}

export interface DemoGeography {
  seed: string;
  districtCode: string;
  /** The district's boundary: the same geometry as the district unit's. */
  outline: AreaGeometry;
  /** District, subdistricts, communities, grids, micro-grids: level by level, each in code order. */
  units: DemoUnit[];
  buildings: DemoBuilding[];
  households: number;
  stats: DemoGeographyStats;
}

export interface DemoGeographyStats {
  sites: number;
  fillers: number;
  /** Patches of a settlement cut off from it by a neighbour's land, handed to that neighbour. */
  patchesJoined: number;
  /** Safety net: pieces of units still cut off at the end, merged per level (micro-grid ... subdistrict). */
  piecesMerged: [number, number, number, number];
}

export const DEMO_GRIDS = 337;
export const DEMO_MICROGRIDS = 2589;

export function generateDemoGeography(options: DemoGeographyOptions): DemoGeography {
  const { seed, districtCode = '410804', districtName = '马村区', originLng = 113.32, originLat = 35.27 } = options;
  const random = createRandom(`wangge-demo-geography/${seed}/${districtCode}`);
  const frame = localFrame(originLng, originLat);
  const shape = new OutlineShape(makeOutline(random.fork('outline')));
  const plan = planDistrict(shape, random.fork('plan'));
  const sites = placeSites(shape, plan, random.fork('sites'));
  const tess = tessellate(sites);

  // Open land goes with its nearest building; buildings whose land touches are neighbours. Each
  // community is made one piece first (a cut-off patch joins the community it borders most).
  const owner = nearestBuildings(sites, tess);
  const graph = new RegionGraph(sites, tess, owner);
  const communityCount = plan.communities.length;
  const tree: Tree = {
    gridOfMicro: [],
    communityOfGrid: [],
    subdistrictOfCommunity: plan.communities.map((c) => c.subdistrict),
    settlementOfCommunity: plan.communities.map((c) => c.settlement),
  };
  const communityOfBuilding = Int32Array.from(sites.community);
  const patchesJoined = joinCutOffPieces(communityOfBuilding, communityCount, graph, sites.households, (a, b) =>
    tree.subdistrictOfCommunity[a] === tree.subdistrictOfCommunity[b] ? 1 : 0,
  );
  const buildingsOf: number[][] = Array.from({ length: communityCount }, () => []);
  for (let i = 0; i < sites.count; i++) if (sites.type[i] === SITE_BUILDING) buildingsOf[communityOfBuilding[i]].push(i);

  // Counts top-down by households, then each community's buildings into its grids and micro-grids.
  const { gridsOfCommunity, microgridsOfCommunity } = apportion(
    DEMO_GRIDS,
    DEMO_MICROGRIDS,
    tree.subdistrictOfCommunity,
    buildingsOf.map((list) => list.reduce((sum, b) => sum + sites.households[b], 0)),
  );
  const microOfBuilding = new Int32Array(sites.count).fill(-1);
  for (let c = 0; c < communityCount; c++) {
    const { parts, gridOfPart } = divideCommunity(buildingsOf[c], gridsOfCommunity[c], microgridsOfCommunity[c], sites, graph);
    const firstGrid = tree.communityOfGrid.length;
    for (let g = 0; g < gridsOfCommunity[c]; g++) tree.communityOfGrid.push(c);
    parts.forEach((part, k) => {
      const micro = tree.gridOfMicro.push(firstGrid + gridOfPart[k]) - 1;
      for (const building of part) microOfBuilding[building] = micro;
    });
  }

  // Every site's unit at each level; a last check that each unit is one piece (it normally is: the
  // division keeps parts connected), a higher level's stray pieces being whole units of the one below.
  const micro = Int32Array.from(owner, (building) => (building < 0 ? -1 : microOfBuilding[building]));
  const { gridOfMicro, communityOfGrid, subdistrictOfCommunity } = tree;
  const piecesMerged: DemoGeographyStats['piecesMerged'] = [0, 0, 0, 0];
  piecesMerged[0] = mergeStrayPieces(sites, tess, micro, gridOfMicro.length, (a, b) =>
    gridOfMicro[a] === gridOfMicro[b] ? 2 : communityOfGrid[gridOfMicro[a]] === communityOfGrid[gridOfMicro[b]] ? 1 : 0,
  );
  const grid = relabel(micro, gridOfMicro);
  piecesMerged[1] = mergeStrayPieces(sites, tess, grid, communityOfGrid.length, (a, b) =>
    communityOfGrid[a] === communityOfGrid[b] ? 1 : 0,
  );
  adoptParents(micro, grid, gridOfMicro);
  const community = relabel(grid, communityOfGrid);
  piecesMerged[2] = mergeStrayPieces(sites, tess, community, communityCount, (a, b) =>
    subdistrictOfCommunity[a] === subdistrictOfCommunity[b] ? 1 : 0,
  );
  adoptParents(grid, community, communityOfGrid);
  const subdistrict = relabel(community, subdistrictOfCommunity);
  piecesMerged[3] = mergeStrayPieces(sites, tess, subdistrict, SUBDISTRICT_SPECS.length, () => 0);
  adoptParents(community, subdistrict, subdistrictOfCommunity);
  const district = Int32Array.from(micro, (label) => (label < 0 ? -1 : 0));

  const levels = { district, subdistrict, community, grid, microgrid: micro };
  const counts = {
    district: 1,
    subdistrict: SUBDISTRICT_SPECS.length,
    community: communityCount,
    grid: communityOfGrid.length,
    microgrid: gridOfMicro.length,
  };
  const geometry = mapLevels((level) => unionsByLabel(tess, levels[level], counts[level], frame));
  const households = mapLevels((level) => householdsByLabel(sites, levels[level], counts[level]));
  const { units, microCode } = codeUnits(
    { code: districtCode, name: districtName },
    tree,
    geometry,
    households,
    new PlaceNames(random.fork('names')),
  );
  return {
    seed: String(seed),
    districtCode,
    outline: geometry.district[0],
    units,
    buildings: codeBuildings(sites, micro, microCode, frame),
    households: households.district[0],
    stats: { sites: sites.count, fillers: countType(sites, SITE_FILLER), patchesJoined, piecesMerged },
  };
}

type LevelName = keyof PerLevel<unknown>;

function mapLevels<T>(make: (level: LevelName) => T[]): PerLevel<T> {
  return {
    district: make('district'),
    subdistrict: make('subdistrict'),
    community: make('community'),
    grid: make('grid'),
    microgrid: make('microgrid'),
  };
}

/** The labels one level up: parentOf[label] for every site. */
function relabel(labels: Int32Array, parentOf: number[]): Int32Array {
  return Int32Array.from(labels, (label) => (label < 0 ? -1 : parentOf[label]));
}

/** After pieces of the upper level moved, each lower unit takes the upper label its sites now carry. */
function adoptParents(lower: Int32Array, upper: Int32Array, parentOf: number[]): void {
  for (let i = 0; i < lower.length; i++) if (lower[i] >= 0) parentOf[lower[i]] = upper[i];
}

function householdsByLabel(sites: Sites, labels: Int32Array, count: number): number[] {
  const totals = new Array<number>(count).fill(0);
  for (let i = 0; i < sites.count; i++) if (sites.type[i] === SITE_BUILDING) totals[labels[i]] += sites.households[i];
  return totals;
}

function countType(sites: Sites, type: number): number {
  let count = 0;
  for (let i = 0; i < sites.count; i++) if (sites.type[i] === type) count++;
  return count;
}
