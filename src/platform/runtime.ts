// The running node: configuration, the database, its modules, and every piece of per-node state
// — caches, counters, write buffers — as a named member that says how it behaves when several
// nodes share one database. Modules add their own members (declared on this interface by
// declaration merging, created by their `start`). Built once per server, handed to services.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import type { Database, Db } from '../db/index.ts';
import { AuditLog } from './audit.ts';
import { AuthFailureLimiter } from './auth-failures.ts';
import { CredentialCache } from './credential-cache.ts';
import { eventCatalogue } from './event-catalogue.ts';
import { useEventCatalogue, type EventCatalogue } from './events.ts';
import { createMailer, type Mailer } from './mailer.ts';
import { purgeExpired } from './maintenance.ts';
import type { Module } from './module.ts';
import { RateLimiter } from './rate-limits.ts';
import { RequestGauge } from './request-gauge.ts';
import type { SafeFetchOptions } from './safe-fetch.ts';
import { SignInThrottle } from './sign-in-throttle.ts';

const PURGE_EVERY_MS = 10 * 60_000;
/** How long shutdown waits for requests still running (below serve's 15 s forced exit). */
const SETTLE_AT_SHUTDOWN_MS = 10_000;

export interface Runtime {
  config: Config;
  database: Database;
  db: Db;
  log: FastifyBaseLogger;
  modules: readonly Module[];
  /** Every event type the outbox holds: the platform's and the modules' (event-catalogue.ts). */
  eventTypes: EventCatalogue;
  /**
   * Keys and sessions by their hash. Per node, dropped on every node by a database NOTIFY when a
   * key is revoked or a session ends, with a time-to-live (KEY_CACHE_TTL_MS) as the backstop.
   */
  credentials: CredentialCache;
  /**
   * Failed authentications per client address and minute. Per node: N nodes admit N times the
   * rate, which still makes guessing hopeless (README, "Accounts and sessions").
   */
  authFailures: AuthFailureLimiter;
  /**
   * Failed sign-ins per account (the growing delay). Per node, bounded in size; like authFailures,
   * several nodes only multiply the attempts by N.
   */
  signInThrottle: SignInThrottle;
  /**
   * Requests per credential and hour. Each node admits from budget slices leased from the shared
   * window (so all nodes together never exceed the limit) and adds its admitted count to the
   * database every FLUSH_INTERVAL_MS (README, "Rate limits").
   */
  rateLimits: RateLimiter;
  /**
   * Audit rows, buffered per node and written every flush interval (a crash loses at most that),
   * never dropped: while the buffer is over its bound, audited requests get a 503 instead.
   */
  audit: AuditLog;
  /** Requests this node is answering now (request-path.ts counts them; the webhook worker yields to them). */
  requests: RequestGauge;
  /** The node's SMTP transport; mail itself is queued in the database (mail_outbox). */
  mailer: Mailer;
  /**
   * Options every fetch of a tenant-supplied URL passes to safeFetch. `allowPrivate` comes from
   * the test-only ALLOW_PRIVATE_FETCH; tests may replace this object (an injected resolver,
   * short timeouts) on a running app.
   */
  outbound: Pick<SafeFetchOptions, 'resolve' | 'allowPrivate' | 'timeoutMs'>;
  /** Writes every buffer now (called by the timer, on shutdown, and by tests). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export async function createRuntime(config: Config, database: Database, log: FastifyBaseLogger, modules: readonly Module[]): Promise<Runtime> {
  const credentials = new CredentialCache(database, config.keyCacheTtlMs);
  await credentials.start();
  const rateLimits = new RateLimiter(database.db);
  const audit = new AuditLog(database.db, log);
  const mailer = createMailer(config, database.db, log);

  const flush = async () => {
    const results = await Promise.allSettled([
      rateLimits.flush(),
      audit.flush(),
      credentials.flushLastUsed(),
      ...modules.map((m) => m.flush?.(rt)),
    ]);
    for (const r of results) if (r.status === 'rejected') log.error({ err: r.reason }, 'flush failed; will retry');
  };
  const purge = () =>
    Promise.all([purgeExpired(database.db, config.auditRetentionDays), ...modules.map((m) => m.purge?.(rt))]).catch((err) =>
      log.error({ err }, 'purge failed; will retry'),
    );

  // Module members are added by each module's start() below, before anything serves a request.
  const rt = {
    config,
    database,
    db: database.db,
    log,
    modules,
    eventTypes: useEventCatalogue(eventCatalogue(modules)),
    credentials,
    authFailures: new AuthFailureLimiter(config.authFailuresPerMinute),
    signInThrottle: new SignInThrottle(),
    rateLimits,
    audit,
    requests: new RequestGauge(config.webhooks.yieldRequests),
    mailer,
    outbound: { allowPrivate: config.allowPrivateFetch },
    flush,
    async stop() {
      clearInterval(flushTimer);
      clearInterval(purgeTimer);
      // The server has stopped accepting; requests whose client left may still be running.
      // Their rows are written when they end (or as they stand after the wait), before the last flush.
      await audit.settle(SETTLE_AT_SHUTDOWN_MS);
      await Promise.allSettled(modules.map((m) => m.stop?.(rt)));
      // No new leases after this, and the unused ones go back before the last flush.
      await rateLimits.stop().catch((err) => log.error({ err }, 'handing back rate-limit leases failed'));
      await flush();
      mailer.close();
    },
  } as Runtime;
  for (const m of modules) await m.start?.(rt);

  const flushTimer = setInterval(flush, config.flushIntervalMs);
  const purgeTimer = setInterval(purge, PURGE_EVERY_MS);
  flushTimer.unref();
  purgeTimer.unref();
  return rt;
}
