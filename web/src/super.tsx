// /super/*: the platform operators' console (superadmins only).
import { ALL_PERMISSIONS } from '../../src/platform/permissions.ts';
import { PageHeader, Shell, type NavItem } from './layout.tsx';
import { AuditLog } from './pages/audit.tsx';
import { KeyManager } from './pages/keys.tsx';
import { NotFound } from './pages/not-found.tsx';
import { ProvisionPage } from './pages/super/provision.tsx';
import { TenantDetailPage } from './pages/super/tenant-detail.tsx';
import { TenantsPage } from './pages/super/tenants.tsx';
import { UsagePage } from './pages/super/usage.tsx';
import { Routes, useLocation, useTitle } from './router.tsx';

const NAV: NavItem[] = [
  { to: '/super', label: 'Tenants', exact: true },
  { to: '/super/tenants/new', label: 'Provision a tenant' },
  { to: '/super/api-keys', label: 'Platform API keys' },
  { to: '/super/usage', label: 'Usage' },
  { to: '/super/audit', label: 'Audit log' },
];

export function Super() {
  const { path } = useLocation();
  return (
    <Shell nav={NAV} home="/super" area="Console">
      <Routes
        path={path}
        routes={[
          { path: '/super', render: () => <TenantsPage /> },
          { path: '/super/tenants', render: () => <TenantsPage /> },
          { path: '/super/tenants/new', render: () => <ProvisionPage /> },
          { path: '/super/tenants/:id', render: (p) => <TenantDetailPage id={p.id} /> },
          { path: '/super/api-keys', render: () => <PlatformKeysPage /> },
          { path: '/super/usage', render: () => <UsagePage /> },
          { path: '/super/audit', render: () => <PlatformAuditPage /> },
        ]}
        fallback={<NotFound home="/super" />}
      />
    </Shell>
  );
}

function PlatformKeysPage() {
  useTitle('Platform API keys');
  return (
    <>
      <PageHeader
        title="Platform API keys"
        lead="Platform keys act for the operator across all tenants: they list and provision tenants and may create keys for any tenant. Keep them in your automation's secret store."
      />
      <KeyManager basePath="/platform/api-keys" permissions={ALL_PERMISSIONS} defaultLimit={5000} kindLabel="a platform key" />
    </>
  );
}

function PlatformAuditPage() {
  useTitle('Audit log');
  return (
    <>
      <PageHeader title="Audit log" lead="Every authenticated request across all tenants, newest first." />
      <AuditLog path="/platform/audit" showTenant />
    </>
  );
}
