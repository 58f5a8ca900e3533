// Webhook endpoints: one service for both doors (/api/v1 and /api/client). A tenant registers
// receivers, picks the event types they get, rotates their signing secrets and sends test events.
import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { badRequest, conflict, notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import { pageAndTotal, type Page } from '../platform/pagination.ts';
import { authorizeTenant, isPlatform, isUuid, type ServiceContext } from '../platform/principal.ts';
import type { Runtime } from '../platform/runtime.ts';
import { requireTenantExists } from '../platform/tenant-exists.ts';
import { checkedTarget, parseEndpointUrl, UrlRefused } from './outbound.ts';
import { MAX_ENDPOINTS_PER_TENANT, type CreateEndpoint, type Endpoint, type UpdateEndpoint } from './schemas.ts';
import { newSigningSecret } from './signing.ts';
import { webhookDeliveries, webhookEndpoints } from './tables.ts';

type Row = typeof webhookEndpoints.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function endpointView(row: Row, now = new Date()): Endpoint {
  const overlap = row.previousSecretExpiresAt && row.previousSecretExpiresAt > now ? row.previousSecretExpiresAt : null;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastSuccessAt: iso(row.lastSuccessAt),
    lastFailureAt: iso(row.lastFailureAt),
    failingSince: iso(row.failingSince),
    disabledReason: row.disabledReason as Endpoint['disabledReason'],
    previousSecretExpiresAt: iso(overlap),
  };
}

/** The tenant of a call, checked: right tenant, permission held, and (for platform credentials) existing. */
export async function webhookTenant(ctx: ServiceContext, tenantId: string, permission: 'webhooks:read' | 'webhooks:write'): Promise<string> {
  const id = authorizeTenant(ctx, tenantId, permission);
  if (isPlatform(ctx.principal)) await requireTenantExists(ctx.rt.db, id);
  return id;
}

export async function findEndpoint(db: Db, tenantId: string, endpointId: string): Promise<Row> {
  if (!isUuid(endpointId)) throw notFound();
  const [row] = await db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, endpointId.toLowerCase())));
  if (!row) throw notFound();
  return row;
}

/** Each filter is `*`, a catalogued type, or `prefix.*` matching at least one catalogued type. */
function checkEventTypes(rt: Runtime, types: string[]): string[] {
  const known = Object.keys(rt.eventTypes);
  const unknown = types.filter((t) => t !== '*' && !(t.endsWith('.*') ? known.some((k) => k.startsWith(t.slice(0, -1))) : t in rt.eventTypes));
  if (unknown.length > 0) throw badRequest({ eventTypes: unknown.map((t) => `Unknown event type: ${t} (see GET /api/v1/webhook-event-types)`) });
  return [...new Set(types)];
}

/** The SSRF guard at registration: the same checks an attempt makes, answered as fieldErrors.url. */
async function checkUrl(rt: Runtime, raw: string): Promise<string> {
  try {
    const url = parseEndpointUrl(raw, rt.config.webhooks.allowLoopback);
    await checkedTarget(url, { allowLoopback: rt.config.webhooks.allowLoopback, allowPrivate: rt.outbound.allowPrivate, resolve: rt.outbound.resolve });
    return url.href;
  } catch (err) {
    if (err instanceof UrlRefused) throw badRequest({ url: [err.message] });
    throw err;
  }
}

export async function listEndpoints(ctx: ServiceContext, tenantId: string, page: Page) {
  const id = await webhookTenant(ctx, tenantId, 'webhooks:read');
  const where = eq(webhookEndpoints.tenantId, id);
  const [rows, n] = await pageAndTotal(
    page,
    () => ctx.rt.db.select().from(webhookEndpoints).where(where).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id)).limit(page.limit).offset(page.offset),
    () => ctx.rt.db.select({ n: count() }).from(webhookEndpoints).where(where),
  );
  return { items: rows.map((r) => endpointView(r)), total: n };
}

export async function getEndpoint(ctx: ServiceContext, tenantId: string, endpointId: string): Promise<Endpoint> {
  const id = await webhookTenant(ctx, tenantId, 'webhooks:read');
  return endpointView(await findEndpoint(ctx.rt.db, id, endpointId));
}

export async function createEndpoint(ctx: ServiceContext, tenantId: string, body: CreateEndpoint): Promise<{ webhook: Endpoint; secret: string }> {
  const id = await webhookTenant(ctx, tenantId, 'webhooks:write');
  const eventTypes = checkEventTypes(ctx.rt, body.eventTypes);
  const url = await checkUrl(ctx.rt, body.url);
  const secret = newSigningSecret();
  const row = await ctx.rt.db.transaction(async (tx) => {
    // Creations of one tenant take turns, so two at once cannot both be the 20th.
    await requireTenantExists(tx, id, true);
    const [{ n }] = await tx.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.tenantId, id));
    if (Number(n) >= MAX_ENDPOINTS_PER_TENANT) throw conflict(`A tenant has at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints; delete one first`);
    const [created] = await tx
      .insert(webhookEndpoints)
      .values({ tenantId: id, id: uuidv7(), url, description: body.description, eventTypes, enabled: body.enabled, secret: ctx.rt.webhooks.secrets.seal(secret) })
      .returning();
    return created;
  });
  return { webhook: endpointView(row), secret };
}

export async function updateEndpoint(ctx: ServiceContext, tenantId: string, endpointId: string, body: UpdateEndpoint): Promise<Endpoint> {
  const id = await webhookTenant(ctx, tenantId, 'webhooks:write');
  const current = await findEndpoint(ctx.rt.db, id, endpointId);
  const eventTypes = body.eventTypes ? checkEventTypes(ctx.rt, body.eventTypes) : undefined;
  const url = body.url !== undefined ? await checkUrl(ctx.rt, body.url) : undefined;
  const changes: Partial<typeof webhookEndpoints.$inferInsert> = { updatedAt: new Date() };
  if (url !== undefined) changes.url = url;
  if (body.description !== undefined) changes.description = body.description;
  if (eventTypes) changes.eventTypes = eventTypes;
  if (body.enabled !== undefined && body.enabled !== current.enabled) {
    changes.enabled = body.enabled;
    // Re-enabling starts a clean record; it replays nothing by itself (that is POST …/replay).
    // Events written while it was disabled are not sent either, however late fan-out reads them.
    if (body.enabled) Object.assign(changes, { disabledReason: null, failingSince: null, receivingSince: sql`now()` });
  }
  const row = await ctx.rt.db.transaction(async (tx) => {
    const [updated] = await tx.update(webhookEndpoints).set(changes).where(and(eq(webhookEndpoints.tenantId, id), eq(webhookEndpoints.id, current.id))).returning();
    if (!updated) throw notFound();
    if (changes.enabled === false) await cancelPending(tx, id, current.id);
    return updated;
  });
  return endpointView(row);
}

/** A disabled endpoint's waiting deliveries end as failed: re-enabling replays nothing. */
export async function cancelPending(db: Db, tenantId: string, endpointId: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: 'failed', lastError: 'endpoint_disabled', leaseUntil: null, updatedAt: new Date() })
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending')));
}

export async function deleteEndpoint(ctx: ServiceContext, tenantId: string, endpointId: string): Promise<void> {
  const id = await webhookTenant(ctx, tenantId, 'webhooks:write');
  if (!isUuid(endpointId)) throw notFound();
  const gone = await ctx.rt.db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, id), eq(webhookEndpoints.id, endpointId.toLowerCase())))
    .returning({ id: webhookEndpoints.id });
  if (gone.length === 0) throw notFound();
}

/** A new secret now; the old one keeps signing beside it for `overlapSeconds`. */
export async function rotateSecret(ctx: ServiceContext, tenantId: string, endpointId: string, overlapSeconds: number): Promise<{ webhook: Endpoint; secret: string }> {
  const id = await webhookTenant(ctx, tenantId, 'webhooks:write');
  const current = await findEndpoint(ctx.rt.db, id, endpointId);
  const secret = newSigningSecret();
  const [row] = await ctx.rt.db
    .update(webhookEndpoints)
    .set({
      secret: ctx.rt.webhooks.secrets.seal(secret),
      previousSecret: overlapSeconds > 0 ? current.secret : null,
      previousSecretExpiresAt: overlapSeconds > 0 ? sql`now() + make_interval(secs => ${overlapSeconds})` : null,
      updatedAt: new Date(),
    })
    .where(and(eq(webhookEndpoints.tenantId, id), eq(webhookEndpoints.id, current.id)))
    .returning();
  if (!row) throw notFound();
  return { webhook: endpointView(row), secret };
}

/** Writes a `webhook.test` event and its one delivery, to this endpoint alone. */
export async function sendTestEvent(ctx: ServiceContext, tenantId: string, endpointId: string): Promise<{ deliveryId: string; eventId: string }> {
  const id = await webhookTenant(ctx, tenantId, 'webhooks:write');
  const endpoint = await findEndpoint(ctx.rt.db, id, endpointId);
  if (!endpoint.enabled) throw conflict('The endpoint is disabled; enable it first');
  const result = await ctx.rt.db.transaction(async (tx) => {
    const event = await emitEvent(tx, id, 'webhook.test', { endpointId: endpoint.id, message: 'A test event from orgstack' });
    const [delivery] = await tx
      .insert(webhookDeliveries)
      .values({ tenantId: id, endpointId: endpoint.id, eventId: event.id, eventType: event.type })
      .returning({ id: webhookDeliveries.id });
    return { deliveryId: delivery.id, eventId: event.id };
  });
  ctx.rt.webhooks.worker.wake();
  return result;
}
