// Templates: the suggested review texts a customer may copy, per language, in the tenant's order.
// Provisioning seeds them from the library; owners add, edit, reorder, switch off and delete.
import { and, asc, count, eq, max, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import { pageAndTotal, type Page } from '../platform/pagination.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { tenants } from '../platform/tables.ts';
import type { CreateTemplateBody, UpdateTemplateBody } from './template-schemas.ts';
import { templates } from './tables.ts';
import { requireTenantExists } from '../platform/tenant-exists.ts';

type TemplateRow = typeof templates.$inferSelect;

export function templateView(t: TemplateRow) {
  return {
    id: t.id,
    tenantId: t.tenantId,
    vertical: t.vertical,
    language: t.language,
    body: t.body,
    active: t.active,
    sortOrder: t.sortOrder,
    createdAt: t.createdAt.toISOString(),
  };
}
export type TemplateView = ReturnType<typeof templateView>;

export interface TemplateFilter {
  language?: string;
  active?: boolean;
}

/** Ordered by language, then the tenant's order within it. */
export async function listTemplates(ctx: ServiceContext, tenantId: string, filter: TemplateFilter, page: Page) {
  const t = authorizeTenant(ctx, tenantId, 'templates:read');
  const db = ctx.rt.db;
  const conditions: SQL[] = [eq(templates.tenantId, t)];
  if (filter.language !== undefined) conditions.push(eq(templates.language, filter.language));
  if (filter.active !== undefined) conditions.push(eq(templates.active, filter.active));
  const where = and(...conditions);
  const [rows, n] = await pageAndTotal(
    page,
    () =>
      db
        .select()
        .from(templates)
        .where(where)
        .orderBy(asc(templates.language), asc(templates.sortOrder), asc(templates.createdAt), asc(templates.id))
        .limit(page.limit)
        .offset(page.offset),
    () => db.select({ n: count() }).from(templates).where(where),
  );
  if (n === 0) await requireTenantExists(db, t);
  return { items: rows.map(templateView), total: n };
}

/** Defaults: the tenant's default language and vertical (`other` without one), last in its language. */
export async function createTemplate(ctx: ServiceContext, tenantId: string, body: CreateTemplateBody): Promise<TemplateView> {
  const t = authorizeTenant(ctx, tenantId, 'templates:write');
  return ctx.rt.db.transaction(async (tx) => {
    const [tenant] = await tx
      .select({ vertical: tenants.vertical, defaultLanguage: tenants.defaultLanguage })
      .from(tenants)
      .where(eq(tenants.id, t));
    if (!tenant) throw notFound();
    const language = body.language ?? tenant.defaultLanguage ?? 'en';
    let sortOrder = body.sortOrder;
    if (sortOrder === undefined) {
      const [{ last }] = await tx
        .select({ last: max(templates.sortOrder) })
        .from(templates)
        .where(and(eq(templates.tenantId, t), eq(templates.language, language)));
      sortOrder = last === null ? 0 : last + 1;
    }
    const [row] = await tx
      .insert(templates)
      .values({
        tenantId: t,
        id: uuidv7(),
        vertical: body.vertical ?? tenant.vertical ?? 'other',
        language,
        body: body.body,
        active: body.active ?? true,
        sortOrder,
      })
      .returning();
    const view = templateView(row);
    await emitEvent(tx, t, 'template.created', view);
    return view;
  });
}

async function lockTemplate(tx: Db, tenantId: string, templateId: string): Promise<TemplateRow> {
  if (!isUuid(templateId)) throw notFound();
  const [row] = await tx
    .select()
    .from(templates)
    .where(and(eq(templates.tenantId, tenantId), eq(templates.id, templateId.toLowerCase())))
    .for('update');
  if (!row) throw notFound();
  return row;
}

/** An update that changes nothing writes nothing and emits no event. */
export async function updateTemplate(ctx: ServiceContext, tenantId: string, templateId: string, body: UpdateTemplateBody): Promise<TemplateView> {
  const t = authorizeTenant(ctx, tenantId, 'templates:write');
  return ctx.rt.db.transaction(async (tx) => {
    const row = await lockTemplate(tx, t, templateId);
    const changes = Object.fromEntries(
      Object.entries(body).filter(([k, v]) => v !== undefined && row[k as keyof TemplateRow] !== v),
    ) as Partial<TemplateRow>;
    if (Object.keys(changes).length === 0) return templateView(row);
    const [updated] = await tx
      .update(templates)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(templates.tenantId, t), eq(templates.id, row.id)))
      .returning();
    const view = templateView(updated);
    await emitEvent(tx, t, 'template.updated', view);
    return view;
  });
}

/** Templates are not referenced by history, so deleting really deletes. */
export async function deleteTemplate(ctx: ServiceContext, tenantId: string, templateId: string): Promise<void> {
  const t = authorizeTenant(ctx, tenantId, 'templates:write');
  if (!isUuid(templateId)) throw notFound();
  await ctx.rt.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(templates)
      .where(and(eq(templates.tenantId, t), eq(templates.id, templateId.toLowerCase())))
      .returning();
    if (!row) throw notFound();
    await emitEvent(tx, t, 'template.deleted', templateView(row));
  });
}
