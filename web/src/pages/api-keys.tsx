// /dashboard/api-keys: the tenant's API keys for integrations and agents.
import { TENANT_PERMISSIONS } from '../../../src/platform/permissions.ts';
import { ReadOnlyNote, useTenant } from '../dashboard.tsx';
import { PageHeader } from '../layout.tsx';
import { useTitle } from '../router.tsx';
import { KeyManager } from './keys.tsx';

export function ApiKeysPage() {
  useTitle('API keys');
  const { tenant } = useTenant();
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
      <ReadOnlyNote permission="keys:write" />
      <KeyManager basePath={`/tenants/${tenant.id}/api-keys`} permissions={TENANT_PERMISSIONS} defaultLimit={1000} kindLabel="a tenant key" />
    </>
  );
}
