// /super/tenants/:id: one tenant's brand, shops, team size, plan, usage; plan changes,
// suspension and deletion.
import { useState } from 'react';
import { api, listAll } from '../../api.ts';
import { PageHeader } from '../../layout.tsx';
import { Link, navigate, useTitle } from '../../router.tsx';
import type { Analytics, Page, Shop, Tenant } from '../../types.ts';
import { Async, Button, ConfirmDialog, ErrorBox, fmtDate, fmtNumber, FormError, TextField, useAsync, useSubmit } from '../../ui.tsx';
import { planLabel } from './tenants.tsx';

interface Detail {
  tenant: Tenant;
  shops: Shop[];
  employees: number;
  analytics: Analytics | null;
}

export function TenantDetailPage({ id }: { id: string }) {
  const state = useAsync(async (signal): Promise<Detail> => {
    const { tenant } = await api.get<{ tenant: Tenant }>(`/tenants/${id}`, { signal });
    const [shops, employees, analytics] = await Promise.all([
      listAll<Shop>(`/tenants/${id}/shops`, 'shops'),
      api.get<Page>(`/tenants/${id}/employees?limit=1`, { signal }).then((r) => r.total),
      api.get<Analytics>(`/tenants/${id}/analytics?days=30`, { signal }).catch(() => null),
    ]);
    return { tenant, shops, employees, analytics };
  }, [id]);
  useTitle(state.data?.tenant.name ?? 'Tenant');
  return (
    <Async state={state} label="Loading the tenant…">
      {(d) => <Detail d={d} onTenant={(tenant) => state.setData({ ...d, tenant })} />}
    </Async>
  );
}

function Detail({ d, onTenant }: { d: Detail; onTenant: (t: Tenant) => void }) {
  const t = d.tenant;
  const [confirm, setConfirm] = useState<'suspend' | 'delete' | null>(null);
  const status = useSubmit();
  const setStatus = (s: 'active' | 'suspended') => api.patch<{ tenant: Tenant }>(`/tenants/${t.id}`, { status: s }).then((r) => onTenant(r.tenant));
  return (
    <>
      <PageHeader title={t.name} lead={<span className="mono">{t.slug}</span>}>
        <a href={`/dashboard?tenant=${t.id}`} className="btn btn-secondary">
          Open its dashboard
        </a>
      </PageHeader>
      {t.status === 'suspended' && (
        <p className="banner banner-error" role="status" data-testid="suspended-banner">
          Suspended: its keys and sessions get 403 and its review pages say the service is unavailable.
        </p>
      )}
      <div className="grid-2">
        <section className="card">
          <h2>Business</h2>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <span className={`badge ${t.status === 'active' ? 'badge-ok' : 'badge-err'}`} data-testid="tenant-status">
                {t.status}
              </span>
            </dd>
            <dt>Plan</dt>
            <dd>{planLabel(t)}</dd>
            <dt>Vertical</dt>
            <dd>{t.vertical ?? '—'}</dd>
            <dt>Created</dt>
            <dd>{fmtDate(t.createdAt)}</dd>
            <dt>Employees</dt>
            <dd>{d.employees}</dd>
            <dt>Website</dt>
            <dd className="break">{t.websiteUrl ?? '—'}</dd>
            <dt>Brand</dt>
            <dd className="brand-swatches">
              <span className="swatch-box" data-color={t.brandPrimaryColor}>
                <svg width="16" height="16" aria-hidden="true">
                  <rect width="16" height="16" rx="3" fill={t.brandPrimaryColor} />
                </svg>
                {t.brandPrimaryColor}
              </span>
              <span className="swatch-box">
                <svg width="16" height="16" aria-hidden="true">
                  <rect width="16" height="16" rx="3" fill={t.brandAccentColor} />
                </svg>
                {t.brandAccentColor}
              </span>
              {t.logoUrl && <img src={t.logoUrl} alt="Logo" className="logo small-logo" />}
            </dd>
          </dl>
        </section>
        <section className="card">
          <h2>Usage, last 30 days</h2>
          {d.analytics ? (
            <dl className="facts">
              <dt>Scans</dt>
              <dd>{fmtNumber(d.analytics.summary.scans)}</dd>
              <dt>Ratings</dt>
              <dd>{fmtNumber(d.analytics.summary.ratings)}</dd>
              <dt>Review clicks</dt>
              <dd>{fmtNumber(d.analytics.summary.reviewClicks)}</dd>
              <dt>Unresolved feedback</dt>
              <dd>{fmtNumber(d.analytics.summary.unresolvedFeedback)}</dd>
            </dl>
          ) : (
            <p className="muted">Analytics are not available.</p>
          )}
          <p>
            <Link to={`/super/usage?tenant=${t.id}`}>API requests per key</Link>
          </p>
        </section>
      </div>
      <section className="card">
        <h2>Shops</h2>
        <ul className="plain">
          {d.shops.map((s) => (
            <li key={s.id}>
              <strong>{s.name}</strong> {s.isDefault && <span className="badge">default</span>} <span className="muted small">{s.address ?? ''}</span>
            </li>
          ))}
        </ul>
      </section>
      <PlanCard tenant={t} onTenant={onTenant} />
      <section className="card danger-zone">
        <h2>Suspend or delete</h2>
        <ErrorBox error={status.error} />
        <div className="actions">
          {t.status === 'active' ? (
            <Button variant="danger" onClick={() => setConfirm('suspend')}>
              Suspend tenant
            </Button>
          ) : (
            <Button busy={status.busy} onClick={() => void status.run(() => setStatus('active'))}>
              Reactivate tenant
            </Button>
          )}
          <Button variant="danger" onClick={() => setConfirm('delete')}>
            Delete tenant
          </Button>
        </div>
      </section>
      <ConfirmDialog
        open={confirm === 'suspend'}
        title={`Suspend ${t.name}?`}
        message="Its API keys and dashboard sessions get 403 within seconds, and its review pages say the service is unavailable. You can reactivate it any time."
        confirmLabel="Suspend"
        onConfirm={() => setStatus('suspended')}
        onClose={() => setConfirm(null)}
      />
      <ConfirmDialog
        open={confirm === 'delete'}
        title={`Delete ${t.name}?`}
        message="This deletes the tenant and all its data: shops, employees, reviews, feedback, users and keys. It cannot be undone."
        confirmLabel="Delete forever"
        typed={t.slug}
        onConfirm={async () => {
          await api.del(`/tenants/${t.id}?confirm=${encodeURIComponent(t.slug)}`);
          navigate('/super');
        }}
        onClose={() => setConfirm(null)}
      />
    </>
  );
}

function PlanCard({ tenant: t, onTenant }: { tenant: Tenant; onTenant: (t: Tenant) => void }) {
  const submit = useSubmit();
  const [plan, setPlan] = useState(t.plan);
  const [trialEnds, setTrialEnds] = useState(t.trialEndsAt ? t.trialEndsAt.slice(0, 10) : '');
  const [saved, setSaved] = useState(false);
  return (
    <section className="card">
      <h2>Plan</h2>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setSaved(false);
          const body: Record<string, unknown> = { plan: plan.trim() };
          body.trialEndsAt = trialEnds ? new Date(`${trialEnds}T23:59:59Z`).toISOString() : null;
          const r = await submit.run(() => api.patch<{ tenant: Tenant }>(`/tenants/${t.id}`, body));
          if (r) {
            onTenant(r.tenant);
            setSaved(true);
          }
        }}
        noValidate
      >
        <FormError submit={submit} fields={['plan', 'trialEndsAt']} />
        <TextField label="Plan" value={plan} onChange={(e) => setPlan(e.target.value)} errors={submit.fieldError('plan')} list="plans" hint="trial, starter, pro, …" />
        <datalist id="plans">
          <option value="trial" />
          <option value="starter" />
          <option value="pro" />
          <option value="enterprise" />
        </datalist>
        <TextField label="Trial ends" type="date" value={trialEnds} onChange={(e) => setTrialEnds(e.target.value)} errors={submit.fieldError('trialEndsAt')} hint="Empty for no trial end." />
        <Button type="submit" busy={submit.busy}>
          Save plan
        </Button>
        {saved && (
          <p className="alert alert-success" role="status">
            Plan saved.
          </p>
        )}
      </form>
    </section>
  );
}
