// /dashboard/api-keys: the tenant's API keys for integrations and agents, and the signed-in
// person's own keys (`oxk_`), which act as them and never hold more than their role.
import { TENANT_PERMISSIONS } from '../../../src/platform/permissions.ts';
import { ReadOnlyNote, useTenant } from '../dashboard.tsx';
import { PageHeader } from '../layout.tsx';
import { useTitle } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { KeyManager } from './keys.tsx';

export function ApiKeysPage() {
  useTitle('API keys');
  const { tenant } = useTenant();
  const info = useSignedIn();
  // A superadmin viewing a tenant has no personal keys here (they belong to no tenant).
  const personal = info.user.role !== 'superadmin';
  const mine = TENANT_PERMISSIONS.filter((p) => info.permissions.includes(p));
  return (
    <>
      <PageHeader
        title="API keys"
        lead={
          <>
            Keys let your own software and AI agents use the <a href="/docs">orgstack API</a> for {tenant.name}. Send one as <code>Authorization: Bearer …</code>.
          </>
        }
      />
      {personal && (
        <section aria-labelledby="personal-keys" data-testid="personal-keys">
          <h2 id="personal-keys">Personal keys</h2>
          <p className="hint">
            Your own keys (<code>oxk_…</code>) act as you: for your agents and tools. They never hold more than your role ({info.user.role}) allows, and stop working if
            your account is removed.
          </p>
          <KeyManager basePath="/auth/keys" permissions={mine} defaultLimit={1000} kindLabel="a personal key" listTitle="Your personal keys" canRoll={false} />
        </section>
      )}
      <section aria-labelledby="tenant-keys" data-testid="tenant-keys">
        <h2 id="tenant-keys">Tenant keys</h2>
        <ReadOnlyNote permission="keys:write" />
        <KeyManager basePath={`/tenants/${tenant.id}/api-keys`} permissions={TENANT_PERMISSIONS} defaultLimit={1000} kindLabel="a tenant key" />
      </section>
    </>
  );
}
