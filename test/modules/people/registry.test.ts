import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../../support/databases.ts';
import { makeUser, makeWorld, residentIdNumber, type World } from '../../support/factories.ts';
import { as, signIn, startTestServer, type TestServer } from '../../support/server.ts';

/** The grandmother's, from makeWorld's home household. */
const ID_NUMBER = residentIdNumber('19480312', 1, 'female');

describe.each(DATABASES)('the people registry on %s', (kind) => {
  let server: TestServer;
  let world: World;
  let home: ReturnType<typeof as>;
  let worker: ReturnType<typeof as>;
  let grandmother: { id: string };

  beforeAll(async () => {
    server = await startTestServer(kind);
    world = await makeWorld(server.platform);
    home = as(server, await signIn(server, world.users.home.username));
    worker = as(server, await signIn(server, world.users.worker.username));
    grandmother = world.homeHousehold.residents[0];
  });
  afterAll(() => server?.dispose());

  it('shows households with their members masked by default', async () => {
    const page = (await home('GET', `/api/people/households?unit=${world.codes.homeMicrogrid}`)).json();
    expect(page.items).toHaveLength(1);
    expect(page.items[0].members[0]).toMatchObject({
      name: '张*兰',
      idNumber: `410804********${ID_NUMBER.slice(-4)}`,
      phone: '139****0001',
      hasHealthNotes: true,
      tags: ['elderly'],
      birthYear: 1948,
    });
    expect(JSON.stringify(page)).not.toContain('高血压');
  });

  it('finds a resident by exact ID number (however typed) or by a fragment of the name', async () => {
    const byId = (
      await home(
        'GET',
        `/api/people/residents?idNumber=${encodeURIComponent(`${ID_NUMBER.slice(0, 6)} ${ID_NUMBER.slice(6, 14)} ${ID_NUMBER.slice(14)}`)}`,
      )
    ).json();
    expect(byId.items.map((r: { id: string }) => r.id)).toEqual([grandmother.id]);
    const byName = (await home('GET', `/api/people/residents?q=${encodeURIComponent('桂兰')}`)).json();
    expect(byName.items.map((r: { id: string }) => r.id)).toContain(grandmother.id);
    expect(byName.items.every((r: { microgridCode: string }) => r.microgridCode.startsWith(world.codes.home))).toBe(true);
  });

  it('a reveal shows the data to a role that needs it and leaves an audit record without the data', async () => {
    const revealed = await home('POST', `/api/people/residents/${grandmother.id}/reveal`, {
      fields: ['idNumber', 'healthNotes'],
      reason: '核实低保申请',
    });
    expect(revealed.json()).toEqual({ idNumber: ID_NUMBER, healthNotes: '高血压，需定期服药' });
    const record = await server.platform.database.db
      .selectFrom('audit_record')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(record).toMatchObject({ action: 'people.reveal', object_id: grandmother.id, actor_label: `user:${world.users.home.username}` });
    expect(JSON.parse(record.summary)).toEqual({ fields: ['idNumber', 'healthNotes'], reason: '核实低保申请' });
    expect(record.summary).not.toContain(ID_NUMBER);
  });

  it('a worker may reveal a phone number in their own micro-grid to call, but not the ID number', async () => {
    expect(
      (await worker('POST', `/api/people/residents/${grandmother.id}/reveal`, { fields: ['phone'], reason: '上门前电话联系' })).json(),
    ).toEqual({
      phone: '13903910001',
    });
    expect(
      (await worker('POST', `/api/people/residents/${grandmother.id}/reveal`, { fields: ['idNumber'], reason: '好奇' })).statusCode,
    ).toBe(403);
  });

  it("a worker reading another micro-grid's residents gets 404, and so does department staff", async () => {
    const foreignResident = world.foreignHousehold.residents[0].id;
    expect((await worker('GET', `/api/people/residents/${foreignResident}`)).statusCode).toBe(404);
    expect((await worker('GET', `/api/people/households?unit=${world.codes.foreignMicrogrid}`)).statusCode).toBe(404);
    const otherWorker = await makeUser(server.platform, { role: 'microgrid_worker', microgrids: [world.codes.foreignMicrogrid] });
    const other = as(server, await signIn(server, otherWorker.username));
    expect((await other('GET', `/api/people/residents/${grandmother.id}`)).statusCode).toBe(404);
    const department = as(server, await signIn(server, world.users.department.username));
    expect((await department('GET', `/api/people/households?unit=${world.codes.homeMicrogrid}`)).statusCode).toBe(404);
    expect((await department('GET', '/api/people/residents')).statusCode).toBe(403);
  });

  it('stores no ID number, phone or health note in clear in any column of the resident table', async () => {
    const rows = JSON.stringify(await server.platform.database.db.selectFrom('resident').selectAll().execute());
    expect(rows).toContain('张桂兰'); // the rows are there
    for (const clear of [ID_NUMBER, '13903910001', '高血压']) expect(rows).not.toContain(clear);
  });

  it('summarises the scope: units of every level, households, residents, micro-grids without a worker', async () => {
    const admin = as(server, await signIn(server, world.users.admin.username));
    expect((await admin('GET', '/api/org/summary')).json()).toEqual({
      district: 1,
      subdistrict: 2,
      community: 2,
      grid: 2,
      microgrid: 2,
      workers: 0,
      households: 2,
      residents: 4,
      microgridsWithoutWorker: 2,
    });
    expect((await worker('GET', '/api/org/summary')).json()).toMatchObject({ district: 0, microgrid: 1, households: 1, residents: 2 });
  });

  it('summarises one unit of the scope, and only the part of it inside the scope', async () => {
    const admin = as(server, await signIn(server, world.users.admin.username));
    expect((await admin('GET', `/api/org/summary?unit=${world.codes.home}`)).json()).toMatchObject({
      district: 0,
      subdistrict: 1,
      microgrid: 1,
      households: 1,
      residents: 2,
    });
    expect((await worker('GET', `/api/org/summary?unit=${world.codes.homeMicrogrid}`)).json()).toMatchObject({
      microgrid: 1,
      households: 1,
    });
    expect((await worker('GET', `/api/org/summary?unit=${world.codes.homeGrid}`)).statusCode).toBe(404);
    expect((await home('GET', `/api/org/summary?unit=${world.codes.foreign}`)).statusCode).toBe(404);
  });
});

describe('the embedded database file', () => {
  it('holds no ID number or health note in clear', async () => {
    const server = await startTestServer('sqlite');
    try {
      await makeWorld(server.platform);
      server.platform.database.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
      const bytes = readFileSync(join(server.scratch.dataDir, 'wangge.sqlite'));
      expect(bytes.includes(Buffer.from(ID_NUMBER))).toBe(false);
      expect(bytes.includes(Buffer.from('高血压'))).toBe(false);
      expect(bytes.includes(Buffer.from('张桂兰'))).toBe(true); // names stay searchable; they are masked on the way out
    } finally {
      await server.dispose();
    }
  });
});
