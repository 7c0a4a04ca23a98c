import type { DemoBuilding } from '../geography.ts';
import type { Random } from '../random.ts';

/**
 * Postal-style addresses for the households of the demo geography, as people write them:
 * `马村街道馨园社区 3号楼2单元 501` in a town compound, `安阳城街道东王庄村 12号` for a courtyard house.
 *
 * A building of the geography is one stairway (单元) of a slab block, and the blocks themselves are
 * not in the data: stairways of one slab stand ~15 m apart side by side, while neighbouring slabs,
 * rows (30-38 m, the sunlight spacing) and compounds are farther apart, so the stairways of a
 * community closer than SLAB_LINK are joined into slabs. Slabs are numbered 1号楼, 2号楼... per
 * community in rows north→south, west→east inside a row, stairways west→east (1单元, 2单元...).
 * A slab has as many floors as its fullest stairway needs (two flats a floor, at least 3); its
 * households take random flats (`501` = 5th floor, flat 1), some flats standing empty. Courtyard
 * houses are numbered 1号, 2号... through the community in the geography's building order (micro-grid
 * by micro-grid, north→south, west→east inside one); the second household of a shared courtyard is
 * 12号附1号, since an address names one household in its micro-grid.
 */

const SLAB_LINK = 20;
const ROW_TOLERANCE = 15;

/** For each building (same index), its households' addresses in household order. */
export function householdAddresses(
  buildings: readonly DemoBuilding[],
  placeName: (communityCode: string) => string,
  random: Random,
): string[][] {
  const out: string[][] = buildings.map(() => []);
  const byCommunity = new Map<string, number[]>();
  for (let i = 0; i < buildings.length; i++) {
    const code = buildings[i].microgridCode.slice(0, 12);
    const list = byCommunity.get(code);
    if (list) list.push(i);
    else byCommunity.set(code, [i]);
  }
  const lat0 = buildings.length > 0 ? buildings[0].position[1] : 0;
  const metresPerLng = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  const metresPerLat = 110_574;
  const x = (i: number) => buildings[i].position[0] * metresPerLng;
  const y = (i: number) => buildings[i].position[1] * metresPerLat;

  for (const [code, members] of byCommunity) {
    const place = placeName(code);
    let house = 0;
    for (const i of members) {
      if (buildings[i].kind !== 'courtyard') continue;
      const plate = `${place} ${++house}号`;
      // A second family behind the same door plate is written apart, as registers do: 12号, 12号附1号.
      out[i] = Array.from({ length: buildings[i].households }, (_, h) => (h === 0 ? plate : `${plate}附${h}号`));
    }
    const slabs = slabsOf(
      members.filter((i) => buildings[i].kind === 'apartment'),
      x,
      y,
    );
    slabs.forEach((stairways, s) => {
      const floors = Math.max(3, ...stairways.map((i) => Math.ceil(buildings[i].households / 2)));
      stairways.forEach((i, u) => {
        for (const room of flats(random, floors, buildings[i].households)) out[i].push(`${place} ${s + 1}号楼${u + 1}单元 ${room}`);
      });
    });
  }
  return out;
}

/** Stairways joined into slabs, the slabs in numbering order, each slab's stairways west→east. */
function slabsOf(stairways: number[], x: (i: number) => number, y: (i: number) => number): number[][] {
  const parent = new Map<number, number>(stairways.map((i) => [i, i]));
  const find = (i: number): number => {
    let root = i;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(i, root);
    return root;
  };
  const cells = new Map<string, number[]>();
  const cellKey = (cx: number, cy: number) => `${cx},${cy}`;
  for (const i of stairways) {
    const cx = Math.floor(x(i) / SLAB_LINK);
    const cy = Math.floor(y(i) / SLAB_LINK);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const j of cells.get(cellKey(cx + dx, cy + dy)) ?? []) {
          if ((x(i) - x(j)) ** 2 + (y(i) - y(j)) ** 2 < SLAB_LINK ** 2) parent.set(find(i), find(j));
        }
      }
    }
    const key = cellKey(cx, cy);
    const cell = cells.get(key);
    if (cell) cell.push(i);
    else cells.set(key, [i]);
  }
  const groups = new Map<number, number[]>();
  for (const i of stairways) {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(i);
    else groups.set(root, [i]);
  }
  const slabs = [...groups.values()].map((members) => ({
    members: members.sort((a, b) => x(a) - x(b)),
    x: members.reduce((sum, i) => sum + x(i), 0) / members.length,
    y: members.reduce((sum, i) => sum + y(i), 0) / members.length,
  }));
  // Rows north→south: a slab within ROW_TOLERANCE of the row's first (northernmost) slab joins it.
  slabs.sort((a, b) => b.y - a.y || a.x - b.x);
  const ordered: number[][] = [];
  for (let start = 0; start < slabs.length;) {
    let end = start + 1;
    while (end < slabs.length && slabs[start].y - slabs[end].y <= ROW_TOLERANCE) end++;
    for (const slab of slabs.slice(start, end).sort((a, b) => a.x - b.x)) ordered.push(slab.members);
    start = end;
  }
  return ordered;
}

/** Room numbers of `households` flats taken at random among two a floor on `floors` floors, in order. */
function flats(random: Random, floors: number, households: number): string[] {
  const all = Array.from({ length: 2 * floors }, (_, k) => k);
  for (let k = 0; k < households; k++) {
    const j = k + Math.floor(random.next() * (all.length - k));
    [all[k], all[j]] = [all[j], all[k]];
  }
  return all
    .slice(0, households)
    .sort((a, b) => a - b)
    .map((k) => `${(k >> 1) + 1}0${(k & 1) + 1}`);
}
