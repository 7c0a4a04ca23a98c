import { centroidOf, type AreaGeometry, type Position } from '../../modules/org/org.geometry.ts';
import type { DemoBuilding, DemoUnit } from '../geography.ts';
import type { PlaceNames } from '../names.ts';
import { SUBDISTRICT_SPECS, toLngLat, type LocalFrame, type Settlement } from './layout.ts';
import { SITE_BUILDING, type Sites } from './settlements.ts';

/**
 * Codes and names (DOMAIN.md §3): subdistricts 001-007 in their fixed order; below them siblings are
 * numbered west→east, north→south by their centroids; communities as statistical area codes do, 社区
 * (居委会) from 001 and 村 (村委会) from 201. Widths are the default configuration's: +3, +3, +3, +2.
 */

const COMMUNITY_DIGITS = 3;
const GRID_DIGITS = 3;
const MICROGRID_DIGITS = 2;
const FIRST_VILLAGE_NUMBER = 201;

/** The tree as index arrays: each micro-grid's grid, each grid's community, each community's subdistrict. */
export interface Tree {
  gridOfMicro: number[];
  communityOfGrid: number[];
  subdistrictOfCommunity: number[];
  settlementOfCommunity: Settlement[];
}

/** A value per unit of each level, indexed like the tree. */
export interface PerLevel<T> {
  district: T[];
  subdistrict: T[];
  community: T[];
  grid: T[];
  microgrid: T[];
}

export function codeUnits(
  district: { code: string; name: string },
  tree: Tree,
  geometry: PerLevel<AreaGeometry>,
  households: PerLevel<number>,
  names: PlaceNames,
): { units: DemoUnit[]; microCode: string[] } {
  const units: DemoUnit[] = [
    {
      code: district.code,
      parentCode: null,
      name: district.name,
      level: 'district',
      geometry: geometry.district[0],
      households: households.district[0],
    },
  ];
  const subdistrictCode = SUBDISTRICT_SPECS.map((_, s) => `${district.code}${String(s + 1).padStart(3, '0')}`);
  SUBDISTRICT_SPECS.forEach((spec, s) =>
    units.push({
      code: subdistrictCode[s],
      parentCode: district.code,
      name: spec.name,
      level: 'subdistrict',
      geometry: geometry.subdistrict[s],
      households: households.subdistrict[s],
    }),
  );

  const communityCode: string[] = [];
  const communityName: string[] = [];
  subdistrictCode.forEach((parentCode, s) => {
    for (const settlement of ['town', 'village'] as const) {
      const members = membersOf(tree.subdistrictOfCommunity, s).filter((c) => tree.settlementOfCommunity[c] === settlement);
      const first = settlement === 'town' ? 1 : FIRST_VILLAGE_NUMBER;
      ordered(members, geometry.community).forEach((c, k) => {
        communityCode[c] = `${parentCode}${String(first + k).padStart(COMMUNITY_DIGITS, '0')}`;
        communityName[c] = settlement === 'town' ? names.community() : names.village();
        units.push({
          code: communityCode[c],
          parentCode,
          name: communityName[c],
          level: 'community',
          geometry: geometry.community[c],
          households: households.community[c],
        });
      });
    }
  });

  const gridCode: string[] = [];
  const gridName: string[] = [];
  communityCode.forEach((parentCode, c) => {
    ordered(membersOf(tree.communityOfGrid, c), geometry.grid).forEach((g, k) => {
      gridCode[g] = `${parentCode}${String(k + 1).padStart(GRID_DIGITS, '0')}`;
      gridName[g] = `${communityName[c]}第${k + 1}网格`;
      units.push({
        code: gridCode[g],
        parentCode,
        name: gridName[g],
        level: 'grid',
        geometry: geometry.grid[g],
        households: households.grid[g],
      });
    });
  });

  const microCode: string[] = [];
  gridCode.forEach((parentCode, g) => {
    const members = membersOf(tree.gridOfMicro, g);
    if (members.length >= 10 ** MICROGRID_DIGITS) throw new Error(`demo geography: grid ${parentCode} has ${members.length} micro-grids`);
    ordered(members, geometry.microgrid).forEach((m, k) => {
      microCode[m] = `${parentCode}${String(k + 1).padStart(MICROGRID_DIGITS, '0')}`;
      units.push({
        code: microCode[m],
        parentCode,
        name: `${gridName[g]}${k + 1}号微网格`,
        level: 'microgrid',
        geometry: geometry.microgrid[m],
        households: households.microgrid[m],
      });
    });
  });
  units.sort((a, b) => a.code.length - b.code.length || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { units, microCode };
}

/** Buildings in micro-grid code order, numbered north→south, west→east inside their micro-grid. */
export function codeBuildings(sites: Sites, microLabel: Int32Array, microCode: string[], frame: LocalFrame): DemoBuilding[] {
  const byMicro: number[][] = microCode.map(() => []);
  for (let i = 0; i < sites.count; i++) if (sites.type[i] === SITE_BUILDING) byMicro[microLabel[i]].push(i);
  const buildings: DemoBuilding[] = [];
  for (const m of [...microCode.keys()].sort((a, b) => (microCode[a] < microCode[b] ? -1 : 1))) {
    byMicro[m].sort((a, b) => sites.y[b] - sites.y[a] || sites.x[a] - sites.x[b]);
    byMicro[m].forEach((i, k) =>
      buildings.push({
        id: `${microCode[m]}-${String(k + 1).padStart(3, '0')}`,
        microgridCode: microCode[m],
        position: toLngLat(frame, sites.x[i], sites.y[i]),
        households: sites.households[i],
        kind: sites.apartment[i] ? 'apartment' : 'courtyard',
      }),
    );
  }
  return buildings;
}

function membersOf(parentOf: number[], parent: number): number[] {
  return parentOf.flatMap((p, child) => (p === parent ? [child] : []));
}

function ordered(members: number[], geometries: AreaGeometry[]): number[] {
  return westToEastNorthToSouth(members.map((m) => centroidOf(geometries[m]))).map((k) => members[k]);
}

/**
 * The order siblings are numbered in (DOMAIN.md §3: west→east, north→south), from their centroids:
 * split the set across its longer extent into halves, the west half (a split across longitude) or
 * the north half (across latitude) first, and recurse. So a later sibling never lies both west and
 * north of an earlier one.
 */
export function westToEastNorthToSouth(centroids: Position[]): number[] {
  const order = [...centroids.keys()];
  const sortPart = (from: number, to: number): void => {
    if (to - from <= 1) return;
    const part = order.slice(from, to);
    const lngs = part.map((i) => centroids[i][0]);
    const lats = part.map((i) => centroids[i][1]);
    const metresPerLng = Math.cos((((Math.min(...lats) + Math.max(...lats)) / 2) * Math.PI) / 180);
    const acrossLng = (Math.max(...lngs) - Math.min(...lngs)) * metresPerLng >= Math.max(...lats) - Math.min(...lats);
    part.sort(
      acrossLng
        ? (a, b) => centroids[a][0] - centroids[b][0] || centroids[b][1] - centroids[a][1]
        : (a, b) => centroids[b][1] - centroids[a][1] || centroids[a][0] - centroids[b][0],
    );
    order.splice(from, part.length, ...part);
    const middle = from + ((to - from) >> 1);
    sortPart(from, middle);
    sortPart(middle, to);
  };
  sortPart(0, order.length);
  return order;
}
