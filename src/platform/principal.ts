// Every authenticated request resolves to one Principal, whatever the credential. Rate-limit
// buckets, audit rows and idempotency scopes are all keyed by `credentialId`.
import { AppError, forbidden, notFound } from './errors.ts';
import type { Runtime } from './runtime.ts';

export type PrincipalKind = 'tenant_key' | 'platform_key' | 'user_key' | 'session' | 'oauth_token';

export interface Principal {
  kind: PrincipalKind;
  /** The credential: key id, user id for dashboard sessions, grant id for OAuth tokens. */
  credentialId: string;
  tenantId: string | null;
  userId: string | null;
  /** Display prefix of the key, for audit rows and lists; never the secret. */
  keyPrefix: string | null;
  permissions: ReadonlySet<string>;
  hourlyLimit: number;
  /** A person acts (sessions, user keys, user OAuth grants), not an automation. */
  human: boolean;
}

/** What every service function receives: who is calling, the request, and the running node. */
export interface ServiceContext {
  principal: Principal;
  requestId: string;
  rt: Runtime;
}

/** Platform credentials (platform keys, superadmin sessions) belong to no tenant. */
export const isPlatform = (p: Principal) => p.tenantId === null;

export function requirePermission(p: Principal, permission: string): void {
  if (!p.permissions.has(permission)) {
    throw forbidden(`This credential lacks the "${permission}" permission`);
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string) => UUID_RE.test(v);

/**
 * Guards `/tenants/{tenantId}/…`: a malformed id is a 404; a tenant-scoped credential on
 * another tenant's path is a 403 (the one place the contract does not answer 404).
 */
export function requireTenantAccess(p: Principal, tenantId: string): void {
  if (!isUuid(tenantId)) throw notFound();
  if (p.tenantId !== null && p.tenantId !== tenantId.toLowerCase()) {
    throw new AppError(403, 'forbidden', 'This credential belongs to another tenant');
  }
}

/** The check every tenant-scoped service operation starts with: right tenant, right permission. */
export function authorizeTenant(ctx: ServiceContext, tenantId: string, permission: string): string {
  requireTenantAccess(ctx.principal, tenantId);
  requirePermission(ctx.principal, permission);
  return tenantId.toLowerCase();
}
