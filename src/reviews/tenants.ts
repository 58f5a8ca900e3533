// Tenants: the businesses that use orgstack. Reading them now; provisioning (POST /tenants)
// builds on createTenant.
import { count, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { tenants } from '../platform/schema.ts';
import { notFound } from '../platform/errors.ts';
import { uuidv7 } from '../platform/ids.ts';
import type { Page } from '../platform/pagination.ts';
import { isPlatform, requireTenantAccess, type ServiceContext } from '../platform/principal.ts';

type TenantRow = typeof tenants.$inferSelect;

export function tenantView(t: TenantRow) {
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    vertical: t.vertical,
    websiteUrl: t.websiteUrl,
    googleMapsUrl: t.googleMapsUrl,
    googlePlaceCid: t.googlePlaceCid,
    xhsHandle: t.xhsHandle,
    logoUrl: t.logoUrl,
    brandPrimaryColor: t.brandPrimaryColor,
    brandAccentColor: t.brandAccentColor,
    createdAt: t.createdAt.toISOString(),
    plan: t.plan,
    trialEndsAt: t.trialEndsAt?.toISOString() ?? null,
    status: t.status as 'active' | 'suspended',
  };
}
export type TenantView = ReturnType<typeof tenantView>;

/** Platform credentials see every tenant; a tenant credential sees only its own. */
export async function listTenants(ctx: ServiceContext, page: Page) {
  const db = ctx.rt.db;
  const where = isPlatform(ctx.principal) ? undefined : eq(tenants.id, ctx.principal.tenantId!);
  const [rows, [{ n }]] = await Promise.all([
    db.select().from(tenants).where(where).orderBy(desc(tenants.createdAt), desc(tenants.id)).limit(page.limit).offset(page.offset),
    db.select({ n: count() }).from(tenants).where(where),
  ]);
  return { items: rows.map(tenantView), total: n };
}

export async function getTenant(ctx: ServiceContext, tenantId: string): Promise<TenantView> {
  requireTenantAccess(ctx.principal, tenantId);
  const [row] = await ctx.rt.db.select().from(tenants).where(eq(tenants.id, tenantId.toLowerCase())).limit(1);
  if (!row) throw notFound();
  return tenantView(row);
}

export interface NewTenant {
  slug: string;
  name: string;
  vertical?: string | null;
  websiteUrl?: string | null;
  googleMapsUrl?: string | null;
  googlePlaceCid?: string | null;
  xhsHandle?: string | null;
  logoUrl?: string | null;
  brandPrimaryColor?: string;
  brandAccentColor?: string;
  plan?: string;
  trialEndsAt?: Date | null;
}

/** Inserts a tenant row. Provisioning wraps this with shops, users, templates and billing. */
export async function createTenant(db: Db, input: NewTenant): Promise<TenantView> {
  const [row] = await db.insert(tenants).values({ id: uuidv7(), ...input }).returning();
  return tenantView(row);
}
