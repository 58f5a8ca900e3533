// The only reader of process.env. Everything configurable is here, typed and validated,
// so the README's table of variables and the code cannot disagree for long.
import { z } from 'zod';
import path from 'node:path';

/**
 * PostgreSQL connections per node. Few, because postgres.js pipelines: with 50 requests in
 * flight, 4 connections carry several queries per write and per wake of PostgreSQL where 10
 * carry one each, and on a 2-core machine that was worth +33 % on get-tenant, +57 % on the
 * 50-row employee list and +32 % on employee creates (bench/README.md, 2026-12-07). A node whose
 * requests often wait on slow queries (long reports, big exports) wants more.
 */
export const DEFAULT_DATABASE_POOL_SIZE = 4;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(DEFAULT_DATABASE_POOL_SIZE),
  DATABASE_QUEUE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ORGSTACK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TRUST_PROXY: z.string().default('false'),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  PUBLIC_SUBMISSIONS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  OAUTH_REGISTRATIONS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  WORK_DISPATCHES_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(60),
  WORK_QUALITY_THRESHOLD: z.coerce.number().min(1).max(5).default(3),
  FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).max(5000).default(200),
  KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(5000).default(3000),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).default('orgstack <no-reply@localhost>'),
  LLM_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().min(1).optional(),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  // Webhooks (src/webhooks): development switch for http:// loopback receivers, retry delays in
  // seconds, per-attempt timeout, and how many attempts run at once per node and per endpoint.
  WEBHOOK_ALLOW_LOOPBACK: z.enum(['true', 'false', '1', '0']).default('false'),
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'must be seconds separated by commas, like 0,5,300')
    .default('0,5,300,1800,7200,18000,36000,36000'),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(128),
  WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(32),
  // Requests in flight on a node from which its webhook worker slows down for them (0: never).
  WEBHOOK_YIELD_REQUESTS: z.coerce.number().int().min(0).max(10_000).default(8),
  // off: this node makes no deliveries (dedicated delivery nodes elsewhere on the same PostgreSQL).
  WEBHOOK_WORKER: z.enum(['on', 'off']).default('on'),
  // Test-only: lets safeFetch reach loopback/private addresses. Never enable in production.
  ALLOW_PRIVATE_FETCH: z.enum(['true', 'false', '1', '0']).default('false'),
});

export type TrustProxy = boolean | number | string;

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  publicUrlExplicit: boolean;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** How long a query may wait for a free PostgreSQL connection before the request is a 503. */
  databaseQueueTimeoutMs: number;
  dataDir: string;
  logLevel: string;
  secret: string | undefined;
  trustProxy: TrustProxy;
  auditRetentionDays: number;
  authFailuresPerMinute: number;
  /** Ratings and feedback posts per client IP and minute on the public review page. */
  publicSubmissionsPerMinute: number;
  /** OAuth dynamic client registrations per client IP and minute (per node). */
  oauthRegistrationsPerMinute: number;
  /** Agent dispatches per workspace and UTC hour (the Work API's dispatch bucket). */
  workDispatchesPerHour: number;
  /** The spawn quality gate: the mean score (1–5) of an agent's last 20 scored runs must reach this. */
  workQualityThreshold: number;
  flushIntervalMs: number;
  keyCacheTtlMs: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  llm: { baseUrl: string | undefined; apiKey: string | undefined; model: string | undefined; timeoutMs: number };
  webhooks: {
    allowLoopback: boolean;
    /** Seconds before each attempt: [0] the first, [1] the first retry, …; its length is the number of attempts. */
    retrySchedule: number[];
    timeoutMs: number;
    concurrency: number;
    endpointConcurrency: number;
    /** Requests in flight from which delivery gives way to them (worker.ts); 0 = never. */
    yieldRequests: number;
    /** WEBHOOK_WORKER: whether this node delivers (fans out, claims, attempts). */
    deliver: boolean;
  };
  /** Test-only (ALLOW_PRIVATE_FETCH): safeFetch's `allowPrivate` for tenant-supplied URLs. */
  allowPrivateFetch: boolean;
}

/** `TRUST_PROXY`: false (default), true, a hop count, or a comma list of proxy addresses/CIDRs. */
function parseTrustProxy(raw: string): TrustProxy {
  const v = raw.trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return raw.trim();
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset", the way shells and .env files usually intend them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.LLM_BASE_URL && !e.LLM_MODEL) throw new ConfigError('Invalid configuration:\n  LLM_MODEL: required when LLM_BASE_URL is set');
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    publicUrlExplicit: e.PUBLIC_URL !== undefined,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseQueueTimeoutMs: e.DATABASE_QUEUE_TIMEOUT_MS,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    secret: e.ORGSTACK_SECRET,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    publicSubmissionsPerMinute: e.PUBLIC_SUBMISSIONS_PER_MINUTE,
    oauthRegistrationsPerMinute: e.OAUTH_REGISTRATIONS_PER_MINUTE,
    workDispatchesPerHour: e.WORK_DISPATCHES_PER_HOUR,
    workQualityThreshold: e.WORK_QUALITY_THRESHOLD,
    flushIntervalMs: e.FLUSH_INTERVAL_MS,
    keyCacheTtlMs: e.KEY_CACHE_TTL_MS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    llm: { baseUrl: e.LLM_BASE_URL?.replace(/\/+$/, ''), apiKey: e.LLM_API_KEY, model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT_MS },
    webhooks: {
      allowLoopback: e.WEBHOOK_ALLOW_LOOPBACK === 'true' || e.WEBHOOK_ALLOW_LOOPBACK === '1',
      retrySchedule: e.WEBHOOK_RETRY_SCHEDULE.split(',').map((s) => Number(s.trim())),
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      concurrency: e.WEBHOOK_CONCURRENCY,
      endpointConcurrency: e.WEBHOOK_ENDPOINT_CONCURRENCY,
      yieldRequests: e.WEBHOOK_YIELD_REQUESTS,
      deliver: e.WEBHOOK_WORKER === 'on',
    },
    allowPrivateFetch: e.ALLOW_PRIVATE_FETCH === 'true' || e.ALLOW_PRIVATE_FETCH === '1',
  };
}
