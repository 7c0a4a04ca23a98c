import { connect, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Trx } from '../../platform/command.ts';
import type { Config } from '../../platform/config.ts';
import type { Platform } from '../../platform/context.ts';
import type { Service } from '../../platform/module.ts';
import { ingestDeviceMessage } from './checkins.channels.ts';
import type { SignalResult } from './commands/recordSignal.ts';

/**
 * The MQTT subscriber for the curtain pact's devices (door, curtain, water and power sensors, panic
 * buttons): every message on `<root>/devices/<deviceId>/events` goes through `ingestDeviceMessage`
 * (docs/checkins.md "MQTT").
 *
 * - QoS 1, and a message is acknowledged (PUBACK) only once its signal is committed: mqtt.js sends
 *   the PUBACK from the callback of `handleMessage`, which we call after the commit. A crash before
 *   it leaves the message unacknowledged, and the broker delivers it again (a repeat is `duplicate`).
 * - Persistent sessions (clean start off, a week's session expiry, a stable client id per instance
 *   and connection), so what devices send while the app is away waits at the broker.
 * - mqtt.js hands one connection's messages over one at a time (the next after the previous one's
 *   acknowledgement). To ingest thousands a second the instance holds several connections in one
 *   shared subscription (`$share/<group>/...`), and messages that wait together are committed in one
 *   transaction, each still validated, idempotent and counted on its own. Other instances in the same
 *   group share the load.
 * - A failed commit acknowledges nothing: each message of the batch is tried alone, and one that still
 *   fails (the database is down) is left unacknowledged and its connection restarted, so the broker
 *   delivers it again.
 * - Logs say connect, disconnect and errors, with the client id: never a payload.
 */

/** What GET /api/checkins/rejections shows about the subscriber. */
export interface SubscriberState {
  connections: number;
  connected: number;
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Messages whose commit failed and that were left for the broker to deliver again. */
  failed: number;
  /** Transactions committed: received / batches is the mean batch. */
  batches: number;
  lastError: { at: string; message: string } | null;
}

/** How long the broker keeps a session (and its queued messages) while the app is away. */
const SESSION_EXPIRY_SECONDS = 7 * 86_400;
/** Unacknowledged messages the broker may send ahead on one connection. */
const RECEIVE_MAXIMUM = 200;
/** Messages in one transaction at most. */
const MAX_BATCH = 200;
const RECONNECT_MS = 1000;
/** `start` waits this long for the broker, then leaves the connections trying in the background. */
const START_WAIT_MS = 5000;

interface Delivery {
  topic: string;
  payload: Buffer;
  /** Sends the PUBACK (QoS 1) and lets the connection hand over its next message. */
  done: (error?: Error) => void;
  client: MqttClient;
}

const states = new WeakMap<Platform, () => SubscriberState>();

/** The subscriber's counters and connections, or null when MQTT_URL is unset. */
export function subscriberState(platform: Platform): SubscriberState | null {
  return states.get(platform)?.() ?? null;
}

/** The topic filter this instance subscribes to (topics `<root>/devices/<deviceId>/events`). */
export function deviceTopicFilter(mqtt: NonNullable<Config['mqtt']>): string {
  return `$share/${mqtt.shareGroup}/${mqtt.topicRoot}/devices/+/events`;
}

/** The device id a topic names; '' when it names none (then counted as `malformed`). */
export function deviceOfTopic(topicRoot: string, topic: string): string {
  const prefix = `${topicRoot}/devices/`;
  if (!topic.startsWith(prefix) || !topic.endsWith('/events')) return '';
  const id = topic.slice(prefix.length, -'/events'.length);
  return id.includes('/') ? '' : id;
}

/** The module's service: none without MQTT_URL. */
export function deviceSubscriberServices(platform: Platform): Service[] {
  return platform.config.mqtt ? [new DeviceSubscriber(platform, platform.config.mqtt)] : [];
}

export class DeviceSubscriber implements Service {
  readonly name = 'checkins.mqtt';
  private clients: MqttClient[] = [];
  private waiting: Delivery[] = [];
  private draining: Promise<void> | null = null;
  private stopping = false;
  private readonly counts = { received: 0, accepted: 0, duplicates: 0, rejected: 0, failed: 0, batches: 0 };
  private lastError: SubscriberState['lastError'] = null;
  private readonly report = () => this.state();
  /** Another subscriber of the same platform reported before this one (tests run a second one). */
  private previous: (() => SubscriberState) | undefined;

  constructor(
    private readonly platform: Platform,
    private readonly mqtt: NonNullable<Config['mqtt']>,
    /** Told of each message once it is committed and acknowledged (the benchmark's latencies). */
    private readonly observer: { onAcknowledged?: (payload: Buffer, result: SignalResult) => void } = {},
  ) {}

  state(): SubscriberState {
    return {
      connections: this.mqtt.connections,
      connected: this.clients.filter((c) => c.connected).length,
      ...this.counts,
      lastError: this.lastError,
    };
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.previous = states.get(this.platform);
    states.set(this.platform, this.report);
    const subscribed = Array.from({ length: this.mqtt.connections }, (_, n) => this.open(`${this.mqtt.clientId}-${n + 1}`));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, START_WAIT_MS).unref());
    await Promise.race([Promise.all(subscribed), timeout]);
    if (this.state().connected < this.mqtt.connections)
      this.platform.log.warn({ mqtt: this.where() }, 'mqtt broker not reached yet; retrying');
  }

  /** Lets the batch in hand commit and be acknowledged, then disconnects (the sessions stay). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.draining;
    await Promise.all(this.clients.map((client) => client.endAsync(false).catch(() => undefined)));
    this.clients = [];
    if (states.get(this.platform) !== this.report) return;
    if (this.previous) states.set(this.platform, this.previous);
    else states.delete(this.platform);
  }

  private where(clientId?: string) {
    return { broker: redactedUrl(this.mqtt.url), ...(clientId ? { client: clientId } : {}) };
  }

  /** One connection; resolves once it has subscribed the first time. */
  private open(clientId: string): Promise<void> {
    const { log } = this.platform;
    const client = connect(this.mqtt.url, {
      clientId,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_SECONDS, receiveMaximum: RECEIVE_MAXIMUM },
      reconnectPeriod: RECONNECT_MS,
      connectTimeout: 10_000,
      keepalive: 30,
      // We subscribe on every connect ourselves (a session the broker lost needs its subscription back).
      resubscribe: false,
    });
    this.clients.push(client);
    client.handleMessage = (packet: IPublishPacket, callback) => {
      if (this.stopping) return; // unacknowledged: the broker keeps it for the next start
      this.counts.received += 1;
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      this.waiting.push({ topic: packet.topic, payload, done: callback, client });
      // After the other connections' messages that are ready now, so that they join the same batch.
      this.draining ??= new Promise((resolve) => setImmediate(resolve)).then(() => this.drain());
    };
    // Logged once per outage and once per kind of error, not every second while the broker is away.
    let down = false;
    let lastError = '';
    const subscribed = new Promise<void>((resolve) => {
      client.on('connect', (connack) => {
        down = false;
        lastError = '';
        log.info({ mqtt: { ...this.where(clientId), sessionPresent: connack.sessionPresent } }, 'mqtt connected');
        client.subscribe(deviceTopicFilter(this.mqtt), { qos: 1 }, (error) => {
          // A connection closed meanwhile subscribes again on its next connect.
          if (error && client.connected) this.failed(`subscribe: ${error.message}`, clientId);
          else if (!error) resolve();
        });
      });
    });
    client.on('close', () => {
      if (!down && !this.stopping) log.warn({ mqtt: this.where(clientId) }, 'mqtt disconnected; reconnecting');
      down = true;
    });
    client.on('error', (error) => {
      if (lastError !== error.message) this.failed(error.message, clientId);
      lastError = error.message;
    });
    return subscribed;
  }

  private failed(message: string, clientId?: string): void {
    this.lastError = { at: this.platform.clock.now().toISOString(), message };
    this.platform.log.warn({ mqtt: { ...this.where(clientId), error: message } }, 'mqtt error');
  }

  /** Commits what waits, batch after batch, acknowledging each batch after its commit. */
  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        this.counts.batches += 1;
        await this.ingestBatch(batch);
        // Let the connections hand over their next messages (their acknowledgements are out).
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.draining = null;
    }
  }

  private async ingestBatch(batch: Delivery[]): Promise<void> {
    const { db } = this.platform.database;
    let results: SignalResult[];
    try {
      results = await db.transaction().execute(async (trx) => {
        const out: SignalResult[] = [];
        for (const delivery of batch) out.push(await this.ingest(delivery, trx));
        return out;
      });
    } catch {
      // Nothing of the batch was committed: one message's trouble must not hold the others.
      for (const delivery of batch) await this.ingestAlone(delivery);
      return;
    }
    batch.forEach((delivery, i) => this.acknowledge(delivery, results[i]));
  }

  private async ingestAlone(delivery: Delivery): Promise<void> {
    try {
      this.acknowledge(delivery, await this.platform.database.db.transaction().execute((trx) => this.ingest(delivery, trx)));
    } catch (error) {
      this.counts.failed += 1;
      this.failed(`ingest: ${(error as Error).message}`, delivery.client.options.clientId);
      delivery.done(error as Error); // no PUBACK
      // The broker delivers unacknowledged messages again only on a new connection.
      if (!this.stopping) delivery.client.stream?.destroy();
    }
  }

  private ingest(delivery: Delivery, trx: Trx): Promise<SignalResult> {
    const deviceId = deviceOfTopic(this.mqtt.topicRoot, delivery.topic);
    return ingestDeviceMessage(this.platform, { deviceId, payload: delivery.payload, channel: 'mqtt' }, { trx });
  }

  private acknowledge(delivery: Delivery, result: SignalResult): void {
    if (result.status === 'accepted') this.counts.accepted += 1;
    else if (result.status === 'duplicate') this.counts.duplicates += 1;
    else this.counts.rejected += 1;
    delivery.done();
    this.observer.onAcknowledged?.(delivery.payload, result);
  }
}

/** The broker's address without credentials, for logs. */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/$/, '');
}
