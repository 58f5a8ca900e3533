// The delivery log of an endpoint, and sending again: one delivery, or every event since a time.
import { and, asc, count, desc, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../db/index.ts';
import { badRequest, conflict, notFound } from '../platform/errors.ts';
import { pageAndTotal, type Page } from '../platform/pagination.ts';
import { isUuid, type ServiceContext } from '../platform/principal.ts';
import { findEndpoint, webhookTenant } from './endpoints.ts';
import { subscribes } from './fan-out.ts';
import type { Delivery } from './schemas.ts';
import { webhookAttempts, webhookDeliveries } from './tables.ts';

/** Deliveries (with their attempts) are kept this long, then purged. */
export const DELIVERY_RETENTION_DAYS = 30;

export interface DeliveryFilter extends Page {
  status?: 'pending' | 'succeeded' | 'failed';
  eventType?: string;
}

type Row = typeof webhookDeliveries.$inferSelect;
type AttemptRow = typeof webhookAttempts.$inferSelect;

function deliveryView(row: Row, attempts: AttemptRow[]): Delivery {
  return {
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status as Delivery['status'],
    attemptCount: attempts.length,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    attempts: attempts.map((a) => ({ at: a.at.toISOString(), status: a.status, error: a.error, durationMs: a.durationMs, response: a.response })),
  };
}

async function withAttempts(ctx: ServiceContext, tenantId: string, rows: Row[]): Promise<Delivery[]> {
  if (rows.length === 0) return [];
  const attempts = await ctx.rt.db
    .select()
    .from(webhookAttempts)
    .where(and(eq(webhookAttempts.tenantId, tenantId), inArray(webhookAttempts.deliveryId, rows.map((r) => r.id))))
    .orderBy(asc(webhookAttempts.at), asc(webhookAttempts.id));
  return rows.map((r) => deliveryView(r, attempts.filter((a) => a.deliveryId === r.id)));
}

/** Newest first; filtered by status and event type (exact or `prefix.*`). */
export async function listDeliveries(ctx: ServiceContext, tenantId: string, endpointId: string, filter: DeliveryFilter) {
  const id = await webhookTenant(ctx, tenantId, 'webhooks:read');
  const endpoint = await findEndpoint(ctx.rt.db, id, endpointId);
  const conditions: SQL[] = [eq(webhookDeliveries.tenantId, id), eq(webhookDeliveries.endpointId, endpoint.id)];
  if (filter.status) conditions.push(eq(webhookDeliveries.status, filter.status));
  if (filter.eventType) {
    const t = filter.eventType;
    // LIKE's own wildcards (_ and %) in a type are matched literally.
    if (t.endsWith('.*')) conditions.push(like(webhookDeliveries.eventType, `${t.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`));
    else conditions.push(eq(webhookDeliveries.eventType, t));
  }
  const where = and(...conditions);
  const [rows, n] = await pageAndTotal(
    filter,
    () => ctx.rt.db.select().from(webhookDeliveries).where(where).orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id)).limit(filter.limit).offset(filter.offset),
    () => ctx.rt.db.select({ n: count() }).from(webhookDeliveries).where(where),
  );
  return { items: await withAttempts(ctx, id, rows), total: n };
}

/** Queues one delivery again now, with a fresh retry schedule and the same `webhook-id`. */
export async function retryDelivery(ctx: ServiceContext, tenantId: string, endpointId: string, deliveryId: string): Promise<Delivery> {
  const id = await webhookTenant(ctx, tenantId, 'webhooks:write');
  const endpoint = await findEndpoint(ctx.rt.db, id, endpointId);
  if (!isUuid(deliveryId)) throw notFound();
  const match = and(eq(webhookDeliveries.tenantId, id), eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.id, deliveryId.toLowerCase()));
  const [existing] = await ctx.rt.db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(match);
  if (!existing) throw notFound();
  if (!endpoint.enabled) throw conflict('The endpoint is disabled; enable it first');
  const [row] = await ctx.rt.db
    .update(webhookDeliveries)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: sql`now()`, leaseUntil: null, updatedAt: new Date() })
    // A delivery another node is attempting right now is left to that attempt.
    .where(and(match, or(sql`${webhookDeliveries.status} <> 'pending'`, sql`${webhookDeliveries.leaseUntil} is null`, sql`${webhookDeliveries.leaseUntil} <= now()`)))
    .returning();
  ctx.rt.webhooks.worker.wake();
  const current = row ?? (await ctx.rt.db.select().from(webhookDeliveries).where(match))[0];
  return (await withAttempts(ctx, id, [current]))[0];
}

/**
 * Sends again every event since `since` that the endpoint subscribes to now (same `webhook-id`s):
 * new deliveries for events it never got, delivered or failed ones queued again.
 */
export async function replayEvents(ctx: ServiceContext, tenantId: string, endpointId: string, since: Date): Promise<{ queued: number }> {
  const id = await webhookTenant(ctx, tenantId, 'webhooks:write');
  const endpoint = await findEndpoint(ctx.rt.db, id, endpointId);
  if (!endpoint.enabled) throw conflict('The endpoint is disabled; enable it first');
  if (since.getTime() < Date.now() - DELIVERY_RETENTION_DAYS * 86_400_000) {
    throw badRequest({ since: [`Must be within the last ${DELIVERY_RETENTION_DAYS} days`] });
  }
  const [row] = await queryRows<{ n: number }>(
    ctx.rt.db,
    sql`with w as (select event_types from webhook_endpoints where tenant_id = ${id} and id = ${endpoint.id}),
      q as (
        insert into webhook_deliveries (tenant_id, endpoint_id, event_id, event_type)
        select e.tenant_id, ${endpoint.id}::uuid, e.id, e.type from events e, w
        where e.tenant_id = ${id} and e.created_at >= ${since.toISOString()}::timestamptz and e.type <> 'webhook.test'
          and ${subscribes(sql`e.type`)}
        order by e.seq
        on conflict (endpoint_id, event_id) do update set status = 'pending', attempts = 0, next_attempt_at = now(), lease_until = null, updated_at = now()
          where webhook_deliveries.status <> 'pending'
        returning 1)
      select count(*)::int as n from q`,
  );
  ctx.rt.webhooks.worker.wake();
  return { queued: Number(row.n) };
}

/** Deletes finished deliveries (and their attempts) older than the retention, in batches. */
export async function purgeDeliveries(ctx: { rt: ServiceContext['rt'] }): Promise<void> {
  for (;;) {
    const [row] = await queryRows<{ n: number }>(
      ctx.rt.db,
      sql`with gone as (delete from webhook_deliveries where (tenant_id, id) in (
            select tenant_id, id from webhook_deliveries
            where created_at < now() - make_interval(days => ${DELIVERY_RETENTION_DAYS}) and status <> 'pending' limit 5000)
          returning 1) select count(*)::int as n from gone`,
    );
    if (Number(row.n) < 5000) return;
  }
}
