// `npx tsx bench/checkinIngest.ts`: the curtain pact's MQTT ingest (issue 5), against a baseline measured
// in the same run.
//
//   ingest     BENCH_MESSAGES (50,000) device messages at QoS 1 from BENCH_PUBLISHERS (4) publisher
//              connections (a child process of this file, so they do not share the app's thread) through
//              a Mosquitto of our own, into the app's subscriber (src/modules/checkins/checkins.mqtt.ts:
//              MQTT_CONNECTIONS (16) shared-subscription connections, batches committed then acknowledged)
//              on a fresh SQLite with a roster of BENCH_SUBJECTS (400, at most 480) people under care with
//              four devices each (door, curtain, water, power), clock at 07:00 on a Monday. Sustained
//              signals/s from the first publish to the last committed signal; p50/p99 publish-to-commit
//              latency; the app process's CPU per signal; no loss: rows in care_signal == messages
//              published, and every message's effect counted (accepted, none rejected or failed).
//   baseline   the same broker and publishers into a plain mqtt.js subscriber (QoS 1, no app): messages/s.
//
// BENCH_LOG_ROWS (0) fills the signal log first with that many earlier signals over its 90 days (a
// district's 1,600 devices at about 25 messages a day each leave 3.6 million).
//
// BENCH_ROUNDS (3) interleaved rounds (baseline, then app), medians printed; the ratio is the app's
// rate over the baseline's of the same round. Target >= 5,000 signals/s with lost = 0. Prints PASS/FAIL,
// never changes the exit code for a timing (it does for a loss).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { connect, type MqttClient } from 'mqtt';
import { systemActor } from '../src/platform/authz/actor.ts';
import type { Config } from '../src/platform/config.ts';
import type { Platform } from '../src/platform/context.ts';
import { DeviceSubscriber } from '../src/modules/checkins/checkins.mqtt.ts';
import { enrolSubject } from '../src/modules/checkins/commands/manageRoster.ts';
import { fakeClock } from '../test/support/clock.ts';
import { makeCheckinWorld, monday } from '../test/support/checkins.ts';
import { makeHousehold } from '../test/support/factories.ts';
import { startTestServer } from '../test/support/server.ts';
import { freePort } from './support/children.ts';
import { setting } from './support/settings.ts';

const HOST = '127.0.0.1';
const THIS_FILE = fileURLToPath(import.meta.url);

const SETTINGS = {
  rounds: setting('BENCH_ROUNDS', 3, 1),
  messages: setting('BENCH_MESSAGES', 50_000, 1000),
  publishers: setting('BENCH_PUBLISHERS', 4, 1),
  subjects: Math.min(480, setting('BENCH_SUBJECTS', 400, 1)), // the factory's households number 1-499
  connections: setting('MQTT_CONNECTIONS', 16, 1), // the default of MQTT_CONNECTIONS
  /** Signals already in the log before the first round, spread over the 90 days it keeps (0: an empty log). */
  logRows: setting('BENCH_LOG_ROWS', 0, 0),
};
const TARGET = 5000;
const KINDS = ['door', 'curtain', 'water', 'power'] as const;
/** Publishes not yet acknowledged by the broker, per publisher connection. */
const PUBLISH_WINDOW = 200;

const log = (line: string) => process.stderr.write(`${line}\n`);
const load1 = () => os.loadavg()[0].toFixed(2);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
const wallNow = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------------
// The publisher role: `tsx bench/checkinIngest.ts publish <url> <root> <round> <count> <publishers> <devices> <ts>`.
// Prints `start <epoch ms>` before its first publish and `done <epoch ms>` after the last PUBACK.

async function publisherMain(args: string[]): Promise<void> {
  const [url, root, round, countText, publishersText, devicesText, ts] = args;
  const count = Number(countText);
  const publishers = Number(publishersText);
  const devices = JSON.parse(devicesText) as { id: string; kind: string }[];
  const clients = await Promise.all(
    Array.from({ length: publishers }, (_, n) =>
      connect(url, { clientId: `bench-pub-${round}-${n}-${process.pid}`, protocolVersion: 5, clean: true, reconnectPeriod: 0 }).once(
        'connect',
        () => undefined,
      ),
    ).map((client) => new Promise<MqttClient>((resolve, reject) => client.once('connect', () => resolve(client)).once('error', reject))),
  );
  const meter = new Map<string, number>();
  process.stdout.write(`start ${wallNow()}\n`);
  await Promise.all(
    clients.map(async (client, n) => {
      const mine = Array.from({ length: Math.ceil((count - n) / publishers) }, (_, k) => n + k * publishers);
      let next = 0;
      const lane = async () => {
        while (next < mine.length) {
          const i = mine[next++];
          const device = devices[i % devices.length];
          const reading = (meter.get(device.id) ?? 0) + 2;
          meter.set(device.id, reading);
          const body: Record<string, unknown> = { id: `r${round}-${i}`, ts, type: device.kind, sentAt: wallNow() };
          if (device.kind === 'water' || device.kind === 'power')
            Object.assign(body, { value: reading, unit: device.kind === 'water' ? 'L' : 'kWh' });
          await client.publishAsync(`${root}/devices/${device.id}/events`, JSON.stringify(body), { qos: 1 });
        }
      };
      await Promise.all(Array.from({ length: PUBLISH_WINDOW }, lane));
    }),
  );
  process.stdout.write(`done ${wallNow()}\n`);
  await Promise.all(clients.map((client) => client.endAsync()));
}

interface Publishing {
  started: Promise<number>;
  finished: Promise<number>;
}

function publish(url: string, root: string, round: string, devices: { id: string; kind: string }[], ts: string): Publishing {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      THIS_FILE,
      'publish',
      url,
      root,
      round,
      String(SETTINGS.messages),
      String(SETTINGS.publishers),
      JSON.stringify(devices),
      ts,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let resolveStart!: (t: number) => void;
  let resolveDone!: (t: number) => void;
  const started = new Promise<number>((r) => (resolveStart = r));
  const finished = new Promise<number>((resolve, reject) => {
    resolveDone = resolve;
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`publisher exited with ${code}`))));
  });
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (const line of buffered.split('\n').slice(0, -1)) {
      const [what, at] = line.split(' ');
      if (what === 'start') resolveStart(Number(at));
      if (what === 'done') resolveDone(Number(at));
    }
    buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
  });
  return { started, finished };
}

// ---------------------------------------------------------------------------------------------------
// The broker.

async function startBroker(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort(HOST);
  const dir = mkdtempSync(join(os.tmpdir(), 'wangge-bench-mqtt-'));
  const conf = join(dir, 'mosquitto.conf');
  // No persistence (the run is thrown away); unlimited queues so nothing is dropped under load.
  writeFileSync(
    conf,
    [
      `listener ${port} ${HOST}`,
      'allow_anonymous true',
      'persistence false',
      'max_inflight_messages 0',
      'max_queued_messages 0',
      'max_queued_bytes 0',
      'set_tcp_nodelay true',
      'log_type error',
      '',
    ].join('\n'),
  );
  const broker = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  const url = `mqtt://${HOST}:${port}`;
  for (let i = 0; ; i++) {
    try {
      const probe = connect(url, { reconnectPeriod: 0, connectTimeout: 1000 });
      await new Promise<void>((resolve, reject) => probe.once('connect', () => resolve()).once('error', reject));
      await probe.endAsync();
      break;
    } catch (error) {
      if (i > 50) throw error;
      await sleep(100);
    }
  }
  return {
    url,
    stop: async () => {
      broker.kill('SIGTERM');
      await new Promise((resolve) => broker.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The rounds.

async function baselineRound(url: string, root: string, round: string, devices: { id: string; kind: string }[], ts: string) {
  const client = connect(url, { clientId: `bench-plain-${round}`, protocolVersion: 5, clean: true, reconnectPeriod: 0 });
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  await client.subscribeAsync(`${root}/devices/+/events`, { qos: 1 });
  let received = 0;
  let last = 0;
  const all = new Promise<void>((resolve) =>
    client.on('message', () => {
      received += 1;
      if (received === SETTINGS.messages) {
        last = wallNow();
        resolve();
      }
    }),
  );
  const publishing = publish(url, root, round, devices, ts);
  const started = await publishing.started;
  await all;
  await publishing.finished;
  await client.endAsync();
  return { perSecond: SETTINGS.messages / ((last - started) / 1000) };
}

/**
 * The log a district's devices leave over the 90 days it is kept: `count` signals before `now`, each
 * device in turn, evenly spread in time (meter readings at zero, below the rounds' own), inserted in bulk and checkpointed, so that a
 * round writes into indexes of a service's size rather than a fresh database's.
 */
function fillSignalLog(platform: Platform, devices: { id: string; subject_id: string; kind: string }[], count: number, now: Date): void {
  const handle = platform.database.sqlite!;
  const insert = handle.prepare(
    `insert into care_signal (origin, message_id, subject_id, device_id, type, ts, received_at, value, source, actor_id, effect, check_id)
     values (?, ?, ?, ?, ?, ?, ?, ?, 'mqtt', null, 'already_safe', null)`,
  );
  const span = 90 * 86_400_000;
  const start = now.getTime() - span;
  const fill = handle.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const device = devices[n % devices.length];
      const at = new Date(start + Math.floor((n / count) * span)).toISOString();
      const meter = device.kind === 'water' || device.kind === 'power';
      insert.run(device.id, `log-${n}`, device.subject_id, device.id, device.kind, at, at, meter ? 0 : null);
    }
  });
  for (let n = 0; n < count; n += 50_000) fill(n, Math.min(count, n + 50_000));
  handle.pragma('wal_checkpoint(TRUNCATE)');
}

async function main(): Promise<void> {
  if (process.argv[2] === 'publish') return publisherMain(process.argv.slice(3));
  log(
    `MQTT ingest: ${SETTINGS.messages} messages x ${SETTINGS.rounds} rounds, ${SETTINGS.publishers} publishers, ${SETTINGS.subjects} subjects, ${SETTINGS.connections} subscriber connections (load ${load1()})`,
  );
  const broker = await startBroker();
  const clock = fakeClock(monday('07:00'));
  const server = await startTestServer('sqlite', { LOG_LEVEL: 'warn' }, { clock, services: false });
  const exitCode = { value: 0 };
  try {
    const started = performance.now();
    const { platform } = server;
    const world = await makeCheckinWorld(platform);
    const by = { actor: systemActor('bench'), requestId: null };
    const devices: { id: string; kind: string }[] = [];
    const rows = [];
    for (let n = 1; n <= SETTINGS.subjects; n++) {
      const household = await makeHousehold(platform, world.codes.homeMicrogrid, 10 + n);
      const subject = await enrolSubject(platform, by, { residentId: household.residents[0].id });
      for (const kind of KINDS) {
        const id = `${kind}-${String(n).padStart(4, '0')}`;
        devices.push({ id, kind });
        rows.push({
          id,
          subject_id: subject.id,
          kind,
          name: id,
          api_key_id: null,
          created_at: clock.now().toISOString(),
          retired_at: null,
        });
      }
    }
    // Devices in bulk: their API keys (HTTP) play no part over MQTT.
    for (let i = 0; i < rows.length; i += 500)
      await platform.database.db
        .insertInto('care_device')
        .values(rows.slice(i, i + 500))
        .execute();
    log(
      `  roster of ${SETTINGS.subjects} subjects and ${devices.length} devices in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    if (SETTINGS.logRows > 0) {
      const filling = performance.now();
      fillSignalLog(platform, rows, SETTINGS.logRows, clock.now());
      log(`  signal log filled with ${SETTINGS.logRows} earlier signals in ${((performance.now() - filling) / 1000).toFixed(1)} s`);
    }

    const mqtt: NonNullable<Config['mqtt']> = {
      url: broker.url,
      topicRoot: 'bench',
      clientId: `bench-app-${process.pid}`,
      shareGroup: 'bench',
      connections: SETTINGS.connections,
    };
    const ts = clock.now().toISOString();
    const results: { baseline: number; app: number; p50: number; p99: number; lost: number; cpuPerSignal: number; load: string }[] = [];
    for (let r = 1; r <= SETTINGS.rounds; r++) {
      const baseline = await baselineRound(broker.url, 'plain', `b${r}`, devices, ts);

      // Payloads are read after the round, not on the app's thread while it ingests.
      const acknowledged: { payload: Buffer; at: number }[] = [];
      let committed = 0;
      let lastCommit = 0;
      let resolveAll!: () => void;
      const all = new Promise<void>((resolve) => (resolveAll = resolve));
      const subscriber = new DeviceSubscriber(platform, mqtt, {
        onAcknowledged: (payload) => {
          const at = wallNow();
          acknowledged.push({ payload, at });
          committed += 1;
          lastCommit = at;
          if (committed === SETTINGS.messages) resolveAll();
        },
      });
      await subscriber.start();
      const cpuBefore = process.cpuUsage();
      const publishing = publish(broker.url, 'bench', String(r), devices, ts);
      const firstPublish = await publishing.started;
      await all;
      const cpu = process.cpuUsage(cpuBefore);
      await publishing.finished;
      const state = subscriber.state();
      await subscriber.stop();
      const latencies = acknowledged.map(({ payload, at }) => at - (JSON.parse(payload.toString()) as { sentAt: number }).sentAt);
      const stored = await platform.database.db
        .selectFrom('care_signal')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('message_id', 'like', `r${r}-%`)
        .executeTakeFirstOrThrow();
      const lost = SETTINGS.messages - Number(stored.n);
      const perSecond = SETTINGS.messages / ((lastCommit - firstPublish) / 1000);
      if (lost !== 0 || state.accepted !== SETTINGS.messages || state.rejected !== 0) exitCode.value = 1;
      results.push({
        baseline: baseline.perSecond,
        app: perSecond,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        lost,
        cpuPerSignal: (cpu.user + cpu.system) / SETTINGS.messages,
        load: load1(),
      });
      log(
        `  round ${r}: app ${Math.round(perSecond)} signals/s (stored ${stored.n}, accepted ${state.accepted}, duplicates ${state.duplicates}, rejected ${state.rejected}, failed ${state.failed}, mean batch ${(state.received / state.batches).toFixed(1)}), ` +
          `baseline ${Math.round(baseline.perSecond)} msg/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, app CPU ${((cpu.user + cpu.system) / SETTINGS.messages).toFixed(0)} µs/signal, load ${load1()}`,
      );
    }
    const app = median(results.map((r) => r.app));
    const base = median(results.map((r) => r.baseline));
    const ratio = median(results.map((r) => r.app / r.baseline));
    const lost = results.reduce((sum, r) => sum + r.lost, 0);
    const lines = [
      '',
      'Curtain pact: MQTT ingest (SQLite, medians over rounds)',
      `  signals/s (first publish -> last commit)  ${Math.round(app)}   target >= ${TARGET}   ${app >= TARGET ? 'PASS' : 'FAIL'}`,
      `  baseline plain mqtt.js subscriber msg/s   ${Math.round(base)}`,
      `  ratio app / baseline                      ${ratio.toFixed(2)}`,
      `  publish-to-commit p50 / p99 ms            ${median(results.map((r) => r.p50)).toFixed(1)} / ${median(results.map((r) => r.p99)).toFixed(1)}`,
      `  app CPU per signal µs (the app's process) ${median(results.map((r) => r.cpuPerSignal)).toFixed(0)}`,
      `  lost                                      ${lost}   ${lost === 0 ? 'PASS' : 'FAIL'}`,
      `  load average (1 min) at the end           ${load1()}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    await server.dispose();
    await broker.stop();
  }
  process.exitCode = exitCode.value;
}

await main();
