// A tenant's logo set from the dashboard: uploaded bytes or a URL fetched once. Either way the
// image is checked by its magic bytes (PNG, JPEG, WebP or ICO, at most 256 KB; never SVG), stored
// in tenant_logos so every node serves it from our own origin, and named in logoUrl with a
// version so caches pick up a replacement at once.
import { eq } from 'drizzle-orm';
import { badRequest, notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { authorizeTenant, type ServiceContext } from '../platform/principal.ts';
import { orgstackUserAgent, safeFetch, SafeFetchError } from '../platform/safe-fetch.ts';
import { tenants } from '../platform/tables.ts';
import { requireTenantExists } from '../platform/tenant-exists.ts';
import { logoFromBytes, logoUrlOf, MAX_LOGO_BYTES, type Logo } from './branding.ts';
import { tenantLogos } from './tables.ts';
import { reviewSettingsOf, settingsView, type TenantSettings } from './settings.ts';
import { tenantView } from '../platform/tenants.ts';

const NOT_A_LOGO = 'Must be a PNG, JPEG, WebP or ICO image (SVG is not accepted)';
const TOO_BIG = `Must be at most ${MAX_LOGO_BYTES / 1024} KB`;

export type LogoSource = { image: string } | { url: string };

function logoOf(bytes: Buffer, field: 'image' | 'url'): Logo {
  if (bytes.length > MAX_LOGO_BYTES) throw badRequest({ [field]: [TOO_BIG] });
  const logo = logoFromBytes(bytes);
  if (!logo) throw badRequest({ [field]: [NOT_A_LOGO] });
  return logo;
}

/** The checked image of the request, fetched (for a URL) before any transaction opens. */
async function readSource(ctx: ServiceContext, source: LogoSource): Promise<Logo> {
  if ('image' in source) {
    const base64 = source.image.replace(/^data:[^,]*,/, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length === 0) throw badRequest({ image: ['Must be the image, base64-encoded'] });
    return logoOf(Buffer.from(base64, 'base64'), 'image');
  }
  let body: Buffer;
  try {
    const res = await safeFetch(source.url, {
      ...ctx.rt.outbound,
      userAgent: orgstackUserAgent(ctx.rt.config.publicUrl),
      maxBytes: MAX_LOGO_BYTES,
      headers: { accept: 'image/*' },
    });
    body = res.body;
  } catch (err) {
    const why = err instanceof SafeFetchError && err.reason === 'too_large' ? TOO_BIG : 'Could not download an image from this address';
    throw badRequest({ url: [why] });
  }
  return logoOf(body, 'url');
}

export async function setLogo(ctx: ServiceContext, tenantId: string, source: LogoSource): Promise<TenantSettings> {
  const id = authorizeTenant(ctx, tenantId, 'settings:write');
  await requireTenantExists(ctx.rt.db, id);
  const logo = await readSource(ctx, source);
  const logoUrl = logoUrlOf(ctx.rt.config.publicUrl, id, logo);
  const now = new Date();
  return ctx.rt.db.transaction(async (tx) => {
    const [row] = await tx.update(tenants).set({ logoUrl, updatedAt: now }).where(eq(tenants.id, id)).returning();
    if (!row) throw notFound();
    await tx
      .insert(tenantLogos)
      .values({ tenantId: id, contentType: logo.contentType, bytes: logo.bytes, sha256: logo.sha256, updatedAt: now })
      .onConflictDoUpdate({ target: tenantLogos.tenantId, set: { contentType: logo.contentType, bytes: logo.bytes, sha256: logo.sha256, updatedAt: now } });
    await emitEvent(tx, id, 'tenant.updated', { tenant: tenantView(row), changed: ['logoUrl'] });
    return settingsView(row, await reviewSettingsOf(tx, id));
  });
}
