/**
 * How many grids and micro-grids each unit gets: apportioned top-down by households (subdistricts,
 * then the communities of each), Hamilton's largest-remainder method, so the district totals come out
 * exactly (DOMAIN.md §9: 337 grids, 2,589 micro-grids).
 */

/**
 * Hamilton's largest-remainder apportionment of `total` seats by `weights`, every item getting at
 * least `minimum`: quotas are floored, the remaining seats go to the largest fractional parts (ties
 * to the earlier item), then items below the minimum take seats from those furthest above quota.
 */
export function largestRemainder(total: number, weights: number[], minimum: number | number[] = 0): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const floors = weights.map((_, i) => (typeof minimum === 'number' ? minimum : minimum[i]));
  if (total < floors.reduce((a, b) => a + b, 0)) throw new Error(`cannot give ${weights.length} items their minimum out of ${total}`);
  const quotas = weights.map((w) => (sum === 0 ? total / weights.length : (total * w) / sum));
  const seats = quotas.map(Math.floor);
  let left = total - seats.reduce((a, b) => a + b, 0);
  const byRemainder = [...quotas.keys()].sort((a, b) => quotas[b] - seats[b] - (quotas[a] - seats[a]) || a - b);
  for (const i of byRemainder) {
    if (left === 0) break;
    seats[i]++;
    left--;
  }
  for (let i = 0; i < seats.length; i++) {
    while (seats[i] < floors[i]) {
      let donor = -1;
      for (let j = 0; j < seats.length; j++) {
        if (seats[j] > floors[j] && (donor === -1 || seats[j] - quotas[j] > seats[donor] - quotas[donor])) donor = j;
      }
      seats[donor]--;
      seats[i]++;
    }
  }
  return seats;
}

export interface Apportionment {
  gridsOfCommunity: number[];
  microgridsOfCommunity: number[];
}

/**
 * Grids to subdistricts by households (at least one per community), micro-grids to subdistricts by
 * households (at least one per grid); then each subdistrict's grids and micro-grids to its
 * communities the same way.
 */
export function apportion(
  totalGrids: number,
  totalMicrogrids: number,
  subdistrictOfCommunity: number[],
  households: number[],
): Apportionment {
  const subdistricts = Math.max(...subdistrictOfCommunity) + 1;
  const communitiesOf = Array.from({ length: subdistricts }, (_, s) => subdistrictOfCommunity.flatMap((sub, c) => (sub === s ? [c] : [])));
  const subdistrictHouseholds = communitiesOf.map((list) => list.reduce((sum, c) => sum + households[c], 0));
  const grids = largestRemainder(
    totalGrids,
    subdistrictHouseholds,
    communitiesOf.map((list) => list.length),
  );
  const microgrids = largestRemainder(totalMicrogrids, subdistrictHouseholds, grids);
  const result: Apportionment = { gridsOfCommunity: [], microgridsOfCommunity: [] };
  communitiesOf.forEach((list, s) => {
    const weights = list.map((c) => households[c]);
    const communityGrids = largestRemainder(grids[s], weights, 1);
    const communityMicrogrids = largestRemainder(microgrids[s], weights, communityGrids);
    list.forEach((c, k) => {
      result.gridsOfCommunity[c] = communityGrids[k];
      result.microgridsOfCommunity[c] = communityMicrogrids[k];
    });
  });
  return result;
}
