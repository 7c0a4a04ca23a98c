import type { Platform } from '../../src/platform/context.ts';
import { makeUser, makeWorld } from './factories.ts';
import { as, signIn, type TestServer } from './server.ts';

/** An errand as a worker logs it from their phone (promised two days after the platform's now). */
export function errandBody(platform: Platform, householdId: string, fields: Record<string, unknown> = {}) {
  return {
    householdId,
    kind: 'medicine',
    what: '代购降压药两盒',
    promisedBy: new Date(platform.clock.now().getTime() + 2 * 86_400_000).toISOString(),
    ...fields,
  };
}

/**
 * An errand logged by a worker of `microgridCode` (an account made for it) for `householdId`, e.g.
 * the route-table world's foreign household: its id.
 */
export async function makeErrandIn(server: TestServer, microgridCode: string, householdId: string): Promise<string> {
  const worker = await makeUser(server.platform, { role: 'microgrid_worker', microgrids: [microgridCode] });
  const response = await as(server, await signIn(server, worker.username))(
    'POST',
    '/api/errands',
    errandBody(server.platform, householdId),
  );
  if (response.statusCode !== 201) throw new Error(`logging an errand failed: ${response.statusCode} ${response.body}`);
  return response.json().id;
}

/**
 * The registry's test world with what errands need: grid staff of the home grid, a second worker
 * of the home micro-grid, and a worker of the foreign one.
 */
export async function makeErrandWorld(platform: Platform) {
  const world = await makeWorld(platform);
  const users = {
    ...world.users,
    gridStaff: await makeUser(platform, { role: 'grid_staff', scopeCode: world.codes.homeGrid }),
    otherWorker: await makeUser(platform, { role: 'microgrid_worker', microgrids: [world.codes.homeMicrogrid] }),
    foreignWorker: await makeUser(platform, { role: 'microgrid_worker', microgrids: [world.codes.foreignMicrogrid] }),
    leader: await makeUser(platform, { role: 'leader', scopeCode: world.codes.district }),
  };
  return { ...world, users };
}

export type ErrandWorld = Awaited<ReturnType<typeof makeErrandWorld>>;
