import { centroidOf, type AreaGeometry, type Position } from '../../modules/org/org.geometry.ts';
import type { Random } from '../random.ts';
import { dateOfYear } from './identity.ts';

/**
 * Micro-grid workers (微网格员) by 联亲、联近、联熟 (DOMAIN.md §3): each is an adult of the micro-grid
 * who lives in it (aged 25-70, with a phone; Party members first, then people of 35-60, not someone
 * disabled). Where the district has fewer workers than micro-grids, some workers also serve the
 * adjacent micro-grid: the nearest one of the same grid by centroid (and the worker's own is the
 * nearest to that one: the pairs are mutual nearest siblings). The micro-grids that borrow a
 * neighbour's worker are the ones least able to provide their own (no Party member among the
 * candidates, few candidates, few households), so that every micro-grid has exactly one worker and
 * no worker serves more than two.
 */

export interface WorkerCandidate {
  index: number;
  age: number;
  partyMember: boolean;
  disabled: boolean;
  hasPhone: boolean;
}

export interface MicrogridPeople {
  code: string;
  parentCode: string;
  geometry: AreaGeometry;
  households: number;
  /** Residents who live in the micro-grid. */
  residents: WorkerCandidate[];
}

export interface WorkerChoice {
  /** The resident's index. */
  resident: number;
  /** Indices into the micro-grid list, the worker's own first. */
  microgrids: number[];
  since: string;
}

export function chooseWorkers(microgrids: readonly MicrogridPeople[], workerCount: number, random: Random): WorkerChoice[] {
  const shared = microgrids.length - workerCount;
  if (shared < 0 || shared > microgrids.length / 2) {
    throw new Error(`demo population: ${workerCount} workers cannot serve ${microgrids.length} micro-grids, one or two each`);
  }
  const candidates = microgrids.map((m) => m.residents.filter((r) => r.hasPhone && r.age >= 25 && r.age <= 70));
  const nearest = nearestSiblings(microgrids);

  // Micro-grids that borrow a worker come in pairs of mutual nearest siblings, so that the second
  // micro-grid is both the nearest to the worker's own and the one whose nearest is the worker's:
  // the needier of the two borrows, the neediest pairs first. A micro-grid with no candidate at all
  // (none in the demo as generated) borrows from its nearest sibling whatever that one's nearest is.
  const tiebreak = microgrids.map(() => random.next());
  const need = microgrids.map((_, m) => [
    candidates[m].filter((c) => c.partyMember).length,
    candidates[m].length,
    microgrids[m].households,
    tiebreak[m],
  ]);
  const needier = (a: number, b: number) =>
    need[a][0] - need[b][0] || need[a][1] - need[b][1] || need[a][2] - need[b][2] || need[a][3] - need[b][3];
  const guestOf = new Int32Array(microgrids.length).fill(-1);
  const taken = new Uint8Array(microgrids.length);
  let paired = 0;
  const pair = (guest: number, host: number) => {
    if (paired === shared || taken[guest] || host < 0 || taken[host] || candidates[host].length === 0) return;
    taken[guest] = taken[host] = 1;
    guestOf[host] = guest;
    paired++;
  };
  const mustBorrow = [...microgrids.keys()].filter((m) => candidates[m].length === 0);
  for (const m of mustBorrow) pair(m, nearest[m]);
  const mutual = [...microgrids.keys()].filter((m) => nearest[m] >= 0 && nearest[nearest[m]] === m && needier(m, nearest[m]) < 0);
  for (const m of mutual.sort(needier)) pair(m, nearest[m]);
  const stranded = mustBorrow.filter((m) => !taken[m]);
  if (paired < shared || stranded.length > 0) {
    throw new Error(`demo population: only ${paired} of ${shared} shared micro-grids paired, ${stranded.length} without a candidate`);
  }

  const guests = new Set(guestOf.filter((g) => g >= 0));
  const choices: WorkerChoice[] = [];
  microgrids.forEach((_, m) => {
    if (guests.has(m)) return;
    let best: WorkerCandidate | undefined;
    let bestScore = -Infinity;
    for (const c of candidates[m]) {
      const score =
        (c.partyMember ? 20 : 0) + (c.age >= 35 && c.age <= 60 ? 20 : c.age <= 65 ? 8 : 0) - (c.disabled ? 60 : 0) + 30 * random.next();
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    if (!best) throw new Error(`demo population: no worker candidate in micro-grid ${microgrids[m].code}`);
    choices.push({ resident: best.index, microgrids: guestOf[m] >= 0 ? [m, guestOf[m]] : [m], since: sinceDate(random) });
  });
  return choices;
}

/** For each micro-grid, the index of the sibling (same grid) whose centroid is closest; -1 if it has none. */
export function nearestSiblings(microgrids: readonly { parentCode: string; geometry: AreaGeometry }[]): Int32Array {
  const centroids: Position[] = microgrids.map((m) => centroidOf(m.geometry));
  const scale = Math.cos(((centroids[0]?.[1] ?? 0) * Math.PI) / 180);
  const byGrid = new Map<string, number[]>();
  microgrids.forEach((m, i) => {
    const list = byGrid.get(m.parentCode);
    if (list) list.push(i);
    else byGrid.set(m.parentCode, [i]);
  });
  const nearest = new Int32Array(microgrids.length).fill(-1);
  for (const siblings of byGrid.values()) {
    for (const i of siblings) {
      let best = Infinity;
      for (const j of siblings) {
        if (j === i) continue;
        const d = ((centroids[i][0] - centroids[j][0]) * scale) ** 2 + (centroids[i][1] - centroids[j][1]) ** 2;
        if (d < best) {
          best = d;
          nearest[i] = j;
        }
      }
    }
  }
  return nearest;
}

/** Most workers were appointed when the network was built in 2023; later ones replaced someone. */
function sinceDate(random: Random): string {
  if (random.chance(0.85)) return dateOfYear(2023, random.int(60, 365));
  const year = random.chance(0.55) ? 2024 : 2025;
  return dateOfYear(year, random.int(1, year === 2024 ? 366 : 334));
}
