import type { UnitFeature } from '../../shared/model.ts';

/** AntV's categorical palette: distinct at a glance, soft enough for a fill. */
export const PALETTE = ['#5b8ff9', '#5ad8a6', '#f6bd16', '#e8684a', '#6dc8ec', '#9270ca', '#ff9d4d', '#269a99'];

/**
 * A palette index per feature id (the unit code) such that units sharing a boundary vertex get different colours.
 * Neighbours in a seamless tessellation share their edges' end points exactly (the server snaps both
 * to the same grid), so shared vertices find them. Greedy colouring, most-connected first, each unit
 * taking the least used colour its neighbours leave free.
 */
export function colourByNeighbours(features: UnitFeature[]): Map<string, number> {
  const byVertex = new Map<string, Set<number>>();
  features.forEach((feature, index) => {
    const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    for (const ring of polygons.flat()) {
      for (const [lng, lat] of ring) {
        const key = `${lng},${lat}`;
        const owners = byVertex.get(key) ?? new Set<number>();
        owners.add(index);
        byVertex.set(key, owners);
      }
    }
  });
  const neighbours = features.map(() => new Set<number>());
  for (const owners of byVertex.values()) {
    if (owners.size < 2) continue;
    for (const a of owners) for (const b of owners) if (a !== b) neighbours[a].add(b);
  }
  const order = features.map((_, index) => index).sort((a, b) => neighbours[b].size - neighbours[a].size || a - b);
  const colour = new Array<number>(features.length).fill(-1);
  const uses = PALETTE.map(() => 0);
  for (const index of order) {
    const taken = new Set([...neighbours[index]].map((other) => colour[other]));
    const free = PALETTE.map((_, pick) => pick).filter((pick) => !taken.has(pick));
    // The least used free colour, for variety; with none free (never seen: 8 colours) the least used one.
    const pick = (free.length > 0 ? free : PALETTE.map((_, any) => any)).reduce((best, next) => (uses[next] < uses[best] ? next : best));
    colour[index] = pick;
    uses[pick]++;
  }
  return new Map(features.map((feature, index) => [feature.id, colour[index]]));
}
