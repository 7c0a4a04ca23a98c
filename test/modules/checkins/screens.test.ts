import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBuildingOfElders } from '../../support/checkinBuildings.ts';
import { checkinCallers, makeCheckinWorld, MONDAY_5AM, monday, type CheckinWorld } from '../../support/checkins.ts';
import { fakeClock, type FakeClock } from '../../support/clock.ts';
import { DATABASES } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

/**
 * What the worker's H5 list needs from `GET /api/checkins/today`: each person's building (to tick a
 * whole building off with "all seen" and to navigate there) and their registry record (to call them
 * through the people module's audited reveal).
 */
describe.each(DATABASES)('the worker’s list for the screens on %s', (kind) => {
  let server: TestServer;
  let clock: FakeClock;
  let world: CheckinWorld;
  let call: Awaited<ReturnType<typeof checkinCallers>>;
  let building: { buildingId: string; residentIds: string[] };

  beforeAll(async () => {
    clock = fakeClock(MONDAY_5AM);
    server = await startTestServer(kind, {}, { clock });
    world = await makeCheckinWorld(server.platform);
    building = await makeBuildingOfElders(server.platform, {
      id: 'b-heping-3',
      microgridCode: world.codes.homeMicrogrid,
      address: '和平街3号楼',
      position: [113.305, 35.265],
      names: ['钱秀兰', '冯桂香'],
      n: 20,
    });
    call = await checkinCallers(server, world);
    for (const residentId of [...building.residentIds, world.elders['王秀英'].id]) {
      const response = await call('gridStaff')('POST', '/api/checkins/subjects', { residentId });
      expect(response.statusCode, response.body).toBe(201);
    }
  });
  afterAll(() => server?.dispose());

  it('names each person’s building, its place and their registry record; “all seen” with that building ticks both', async () => {
    clock.set(monday('07:00'));
    const list = (await call('worker')('GET', '/api/checkins/today')).json();
    const inBuilding = list.items.filter((item: { buildingId: string | null }) => item.buildingId === building.buildingId);
    expect(inBuilding.map((item: { residentId: string }) => item.residentId).sort()).toEqual([...building.residentIds].sort());
    expect(inBuilding[0]).toMatchObject({ buildingAddress: '和平街3号楼', lng: 113.305, lat: 35.265, state: 'waiting' });
    const alone = list.items.find((item: { residentId: string }) => item.residentId === world.elders['王秀英'].id);
    expect(alone).toMatchObject({ buildingId: null, buildingAddress: null, lng: null });

    const ticked = await server.app.inject({
      method: 'POST',
      url: '/api/checkins/ticks',
      headers: { authorization: `Bearer ${call.token('worker')}`, 'idempotency-key': 'all-seen-b-heping-3' },
      payload: { buildingIds: [building.buildingId] },
    });
    expect(ticked.statusCode, ticked.body).toBe(200);
    expect(ticked.json().ticks.map((t: { effect: string }) => t.effect)).toEqual(['safe', 'safe']);
    const after = (await call('worker')('GET', '/api/checkins/today')).json();
    const states = Object.fromEntries(after.items.map((item: { residentId: string; state: string }) => [item.residentId, item.state]));
    expect(states).toEqual({
      [building.residentIds[0]]: 'safe',
      [building.residentIds[1]]: 'safe',
      [world.elders['王秀英'].id]: 'waiting',
    });
  });
});
