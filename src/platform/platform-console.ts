// The operator's own operations behind /super: platform keys, usage per credential per hour,
// and the audit log across tenants. Platform credentials only (platform keys, superadmin
// sessions); a tenant credential gets 403 even when it holds the permission.
import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/index.ts';
import { queryAudit, type AuditFilter } from './audit-query.ts';
import { forbidden, notFound } from './errors.ts';
import { isUuid, requirePermission, type ServiceContext } from './principal.ts';
import { keysWhere, mintKey, revokeKey, rollKey, withRequestsThisHour, type CreateKeyBody } from './keys.ts';
import type { Page } from './pagination.ts';
import { apiKeys } from './tables.ts';

function authorizePlatform(ctx: ServiceContext, permission: string) {
  if (ctx.principal.tenantId !== null) throw forbidden('Only platform credentials (platform keys, superadmins) may do this');
  requirePermission(ctx.principal, permission);
}

/** A platform key by id; tenant and user keys are not found here (they have their own routes). */
async function requirePlatformKey(db: Db, keyId: string) {
  if (!isUuid(keyId)) throw notFound();
  const [row] = await db.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.id, keyId), eq(apiKeys.kind, 'platform')));
  if (!row) throw notFound();
}

export async function listPlatformKeys(ctx: ServiceContext, page: Page) {
  authorizePlatform(ctx, 'keys:read');
  const { items, total } = await keysWhere(ctx.rt.db, eq(apiKeys.kind, 'platform'), page);
  return { items: await withRequestsThisHour(ctx.rt, items), total };
}

export async function createPlatformKey(ctx: ServiceContext, body: CreateKeyBody) {
  authorizePlatform(ctx, 'keys:write');
  return mintKey(ctx.rt.db, { kind: 'platform', ...body }, ctx.principal);
}

export async function revokePlatformKey(ctx: ServiceContext, keyId: string) {
  authorizePlatform(ctx, 'keys:write');
  await requirePlatformKey(ctx.rt.db, keyId);
  await revokeKey(ctx.rt.db, keyId);
  await ctx.rt.credentials.invalidateAll();
}

export async function rollPlatformKey(ctx: ServiceContext, keyId: string, overlapSeconds: number) {
  authorizePlatform(ctx, 'keys:write');
  await requirePlatformKey(ctx.rt.db, keyId);
  const rolled = await rollKey(ctx.rt.db, keyId, overlapSeconds, ctx.principal);
  await ctx.rt.credentials.invalidateAll();
  return rolled;
}

export interface UsageRow {
  credentialId: string;
  kind: string;
  prefix: string | null;
  name: string | null;
  tenantId: string | null;
  tenantName: string | null;
  windowStart: string;
  requests: number;
  hourlyLimit: number | null;
}

/**
 * Requests per credential per UTC hour over the last `hours`, from the rate-limit windows (the
 * counters every node flushes). A bucket is a key id or, for dashboard sessions, a user id.
 */
export async function usage(ctx: ServiceContext, filter: { hours: number; tenantId?: string }): Promise<UsageRow[]> {
  authorizePlatform(ctx, 'audit:read');
  const since = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - (filter.hours - 1) * 3_600_000);
  const tenantId = filter.tenantId && isUuid(filter.tenantId) ? filter.tenantId.toLowerCase() : null;
  if (filter.tenantId && !tenantId) return [];
  const rows = await queryRows<{
    bucket: string;
    window_start: string | Date;
    count: number;
    kind: string | null;
    prefix: string | null;
    name: string | null;
    hourly_limit: number | null;
    tenant_id: string | null;
    tenant_name: string | null;
  }>(
    ctx.rt.db,
    sql`select w.bucket, w.window_start, w.count,
               coalesce(k.kind, case when u.id is not null then 'session' end) as kind,
               k.prefix, coalesce(k.name, u.username) as name, k.hourly_limit,
               coalesce(k.tenant_id, u.tenant_id) as tenant_id, t.name as tenant_name
          from rate_limit_windows w
          left join api_keys k on k.id::text = w.bucket
          left join users u on k.id is null and u.id::text = w.bucket
          left join tenants t on t.id = coalesce(k.tenant_id, u.tenant_id)
         where w.window_start >= ${since.toISOString()}::timestamptz
           and (${tenantId}::uuid is null or coalesce(k.tenant_id, u.tenant_id) = ${tenantId}::uuid)
         order by w.window_start desc, w.count desc
         limit 1000`,
  );
  return rows.map((r) => ({
    credentialId: r.bucket,
    kind: r.kind ?? 'unknown',
    prefix: r.prefix,
    name: r.name,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    windowStart: new Date(r.window_start).toISOString(),
    requests: Number(r.count),
    hourlyLimit: r.hourly_limit === null ? null : Number(r.hourly_limit),
  }));
}

/** The audit log across every tenant (and the platform's own requests), newest first. */
export async function platformAudit(ctx: ServiceContext, filter: AuditFilter, page: Page) {
  authorizePlatform(ctx, 'audit:read');
  return queryAudit(ctx.rt.db, filter, page);
}
