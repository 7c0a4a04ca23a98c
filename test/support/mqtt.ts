import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type MqttClient } from 'mqtt';
import type { Platform } from '../../src/platform/context.ts';
import { subscriberState, type SubscriberState } from '../../src/modules/checkins/checkins.mqtt.ts';

/** The machine's Mosquitto (CI and every dev machine here run one). */
export const SHARED_BROKER = 'mqtt://127.0.0.1:1883';

/** A topic root of one's own, so tests on the shared broker never receive each other's messages. */
export const uniqueRoot = (what: string) => `test-${what}-${randomBytes(4).toString('hex')}`;

/** A device: an MQTT client that publishes QoS 1 and waits for the broker's acknowledgement. */
export async function mqttDevice(
  url = SHARED_BROKER,
): Promise<{ publish(topic: string, payload: string | Buffer): Promise<void>; close(): Promise<void> }> {
  const client: MqttClient = connect(url, { clientId: `test-device-${randomBytes(4).toString('hex')}`, reconnectPeriod: 200 });
  await new Promise<void>((resolve, reject) => client.once('connect', () => resolve()).once('error', reject));
  return {
    publish: async (topic, payload) => {
      await client.publishAsync(topic, payload, { qos: 1 });
    },
    close: async () => {
      await client.endAsync(true);
    },
  };
}

/** Waits until the subscriber's figures satisfy `done` (every message is taken within milliseconds). */
export async function untilSubscriber(
  platform: Platform,
  done: (state: SubscriberState) => boolean,
  timeoutMs = 15_000,
): Promise<SubscriberState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = subscriberState(platform);
    if (state && done(state)) return state;
    if (Date.now() > deadline) throw new Error(`subscriber never got there: ${JSON.stringify(state)}`);
    await sleep(20);
  }
}

/** Messages the subscriber has finished with (committed and acknowledged). */
export const settled = (state: SubscriberState) => state.accepted + state.duplicates + state.rejected;

/**
 * A Mosquitto of the test's own on a free port, with its persistence in a temp dir so that sessions
 * and queued messages survive a restart; `stop` is SIGTERM (it saves them), `start` again on the same port.
 */
export async function ownBroker(): Promise<{ url: string; start(): Promise<void>; stop(): Promise<void>; dispose(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wangge-test-mqtt-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${dir}/`, 'log_type error', ''].join(
      '\n',
    ),
  );
  const url = `mqtt://127.0.0.1:${port}`;
  let proc: ChildProcess | null = null;
  const stop = async () => {
    if (!proc) return;
    const exited = new Promise((resolve) => proc!.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
    proc = null;
  };
  const start = async () => {
    proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    for (let attempt = 0; ; attempt++) {
      try {
        const probe = connect(url, { reconnectPeriod: 0, connectTimeout: 500 });
        await new Promise<void>((resolve, reject) => probe.once('connect', () => resolve()).once('error', reject));
        await probe.endAsync(true);
        return;
      } catch (error) {
        if (attempt > 100) throw error;
        await sleep(50);
      }
    }
  };
  await start();
  return {
    url,
    start,
    stop,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Ends the persistent sessions a test left at the shared broker (clean start, no expiry), so they do not pile up. */
export async function forgetSessions(clientIds: string[], url = SHARED_BROKER): Promise<void> {
  for (const clientId of clientIds) {
    const client = connect(url, {
      clientId,
      protocolVersion: 5,
      clean: true,
      properties: { sessionExpiryInterval: 0 },
      reconnectPeriod: 0,
    });
    await new Promise<void>((resolve, reject) => client.once('connect', () => resolve()).once('error', reject));
    await client.endAsync();
  }
}
