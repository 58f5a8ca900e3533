// Every permission string, and who holds which. A key minted with "default" permissions stores
// null and is expanded here on every request, so it gains what later modules add.

/** Permissions a tenant-scoped credential may hold. */
export const TENANT_PERMISSIONS = [
  // Reviews v1 contract
  'tenants:read',
  'shops:read',
  'shops:write',
  'employees:read',
  'employees:write',
  'templates:read',
  'templates:write',
  'analytics:read',
  'feedback:read',
  'feedback:write',
  // platform additions, tenant scope
  'settings:read',
  'settings:write',
  'keys:read',
  'keys:write',
  'users:read',
  'users:write',
  'audit:read',
  // Work API (docs/work-api-contract.md §1; the MCP scopes use the same strings)
  'initiatives:read',
  'initiatives:write',
  'decisions:read',
  'decisions:write',
  'agents:read',
  'agents:write',
  'memory:read',
  // Webhooks (src/webhooks): endpoints, their secrets and delivery logs
  'webhooks:read',
  'webhooks:write',
] as const;

/** Permissions only platform credentials hold. */
export const PLATFORM_ONLY_PERMISSIONS = ['tenants:write'] as const;

export const ALL_PERMISSIONS: readonly string[] = [...TENANT_PERMISSIONS, ...PLATFORM_ONLY_PERMISSIONS];

const tenantSet = new Set<string>(TENANT_PERMISSIONS);
const allSet = new Set<string>(ALL_PERMISSIONS);

export const isKnownPermission = (p: string) => allSet.has(p);
export const isTenantPermission = (p: string) => tenantSet.has(p);

export type Role = 'superadmin' | 'owner' | 'admin' | 'member';

/** owner/admin: every tenant permission; member: every read; superadmin: everything. */
export function rolePermissions(role: string): readonly string[] {
  switch (role) {
    case 'superadmin':
      return ALL_PERMISSIONS;
    case 'owner':
    case 'admin':
      return TENANT_PERMISSIONS;
    case 'member':
      return TENANT_PERMISSIONS.filter((p) => p.endsWith(':read'));
    default:
      return [];
  }
}

/** What a key of this kind holds when it was minted with the default ("all of its scope"). */
export function scopePermissions(kind: 'tenant' | 'platform' | 'user'): readonly string[] {
  return kind === 'platform' ? ALL_PERMISSIONS : TENANT_PERMISSIONS;
}
