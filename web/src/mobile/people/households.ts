import { api, ApiError } from '../../shared/api.ts';
import type { CursorPage, Household, MaskedResident, ResidentTag } from '../../shared/model.ts';

/** Households per page of the scrolling list: a screen and a half on a phone. */
export const PAGE_SIZE = 20;
/** The API's page-size cap, for the search, which wants a whole micro-grid (20-30 households, DOMAIN.md §3). */
const FULL_PAGE = 200;
/** A micro-grid never holds this many pages of households; the cap keeps a bad cursor from looping forever. */
const MAX_PAGES = 10;

export function householdsPage(unit: string, after: string | null, limit = PAGE_SIZE): Promise<CursorPage<Household>> {
  const query = new URLSearchParams({ unit, limit: String(limit) });
  if (after) query.set('after', after);
  return api.get<CursorPage<Household>>(`/api/people/households?${query}`);
}

/**
 * Every household of a micro-grid, a few large pages at most. There is no "households matching"
 * endpoint yet, so the search resolves the matching residents' households from this.
 */
export async function allHouseholds(unit: string): Promise<{ households: Household[]; complete: boolean }> {
  const households: Household[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer: CursorPage<Household> = await householdsPage(unit, after, FULL_PAGE);
    households.push(...answer.items);
    if (answer.nextCursor === null) return { households, complete: true };
    after = answer.nextCursor;
  }
  return { households, complete: false };
}

/**
 * Households of `unit` with a member whose name, or whose address, contains `text`. Names are
 * masked on the way out, so the match is the server's (`/api/people/residents?q=`); the matching
 * residents' households are then picked from the micro-grid's list, in its order.
 */
export async function searchHouseholds(unit: string, text: string): Promise<Household[]> {
  const query = new URLSearchParams({ unit, q: text, limit: String(FULL_PAGE) });
  const [matches, { households }] = await Promise.all([
    api.get<CursorPage<MaskedResident>>(`/api/people/residents?${query}`),
    allHouseholds(unit),
  ]);
  const ids = new Set(matches.items.map((resident) => resident.householdId));
  return households.filter((household) => ids.has(household.id));
}

/** The order tags are shown in: who needs looking after first. */
export const TAG_ORDER: readonly ResidentTag[] = ['living_alone', 'elderly', 'disabled', 'orphan', 'low_income', 'party_member'];

/** Elderly people living alone are the ones the curtain pact watches (DOMAIN.md §5): the list singles them out. */
export function livesAloneElderly(resident: MaskedResident): boolean {
  return resident.tags.includes('living_alone') && resident.tags.includes('elderly');
}

export function householdNeedsCare(household: Household): boolean {
  return household.members.some(livesAloneElderly);
}

/** A 404 here means "not in your micro-grids (or gone)": the server does not tell the two apart, on purpose. */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}
