import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { RateLimitSettings } from '../adapters/http/rate-limits';
import type { StripeApiBase, StripeSettings } from '../adapters/payments/stripe-payment.provider';
import type { RedisConnectionSettings } from '../adapters/redis/redis-client';

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** false (default), true (trust the whole X-Forwarded-For) or a number of trusted proxy hops. */
const trustProxy = z
  .string()
  .regex(/^(true|false|yes|no|[0-9]{1,2})$/, 'true, false or a number of proxy hops')
  .default('false')
  .transform((value): boolean | number => {
    if (value === 'true' || value === 'yes') return true;
    if (value === 'false' || value === 'no' || value === '0') return false;
    return Number(value);
  });

/** Seconds between webhook attempts, comma-separated (e.g. `1,2,4`); empty: the Standard Webhooks schedule. */
const retrySchedule = z
  .string()
  .regex(/^$|^\s*[0-9]{1,6}\s*(,\s*[0-9]{1,6}\s*){0,19}$/, 'comma-separated whole seconds, at most 20')
  .default('')
  .transform((value) => (value.trim() === '' ? null : value.split(',').map((part) => Number(part.trim()))));

/** Every setting comes from the environment; the README's configuration table mirrors this schema. */
const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_MAX: positiveInt(20),
  REDIS_URL: z.string().url().optional(),
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/, 'host:port,host:port,... (any nodes of the cluster)')
    .optional(),
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  REDIS_TLS: flag(false),
  REDIS_TLS_CA_FILE: z.string().min(1).optional(),
  JWT_SECRET: z.string().optional(),
  TOKEN_TTL_SECONDS: positiveInt(3600),
  /** argon2id hashes running at once; unset: the cores (at most libuv's pool size); 0: no limit of the service's own (all queued in the pool). */
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(0).max(256).optional(),
  /** Node's own (libuv reads it); read here only as the default of PASSWORD_HASH_CONCURRENCY. */
  UV_THREADPOOL_SIZE: z.coerce.number().int().min(1).max(1024).default(4),
  HOLD_TTL_SECONDS: positiveInt(300),
  MAX_SEATS_PER_RESERVATION: positiveInt(4),
  MAX_SEATS_PER_MEMBER: positiveInt(4),
  HOLD_SWEEP_INTERVAL_MS: positiveInt(5000),
  ADMIN_EMAIL: z.string().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MIGRATE_ON_START: flag(false),
  CACHE_ENABLED: flag(true),
  SEAT_MAP_CACHE_MS: z.coerce.number().int().min(0).max(1000).default(250),
  RATE_LIMIT_ENABLED: flag(true),
  RATE_LIMIT_PER_IP_PER_MINUTE: positiveInt(1200),
  RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE: positiveInt(30),
  RATE_LIMIT_HOLDS_PER_MEMBER_PER_MINUTE: positiveInt(30),
  RATE_LIMIT_HOLDS_PER_IP_PER_MINUTE: positiveInt(600),
  LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP: positiveInt(5),
  LOGIN_MAX_FAILURES_PER_EMAIL: positiveInt(20),
  LOGIN_FAILURE_WINDOW_SECONDS: positiveInt(3600),
  LOGIN_BLOCK_SECONDS: positiveInt(900),
  TRUST_PROXY: trustProxy,
  IDEMPOTENCY_TTL_SECONDS: positiveInt(86_400),
  BODY_LIMIT_BYTES: positiveInt(64 * 1024),
  REQUEST_TIMEOUT_MS: positiveInt(10_000),
  CORS_ORIGINS: z.string().default(''),
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  DEMO_DATA: flag(true),
  SEAT_STREAM_HEARTBEAT_MS: positiveInt(15_000),
  SEAT_STREAM_MAX_CONNECTIONS: positiveInt(10_000),
  SEAT_STREAM_BATCH_MS: z.coerce.number().int().min(0).max(100).default(100),
  SEAT_STREAM_RETENTION_CHANGES: positiveInt(10_000),
  SEAT_STREAM_RETENTION_SECONDS: positiveInt(600),
  SEAT_STATE_RECONCILE_MS: positiveInt(30_000),
  QUEUE_ABANDON_SECONDS: positiveInt(60),
  ADMISSION_SIGNING_KEY: z.string().optional(),
  TICKET_SIGNING_KEY: z.string().optional(),
  WEBHOOK_ALLOW_PRIVATE: flag(false),
  WEBHOOK_RETRY_SCHEDULE: retrySchedule,
  WEBHOOK_RELAY_INTERVAL_MS: positiveInt(500),
  WEBHOOK_DELIVERY_RETENTION_HOURS: positiveInt(168),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  STRIPE_API_BASE: z.string().url().optional(),
  PAYMENT_PROVIDER: z.enum(['none', 'fake', 'stripe']).default('none'),
  CHECKOUT_HOLD_EXTENSION_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
  FAKE_PAYMENT_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').max(200).optional(),
  FAKE_PAYMENT_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(200),
});

export type Environment = z.infer<typeof environmentSchema>;

export interface Config {
  readonly env: Environment['NODE_ENV'];
  readonly host: string;
  readonly port: number;
  /** Embedded: in-memory adapters, nothing kept. External: MySQL + Redis. */
  readonly storage:
    | { readonly kind: 'embedded' }
    | {
        readonly kind: 'external';
        readonly databaseUrl: string;
        /** REDIS_URL (one server) or REDIS_CLUSTER_NODES (a cluster), with the credentials and TLS of either. */
        readonly redis: RedisConnectionSettings;
        readonly poolMax: number;
      };
  readonly jwtSecret: string;
  readonly tokenTtlSeconds: number;
  /** argon2id hashes running at once, the others queued in the service (and dropped once their request timed out); null: no limit of its own. */
  readonly passwordHashConcurrency: number | null;
  readonly reservation: {
    readonly holdSeconds: number;
    readonly maxSeatsPerReservation: number;
    readonly maxSeatsPerMember: number;
    readonly sweepIntervalMs: number;
  };
  readonly admin: { readonly email: string; readonly password: string } | null;
  readonly logLevel: Environment['LOG_LEVEL'];
  readonly migrateOnStart: boolean;
  readonly cache: { readonly enabled: boolean; readonly seatMapMs: number };
  /** RATE_LIMIT_ENABLED; never touches the seat caps of `reservation`. */
  readonly rateLimitEnabled: boolean;
  readonly rateLimits: RateLimitSettings;
  readonly idempotencyTtlSeconds: number;
  readonly http: {
    readonly bodyLimitBytes: number;
    readonly requestTimeoutMs: number;
    readonly corsOrigins: readonly string[];
    readonly shutdownTimeoutMs: number;
    readonly trustProxy: boolean | number;
  };
  readonly demoData: boolean;
  /** The live seat map: streams, their batching and retention, and the check against MySQL. */
  readonly seatStream: {
    readonly heartbeatMs: number;
    readonly maxConnections: number;
    readonly batchMs: number;
    readonly retentionChanges: number;
    readonly retentionSeconds: number;
    readonly reconcileMs: number;
  };
  /** Waiting rooms: when a silent member is dropped, and the admission tokens' Ed25519 key (PKCS#8 PEM; null: generated). */
  readonly admission: { readonly abandonSeconds: number; readonly signingKeyPem: string | null };
  /** Ticket codes: their Ed25519 key (PKCS#8 PEM; null: generated, and codes die with the process). */
  readonly tickets: { readonly signingKeyPem: string | null };
  /** Outgoing webhooks: the SSRF guard's exception, the retry schedule, the relay's pace. */
  readonly webhooks: {
    readonly allowPrivate: boolean;
    /** null: the Standard Webhooks schedule. */
    readonly retryScheduleSeconds: readonly number[] | null;
    readonly relayIntervalMs: number;
    readonly deliveryRetentionHours: number;
  };
  /** STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE; null when not set (required by PAYMENT_PROVIDER=stripe). */
  readonly stripe: StripeSettings | null;
  /** Checkout: the provider (none: confirm without paying), the hold's extension, the fake provider's settings. */
  readonly payments: {
    readonly provider: Environment['PAYMENT_PROVIDER'];
    readonly checkoutHoldExtensionSeconds: number;
    /** The fake provider's webhook secret; null: one is generated per process (it delivers in-process). */
    readonly fakeWebhookSecret: string | null;
    readonly fakeDelayMs: number;
  };
}

export class ConfigError extends Error {}

/** A development-only secret, so `npm start` works at once; production refuses to use it. */
const DEVELOPMENT_JWT_SECRET = 'development-only-secret-change-me-0123456789';

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const env = parsed.data;
  if (env.REDIS_URL && env.REDIS_CLUSTER_NODES) {
    throw new ConfigError(
      'Set REDIS_URL (one Redis server) or REDIS_CLUSTER_NODES (a Redis Cluster), not both: REDIS_URL is set to ' +
        `${redactedUrl(env.REDIS_URL)} and REDIS_CLUSTER_NODES to ${env.REDIS_CLUSTER_NODES}`,
    );
  }
  const redis = redisSettings(env);
  if (Boolean(env.DATABASE_URL) !== Boolean(redis)) {
    throw new ConfigError(
      'Set both DATABASE_URL and REDIS_URL (or REDIS_CLUSTER_NODES) for external stores, or neither (embedded default)',
    );
  }
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
    throw new ConfigError('JWT_SECRET is required in production');
  }
  if (env.JWT_SECRET !== undefined && Buffer.byteLength(env.JWT_SECRET) < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 bytes long');
  }
  if (env.NODE_ENV === 'production' && env.PAYMENT_PROVIDER === 'fake') {
    throw new ConfigError('PAYMENT_PROVIDER=fake takes no money: it is for tests and demos, not production');
  }
  if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
    throw new ConfigError('Set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither');
  }
  const stripe = stripeSettings(env, env.PAYMENT_PROVIDER === 'stripe');
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    storage:
      env.DATABASE_URL && redis
        ? { kind: 'external', databaseUrl: env.DATABASE_URL, redis, poolMax: env.DATABASE_POOL_MAX }
        : { kind: 'embedded' },
    jwtSecret: env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
    tokenTtlSeconds: env.TOKEN_TTL_SECONDS,
    // One hash per core: argon2id is CPU- and memory-bound, and more at once than cores only
    // time-slices them and thrashes the cache (19 MiB each): 2 at once did 9–11 % more hashes
    // per CPU second than 4 on a 2-core machine (perf/RESULTS.md, 2026-12-01 evening). The queue then lives in the
    // service, so the pool's other threads stay free for dns.lookup, fs and zlib, and hashes
    // whose request has timed out are dropped instead of computed.
    passwordHashConcurrency:
      env.PASSWORD_HASH_CONCURRENCY === 0
        ? null
        : (env.PASSWORD_HASH_CONCURRENCY ?? Math.min(availableParallelism(), env.UV_THREADPOOL_SIZE)),
    reservation: {
      holdSeconds: env.HOLD_TTL_SECONDS,
      maxSeatsPerReservation: env.MAX_SEATS_PER_RESERVATION,
      maxSeatsPerMember: env.MAX_SEATS_PER_MEMBER,
      sweepIntervalMs: env.HOLD_SWEEP_INTERVAL_MS,
    },
    admin: env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } : null,
    logLevel: env.LOG_LEVEL,
    migrateOnStart: env.MIGRATE_ON_START,
    cache: { enabled: env.CACHE_ENABLED, seatMapMs: env.SEAT_MAP_CACHE_MS },
    rateLimitEnabled: env.RATE_LIMIT_ENABLED,
    rateLimits: {
      perIp: { points: env.RATE_LIMIT_PER_IP_PER_MINUTE, durationSeconds: 60 },
      loginPerIp: { points: env.RATE_LIMIT_LOGIN_PER_IP_PER_MINUTE, durationSeconds: 60 },
      loginFailuresPerEmailAndIp: {
        points: env.LOGIN_MAX_FAILURES_PER_EMAIL_AND_IP,
        durationSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
        blockSeconds: env.LOGIN_BLOCK_SECONDS,
      },
      loginFailuresPerEmail: {
        points: env.LOGIN_MAX_FAILURES_PER_EMAIL,
        durationSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
        blockSeconds: env.LOGIN_BLOCK_SECONDS,
      },
      holdsPerMember: { points: env.RATE_LIMIT_HOLDS_PER_MEMBER_PER_MINUTE, durationSeconds: 60 },
      holdsPerIp: { points: env.RATE_LIMIT_HOLDS_PER_IP_PER_MINUTE, durationSeconds: 60 },
    },
    idempotencyTtlSeconds: env.IDEMPOTENCY_TTL_SECONDS,
    http: {
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
      corsOrigins: env.CORS_ORIGINS.split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      trustProxy: env.TRUST_PROXY,
    },
    demoData: env.DEMO_DATA,
    seatStream: {
      heartbeatMs: env.SEAT_STREAM_HEARTBEAT_MS,
      maxConnections: env.SEAT_STREAM_MAX_CONNECTIONS,
      batchMs: env.SEAT_STREAM_BATCH_MS,
      retentionChanges: env.SEAT_STREAM_RETENTION_CHANGES,
      retentionSeconds: env.SEAT_STREAM_RETENTION_SECONDS,
      reconcileMs: env.SEAT_STATE_RECONCILE_MS,
    },
    admission: {
      abandonSeconds: env.QUEUE_ABANDON_SECONDS,
      // A PEM in one line of an env file has its line breaks written as \n.
      signingKeyPem: env.ADMISSION_SIGNING_KEY ? env.ADMISSION_SIGNING_KEY.replaceAll('\\n', '\n') : null,
    },
    tickets: {
      signingKeyPem: env.TICKET_SIGNING_KEY ? env.TICKET_SIGNING_KEY.replaceAll('\\n', '\n') : null,
    },
    webhooks: {
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
      retryScheduleSeconds: env.WEBHOOK_RETRY_SCHEDULE,
      relayIntervalMs: env.WEBHOOK_RELAY_INTERVAL_MS,
      deliveryRetentionHours: env.WEBHOOK_DELIVERY_RETENTION_HOURS,
    },
    stripe,
    payments: {
      provider: env.PAYMENT_PROVIDER,
      checkoutHoldExtensionSeconds: env.CHECKOUT_HOLD_EXTENSION_SECONDS,
      fakeWebhookSecret: env.FAKE_PAYMENT_WEBHOOK_SECRET ?? null,
      fakeDelayMs: env.FAKE_PAYMENT_DELAY_MS,
    },
  };
}

/**
 * Stripe's settings: both secrets or neither, and both when Stripe takes the payments.
 * Messages name the variables, never their values.
 */
function stripeSettings(env: Environment, required: boolean): StripeSettings | null {
  const { STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret } = env;
  if (!secretKey || !webhookSecret) {
    if (required) {
      throw new ConfigError('PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET');
    }
    if (secretKey || webhookSecret) {
      throw new ConfigError('Set both STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or neither');
    }
    if (env.STRIPE_API_BASE) throw new ConfigError('STRIPE_API_BASE is set without STRIPE_SECRET_KEY');
    return null;
  }
  return { secretKey, webhookSecret, apiBase: env.STRIPE_API_BASE ? stripeApiBase(env.STRIPE_API_BASE) : null };
}

/** STRIPE_API_BASE (`http://127.0.0.1:12111`, a stub; `https://proxy.internal`) as the SDK takes it: host, port, protocol. */
function stripeApiBase(value: string): StripeApiBase {
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('STRIPE_API_BASE must be an http:// or https:// URL');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
    // The SDK always calls /v1/… at the root of its host.
    throw new ConfigError(
      'STRIPE_API_BASE must be a scheme, host and optional port only, e.g. https://stripe-proxy:8443',
    );
  }
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return {
    // new URL keeps IPv6 hosts in brackets; the SDK passes host to http.request as it is.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80,
    protocol,
  };
}

function redisSettings(env: Environment): RedisConnectionSettings | undefined {
  const shared = {
    ...(env.REDIS_USERNAME !== undefined && { username: env.REDIS_USERNAME }),
    ...(env.REDIS_PASSWORD !== undefined && { password: env.REDIS_PASSWORD }),
    tls: env.REDIS_TLS,
    ...(env.REDIS_TLS_CA_FILE !== undefined && { tlsCaFile: env.REDIS_TLS_CA_FILE }),
  };
  if (env.REDIS_URL) return { kind: 'single', url: env.REDIS_URL, ...shared };
  if (!env.REDIS_CLUSTER_NODES) return undefined;
  const nodes = env.REDIS_CLUSTER_NODES.split(',').map((node) => {
    const [host, port] = node.trim().split(':') as [string, string];
    return { host, port: Number(port) };
  });
  if (nodes.some((node) => node.port < 1 || node.port > 65535)) {
    throw new ConfigError(`REDIS_CLUSTER_NODES: a port out of range in ${env.REDIS_CLUSTER_NODES}`);
  }
  return { kind: 'cluster', nodes, ...shared };
}

/** A URL for an error message: never its password. */
function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
