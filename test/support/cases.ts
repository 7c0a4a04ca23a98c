import type { LightMyRequestResponse } from 'fastify';
import { systemActor } from '../../src/platform/authz/actor.ts';
import type { Platform } from '../../src/platform/context.ts';
import { installCaseDefaults } from '../../src/modules/cases/commands/installCaseDefaults.ts';
import { makeUser, makeWorld } from './factories.ts';
import { as, signIn, type TestServer } from './server.ts';

/** A leaf category of the default catalogue and one of its filing conditions (暴露垃圾, 1 working day). */
export const EXPOSED_RUBBISH = { category: '0101', condition: '010101' };

/**
 * The registry's test world with what cases need: the default catalogue and calendars, grid staff
 * for the home grid, and staff of the second department.
 */
export async function makeCaseWorld(platform: Platform) {
  const world = await makeWorld(platform);
  await installCaseDefaults(platform, { actor: systemActor('test'), requestId: null }, world.codes.district);
  const users = {
    ...world.users,
    gridStaff: await makeUser(platform, { role: 'grid_staff', scopeCode: world.codes.homeGrid }),
    otherDepartment: await makeUser(platform, { role: 'department_staff', scopeCode: world.codes.otherDepartment }),
    leader: await makeUser(platform, { role: 'leader', scopeCode: world.codes.district }),
  };
  return { ...world, users };
}

export type CaseWorld = Awaited<ReturnType<typeof makeCaseWorld>>;

/** Signed-in callers by the world's user names, and shortcuts to report and act on cases. */
export async function caseCallers(server: TestServer, world: CaseWorld) {
  const tokens = Object.fromEntries(
    await Promise.all(Object.entries(world.users).map(async ([key, user]) => [key, await signIn(server, user.username)] as const)),
  ) as Record<keyof CaseWorld['users'], string>;
  const call = (who: keyof CaseWorld['users']) => as(server, tokens[who]);
  return {
    call,
    /** Reports a case in the home micro-grid as `who` (a worker by default). */
    async report(who: keyof CaseWorld['users'] = 'worker', fields: Record<string, unknown> = {}): Promise<{ id: string; version: number }> {
      const response = await call(who)('POST', '/api/cases', {
        categoryCode: EXPOSED_RUBBISH.category,
        description: '小区门口垃圾堆积，无人清运',
        areaCode: world.codes.homeMicrogrid,
        address: '建设路12号门口',
        ...fields,
      });
      if (response.statusCode !== 201) throw new Error(`report failed: ${response.statusCode} ${response.body}`);
      return response.json();
    },
    /** Takes an action on the case's current version as `who`; returns the raw answer. */
    async act(who: keyof CaseWorld['users'], caseId: string, action: string, fields: Record<string, unknown> = {}): Promise<LightMyRequestResponse> {
      const current = await call('admin')('GET', `/api/cases/${caseId}`);
      return call(who)('POST', `/api/cases/${caseId}/actions`, { action, version: current.json().version, ...fields });
    },
  };
}
