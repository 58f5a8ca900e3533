// /dashboard/*: the tenant area. The tenant is the signed-in user's own; a superadmin may open
// any tenant's dashboard from /super (the chosen id is kept for the browser tab).
import { createContext, useContext, type ReactNode } from 'react';
import { api } from './api.ts';
import { Shell, type NavItem } from './layout.tsx';
import { ApiKeysPage } from './pages/api-keys.tsx';
import { ConnectedAppsPage } from './pages/connected-apps.tsx';
import { AuditPage } from './pages/audit.tsx';
import { DecisionsPage } from './pages/decisions.tsx';
import { EmployeesPage } from './pages/employees.tsx';
import { FeedbackPage } from './pages/feedback.tsx';
import { InitiativePage } from './pages/initiative.tsx';
import { InitiativesPage } from './pages/initiatives.tsx';
import { NotFound } from './pages/not-found.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { SettingsPage } from './pages/settings.tsx';
import { ShopsPage } from './pages/shops.tsx';
import { TemplatesPage } from './pages/templates.tsx';
import { UsersPage } from './pages/users.tsx';
import { WebhooksPage } from './pages/webhooks.tsx';
import { Link, Redirect, Routes, useLocation } from './router.tsx';
import { useSignedIn } from './session.tsx';
import type { Tenant } from './types.ts';
import { Async, useAsync } from './ui.tsx';

interface TenantCtx {
  tenant: Tenant;
  reload: () => void;
}
const Ctx = createContext<TenantCtx | null>(null);

export function useTenant(): TenantCtx {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useTenant outside the dashboard');
  return ctx;
}

const VIEW_KEY = 'orgstack.viewTenant';

export const NAV: NavItem[] = [
  { to: '/dashboard', label: 'Overview', exact: true },
  { to: '/dashboard/employees', label: 'Employees' },
  { to: '/dashboard/shops', label: 'Shops' },
  { to: '/dashboard/templates', label: 'Templates' },
  { to: '/dashboard/feedback', label: 'Feedback' },
  { to: '/dashboard/initiatives', label: 'Initiatives' },
  { to: '/dashboard/decisions', label: 'Decisions' },
  { to: '/dashboard/api-keys', label: 'API keys' },
  { to: '/dashboard/connected-apps', label: 'Connected apps' },
  { to: '/dashboard/webhooks', label: 'Webhooks' },
  { to: '/dashboard/settings', label: 'Settings' },
  { to: '/dashboard/users', label: 'Users' },
  { to: '/dashboard/audit', label: 'Audit log' },
];

export function Dashboard() {
  const info = useSignedIn();
  const { path, search } = useLocation();
  let tenantId = info.user.tenantId ?? info.tenant?.id ?? null;
  if (!tenantId && info.user.role === 'superadmin') {
    const asked = search.get('tenant');
    if (asked) sessionStorage.setItem(VIEW_KEY, asked);
    tenantId = asked ?? sessionStorage.getItem(VIEW_KEY);
  }
  if (!tenantId) return <Redirect to="/super" />;
  return (
    <TenantLoader tenantId={tenantId} initial={info.tenant}>
      <TenantShell>
        <Routes
          path={path}
          routes={[
            { path: '/dashboard', render: () => <OverviewPage /> },
            { path: '/dashboard/employees', render: () => <EmployeesPage /> },
            { path: '/dashboard/shops', render: () => <ShopsPage /> },
            { path: '/dashboard/templates', render: () => <TemplatesPage /> },
            { path: '/dashboard/feedback', render: () => <FeedbackPage /> },
            { path: '/dashboard/initiatives', render: () => <InitiativesPage /> },
            { path: '/dashboard/initiatives/:id', render: (p) => <InitiativePage key={p.id} id={p.id} /> },
            { path: '/dashboard/decisions', render: () => <DecisionsPage /> },
            { path: '/dashboard/api-keys', render: () => <ApiKeysPage /> },
            { path: '/dashboard/connected-apps', render: () => <ConnectedAppsPage /> },
            { path: '/dashboard/webhooks', render: () => <WebhooksPage /> },
            { path: '/dashboard/settings', render: () => <SettingsPage /> },
            { path: '/dashboard/users', render: () => <UsersPage /> },
            { path: '/dashboard/audit', render: () => <AuditPage /> },
          ]}
          fallback={<NotFound home="/dashboard" />}
        />
      </TenantShell>
    </TenantLoader>
  );
}

/** The frame, headed by the business's own name and logo. */
function TenantShell({ children }: { children: ReactNode }) {
  const { tenant } = useTenant();
  return (
    <Shell nav={NAV} home="/dashboard" area="Dashboard" brand={{ name: tenant.name, logoUrl: tenant.logoUrl, color: tenant.brandPrimaryColor }} banner={<Banners />}>
      {children}
    </Shell>
  );
}

function TenantLoader({ tenantId, initial, children }: { tenantId: string; initial: Tenant | null; children: ReactNode }) {
  const state = useAsync(
    async (signal) => (initial && initial.id === tenantId ? initial : (await api.get<{ tenant: Tenant }>(`/tenants/${tenantId}`, { signal })).tenant),
    [tenantId],
  );
  const reloadFromServer = () =>
    void api.get<{ tenant: Tenant }>(`/tenants/${tenantId}`).then(
      (r) => state.setData(r.tenant),
      () => {},
    );
  return (
    <Async state={state} label="Loading your business…">
      {(tenant) => <Ctx.Provider value={{ tenant, reload: reloadFromServer }}>{children}</Ctx.Provider>}
    </Async>
  );
}

export function trialDaysLeft(tenant: Tenant, now = Date.now()): number | null {
  if (tenant.plan !== 'trial' || !tenant.trialEndsAt) return null;
  return Math.max(0, Math.ceil((new Date(tenant.trialEndsAt).getTime() - now) / 86_400_000));
}

function Banners() {
  const { tenant } = useTenant();
  const info = useSignedIn();
  const days = trialDaysLeft(tenant);
  return (
    <>
      {info.user.role === 'superadmin' && (
        <p className="banner banner-info">
          Viewing <strong>{tenant.name}</strong> as platform operator. <Link to={`/super/tenants/${tenant.id}`}>Back to the console</Link>
        </p>
      )}
      {tenant.status === 'suspended' && (
        <p className="banner banner-error" role="alert">
          This business is suspended: its review pages are offline and its API keys are refused. Contact your platform operator.
        </p>
      )}
      {days !== null && (
        <p className={`banner ${days <= 3 ? 'banner-warn' : 'banner-info'}`} data-testid="trial-banner">
          {days > 0 ? (
            <>
              Free trial: <strong>{days === 1 ? '1 day' : `${days} days`}</strong> left (ends {new Date(tenant.trialEndsAt!).toLocaleDateString()}).
            </>
          ) : (
            <>Your free trial has ended.</>
          )}
        </p>
      )}
    </>
  );
}

/** A note on pages where the signed-in role can only read. */
export function ReadOnlyNote({ permission }: { permission: string }) {
  const info = useSignedIn();
  if (info.permissions.includes(permission)) return null;
  return (
    <p className="alert alert-info" role="note">
      Your role ({info.user.role}) can view this page but not change it.
    </p>
  );
}
