import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../support/databases.ts';
import { makeHousehold, makeUnit, makeWorld, type World } from '../../support/factories.ts';
import { as, signIn, startTestServer, type TestServer } from '../../support/server.ts';

// Pages of the registry run in (micro-grid, id) order, the order of the (microgrid_code, id) index,
// with the last id as the cursor (people.repository.ts): walking every page must give every row once.
describe.each(DATABASES)('registry pages across micro-grids on %s', (kind) => {
  let server: TestServer;
  let world: World;
  const NEXT_DOOR = '41080400100100102';

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeWorld(server.platform);
    await makeUnit(server.platform, NEXT_DOOR);
    // Households in both micro-grids, created interleaved so ids do not follow the micro-grids.
    for (let n = 10; n < 16; n++) await makeHousehold(server.platform, n % 2 ? world.codes.homeMicrogrid : NEXT_DOOR, n);
  });
  afterAll(() => server?.dispose());

  async function walk(url: string, token: string): Promise<{ id: string; microgridCode: string }[]> {
    const get = as(server, token);
    const seen: { id: string; microgridCode: string }[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const response = await get('GET', `${url}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json() as { items: { id: string; microgridCode: string }[]; nextCursor: string | null };
      seen.push(...page.items.map(({ id, microgridCode }) => ({ id, microgridCode })));
      if (!page.nextCursor) return seen;
      cursor = page.nextCursor;
    }
    throw new Error('pagination did not end');
  }

  const inOrder = (rows: { id: string; microgridCode: string }[]) =>
    [...rows].sort((a, b) => (a.microgridCode !== b.microgridCode ? (a.microgridCode < b.microgridCode ? -1 : 1) : a.id < b.id ? -1 : 1));

  it('residents of a subdistrict, three a page: every one once, by micro-grid then id', async () => {
    const token = await signIn(server, world.users.admin.username);
    const residents = await walk(`/api/people/residents?unit=${world.codes.home}&limit=3`, token);
    expect(residents).toHaveLength(14); // the world's household and six more, two people each
    expect(new Set(residents.map((r) => r.id)).size).toBe(14);
    expect(residents).toEqual(inOrder(residents));
    expect(new Set(residents.map((r) => r.microgridCode))).toEqual(new Set([world.codes.homeMicrogrid, NEXT_DOOR]));
  });

  it('households of a grid, two a page, as its subdistrict admin: every one once, in the same order', async () => {
    const token = await signIn(server, world.users.home.username);
    const households = await walk(`/api/people/households?unit=${world.codes.homeGrid}&limit=2`, token);
    expect(households).toHaveLength(7);
    expect(households).toEqual(inOrder(households));
  });

  it('a cursor that names no row ends the listing', async () => {
    const token = await signIn(server, world.users.admin.username);
    const page = (await as(server, token)('GET', `/api/people/residents?unit=${world.codes.home}&after=nobody`)).json();
    expect(page).toEqual({ items: [], nextCursor: null });
  });
});
