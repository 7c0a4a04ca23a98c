import { Writable } from 'node:stream';
import pino from 'pino';
import { systemActor } from '../../src/platform/authz/actor.ts';
import type { Platform } from '../../src/platform/context.ts';
import type { Log } from '../../src/platform/log.ts';
import { openPayload } from '../../src/platform/notify/notify.sealed.ts';
import { assignWorker } from '../../src/modules/people/commands/assignWorker.ts';
import { registerHousehold } from '../../src/modules/people/commands/registerHousehold.ts';
import { makeCaseWorld } from './cases.ts';
import { makeApiKey, makeUnit, makeUser, residentIdNumber } from './factories.ts';
import { as, signIn, type TestServer } from './server.ts';

/**
 * The curtain pact's test world: the case world (catalogue with 1101 独居老人安全), the home
 * micro-grid's worker linked to a person of the registry (so alerts find their account), a second
 * micro-grid of the home grid without a worker (its people are the grid staff's), eight people
 * living alone in the home micro-grid and one in the other, and an integration key for the SMS gateway.
 *
 * Times: Monday 2 March 2026 in Jiaozuo (UTC+8). The default window is 06:00-09:00 local, i.e.
 * 22:00Z the day before to 01:00Z.
 */
export const MONDAY_5AM = '2026-03-01T21:00:00.000Z';
/** Local `HH:MM` on Monday 2 March 2026 (Asia/Shanghai) as an instant. */
export function monday(hhmm: string, seconds = 0): string {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(Date.UTC(2026, 2, 2, h - 8, m, seconds)).toISOString();
}

const by = () => ({ actor: systemActor('test'), requestId: null });

export const ELDERS = ['王秀英', '刘桂芳', '陈玉兰', '赵淑珍', '孙凤英', '周秀兰', '吴桂英', '郑玉珍'] as const;

/** A household of one: an elderly person living alone, with a mobile `1370391000<n>` and health notes. */
export async function makeElder(platform: Platform, microgridCode: string, n: number, name: string) {
  const { residents } = await registerHousehold(platform, by(), {
    microgridCode,
    address: `和平街${n}号`,
    members: [
      {
        name,
        gender: 'female',
        birthDate: '1940-05-01',
        idNumber: residentIdNumber('19400501', 100 + n, 'female'),
        phone: elderPhone(n),
        healthNotes: '糖尿病',
        tags: ['living_alone', 'elderly'],
      },
    ],
  });
  return residents[0];
}

export const elderPhone = (n: number) => `137039100${String(n).padStart(2, '0')}`;

export async function makeCheckinWorld(platform: Platform) {
  const world = await makeCaseWorld(platform);
  const codes = { ...world.codes, otherMicrogrid: '41080400100100102' };
  await makeUnit(platform, codes.otherMicrogrid);
  // The home micro-grid's worker is 李建国 of the home household, with the world's worker account.
  await assignWorker(platform, by(), {
    residentId: world.homeHousehold.residents[1].id,
    microgridCode: codes.homeMicrogrid,
    username: world.users.worker.username,
  });
  const elders: Record<string, { id: string; n: number }> = {};
  for (const [i, name] of ELDERS.entries()) {
    const microgrid = name === '郑玉珍' ? codes.otherMicrogrid : codes.homeMicrogrid;
    elders[name] = { id: (await makeElder(platform, microgrid, i + 1, name)).id, n: i + 1 };
  }
  const users = {
    ...world.users,
    otherGridStaff: await makeUser(platform, { role: 'grid_staff', scopeCode: world.codes.foreignGrid }),
  };
  const smsGateway = await makeApiKey(platform, codes.home, 'integration');
  return { ...world, codes, users, elders, smsGateway };
}

export type CheckinWorld = Awaited<ReturnType<typeof makeCheckinWorld>>;

export async function checkinCallers(server: TestServer, world: CheckinWorld) {
  const tokens = Object.fromEntries(
    await Promise.all(Object.entries(world.users).map(async ([key, user]) => [key, await signIn(server, user.username)] as const)),
  ) as Record<keyof CheckinWorld['users'], string>;
  const call = (who: keyof CheckinWorld['users']) => as(server, tokens[who]);
  /** The bearer token of `who`, for requests with headers of their own. */
  call.token = (who: keyof CheckinWorld['users']) => tokens[who];
  return call;
}

/** A logger that keeps every line, to prove what never reaches the logs. */
export function capturingLog(): { log: Log; lines: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream) as Log, lines: () => chunks.join('') };
}

/** Messages queued for the outside (SMS, robots), opened: to whom and what. */
export async function outbox(platform: Platform) {
  const rows = await platform.database.db.selectFrom('notify_outbox').selectAll().orderBy('id').execute();
  return rows.map((row) => ({ channel: row.channel, unit: row.unit_code, ...openPayload(platform, row.payload_enc) }));
}

/** In-app messages, oldest first. */
export function inbox(platform: Platform) {
  return platform.database.db.selectFrom('inbox_message').select(['unit_code', 'user_id', 'title', 'body', 'link']).orderBy('id').execute();
}
