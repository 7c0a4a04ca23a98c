import { hostname } from 'node:os';
import { z } from 'zod';

/**
 * Configuration from environment variables, validated once at start. Every variable has a documented
 * default (README "Configuration"); a bad value stops the process with a message naming the variable.
 */
const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  TZ_BUSINESS: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUDIT_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  PII_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  AUDIT_SEAL_INTERVAL_SECONDS: positiveInt(300),
  NOTIFY_DISPATCH_INTERVAL_SECONDS: positiveInt(5),
  NOTIFY_MAX_ATTEMPTS: positiveInt(8),
  NOTIFY_TIMEOUT_SECONDS: positiveInt(10),
  WANGGE_DEMO: flag.default(true),
  WANGGE_DEMO_DAY: flag.default(true),
  DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('wangge-demo'),
  SESSION_TTL_HOURS: positiveInt(12),
  LOGIN_MAX_FAILURES: positiveInt(5),
  LOGIN_LOCK_MINUTES: positiveInt(15),
  LOGIN_RATE_PER_IP: positiveInt(30),
  BODY_LIMIT_BYTES: positiveInt(1024 * 1024),
  TRUST_PROXY: flag.default(false),
  WORK_HOURS: z
    .string()
    .regex(/^\d{2}:\d{2}-\d{2}:\d{2}(,\d{2}:\d{2}-\d{2}:\d{2})*$/, 'must be working periods such as 08:30-12:00,13:30-17:30')
    .default('08:30-12:00,13:30-17:30')
    .transform((v) => v.split(',').map((period) => ({ start: period.slice(0, 5), end: period.slice(6) })))
    .refine(
      (periods) => periods.every((p, i) => p.start < p.end && (i === 0 || periods[i - 1].end <= p.start)),
      'periods must be in order and not overlap',
    ),
  CASE_SWEEP_INTERVAL_SECONDS: positiveInt(30),
  CHECKIN_SWEEP_INTERVAL_SECONDS: positiveInt(30),
  MQTT_URL: z.url({ protocol: /^(mqtts?|wss?|tcp)$/ }).optional(),
  MQTT_TOPIC_ROOT: z
    .string()
    .regex(/^[^#+$][^#+]*$/, 'must be an MQTT topic prefix without wildcards, e.g. wangge')
    .default('wangge')
    .transform((v) => v.replace(/\/+$/, '')),
  MQTT_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'must be 1-40 letters, digits, dots, dashes or underscores')
    .optional(),
  MQTT_SHARE_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, dashes or underscores')
    .default('wangge'),
  MQTT_CONNECTIONS: z.coerce.number().int().min(1).max(64).default(16),
  FILES_MAX_BYTES: positiveInt(10 * 1024 * 1024),
  GEOMETRY_TOLERANCE_M2: z.coerce.number().nonnegative().default(1),
  ORG_CODE_WIDTHS: z
    .string()
    .regex(/^\d+(,\d+){4}$/, 'must be five increasing code lengths, e.g. 6,9,12,15,17')
    .default('6,9,12,15,17')
    .transform((v) => v.split(',').map(Number))
    .refine((w) => w.every((n, i) => i === 0 || n > w[i - 1]), 'lengths must increase'),
});

export interface Config {
  port: number;
  host: string;
  publicUrl?: string;
  dataDir: string;
  databaseUrl?: string;
  timeZone: string;
  logLevel: string;
  /** Unset means "generate once and keep under DATA_DIR/secrets" (see secrets.ts). */
  sessionSecret?: string;
  auditKey?: string;
  piiKey?: string;
  auditSealIntervalSeconds: number;
  /** How often the notification dispatcher sends what is due (docs/notifications.md). */
  notifyDispatchIntervalSeconds: number;
  /** Attempts of one external message before it becomes a dead letter. */
  notifyMaxAttempts: number;
  /** How long one call to a robot or SMS gateway may take. */
  notifyTimeoutSeconds: number;
  demoAllowed: boolean;
  demoPassword: string;
  /** With the demo district installed, simulate each day of the curtain pact (src/demo/careDayJob.ts); never on a real district. */
  demoDay: boolean;
  sessionTtlHours: number;
  loginMaxFailures: number;
  loginLockMinutes: number;
  loginRatePerIp: number;
  bodyLimitBytes: number;
  trustProxy: boolean;
  /** Code length of each area level, district first (DOMAIN.md §3). */
  orgCodeWidths: number[];
  /** Working periods of a working day, local `HH:MM`, that working-hour limits count (DOMAIN.md §4). */
  workHours: { start: string; end: string }[];
  /** How often the case sweeper looks for passed deadlines. */
  caseSweepIntervalSeconds: number;
  /** How often the curtain pact's sweeper raises missed checks and climbs the ladder (docs/checkins.md). */
  checkinSweepIntervalSeconds: number;
  /** Device signals over MQTT (docs/checkins.md "MQTT"): unset, no subscriber. */
  mqtt?: {
    url: string;
    /** Topics are `<topicRoot>/devices/<deviceId>/events`. */
    topicRoot: string;
    /** Stable per instance: the broker keeps the session (and what arrives while we are away) under it. */
    clientId: string;
    /** Instances (and connections) in one group share the messages: `$share/<group>/...`. */
    shareGroup: string;
    /** Connections of this instance, each with its own session (`<clientId>-<n>`). */
    connections: number;
  };
  /** Largest photo or attachment accepted, in bytes. */
  filesMaxBytes: number;
  /** Gaps and overlaps between sibling boundaries up to this area (m²) are slivers, not errors. */
  geometryToleranceSquareMetres: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key in envSchema.shape && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    timeZone: e.TZ_BUSINESS,
    logLevel: e.LOG_LEVEL,
    sessionSecret: e.SESSION_SECRET,
    auditKey: e.AUDIT_KEY,
    piiKey: e.PII_KEY,
    auditSealIntervalSeconds: e.AUDIT_SEAL_INTERVAL_SECONDS,
    notifyDispatchIntervalSeconds: e.NOTIFY_DISPATCH_INTERVAL_SECONDS,
    notifyMaxAttempts: e.NOTIFY_MAX_ATTEMPTS,
    notifyTimeoutSeconds: e.NOTIFY_TIMEOUT_SECONDS,
    demoAllowed: e.WANGGE_DEMO,
    demoPassword: e.DEMO_PASSWORD,
    demoDay: e.WANGGE_DEMO_DAY,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockMinutes: e.LOGIN_LOCK_MINUTES,
    loginRatePerIp: e.LOGIN_RATE_PER_IP,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    trustProxy: e.TRUST_PROXY,
    orgCodeWidths: e.ORG_CODE_WIDTHS,
    geometryToleranceSquareMetres: e.GEOMETRY_TOLERANCE_M2,
    workHours: e.WORK_HOURS,
    caseSweepIntervalSeconds: e.CASE_SWEEP_INTERVAL_SECONDS,
    checkinSweepIntervalSeconds: e.CHECKIN_SWEEP_INTERVAL_SECONDS,
    mqtt: e.MQTT_URL
      ? {
          url: e.MQTT_URL,
          topicRoot: e.MQTT_TOPIC_ROOT,
          clientId: e.MQTT_CLIENT_ID ?? hostClientId(),
          shareGroup: e.MQTT_SHARE_GROUP,
          connections: e.MQTT_CONNECTIONS,
        }
      : undefined,
    filesMaxBytes: e.FILES_MAX_BYTES,
  };
}

/** `wangge-<host name>`: stable across restarts of one machine's instance (set MQTT_CLIENT_ID for two on one host). */
function hostClientId(): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9_.-]/g, '')
    .slice(0, 33);
  return `wangge-${host || 'app'}`;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
