import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../src/platform/authz/actor.ts';
import { keptShapes } from '../../../src/platform/db/reusable.ts';
import { ingestDeviceMessage } from '../../../src/modules/checkins/checkins.channels.ts';
import { insertDevice } from '../../../src/modules/checkins/checkins.repository.ts';
import { enrolSubject } from '../../../src/modules/checkins/commands/manageRoster.ts';
import type { SignalResult } from '../../../src/modules/checkins/commands/recordSignal.ts';
import { sweepCheckins } from '../../../src/modules/checkins/commands/sweepCheckins.ts';
import type { DeviceKind } from '../../../src/modules/checkins/checkins.words.ts';
import { fakeClock, type FakeClock } from '../../support/clock.ts';
import { DATABASES } from '../../support/databases.ts';
import { makeCheckinWorld, monday, MONDAY_5AM } from '../../support/checkins.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

/**
 * The device ingest path (MQTT, HTTP) as the subscriber drives it, a batch of messages per
 * transaction: every effect a device's message can have is the one stored with it (the signal is
 * stored with its expected effect and put right when the outcome differs), a repeat changes nothing,
 * a refusal is counted, and the hot queries are compiled once and reused.
 */
describe.each(DATABASES)('device ingest on %s', (kind) => {
  let server: TestServer;
  let clock: FakeClock;
  const by = { actor: systemActor('test'), requestId: null };

  beforeAll(async () => {
    clock = fakeClock(MONDAY_5AM);
    server = await startTestServer(kind, {}, { clock });
    const world = await makeCheckinWorld(server.platform);
    const devices: [string, string, DeviceKind][] = [
      ['door-wang', '王秀英', 'door'],
      ['meter-liu', '刘桂芳', 'water'],
      ['panic-chen', '陈玉兰', 'panic'],
      ['curtain-zhao', '赵淑珍', 'curtain'],
      ['door-sun', '孙凤英', 'door'],
    ];
    for (const [id, name, deviceKind] of devices) {
      // 赵淑珍's plan counts her door only: her curtain is recorded, not counted.
      const plan = name === '赵淑珍' ? { signals: ['door' as const] } : undefined;
      const subject = await enrolSubject(server.platform, by, { residentId: world.elders[name].id, plan });
      await insertDevice(server.platform.database.db, {
        id,
        subject_id: subject.id,
        kind: deviceKind,
        name: id,
        api_key_id: null,
        created_at: MONDAY_5AM,
        retired_at: null,
      });
    }
  });
  afterAll(() => server?.dispose());

  const db = () => server.platform.database.db;
  type Message = { device: string; id: string; hhmm: string; type: string; value?: number };

  /** One transaction for the whole batch, as the subscriber commits them. */
  async function batch(messages: Message[]): Promise<SignalResult[]> {
    return db()
      .transaction()
      .execute(async (trx) => {
        const results: SignalResult[] = [];
        for (const m of messages) {
          const payload = JSON.stringify({
            id: m.id,
            ts: monday(m.hhmm),
            type: m.type,
            ...(m.value !== undefined ? { value: m.value, unit: 'L' } : {}),
          });
          results.push(
            await ingestDeviceMessage(server.platform, { deviceId: m.device, payload: Buffer.from(payload), channel: 'mqtt' }, { trx }),
          );
        }
        return results;
      });
  }

  /** Each accepted message's stored effect and check, as its answer said. */
  async function expectStoredAsAnswered(messages: Message[], results: SignalResult[]) {
    for (const [i, m] of messages.entries()) {
      const result = results[i];
      if (result.status !== 'accepted') continue;
      const row = await db()
        .selectFrom('care_signal')
        .select(['effect', 'check_id'])
        .where('origin', '=', m.device)
        .where('message_id', '=', m.id)
        .executeTakeFirstOrThrow();
      expect(row, m.id).toEqual({ effect: result.effect, check_id: result.checkId });
    }
  }

  it('stores every message with the effect it had, whether or not it was the expected one', async () => {
    clock.set(monday('05:30'));
    const early: Message[] = [{ device: 'door-wang', id: 'w-0530', hhmm: '05:30', type: 'door' }];
    const earlyResults = await batch(early);
    expect(earlyResults.map((r) => r.status === 'accepted' && r.effect)).toEqual(['no_window']);
    await expectStoredAsAnswered(early, earlyResults);

    // 刘桂芳's meter has no reading before the window: her consumption counts from its first one in it.
    clock.set(monday('07:40'));
    const morning: Message[] = [
      { device: 'door-wang', id: 'w-0700', hhmm: '07:00', type: 'door' },
      { device: 'door-wang', id: 'w-0705', hhmm: '07:05', type: 'door' },
      { device: 'meter-liu', id: 'l-0710', hhmm: '07:10', type: 'water', value: 503 },
      { device: 'meter-liu', id: 'l-0740', hhmm: '07:40', type: 'water', value: 520 },
      { device: 'meter-liu', id: 'l-0741', hhmm: '07:40', type: 'water', value: 521 },
      { device: 'curtain-zhao', id: 'z-0720', hhmm: '07:20', type: 'curtain' },
      { device: 'panic-chen', id: 'c-0730', hhmm: '07:30', type: 'panic' },
      { device: 'door-wang', id: 'w-0700', hhmm: '07:00', type: 'door' },
    ];
    const results = await batch(morning);
    expect(results.map((r) => (r.status === 'accepted' ? r.effect : r.status))).toEqual([
      'safe',
      'already_safe',
      'below_threshold',
      'safe',
      'already_safe',
      'not_counted',
      'panic',
      'duplicate',
    ]);
    await expectStoredAsAnswered(morning, results);

    // 孙凤英's door opens after her deadline: the alert raised for it hears she is alive.
    clock.set(monday('09:00', 20));
    await sweepCheckins(server.platform);
    clock.set(monday('09:10'));
    const late: Message[] = [{ device: 'door-sun', id: 's-0910', hhmm: '09:10', type: 'door' }];
    const lateResults = await batch(late);
    expect(lateResults[0]).toMatchObject({ status: 'accepted', effect: 'late' });
    await expectStoredAsAnswered(late, lateResults);
  });

  it('refuses an unknown device and a type the device does not report, counted in the batch’s transaction', async () => {
    clock.set(monday('09:10'));
    const results = await batch([
      { device: 'door-nobody', id: 'x-1', hhmm: '09:10', type: 'door' },
      { device: 'door-nobody', id: 'x-2', hhmm: '09:10', type: 'door' },
      { device: 'door-wang', id: 'x-3', hhmm: '09:10', type: 'water', value: 1 },
    ]);
    expect(results).toEqual([
      { status: 'rejected', reason: 'unknown_device' },
      { status: 'rejected', reason: 'unknown_device' },
      { status: 'rejected', reason: 'type_not_supported' },
    ]);
    const counted = await db()
      .selectFrom('care_signal_rejection')
      .select(['reason', 'count'])
      .where('channel', '=', 'mqtt')
      .orderBy('reason')
      .execute();
    expect(counted).toEqual([
      { reason: 'type_not_supported', count: 1 },
      { reason: 'unknown_device', count: 2 },
    ]);
  });

  it('compiles the queries every message runs once, and sends only their values afterwards', () => {
    expect(keptShapes(db())).toEqual(
      expect.arrayContaining([
        'care device with its subject',
        'care checks opened by, due after',
        'care signal unless known',
        'care signal effect',
        'care check safe if waiting',
        'care signal reading at or before',
        'care signal reading at or after',
        'care settings',
        'care signal rejection counted',
      ]),
    );
  });
});
