// A tenant's own settings (docs/reviews-api-contract.md §4 TenantSettings): the review page's behaviour and
// the brand fields owners may change themselves. The review page's own settings are the Reviews
// module's (review_settings); time zone, language, brand and listings are on the tenant row.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { tenants } from '../platform/tables.ts';
import { notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { authorizeTenant, type ServiceContext } from '../platform/principal.ts';
import { googlePlaceCidOf, parseXhsInput } from '../platform/listing-urls.ts';
import { tenantView } from '../platform/tenants.ts';
import { reviewSettings } from './tables.ts';

type TenantRow = typeof tenants.$inferSelect;
type ReviewSettingsRow = typeof reviewSettings.$inferSelect;

export function settingsView(t: TenantRow, r: ReviewSettingsRow) {
  return {
    timezone: t.timezone,
    ratingThreshold: r.ratingThreshold,
    defaultLanguage: t.defaultLanguage,
    feedbackContactRetentionDays: r.feedbackContactRetentionDays,
    notifyOnNegativeFeedback: r.notifyOnNegativeFeedback,
    brandPrimaryColor: t.brandPrimaryColor,
    brandAccentColor: t.brandAccentColor,
    logoUrl: t.logoUrl,
    websiteUrl: t.websiteUrl,
    googleMapsUrl: t.googleMapsUrl,
    googlePlaceCid: t.googlePlaceCid,
    xhsHandle: t.xhsHandle,
  };
}
export type TenantSettings = ReturnType<typeof settingsView>;

export interface SettingsPatch {
  timezone?: string;
  ratingThreshold?: number;
  defaultLanguage?: string;
  feedbackContactRetentionDays?: number;
  notifyOnNegativeFeedback?: boolean;
  brandPrimaryColor?: string;
  brandAccentColor?: string;
  logoUrl?: null;
  websiteUrl?: string | null;
  googleMapsUrl?: string | null;
  xhsInput?: string | null;
}

export async function getSettings(ctx: ServiceContext, tenantId: string): Promise<TenantSettings> {
  const id = authorizeTenant(ctx, tenantId, 'settings:read');
  const [row] = await ctx.rt.db
    .select()
    .from(tenants)
    .innerJoin(reviewSettings, eq(reviewSettings.tenantId, tenants.id))
    .where(eq(tenants.id, id));
  if (!row) throw notFound();
  return settingsView(row.tenants, row.review_settings);
}

export async function reviewSettingsOf(db: Db, tenantId: string): Promise<ReviewSettingsRow> {
  const [row] = await db.select().from(reviewSettings).where(eq(reviewSettings.tenantId, tenantId));
  if (!row) throw notFound();
  return row;
}

/** The Reviews row of a tenant being created (Module.tenantCreated): every setting at its default. */
export async function createReviewSettings(tx: Db, tenantId: string): Promise<void> {
  await tx.insert(reviewSettings).values({ tenantId });
}

export async function updateSettings(ctx: ServiceContext, tenantId: string, patch: SettingsPatch): Promise<TenantSettings> {
  const id = authorizeTenant(ctx, tenantId, 'settings:write');
  const { xhsInput, ratingThreshold, feedbackContactRetentionDays, notifyOnNegativeFeedback, ...rest } = patch;
  const review = { ratingThreshold, feedbackContactRetentionDays, notifyOnNegativeFeedback };
  const reviewChanged = Object.values(review).some((v) => v !== undefined);
  // The tenant row changes every time (updatedAt), so tenant.updated always carries its row.
  const changes: Partial<typeof tenants.$inferInsert> = { ...rest, updatedAt: new Date() };
  if (patch.googleMapsUrl !== undefined) {
    changes.googlePlaceCid = patch.googleMapsUrl && googlePlaceCidOf(patch.googleMapsUrl);
  }
  if (xhsInput !== undefined) {
    const parsed = xhsInput === null ? null : parseXhsInput(xhsInput);
    changes.xhsHandle = parsed && 'handle' in parsed ? parsed.handle : null;
  }
  const updated = await ctx.rt.db.transaction(async (tx) => {
    const [row] = await tx.update(tenants).set(changes).where(eq(tenants.id, id)).returning();
    if (!row) throw notFound();
    const [own] = reviewChanged
      ? await tx.update(reviewSettings).set(review).where(eq(reviewSettings.tenantId, id)).returning()
      : [await reviewSettingsOf(tx, id)];
    await emitEvent(tx, id, 'tenant.updated', { tenant: tenantView(row), changed: Object.keys(patch) });
    return settingsView(row, own);
  });
  // Cached analytics follow the tenant's day boundaries: a new time zone must show at once.
  if (patch.timezone !== undefined) await ctx.rt.rollups.changed(id);
  return updated;
}
