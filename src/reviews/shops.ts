// Shops: a tenant's locations, each with its own Google Maps / Xiaohongshu listing. Exactly one
// live shop is the default; a tenant always keeps at least one. Deleting is a soft delete
// (deleted_at) because employees' review history still points at the shop.
import { and, asc, count, eq, getTableColumns, isNull, ne, sql } from 'drizzle-orm';
import { preparedQuery } from '../db/index.ts';
import { conflict, notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { requireTenantExists } from '../platform/tenant-exists.ts';
import { uuidv7 } from '../platform/ids.ts';
import { pageWithTotal, type Page } from '../platform/pagination.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { googlePlaceCidOf, parseXhsInput } from '../platform/listing-urls.ts';
import type { CreateShopBody, UpdateShopBody } from './shop-schemas.ts';
import { employees, shops } from './tables.ts';

type ShopRow = typeof shops.$inferSelect;

export function shopView(s: ShopRow) {
  return {
    id: s.id,
    tenantId: s.tenantId,
    name: s.name,
    address: s.address,
    googleMapsUrl: s.googleMapsUrl,
    googlePlaceCid: s.googlePlaceCid,
    googlePlaceId: s.googlePlaceId,
    xhsHandle: s.xhsHandle,
    isDefault: s.isDefault,
    createdAt: s.createdAt.toISOString(),
  };
}
export type ShopView = ReturnType<typeof shopView>;

const liveShops = (tenantId: string) => and(eq(shops.tenantId, tenantId), isNull(shops.deletedAt));
const liveShop = (tenantId: string, shopId: string) => and(liveShops(tenantId), eq(shops.id, shopId));

/**
 * The listing columns for what the caller sent: the Maps URL with its CID (a short link's CID
 * stays null: resolving it needs a fetch, which never happens on this path), the XHS handle
 * (an xhslink.com short link is kept as given). Absent fields are left out; null clears.
 */
function listingColumns(body: Pick<UpdateShopBody, 'googleMapsUrl' | 'googlePlaceId' | 'xhsHandle'>) {
  const out: Partial<Pick<ShopRow, 'googleMapsUrl' | 'googlePlaceCid' | 'googlePlaceId' | 'xhsHandle'>> = {};
  if (body.googleMapsUrl !== undefined) {
    const url = body.googleMapsUrl;
    out.googleMapsUrl = url;
    out.googlePlaceCid = url && googlePlaceCidOf(url);
  }
  if (body.googlePlaceId !== undefined) out.googlePlaceId = body.googlePlaceId;
  if (body.xhsHandle !== undefined) {
    const parsed = body.xhsHandle === null ? null : parseXhsInput(body.xhsHandle);
    out.xhsHandle = parsed === null ? null : 'handle' in parsed ? parsed.handle : parsed.shortLink;
  }
  return out;
}

// A tenant's live shops counted inside the page's statement: a few dozen index entries, cheaper
// than a second round trip for the count.
const liveShopTotal = sql<number>`(select count(*)::int from ${shops} counted where counted.tenant_id = ${sql.placeholder('t')} and counted.deleted_at is null)`;

/** Live shops, oldest first (the default shop, made at provisioning, usually leads). */
// The list's statement (and the count an empty page past the start needs), prepared once.
export const shopPage = preparedQuery((db) =>
  db
    .select({ ...getTableColumns(shops), total: liveShopTotal })
    .from(shops)
    .where(and(eq(shops.tenantId, sql.placeholder('t')), isNull(shops.deletedAt)))
    .orderBy(asc(shops.createdAt), asc(shops.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('shop_page'),
);
export const shopCount = preparedQuery((db) =>
  db
    .select({ n: count() })
    .from(shops)
    .where(and(eq(shops.tenantId, sql.placeholder('t')), isNull(shops.deletedAt)))
    .prepare('shop_count'),
);

const shopById = preparedQuery((db) =>
  db
    .select()
    .from(shops)
    .where(and(eq(shops.tenantId, sql.placeholder('t')), eq(shops.id, sql.placeholder('id')), isNull(shops.deletedAt)))
    .prepare('shop_by_id'),
);

export async function listShops(ctx: ServiceContext, tenantId: string, page: Page) {
  const t = authorizeTenant(ctx, tenantId, 'shops:read');
  const db = ctx.rt.db;
  const [rows, n] = await pageWithTotal(
    page,
    () => shopPage(db).execute({ t, limit: page.limit, offset: page.offset }),
    () => shopCount(db).execute({ t }),
  );
  if (n === 0) await requireTenantExists(db, t);
  return { items: rows.map(shopView), total: n };
}

export async function getShop(ctx: ServiceContext, tenantId: string, shopId: string): Promise<ShopView> {
  const t = authorizeTenant(ctx, tenantId, 'shops:read');
  if (!isUuid(shopId)) throw notFound();
  const [row] = await shopById(ctx.rt.db).execute({ t, id: shopId.toLowerCase() });
  if (!row) throw notFound();
  return shopView(row);
}

/** The tenant's first shop (or the first after every other was deleted) becomes its default. */
export async function createShop(ctx: ServiceContext, tenantId: string, body: CreateShopBody): Promise<ShopView> {
  const t = authorizeTenant(ctx, tenantId, 'shops:write');
  return ctx.rt.db.transaction(async (tx) => {
    await requireTenantExists(tx, t, true);
    const [current] = await tx.select({ id: shops.id }).from(shops).where(and(liveShops(t), eq(shops.isDefault, true))).limit(1);
    const [row] = await tx
      .insert(shops)
      .values({
        tenantId: t,
        id: uuidv7(),
        name: body.name,
        address: body.address ?? null,
        googleMapsUrl: null,
        googlePlaceCid: null,
        googlePlaceId: null,
        xhsHandle: null,
        ...listingColumns(body),
        isDefault: !current,
      })
      .returning();
    const view = shopView(row);
    await emitEvent(tx, t, 'shop.created', view);
    return view;
  });
}

export async function updateShop(ctx: ServiceContext, tenantId: string, shopId: string, body: UpdateShopBody): Promise<ShopView> {
  const t = authorizeTenant(ctx, tenantId, 'shops:write');
  if (!isUuid(shopId)) throw notFound();
  const id = shopId.toLowerCase();
  return ctx.rt.db.transaction(async (tx) => {
    // Locks in the order deleteShop takes them (tenant, then shop), so the two cannot deadlock.
    if (body.isDefault) await requireTenantExists(tx, t, true);
    const [row] = await tx.select().from(shops).where(liveShop(t, id)).for('update');
    if (!row) throw notFound();

    const next: Partial<ShopRow> = { ...listingColumns(body) };
    if (body.name !== undefined) next.name = body.name;
    if (body.address !== undefined) next.address = body.address;
    const changed = Object.fromEntries(Object.entries(next).filter(([k, v]) => row[k as keyof ShopRow] !== v));
    const becomesDefault = body.isDefault === true && !row.isDefault;
    if (Object.keys(changed).length === 0 && !becomesDefault) return shopView(row);

    if (becomesDefault) {
      // The one-default index is not deferrable: clear the old default before setting the new.
      const previous = await tx
        .update(shops)
        .set({ isDefault: false, updatedAt: new Date() })
        .where(and(eq(shops.tenantId, t), eq(shops.isDefault, true), ne(shops.id, id)))
        .returning();
      for (const p of previous) await emitEvent(tx, t, 'shop.updated', shopView(p));
    }
    const [updated] = await tx
      .update(shops)
      .set({ ...changed, ...(becomesDefault ? { isDefault: true } : {}), updatedAt: new Date() })
      .where(and(eq(shops.tenantId, t), eq(shops.id, id)))
      .returning();
    const view = shopView(updated);
    await emitEvent(tx, t, 'shop.updated', view);
    return view;
  });
}

/**
 * Soft-deletes a shop. Refused (409) while it has active employees or is the tenant's only live
 * shop. Deleting the default makes the oldest remaining shop the default.
 */
export async function deleteShop(ctx: ServiceContext, tenantId: string, shopId: string): Promise<void> {
  const t = authorizeTenant(ctx, tenantId, 'shops:write');
  if (!isUuid(shopId)) throw notFound();
  const id = shopId.toLowerCase();
  await ctx.rt.db.transaction(async (tx) => {
    // The tenant lock serializes deletes (two deletes cannot each leave the other as "the last
    // shop"); the shop lock waits for employee writes that hold it FOR SHARE, so the count below
    // sees every employee committed to this shop.
    await requireTenantExists(tx, t, true);
    const [row] = await tx.select().from(shops).where(liveShop(t, id)).for('update');
    if (!row) throw notFound();

    const [{ n: active }] = await tx
      .select({ n: count() })
      .from(employees)
      .where(and(eq(employees.tenantId, t), eq(employees.shopId, id), eq(employees.active, true)));
    if (active > 0) {
      throw conflict(`This shop has ${active} active employee${active === 1 ? '' : 's'}; move or deactivate them first`);
    }
    const [successor] = await tx
      .select({ id: shops.id })
      .from(shops)
      .where(and(liveShops(t), ne(shops.id, id)))
      .orderBy(asc(shops.createdAt), asc(shops.id))
      .limit(1);
    if (!successor) throw conflict('This is the only shop; a tenant keeps at least one');

    const now = new Date();
    const [deleted] = await tx
      .update(shops)
      .set({ deletedAt: now, isDefault: false, updatedAt: now })
      .where(and(eq(shops.tenantId, t), eq(shops.id, id)))
      .returning();
    await emitEvent(tx, t, 'shop.deleted', shopView(deleted));
    if (row.isDefault) {
      const [promoted] = await tx
        .update(shops)
        .set({ isDefault: true, updatedAt: now })
        .where(and(eq(shops.tenantId, t), eq(shops.id, successor.id)))
        .returning();
      await emitEvent(tx, t, 'shop.updated', shopView(promoted));
    }
  });
}
