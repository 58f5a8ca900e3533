// The running node: configuration, the database, and the in-process state that keeps the
// request path fast (credential cache, rate-limit counters, audit buffer), plus the timers
// that flush that state and purge expired rows. Built once per server, handed to services.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import type { Database, Db } from '../db/index.ts';
import { AuditLog } from './audit.ts';
import { AuthFailureLimiter } from './auth-failures.ts';
import { CredentialCache } from './credential-cache.ts';
import { purgeExpired } from './maintenance.ts';
import { RateLimiter } from './rate-limits.ts';
import type { SafeFetchOptions } from './safe-fetch.ts';
import { eraseExpiredFeedbackContacts } from '../reviews/feedback.ts';
import { ReviewLinkCache } from '../reviews/pages/review-links.ts';
import { RollupWriter } from '../reviews/rollups.ts';

const PURGE_EVERY_MS = 10 * 60_000;

export interface Runtime {
  config: Config;
  database: Database;
  db: Db;
  log: FastifyBaseLogger;
  credentials: CredentialCache;
  authFailures: AuthFailureLimiter;
  rateLimits: RateLimiter;
  audit: AuditLog;
  /** Funnel rollup increments of the Reviews module, batched like rate-limit counts. */
  rollups: RollupWriter;
  /** Review links (`/r/<code>`) resolved for the public page, dropped when their tenant changes. */
  reviewLinks: ReviewLinkCache;
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

export async function createRuntime(config: Config, database: Database, log: FastifyBaseLogger): Promise<Runtime> {
  const credentials = new CredentialCache(database, config.keyCacheTtlMs);
  await credentials.start();
  const rateLimits = new RateLimiter(database.db);
  const audit = new AuditLog(database.db, log);
  const rollups = new RollupWriter(database.db, database);
  await rollups.start();
  const reviewLinks = new ReviewLinkCache(database.db);
  await reviewLinks.start(database);

  const flush = async () => {
    const results = await Promise.allSettled([rateLimits.flush(), audit.flush(), credentials.flushLastUsed(), rollups.flush()]);
    for (const r of results) if (r.status === 'rejected') log.error({ err: r.reason }, 'flush failed; will retry');
  };
  const purge = () =>
    Promise.all([purgeExpired(database.db, config.auditRetentionDays), eraseExpiredFeedbackContacts(database.db)]).catch((err) =>
      log.error({ err }, 'purge failed; will retry'),
    );

  const flushTimer = setInterval(flush, config.flushIntervalMs);
  const purgeTimer = setInterval(purge, PURGE_EVERY_MS);
  flushTimer.unref();
  purgeTimer.unref();

  return {
    config,
    database,
    db: database.db,
    log,
    credentials,
    authFailures: new AuthFailureLimiter(config.authFailuresPerMinute),
    rateLimits,
    audit,
    rollups,
    reviewLinks,
    outbound: { allowPrivate: config.allowPrivateFetch },
    flush,
    async stop() {
      clearInterval(flushTimer);
      clearInterval(purgeTimer);
      await flush();
    },
  };
}
