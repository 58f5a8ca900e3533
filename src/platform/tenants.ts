// Tenants: the businesses that use orgstack, and their lifecycle. Created with every module's
// starting rows in one transaction (createTenant, or insertTenant inside a larger one such as
// provisioning); read by their own credentials; changed, suspended and deleted by operators.
import { and, count, desc, eq, ne, sql } from 'drizzle-orm';
import { preparedQuery, type Db } from '../db/index.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { emitEvent } from './events.ts';
import { uuidv7 } from './ids.ts';
import { googlePlaceCidOf } from './listing-urls.ts';
import type { Module } from './module.ts';
import { pageAndTotal, type Page } from './pagination.ts';
import { authorizeTenant, isPlatform, requirePermission, type ServiceContext } from './principal.ts';
import { tenants } from './tables.ts';
import type { TenantPatch } from './tenant-schemas.ts';

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

// The tenant list's statements, prepared once (no SQL built per call): every tenant for a platform
// credential, the credential's own one otherwise.
const newestFirst = [desc(tenants.createdAt), desc(tenants.id)];
const allTenantsPage = preparedQuery((db) =>
  db.select().from(tenants).orderBy(...newestFirst).limit(sql.placeholder('limit')).offset(sql.placeholder('offset')).prepare('tenant_page_all'),
);
const allTenantsCount = preparedQuery((db) => db.select({ n: count() }).from(tenants).prepare('tenant_count_all'));
const ownTenantPage = preparedQuery((db) =>
  db
    .select()
    .from(tenants)
    .where(eq(tenants.id, sql.placeholder('id')))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('tenant_page_own'),
);
const ownTenantCount = preparedQuery((db) => db.select({ n: count() }).from(tenants).where(eq(tenants.id, sql.placeholder('id'))).prepare('tenant_count_own'));

/** Platform credentials see every tenant; a tenant credential sees only its own. */
export async function listTenants(ctx: ServiceContext, page: Page) {
  requirePermission(ctx.principal, 'tenants:read');
  const db = ctx.rt.db;
  const { limit, offset } = page;
  const id = ctx.principal.tenantId!;
  const [rows, n] = isPlatform(ctx.principal)
    ? await pageAndTotal(page, () => allTenantsPage(db).execute({ limit, offset }), () => allTenantsCount(db).execute())
    : await pageAndTotal(page, () => ownTenantPage(db).execute({ id, limit, offset }), () => ownTenantCount(db).execute({ id }));
  return { items: rows.map(tenantView), total: n };
}

export const tenantById = preparedQuery((db) =>
  db.select().from(tenants).where(eq(tenants.id, sql.placeholder('id'))).limit(1).prepare('tenant_by_id'),
);

export async function getTenant(ctx: ServiceContext, tenantId: string): Promise<TenantView> {
  const id = authorizeTenant(ctx, tenantId, 'tenants:read');
  const [row] = await tenantById(ctx.rt.db).execute({ id });
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

/**
 * Inserts a tenant row and lets every module add its starting rows (Work's canonical agents),
 * inside the caller's transaction `tx`.
 */
export async function insertTenant(tx: Db, modules: readonly Module[], input: Omit<typeof tenants.$inferInsert, 'id'> & { id?: string }): Promise<TenantRow> {
  const [row] = await tx.insert(tenants).values({ id: uuidv7(), ...input }).returning();
  for (const m of modules) await m.tenantCreated?.(tx, row.id, row.createdAt);
  return row;
}

/** Creates a tenant with every module's starting rows, in one transaction. */
export async function createTenant(db: Db, modules: readonly Module[], input: NewTenant): Promise<TenantView> {
  return db.transaction(async (tx) => tenantView(await insertTenant(tx, modules, input)));
}


/** Platform operators change any Tenant field; suspension cuts the tenant's keys off at once. */
export async function updateTenant(ctx: ServiceContext, tenantId: string, patch: TenantPatch): Promise<TenantView> {
  const id = authorizeTenant(ctx, tenantId, 'tenants:write');
  const { trialEndsAt, ...rest } = patch;
  const changes: Partial<typeof tenants.$inferInsert> = { ...rest, updatedAt: new Date() };
  if (trialEndsAt !== undefined) changes.trialEndsAt = trialEndsAt === null ? null : new Date(trialEndsAt);
  // A new Maps URL brings its CID unless the caller sets one (a short link's stays null: only
  // provisioning resolves short links, because that needs an outbound fetch).
  if (patch.googleMapsUrl !== undefined && patch.googlePlaceCid === undefined) {
    changes.googlePlaceCid = patch.googleMapsUrl && googlePlaceCidOf(patch.googleMapsUrl);
  }
  const updated = await ctx.rt.db.transaction(async (tx) => {
    if (patch.slug) {
      const [taken] = await tx.select({ id: tenants.id }).from(tenants).where(and(eq(tenants.slug, patch.slug), ne(tenants.id, id)));
      if (taken) throw conflict(`The slug "${patch.slug}" is taken`);
    }
    const [row] = await tx.update(tenants).set(changes).where(eq(tenants.id, id)).returning();
    if (!row) throw notFound();
    const view = tenantView(row);
    await emitEvent(tx, id, 'tenant.updated', { tenant: view, changed: Object.keys(patch) });
    return view;
  });
  if (patch.status !== undefined) await ctx.rt.credentials.invalidateAll();
  return updated;
}

/** Deletes the tenant and everything it owns; `confirm` must repeat its slug. */
export async function deleteTenant(ctx: ServiceContext, tenantId: string, confirm: string | undefined): Promise<void> {
  const id = authorizeTenant(ctx, tenantId, 'tenants:write');
  await ctx.rt.db.transaction(async (tx) => {
    const [row] = await tx.select().from(tenants).where(eq(tenants.id, id)).for('update');
    if (!row) throw notFound();
    if (confirm !== row.slug) throw badRequest({ confirm: [`Repeat the tenant's slug ("${row.slug}") to confirm the deletion`] });
    // Foreign keys cascade to every tenant-owned row; the event outlives the tenant for webhooks.
    await tx.delete(tenants).where(eq(tenants.id, id));
    await emitEvent(tx, id, 'tenant.deleted', { tenant: tenantView(row) });
  });
  await ctx.rt.credentials.invalidateAll();
}
