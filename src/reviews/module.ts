// The Reviews module as the platform sees it: its operations on /api/v1, the public review page
// and logos, its per-node state and its periodic work.
import { MinuteCounter } from '../platform/minute-counter.ts';
import type { Module } from '../platform/module.ts';
import type { Runtime } from '../platform/runtime.ts';
import { ReportCache } from './analytics.ts';
import { reviewsEvents } from './events.ts';
import { eraseExpiredFeedbackContacts, newFeedbackPageCache, type FeedbackPageCache } from './feedback.ts';
import { ReviewLinkCache } from './pages/review-links.ts';
import { RollupWriter } from './rollups.ts';
import { createReviewSettings } from './settings.ts';
import { reviewsOperations, reviewsRoutes } from './routes/index.ts';

declare module '../platform/runtime.ts' {
  interface Runtime {
    /**
     * Funnel rollup increments, summed per node in memory and added to the shared rows every
     * flush interval (like rate-limit counts); a crash loses at most one interval, and the rows
     * can be rebuilt from the review sessions. Its per-tenant versions, bumped here and by a
     * NOTIFY from other nodes, tell the caches below when to drop.
     */
    rollups: RollupWriter;
    /** Review links (`/r/<code>`) per node, dropped on every node by the tenant-changed NOTIFY. */
    reviewLinks: ReviewLinkCache;
    /** Analytics reports per node: fresh 2 s, served stale up to 10 s while one refresh runs. */
    analyticsReports: ReportCache;
    /** Feedback list pages per node, kept 2 s and dropped when the tenant's feedback changes on any node. */
    feedbackPages: FeedbackPageCache;
    /**
     * Ratings and feedback posts this minute, per client address and per visit. Per node: N nodes
     * admit N times as many, which only a flood reaches; they exist to slow one down.
     */
    reviewSubmissions: { perIp: MinuteCounter; perVisit: MinuteCounter };
  }
}

/** Per visit: enough to fix a rating and send feedback, far too few to flood. */
const SUBMISSIONS_PER_VISIT_PER_MINUTE = 10;

export const reviewsModule: Module = {
  name: 'reviews',
  events: reviewsEvents,
  v1: reviewsOperations,
  routes: reviewsRoutes,
  async start(rt: Runtime) {
    if (rt.outbound.allowPrivate) rt.log.warn('ALLOW_PRIVATE_FETCH is on: tenant-supplied URLs may reach private addresses (tests only)');
    rt.rollups = new RollupWriter(rt.db, rt.database);
    await rt.rollups.start();
    rt.reviewLinks = new ReviewLinkCache(rt.db);
    await rt.reviewLinks.start(rt.database);
    rt.analyticsReports = new ReportCache(rt);
    rt.feedbackPages = newFeedbackPageCache();
    rt.reviewSubmissions = {
      perIp: new MinuteCounter(rt.config.publicSubmissionsPerMinute),
      perVisit: new MinuteCounter(SUBMISSIONS_PER_VISIT_PER_MINUTE),
    };
  },
  tenantCreated: createReviewSettings,
  flush: (rt) => rt.rollups.flush(),
  purge: async (rt) => {
    await eraseExpiredFeedbackContacts(rt.db);
  },
};
