import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../support/databases.ts';
import { makeUnit, makeUser, makeWorld, residentIdNumber, type World } from '../../support/factories.ts';
import { as, countRows, signIn, startTestServer, type TestServer } from '../../support/server.ts';

/**
 * Office staff keep the registry true: they register households, correct them, move them between
 * micro-grids, and decide who looks after each micro-grid. The worker's account follows.
 */
describe.each(DATABASES)('editing the registry on %s', (kind) => {
  let server: TestServer;
  let world: World;
  let staff: ReturnType<typeof as>;
  /** A second micro-grid in the home grid, next door to the home one. */
  const NEXT_DOOR = '41080400100100102';

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeWorld(server.platform);
    await makeUnit(server.platform, NEXT_DOOR, '二号微网格');
    const community = await makeUser(server.platform, { role: 'community_admin', scopeCode: world.codes.homeCommunity });
    staff = as(server, await signIn(server, community.username));
  });
  afterAll(() => server?.dispose());

  const newFamily = (number: number) => ({
    microgridCode: NEXT_DOOR,
    address: `和平街${number}号`,
    members: [
      {
        name: '赵秀英',
        gender: 'female',
        birthDate: '1950-02-03',
        idNumber: residentIdNumber('19500203', number, 'female'),
        phone: `1370391${String(number).padStart(4, '0')}`,
        tags: ['living_alone', 'elderly'],
      },
    ],
  });

  it('registers a household and answers it masked', async () => {
    const response = await staff('POST', '/api/people/households', newFamily(11));
    expect(response.statusCode).toBe(201);
    const household = response.json();
    expect(household).toMatchObject({ microgridCode: NEXT_DOOR, address: '和平街11号', version: 1 });
    expect(household.members[0]).toMatchObject({ name: '赵*英', phone: '137****0011', tags: ['living_alone', 'elderly'] });
  });

  it('refuses a mistyped ID number and a short phone with every problem listed, and writes nothing', async () => {
    const bad = newFamily(12);
    bad.members[0].idNumber = bad.members[0].idNumber.slice(0, 17) + (bad.members[0].idNumber.endsWith('1') ? '2' : '1');
    bad.members[0].phone = '1370391';
    const [households, audit] = [await countRows(server, 'household'), await countRows(server, 'audit_record')];
    const response = await staff('POST', '/api/people/households', bad);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('people.invalid_resident');
    expect(response.json().error.details.problems.map((p: { field: string }) => p.field)).toEqual(['idNumber', 'phone']);
    expect(await countRows(server, 'household')).toBe(households);
    expect(await countRows(server, 'audit_record')).toBe(audit);
  });

  it('refuses a gender or birth date that contradicts the ID number, and takes a blank birth date from it', async () => {
    const man = newFamily(14);
    man.members[0].gender = 'male';
    const refused = await staff('POST', '/api/people/households', man);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details.problems.map((p: { field: string }) => p.field)).toEqual(['gender']);
    const family = newFamily(15);
    const { birthDate: _blank, ...undatedMember } = family.members[0];
    const undated = { ...family, members: [undatedMember] };
    const registered = await staff('POST', '/api/people/households', undated);
    expect(registered.json().members[0].birthYear).toBe(1950);
  });

  it('refuses a second registration of the same ID number without saying where the first one lives', async () => {
    const response = await staff('POST', '/api/people/households', { ...newFamily(11), address: '别处1号' });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ code: 'people.duplicate_id_number' });
    expect(response.body).not.toContain('和平街');
  });

  it('an address names one household in its micro-grid: a second one there is refused, on registering and on moving', async () => {
    const taken = await staff('POST', '/api/people/households', { ...newFamily(16), address: '和平街11号' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('people.duplicate_address');
    const elsewhere = (
      await staff('POST', '/api/people/households', { ...newFamily(17), microgridCode: world.codes.homeMicrogrid, address: '和平街11号' })
    ).json();
    const move = await staff('PATCH', `/api/people/households/${elsewhere.id}`, { version: elsewhere.version, microgridCode: NEXT_DOOR });
    expect(move.statusCode).toBe(409);
    expect((await staff('GET', `/api/people/households/${elsewhere.id}`)).json().microgridCode).toBe(world.codes.homeMicrogrid);
  });

  it('corrects an address with the version it read, and a stale version gets 409', async () => {
    const household = (await staff('POST', '/api/people/households', newFamily(13))).json();
    const corrected = await staff('PATCH', `/api/people/households/${household.id}`, { version: 1, address: '和平街13号附1号' });
    expect(corrected.json()).toMatchObject({ address: '和平街13号附1号', version: 2 });
    const stale = await staff('PATCH', `/api/people/households/${household.id}`, { version: 1, address: '和平街14号' });
    expect(stale.statusCode).toBe(409);
    expect((await staff('GET', `/api/people/households/${household.id}`)).json().address).toBe('和平街13号附1号');
  });

  it('moves a household with its members to the micro-grid next door; the old worker no longer sees it', async () => {
    const worker = as(server, await signIn(server, world.users.worker.username));
    const { household } = world.homeHousehold;
    expect((await worker('GET', `/api/people/households/${household.id}`)).statusCode).toBe(200);
    const moved = await staff('PATCH', `/api/people/households/${household.id}`, { version: household.version, microgridCode: NEXT_DOOR });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().microgridCode).toBe(NEXT_DOOR);
    expect(moved.json().members.every((m: { microgridCode: string }) => m.microgridCode === NEXT_DOOR)).toBe(true);
    expect((await worker('GET', `/api/people/households/${household.id}`)).statusCode).toBe(404);
    const record = await lastAudit();
    expect(record).toMatchObject({ action: 'people.move_household', object_id: household.id });
    expect(JSON.parse(record.summary)).toEqual({ from: world.codes.homeMicrogrid, to: NEXT_DOOR });
    // and back, so the other tests find the family where makeWorld put it
    await staff('PATCH', `/api/people/households/${household.id}`, {
      version: household.version + 1,
      microgridCode: world.codes.homeMicrogrid,
    });
  });

  it('refuses to move a household into another subdistrict and leaves it where it was', async () => {
    const home = as(server, await signIn(server, world.users.home.username));
    const { household } = world.homeHousehold;
    const current = (await home('GET', `/api/people/households/${household.id}`)).json();
    const response = await home('PATCH', `/api/people/households/${household.id}`, {
      version: current.version,
      microgridCode: world.codes.foreignMicrogrid,
    });
    expect(response.statusCode).toBe(403);
    expect((await home('GET', `/api/people/households/${household.id}`)).json()).toEqual(current);
  });

  it("corrects a resident's phone; the audit names the field, never the number", async () => {
    const son = world.homeHousehold.residents[1];
    const before = (await staff('GET', `/api/people/residents/${son.id}`)).json();
    const response = await staff('PATCH', `/api/people/residents/${son.id}`, { version: before.version, phone: '138 0391 9999' });
    expect(response.json()).toMatchObject({ phone: '138****9999', version: before.version + 1 });
    const record = await lastAudit();
    expect(record).toMatchObject({ action: 'people.update_resident', object_id: son.id });
    expect(JSON.parse(record.summary)).toEqual({ fields: ['phone'] });
    const revealed = await staff('POST', `/api/people/residents/${son.id}/reveal`, { fields: ['phone', 'idNumber'], reason: '核对更正' });
    expect(revealed.json()).toEqual({ phone: '13803919999', idNumber: residentIdNumber('19750701', 1, 'male') });
  });

  it('refuses a new gender that contradicts the ID number on record', async () => {
    const son = world.homeHousehold.residents[1];
    const before = (await staff('GET', `/api/people/residents/${son.id}`)).json();
    const response = await staff('PATCH', `/api/people/residents/${son.id}`, { version: before.version, gender: 'female' });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.details.problems).toEqual([{ field: 'gender', problem: "the ID number is a man's" }]);
  });

  it('adds a member to a household', async () => {
    const { household } = world.homeHousehold;
    const response = await staff('POST', `/api/people/households/${household.id}/members`, {
      name: '李小明',
      gender: 'male',
      birthDate: '2015-09-01',
    });
    expect(response.statusCode).toBe(201);
    expect((await staff('GET', `/api/people/households/${household.id}`)).json().members.map((m: { name: string }) => m.name)).toContain(
      '李*明',
    );
  });

  describe('workers', () => {
    it('suggests people who live in the micro-grid first, then the neighbours, only adults of working age', async () => {
      const response = await staff('GET', `/api/people/microgrids/${world.codes.homeMicrogrid}/worker-candidates`);
      const candidates = response.json().items;
      // the son (51, Party member) lives here; the grandmother (78) and the boy (11) are not asked; 赵秀英 (76) neither
      expect(candidates[0]).toMatchObject({ residentId: world.homeHousehold.residents[1].id, livesIn: world.codes.homeMicrogrid, age: 51 });
      expect(candidates[0].reasons).toEqual(['lives_here', 'party_member', 'prime_age']);
      expect(candidates.map((c: { residentId: string }) => c.residentId)).not.toContain(world.homeHousehold.residents[0].id);
      expect(candidates.every((c: { age: number }) => c.age >= 25 && c.age <= 70)).toBe(true);
    });

    it("makes a resident the worker, links the worker's account, and the account sees exactly what they serve", async () => {
      const son = world.homeHousehold.residents[1];
      const account = await makeUser(server.platform, { role: 'microgrid_worker', microgrids: [NEXT_DOOR] });
      const response = await staff('POST', '/api/people/workers', {
        residentId: son.id,
        microgridCode: world.codes.homeMicrogrid,
        username: account.username,
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({
        residentId: son.id,
        microgrids: [world.codes.homeMicrogrid],
        hasAccount: true,
        name: '李*国',
      });
      const worker = as(server, await signIn(server, account.username));
      expect((await worker('GET', `/api/people/households?unit=${world.codes.homeMicrogrid}`)).statusCode).toBe(200);
      expect((await worker('GET', `/api/people/households?unit=${NEXT_DOOR}`)).statusCode).toBe(404);

      // the neighbouring micro-grid is handed to him as well
      expect((await staff('POST', '/api/people/workers', { residentId: son.id, microgridCode: NEXT_DOOR })).json().microgrids).toEqual([
        world.codes.homeMicrogrid,
        NEXT_DOOR,
      ]);
      expect((await worker('GET', `/api/people/households?unit=${NEXT_DOOR}`)).statusCode).toBe(200);
      const listed = (await staff('GET', `/api/people/workers?unit=${world.codes.homeGrid}`)).json().items;
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ residentId: son.id, livesIn: world.codes.homeMicrogrid });
      expect(listed[0].phone).toMatch(/\*\*\*\*/);
    });

    it('a micro-grid has one worker: a second is refused unless the micro-grid is handed over', async () => {
      const newcomer = (
        await staff('POST', '/api/people/households', {
          ...newFamily(21),
          members: [{ name: '周建华', gender: 'male', birthDate: '1980-05-05', phone: '13603910021' }],
        })
      ).json();
      const residentId = newcomer.members[0].id;
      const refused = await staff('POST', '/api/people/workers', { residentId, microgridCode: NEXT_DOOR });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('people.microgrid_has_worker');
      const handed = await staff('POST', '/api/people/workers', { residentId, microgridCode: NEXT_DOOR, replace: true });
      expect(handed.statusCode).toBe(201);
      const workers = (await staff('GET', `/api/people/workers?unit=${world.codes.homeGrid}`)).json().items;
      const served = Object.fromEntries(workers.map((w: { residentId: string; microgrids: string[] }) => [w.residentId, w.microgrids]));
      expect(served).toEqual({ [world.homeHousehold.residents[1].id]: [world.codes.homeMicrogrid], [residentId]: [NEXT_DOOR] });
    });

    it('the database itself keeps one worker per micro-grid, for writers that race past the check', async () => {
      const second = server.platform.database.db
        .insertInto('worker_microgrid')
        .values({ resident_id: world.homeHousehold.residents[1].id, microgrid_code: NEXT_DOOR, since: '2026-11-01' })
        .execute();
      await expect(second).rejects.toThrow(/unique/i);
    });

    it('unassigning the last micro-grid ends the service: the account sees nothing, the summary counts a gap', async () => {
      const son = world.homeHousehold.residents[1];
      const before = (await staff('GET', '/api/org/summary')).json();
      const response = await staff('DELETE', `/api/people/workers/${son.id}/microgrids/${world.codes.homeMicrogrid}`);
      expect(response.statusCode).toBe(204);
      const after = (await staff('GET', '/api/org/summary')).json();
      expect(after).toMatchObject({ workers: before.workers - 1, microgridsWithoutWorker: before.microgridsWithoutWorker + 1 });
      const account = await server.platform.database.db
        .selectFrom('worker')
        .select('resident_id')
        .where('resident_id', '=', son.id)
        .executeTakeFirst();
      expect(account).toBeUndefined();
      expect((await staff('DELETE', `/api/people/workers/${son.id}/microgrids/${world.codes.homeMicrogrid}`)).statusCode).toBe(404);
    });

    it('a worker cannot assign workers', async () => {
      const worker = as(server, await signIn(server, world.users.worker.username));
      const response = await worker('POST', '/api/people/workers', {
        residentId: world.homeHousehold.residents[1].id,
        microgridCode: world.codes.homeMicrogrid,
      });
      expect(response.statusCode).toBe(403);
    });
  });

  async function lastAudit() {
    return server.platform.database.db.selectFrom('audit_record').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
  }
});
