// Who made each request, by name: the audit log records credentials by id (and a key's display
// prefix); this looks up the names people know them by — keys by their own names, people by
// their usernames, tenants by theirs — from the lists the signed-in role may read. What it cannot
// name it describes ("an unnamed key"), keeping the prefix for the tooltip only.
import { api, listAll } from '../api.ts';
import type { ApiKey, AuditEntry, Tenant, TenantUser } from '../types.ts';

export interface AuditNames {
  keys: Map<string, string | null>;
  users: Map<string, string>;
  tenants: Map<string, string>;
  me: { id: string; username: string };
}

const quiet = <T,>(p: Promise<T[]>) => p.catch(() => [] as T[]);

export async function loadAuditNames(scope: { tenantId: string } | 'platform', permissions: string[], me: AuditNames['me']): Promise<AuditNames> {
  const may = (p: string) => permissions.includes(p);
  const [keys, users, tenants] =
    scope === 'platform'
      ? await Promise.all([quiet(listAll<ApiKey>('/platform/api-keys', 'apiKeys')), [] as TenantUser[], quiet(listAll<Tenant>('/tenants', 'tenants', 2000))])
      : await Promise.all([
          may('keys:read') ? quiet(listAll<ApiKey>(`/tenants/${scope.tenantId}/api-keys`, 'apiKeys')) : [],
          may('users:read') ? quiet(api.get<{ users: TenantUser[] }>(`/tenants/${scope.tenantId}/users`).then((r) => r.users)) : [],
          [] as Tenant[],
        ]);
  return {
    keys: new Map(keys.map((k) => [k.id, k.name])),
    users: new Map(users.map((u) => [u.id, u.username])),
    tenants: new Map(tenants.map((t) => [t.id, t.name])),
    me,
  };
}

export function who(a: AuditEntry, n: AuditNames | undefined): string {
  const p = a.principal;
  if (!p) return 'not signed in';
  const person = p.userId ? (p.userId === n?.me.id ? n.me.username : n?.users.get(p.userId)) : undefined;
  const keyName = p.id ? n?.keys.get(p.id) : undefined;
  switch (p.kind) {
    case 'session':
      return person ? `${person} (dashboard)` : 'a person no longer here, or an operator (dashboard)';
    case 'user_key':
      return `${person ?? 'a person'}'s personal key${keyName ? ` “${keyName}”` : ''}`;
    case 'tenant_key':
      return keyName ? `key “${keyName}”` : 'an unnamed key';
    case 'platform_key':
      return keyName ? `platform key “${keyName}”` : 'the platform operator';
    default:
      return p.kind.replace(/_/g, ' ');
  }
}
