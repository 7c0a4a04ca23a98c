import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepOverdueErrands } from '../../../src/modules/errands/commands/sweepOverdue.ts';
import { openPayload } from '../../../src/platform/notify/notify.sealed.ts';
import { fakeClock, type FakeClock } from '../../support/clock.ts';
import { DATABASES } from '../../support/databases.ts';
import { errandBody, makeErrandWorld, type ErrandWorld } from '../../support/errands.ts';
import { as, countRows, signIn, startTestServer, type TestServer } from '../../support/server.ts';

const PUBLIC_URL = 'https://wangge.example.cn';
const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * Errands (帮办代办) through the HTTP API: a worker logs one for a household of theirs, marks it
 * done, and the resident confirms — by the one-time link, or through the worker. Every refusal
 * changes nothing.
 */
describe.each(DATABASES)('errands on %s', (kind) => {
  let server: TestServer;
  let clock: FakeClock;
  let world: ErrandWorld;
  let tokens: Record<keyof ErrandWorld['users'], string>;

  beforeAll(async () => {
    clock = fakeClock();
    server = await startTestServer(kind, { PUBLIC_URL }, { clock });
    world = await makeErrandWorld(server.platform);
    await signInEveryone();
  });
  afterAll(() => server?.dispose());

  /** Sessions live 12 hours of the (fake) clock: after a jump, everyone signs in again. */
  async function signInEveryone() {
    tokens = Object.fromEntries(
      await Promise.all(Object.entries(world.users).map(async ([key, user]) => [key, await signIn(server, user.username)] as const)),
    ) as typeof tokens;
  }

  const call = (who: keyof ErrandWorld['users']) => as(server, tokens[who]);
  const home = () => world.homeHousehold.household.id;
  const elder = () => world.homeHousehold.residents[0].id;

  async function log(fields: Record<string, unknown> = {}, who: keyof ErrandWorld['users'] = 'worker') {
    const response = await call(who)('POST', '/api/errands', errandBody(server.platform, home(), { residentId: elder(), ...fields }));
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  }

  async function done(id: string, fields: Record<string, unknown> = {}) {
    const current = (await call('worker')('GET', `/api/errands/${id}`)).json();
    const response = await call('worker')('POST', `/api/errands/${id}/done`, { version: current.version, ...fields });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as {
      errand: { id: string; state: string; version: number };
      link: { path: string; url: string; expiresAt: string };
      smsQueued: boolean;
    };
  }

  const tokenOf = (path: string) => path.replace(/^\/e\//, '');
  const open = (path: string, headers: Record<string, string> = {}) =>
    server.app.inject({ method: 'GET', url: path, headers: { accept: 'text/html,application/xhtml+xml', ...headers } });
  const confirmByApi = (token: string, remoteAddress?: string) =>
    server.app.inject({ method: 'POST', url: `/api/errands/confirm/${token}`, ...(remoteAddress ? { remoteAddress } : {}) });
  const confirmByForm = (path: string) =>
    server.app.inject({
      method: 'POST',
      url: path,
      payload: 'confirm=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  async function snapshot() {
    return Promise.all(
      (['errand', 'errand_tally', 'audit_record', 'notify_outbox', 'idempotent_request'] as const).map((table) => countRows(server, table)),
    );
  }

  it('a worker logs an errand, marks it done, and the resident confirms by the link, once', async () => {
    const logged = await log();
    expect(logged).toMatchObject({
      householdId: home(),
      address: '幸福路1号',
      residentId: elder(),
      residentName: '张*兰',
      residentPhone: '139****0001',
      microgridCode: world.codes.homeMicrogrid,
      workerUserId: world.users.worker.id,
      workerName: world.users.worker.username,
      kind: 'medicine',
      what: '代购降压药两盒',
      state: 'logged',
      overdue: false,
      doneAt: null,
      version: 1,
    });

    const answer = await done(logged.id);
    expect(answer.errand).toMatchObject({ state: 'done', doneOnTime: true, version: 2 });
    expect(answer.link.path).toMatch(/^\/e\/[A-Za-z0-9_-]{43}$/);
    expect(answer.link.url).toBe(`${PUBLIC_URL}${answer.link.path}`);
    expect(answer.link.expiresAt).toBe(new Date(clock.now().getTime() + 7 * DAY * 1000).toISOString());
    expect(answer.smsQueued).toBe(false);
    const token = tokenOf(answer.link.path);

    // Only the token's SHA-256 is kept.
    const row = await server.platform.database.db.selectFrom('errand').selectAll().where('id', '=', logged.id).executeTakeFirstOrThrow();
    expect(row.link_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(token);

    // The page, without an account: what was done, and the button.
    const page = await open(answer.link.path);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('代购药品');
    expect(page.body).toContain('代购降压药两盒');
    expect(page.body).toContain(`action="${answer.link.path}"`);
    expect(page.body).not.toContain('张'); // nobody's name on a page anyone holding the link can open
    const asJson = await open(answer.link.path, { accept: 'application/json' });
    expect(asJson.json()).toMatchObject({ kind: 'medicine', kindName: '代购药品', state: 'done', confirmedAt: null });

    const confirmed = await confirmByApi(token);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ state: 'confirmed', confirmedAt: clock.now().toISOString() });

    // Single use: a second tap, the page and the form all say it is confirmed already.
    const before = await snapshot();
    const again = await confirmByApi(token);
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('errand.link_used');
    const used = await open(answer.link.path);
    expect(used.statusCode).toBe(410);
    expect(used.body).toContain('data-code="errand.link_used"');
    expect((await confirmByForm(answer.link.path)).statusCode).toBe(410);
    expect(await snapshot()).toEqual(before);

    const shown = (await call('worker')('GET', `/api/errands/${logged.id}`)).json();
    expect(shown).toMatchObject({ state: 'confirmed', confirmedVia: 'link', linkExpiresAt: null, version: 3 });

    // Audited, by the link, with nothing personal in any summary.
    const audit = await server.platform.database.db
      .selectFrom('audit_record')
      .selectAll()
      .where('object_id', '=', logged.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => [a.action, a.actor_label])).toEqual([
      ['errand.log', `user:${world.users.worker.username}`],
      ['errand.done', `user:${world.users.worker.username}`],
      ['errand.confirm', 'system:resident-link'],
    ]);
    for (const record of audit) {
      expect(record.summary).not.toContain('降压药');
      expect(record.summary).not.toContain(token);
    }
  });

  it('the page’s form confirms without any script, and leaves the JSON API refusing form bodies', async () => {
    const { link } = await done((await log()).id);
    const confirmed = await confirmByForm(link.path);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('已确认，谢谢');
    expect((await confirmByForm(link.path)).body).toContain('该事项已经确认过了');
    // The form parser belongs to /e/:token alone.
    const form = await server.app.inject({
      method: 'POST',
      url: '/api/errands',
      payload: 'householdId=x',
      headers: { authorization: `Bearer ${tokens.worker}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(415);
  });

  it('an expired link fails; a fresh link works and the old one is gone', async () => {
    const { errand, link } = await done((await log()).id);
    clock.advance(7 * DAY + 1);
    await signInEveryone();
    const before = await snapshot();
    const expired = await confirmByApi(tokenOf(link.path));
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe('errand.link_expired');
    const page = await open(link.path);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('链接已过期');
    expect(await snapshot()).toEqual(before);
    expect((await call('worker')('GET', `/api/errands/${errand.id}`)).json().state).toBe('done');

    const fresh = await call('worker')('POST', `/api/errands/${errand.id}/link`, { version: errand.version });
    expect(fresh.statusCode, fresh.body).toBe(200);
    const freshPath = fresh.json().link.path;
    expect(freshPath).not.toBe(link.path);
    expect((await confirmByApi(tokenOf(link.path))).json().error.code).toBe('errand.link_not_found');
    expect((await confirmByApi(tokenOf(freshPath))).statusCode).toBe(200);
  });

  it('a token nobody issued is 404, changes nothing, and too many of them from one address get 429', async () => {
    const before = await snapshot();
    const stranger = 'A'.repeat(43);
    const unknown = await confirmByApi(stranger, '203.0.113.7');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('errand.link_not_found');
    const page = await server.app.inject({ method: 'GET', url: `/e/${stranger}`, remoteAddress: '203.0.113.7' });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('链接无效');
    // Malformed is not found either, never a hint about the format.
    expect((await confirmByApi('short', '203.0.113.7')).json().error.code).toBe('errand.link_not_found');
    expect(await snapshot()).toEqual(before);

    for (let i = 3; i < 20; i++)
      expect((await confirmByApi(`${'B'.repeat(40)}${String(i).padStart(3, '0')}`, '203.0.113.7')).statusCode).toBe(404);
    const limited = await confirmByApi(stranger, '203.0.113.7');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('errand.link_rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not held back; a minute later this one is not either.
    expect((await confirmByApi(stranger, '203.0.113.8')).statusCode).toBe(404);
    clock.advance(61);
    expect((await confirmByApi(stranger, '203.0.113.7')).statusCode).toBe(404);
  });

  it('the worker records the resident’s confirmation instead; only they may', async () => {
    const { errand, link } = await done((await log()).id);
    // Grid staff follow it but do not work it; another worker of the same micro-grid does not see it.
    expect((await call('gridStaff')('GET', `/api/errands/${errand.id}`)).statusCode).toBe(200);
    const staff = await call('gridStaff')('POST', `/api/errands/${errand.id}/confirm`, { version: errand.version });
    expect([staff.statusCode, staff.json().error.code]).toEqual([403, 'auth.forbidden']);
    const other = await call('otherWorker')('POST', `/api/errands/${errand.id}/confirm`, { version: errand.version });
    expect([other.statusCode, other.json().error.code]).toEqual([404, 'errand.not_found']);
    expect((await call('foreign')('GET', `/api/errands/${errand.id}`)).statusCode).toBe(404);

    const confirmed = await call('worker')('POST', `/api/errands/${errand.id}/confirm`, { version: errand.version });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ state: 'confirmed', confirmedVia: 'worker', version: errand.version + 1 });
    // The link has nothing left to confirm.
    expect((await confirmByApi(tokenOf(link.path))).json().error.code).toBe('errand.link_used');
  });

  it('an errand for another micro-grid’s household is 404, and only workers log errands', async () => {
    const before = await snapshot();
    const foreign = await call('worker')('POST', '/api/errands', errandBody(server.platform, world.foreignHousehold.household.id));
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([404, 'household.not_found']);
    const nobody = await call('worker')('POST', '/api/errands', errandBody(server.platform, '01JZZZZZZZZZZZZZZZZZZZZZZZ'));
    expect(nobody.statusCode).toBe(404);
    const notMember = await call('worker')(
      'POST',
      '/api/errands',
      errandBody(server.platform, home(), { residentId: world.foreignHousehold.residents[0].id }),
    );
    expect([notMember.statusCode, notMember.json().error.code]).toEqual([422, 'errand.not_a_member']);
    const staff = await call('gridStaff')('POST', '/api/errands', errandBody(server.platform, home()));
    expect([staff.statusCode, staff.json().error.code]).toEqual([403, 'auth.forbidden']);
    expect(await snapshot()).toEqual(before);
  });

  it('a retry with the same Idempotency-Key creates one errand, even when racing', async () => {
    const body = errandBody(server.platform, home(), { kind: 'certificate', what: '代办身份证换领' });
    const post = (key: string, payload: unknown = body) =>
      server.app.inject({
        method: 'POST',
        url: '/api/errands',
        payload: payload as object,
        headers: { authorization: `Bearer ${tokens.worker}`, 'idempotency-key': key },
      });
    const before = await countRows(server, 'errand');
    const first = await post('phone-errand-0001');
    const retry = await post('phone-errand-0001');
    expect([first.statusCode, retry.statusCode]).toEqual([201, 201]);
    expect(retry.json().id).toBe(first.json().id);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const raced = await Promise.all(Array.from({ length: 5 }, () => post('phone-errand-0002')));
    expect(new Set(raced.map((r) => r.json().id)).size).toBe(1);
    expect(await countRows(server, 'errand')).toBe(before + 2);
    const reused = await post('phone-errand-0001', { ...body, what: '另一件事情' });
    expect([reused.statusCode, reused.json().error.code]).toEqual([422, 'request.idempotency_key_reused']);
    expect(await countRows(server, 'errand')).toBe(before + 2);
  });

  it('a stale version gets 409 and a step out of order 409 errand.invalid_state, changing nothing', async () => {
    const logged = await log();
    const { errand } = await done(logged.id);
    const before = await snapshot();
    const stale = await call('worker')('POST', `/api/errands/${logged.id}/confirm`, { version: logged.version });
    expect([stale.statusCode, stale.json().error.code]).toEqual([409, 'request.stale_version']);
    expect(stale.json().error.details.current).toBe(errand.version);
    const twice = await call('worker')('POST', `/api/errands/${logged.id}/done`, { version: errand.version });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'errand.invalid_state']);
    const cancelDone = await call('worker')('POST', `/api/errands/${logged.id}/cancel`, {
      version: errand.version,
      reason: '居民已自行办理',
    });
    expect(cancelDone.json().error.code).toBe('errand.invalid_state');
    // Two phones of one worker acting on the same version: one wins.
    const other = await log();
    const answers = await Promise.all([
      call('worker')('POST', `/api/errands/${other.id}/done`, { version: 1 }),
      call('worker')('POST', `/api/errands/${other.id}/cancel`, { version: 1, reason: '居民已自行办理' }),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    expect(await countRows(server, 'errand')).toBe(before[0] + 1);
  });

  it('bad input gets 400 (or 422 for a promise out of range) and changes nothing', async () => {
    const { id, version } = await log();
    const before = await snapshot();
    const base = errandBody(server.platform, home());
    const refusals: [string, string, unknown, number, string][] = [
      ['POST', '/api/errands', { ...base, what: '' }, 400, 'request.invalid'],
      ['POST', '/api/errands', { ...base, what: undefined }, 400, 'request.invalid'],
      ['POST', '/api/errands', { ...base, kind: 'errand' }, 400, 'request.invalid'],
      ['POST', '/api/errands', { ...base, promisedBy: '明天下午' }, 400, 'request.invalid'],
      ['POST', '/api/errands', { ...base, promisedBy: '2026-03-05T18:00:00' }, 400, 'request.invalid'],
      ['POST', '/api/errands', { ...base, urgent: true }, 400, 'request.invalid'],
      ['POST', '/api/errands', { ...base, what: 'x'.repeat(501) }, 400, 'request.invalid'],
      [
        'POST',
        '/api/errands',
        { ...base, promisedBy: new Date(clock.now().getTime() - 60_000).toISOString() },
        422,
        'errand.promise_in_past',
      ],
      ['POST', '/api/errands', { ...base, promisedBy: '2099-01-01T00:00:00+08:00' }, 422, 'errand.promise_too_far'],
      ['POST', `/api/errands/${id}/done`, {}, 400, 'request.invalid'],
      ['POST', `/api/errands/${id}/done`, { version: '1' }, 400, 'request.invalid'],
      ['POST', `/api/errands/${id}/cancel`, { version }, 400, 'request.invalid'],
      ['POST', `/api/errands/${id}/cancel`, { version, reason: ' ' }, 400, 'request.invalid'],
      ['GET', '/api/errands?state=lost', undefined, 400, 'request.invalid'],
      ['GET', '/api/errands?limit=1000', undefined, 400, 'request.invalid'],
      ['GET', `/api/errands/counts?unit=${world.codes.homeGrid}&month=2026-13`, undefined, 400, 'request.invalid'],
    ];
    for (const [method, url, body, status, code] of refusals) {
      const answer = await call('worker')(method as 'POST', url, body);
      expect({ url, body, status: answer.statusCode, code: answer.json().error?.code }).toEqual({ url, body, status, code });
    }
    expect(await snapshot()).toEqual(before);
    // An offset is taken as given and stored in UTC.
    const withOffset = await log({ promisedBy: '2026-12-05T18:00:00+08:00' });
    expect(withOffset.promisedBy).toBe('2026-12-05T10:00:00.000Z');
  });

  it('cancelling takes a reason and ends the errand', async () => {
    const { id, version } = await log();
    const cancelled = await call('worker')('POST', `/api/errands/${id}/cancel`, { version, reason: '居民已自行办理' });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', cancelReason: '居民已自行办理', overdue: false });
    const after = await call('worker')('POST', `/api/errands/${id}/done`, { version: version + 1 });
    expect(after.json().error.code).toBe('errand.invalid_state');
    const audit = await server.platform.database.db
      .selectFrom('audit_record')
      .selectAll()
      .where('object_id', '=', id)
      .where('action', '=', 'errand.cancel')
      .executeTakeFirstOrThrow();
    expect(audit.summary).not.toContain('自行办理');
  });

  it('marking done can text the link to the resident; without a mobile number on record it is refused', async () => {
    const { errand, link, smsQueued } = await done((await log()).id, { sendSms: true });
    expect(smsQueued).toBe(true);
    const sms = await server.platform.database.db
      .selectFrom('notify_outbox')
      .selectAll()
      .where('channel', '=', 'sms')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    // Sealed at rest: neither the number nor the link in clear.
    expect(sms.payload_enc).not.toContain('13903910001');
    expect(sms.payload_enc).not.toContain(tokenOf(link.path));
    const payload = openPayload(server.platform, sms.payload_enc);
    expect(payload.to).toBe('+8613903910001');
    expect(payload.body).toContain(`${PUBLIC_URL}${link.path}`);
    expect(payload.body).toContain('代购药品');
    expect(errand.state).toBe('done');

    const whole = await log({ residentId: undefined });
    expect(whole.residentName).toBeNull();
    const before = await snapshot();
    const refused = await call('worker')('POST', `/api/errands/${whole.id}/done`, { version: 1, sendSms: true });
    expect([refused.statusCode, refused.json().error.code]).toEqual([422, 'errand.no_phone']);
    expect(await snapshot()).toEqual(before);
    expect((await call('worker')('GET', `/api/errands/${whole.id}`)).json().state).toBe('logged');
  });

  it('lists: mine for a worker, the area’s for an office, overdue marked and filtered, a page at a time', async () => {
    const soon = await log({ promisedBy: new Date(clock.now().getTime() + HOUR * 1000).toISOString(), what: '代缴本月水费' });
    const theirs = await log({}, 'otherWorker');
    clock.advance(2 * HOUR);

    const mine = (await call('worker')('GET', '/api/errands?limit=200')).json().items as {
      id: string;
      workerUserId: string;
      overdue: boolean;
    }[];
    expect(mine.every((e) => e.workerUserId === world.users.worker.id)).toBe(true);
    expect(mine.map((e) => e.id)).not.toContain(theirs.id);
    expect(mine.find((e) => e.id === soon.id)!.overdue).toBe(true);
    const overdue = (await call('worker')('GET', '/api/errands?overdue=true')).json().items as { id: string; state: string }[];
    expect(overdue.map((e) => e.id)).toContain(soon.id);
    expect(overdue.every((e) => e.state === 'logged')).toBe(true);
    expect((await call('worker')('GET', `/api/errands?unit=${world.codes.homeMicrogrid}&limit=200`)).json().items).toHaveLength(
      mine.length,
    );
    expect((await call('worker')('GET', `/api/errands?unit=${world.codes.foreignMicrogrid}`)).statusCode).toBe(404);

    const staff = (await call('gridStaff')('GET', '/api/errands?limit=200')).json().items as { id: string; residentName: string | null }[];
    expect(staff.map((e) => e.id)).toEqual(expect.arrayContaining([soon.id, theirs.id]));
    expect(staff.every((e) => e.residentName === null || e.residentName.includes('*'))).toBe(true);
    expect((await call('foreign')('GET', '/api/errands')).json().items).toEqual([]);
    expect((await call('foreign')('GET', `/api/errands?unit=${world.codes.home}`)).statusCode).toBe(404);
    expect((await call('department')('GET', '/api/errands')).statusCode).toBe(403);

    const first = (await call('gridStaff')('GET', '/api/errands?limit=2')).json();
    const next = (await call('gridStaff')('GET', `/api/errands?limit=2&after=${first.nextCursor}`)).json();
    expect(first.items).toHaveLength(2);
    expect(next.items[0].id < first.items[1].id).toBe(true);
  });

  it('tells the grid once when an errand passes its promise undone', async () => {
    const late = await log({ promisedBy: new Date(clock.now().getTime() + HOUR * 1000).toISOString() });
    clock.advance(HOUR + 1);
    const messages = () =>
      server.platform.database.db
        .selectFrom('inbox_message')
        .selectAll()
        .where('unit_code', '=', world.codes.homeGrid)
        .where('title', '=', '帮办事项超期未办结')
        .execute();
    const before = (await messages()).length;
    const first = await sweepOverdueErrands(server.platform);
    expect(first.notified).toBeGreaterThanOrEqual(1);
    const after = await messages();
    expect(after.length).toBe(before + first.notified);
    expect(after.some((m) => m.body.includes('幸福路1号') && !m.body.includes('降压药'))).toBe(true);
    expect((await sweepOverdueErrands(server.platform)).notified).toBe(0);
    // Telling the grid is not a change the worker must reload for.
    expect((await call('worker')('GET', `/api/errands/${late.id}`)).json()).toMatchObject({ overdue: true, version: 1 });
  });
});

/** The month's counts, checked by hand against a small story told on a fake clock. */
describe.each(DATABASES)('errand counts on %s', (kind) => {
  let server: TestServer;
  let clock: FakeClock;
  let world: ErrandWorld;

  beforeAll(async () => {
    clock = fakeClock('2026-03-02T01:00:00.000Z'); // Monday 2 March, 09:00 in Jiaozuo
    server = await startTestServer(kind, {}, { clock });
    world = await makeErrandWorld(server.platform);
  });
  afterAll(() => server?.dispose());

  const tokenOf = async (who: keyof ErrandWorld['users']) => signIn(server, world.users[who].username);

  async function act(
    who: keyof ErrandWorld['users'],
    method: 'POST' | 'GET',
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse> {
    const answer = await as(server, await tokenOf(who))(method, url, body);
    expect(answer.statusCode, `${url} ${answer.body}`).toBeLessThan(300);
    return answer;
  }
  const logAt = async (at: string, who: 'worker' | 'otherWorker' | 'foreignWorker', promisedBy: string) => {
    clock.set(at);
    const household = who === 'foreignWorker' ? world.foreignHousehold.household.id : world.homeHousehold.household.id;
    return (await act(who, 'POST', '/api/errands', { householdId: household, kind: 'form', what: '代填低保申请表', promisedBy })).json();
  };
  const doneAt = async (at: string, who: 'worker' | 'otherWorker', errand: { id: string; version: number }) => {
    clock.set(at);
    return (await act(who, 'POST', `/api/errands/${errand.id}/done`, { version: errand.version })).json();
  };

  it('counts per worker and unit for a month equal what was done', async () => {
    // 2 March, Jiaozuo time (UTC+8).
    const e1 = await logAt('2026-03-02T01:00:00Z', 'worker', '2026-03-03T10:00:00Z');
    const e2 = await logAt('2026-03-02T01:05:00Z', 'worker', '2026-03-02T04:00:00Z'); // by 12:00
    const e3 = await logAt('2026-03-02T01:10:00Z', 'worker', '2026-03-05T10:00:00Z');
    const e4 = await logAt('2026-03-02T01:15:00Z', 'otherWorker', '2026-03-05T10:00:00Z');
    const e7 = await logAt('2026-03-02T01:20:00Z', 'foreignWorker', '2026-03-05T10:00:00Z');
    const d1 = await doneAt('2026-03-02T02:00:00Z', 'worker', e1); // on time
    clock.set('2026-03-02T03:00:00Z');
    const byLink = await server.app.inject({ method: 'POST', url: `/api/errands/confirm/${d1.link.path.slice(3)}` });
    expect(byLink.statusCode).toBe(200); // confirmed by the resident
    const d2 = await doneAt('2026-03-02T05:00:00Z', 'worker', e2); // 13:00: an hour late
    await act('worker', 'POST', `/api/errands/${e2.id}/confirm`, { version: d2.errand.version });
    clock.set('2026-03-02T06:00:00Z');
    await act('worker', 'POST', `/api/errands/${e3.id}/cancel`, { version: e3.version, reason: '居民已自行办理' });
    await doneAt('2026-03-02T07:00:00Z', 'otherWorker', e4); // on time, not confirmed
    // The month ends at midnight in Jiaozuo, not in UTC: 23:30 on the 31st is March, 00:30 on the 1st April.
    await logAt('2026-03-31T15:30:00Z', 'worker', '2026-04-02T10:00:00Z');
    await logAt('2026-03-31T16:30:00Z', 'worker', '2026-04-02T10:00:00Z');
    expect(e7.microgridCode).toBe(world.codes.foreignMicrogrid);

    const counts = async (who: keyof ErrandWorld['users'], unit: string, month = '2026-03') =>
      (await act(who, 'GET', `/api/errands/counts?unit=${unit}&month=${month}`)).json();
    const a = world.users.worker.id;
    const b = world.users.otherWorker.id;
    const home = { logged: 5, done: 3, done_on_time: 2, confirmed: 2, cancelled: 1 };
    const workerA = { logged: 4, done: 2, done_on_time: 1, confirmed: 2, cancelled: 1 };
    const workerB = { logged: 1, done: 1, done_on_time: 1, confirmed: 0, cancelled: 0 };

    const grid = await counts('gridStaff', world.codes.homeGrid);
    expect(grid.totals).toEqual(home);
    expect(grid.units).toEqual([{ code: world.codes.homeMicrogrid, name: `单位${world.codes.homeMicrogrid}`, counts: home }]);
    expect(grid.workers).toEqual([
      { userId: a, username: world.users.worker.username, counts: workerA },
      { userId: b, username: world.users.otherWorker.username, counts: workerB },
    ]);
    const microgrid = await counts('worker', world.codes.homeMicrogrid);
    expect(microgrid.totals).toEqual(home);
    expect(microgrid.units).toEqual([]);
    for (const unit of [world.codes.homeCommunity, world.codes.home]) expect((await counts('home', unit)).totals).toEqual(home);
    expect((await counts('home', world.codes.home)).units.map((u: { code: string }) => u.code)).toEqual([world.codes.homeCommunity]);

    const district = await counts('leader', world.codes.district);
    expect(district.totals).toEqual({ logged: 6, done: 3, done_on_time: 2, confirmed: 2, cancelled: 1 });
    expect(district.units.map((u: { code: string; counts: { logged: number } }) => [u.code, u.counts.logged])).toEqual([
      [world.codes.home, 5],
      [world.codes.foreign, 1],
    ]);
    expect((await counts('leader', world.codes.district, '2026-04')).totals).toEqual({
      logged: 1,
      done: 0,
      done_on_time: 0,
      confirmed: 0,
      cancelled: 0,
    });
    expect((await counts('leader', world.codes.district, '2026-02')).totals.logged).toBe(0);

    // The counters agree with the errands themselves, re-derived row by row.
    const { recountErrand, errandTallyRules } = await import('../../../src/modules/errands/errands.tally.ts');
    const db = server.platform.database.db;
    const expected = new Map<string, number>();
    for (const errand of await db.selectFrom('errand').selectAll().execute()) {
      for (const i of recountErrand(errandTallyRules(server.platform), errand)) {
        const key = `${i.unit}|${i.worker}|${i.day}|${i.measure}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    }
    const stored = new Map(
      (await db.selectFrom('errand_tally').selectAll().execute()).map((r) => [
        `${r.unit_code}|${r.worker_user_id}|${r.day}|${r.measure}`,
        Number(r.count),
      ]),
    );
    expect(stored).toEqual(expected);

    // Outside the scope: 404, as if the unit did not exist.
    for (const [who, unit] of [
      ['foreign', world.codes.home],
      ['worker', world.codes.homeGrid],
      ['worker', world.codes.foreignMicrogrid],
      ['department', world.codes.district],
      ['admin', world.codes.department],
    ] as const) {
      const answer = await as(server, await tokenOf(who))('GET', `/api/errands/counts?unit=${unit}&month=2026-03`);
      expect({ who, unit, status: answer.statusCode }).toEqual({ who, unit, status: 404 });
    }
  });
});
