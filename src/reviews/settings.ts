// A tenant's own settings (docs/reviews-api-contract.md §4 TenantSettings): the review page's behaviour and
// the brand fields owners may change themselves. Stored on the tenant row.
import { eq } from 'drizzle-orm';
import { tenants } from '../platform/tables.ts';
import { notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { authorizeTenant, type ServiceContext } from '../platform/principal.ts';
import { googlePlaceCidOf, parseXhsInput } from '../platform/listing-urls.ts';
import { tenantView } from '../platform/tenants.ts';

type TenantRow = typeof tenants.$inferSelect;

export function settingsView(t: TenantRow) {
  return {
    timezone: t.timezone,
    ratingThreshold: t.ratingThreshold,
    defaultLanguage: t.defaultLanguage,
    feedbackContactRetentionDays: t.feedbackContactRetentionDays,
    notifyOnNegativeFeedback: t.notifyOnNegativeFeedback,
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
  const [row] = await ctx.rt.db.select().from(tenants).where(eq(tenants.id, id));
  if (!row) throw notFound();
  return settingsView(row);
}

export async function updateSettings(ctx: ServiceContext, tenantId: string, patch: SettingsPatch): Promise<TenantSettings> {
  const id = authorizeTenant(ctx, tenantId, 'settings:write');
  const { xhsInput, ...rest } = patch;
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
    await emitEvent(tx, id, 'tenant.updated', { tenant: tenantView(row), changed: Object.keys(patch) });
    return settingsView(row);
  });
  // Cached analytics follow the tenant's day boundaries: a new time zone must show at once.
  if (patch.timezone !== undefined) await ctx.rt.rollups.changed(id);
  return updated;
}
