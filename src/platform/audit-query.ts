// Reading the audit log: a tenant's rows (its own credentials, and platform operators acting on
// it), newest first. Rows reach the table within one flush interval of the request.
import { and, count, desc, eq, gte, lte, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { auditLog } from './tables.ts';
import { pageAndTotal, type Page } from './pagination.ts';
import { requireTenantAccess, type ServiceContext } from './principal.ts';

export interface AuditFilter {
  tenantId?: string;
  keyId?: string;
  status?: number;
  from?: Date;
  to?: Date;
}

type AuditRow = typeof auditLog.$inferSelect;

export function auditEntryView(r: AuditRow) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    requestId: r.requestId,
    method: r.method,
    route: r.route,
    status: r.status,
    durationMs: r.durationMs,
    principal: r.principalKind ? { kind: r.principalKind, id: r.principalId, keyPrefix: r.keyPrefix, userId: r.userId } : null,
    tenantId: r.tenantId,
    ip: r.ip,
    userAgent: r.userAgent,
  };
}

export async function queryAudit(db: Db, filter: AuditFilter, page: Page) {
  const conditions: SQL[] = [];
  if (filter.tenantId) conditions.push(eq(auditLog.tenantId, filter.tenantId));
  if (filter.keyId) conditions.push(eq(auditLog.principalId, filter.keyId));
  if (filter.status !== undefined) conditions.push(eq(auditLog.status, filter.status));
  if (filter.from) conditions.push(gte(auditLog.at, filter.from));
  if (filter.to) conditions.push(lte(auditLog.at, filter.to));
  const where = conditions.length ? and(...conditions) : undefined;
  const [rows, n] = await pageAndTotal(
    page,
    () => db.select().from(auditLog).where(where).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(page.limit).offset(page.offset),
    () => db.select({ n: count() }).from(auditLog).where(where),
  );
  return { items: rows.map(auditEntryView), total: n };
}

export async function listTenantAudit(ctx: ServiceContext, tenantId: string, filter: Omit<AuditFilter, 'tenantId'>, page: Page) {
  requireTenantAccess(ctx.principal, tenantId);
  return queryAudit(ctx.rt.db, { ...filter, tenantId }, page);
}
