// /super: every tenant, searchable.
import { useState } from 'react';
import { listAll } from '../../api.ts';
import { trialDaysLeft } from '../../dashboard.tsx';
import { PageHeader } from '../../layout.tsx';
import { Link, useTitle } from '../../router.tsx';
import type { Tenant } from '../../types.ts';
import { Async, Empty, fmtDate, SortableTable, TextField, useAsync } from '../../ui.tsx';

export function TenantsPage() {
  useTitle('Tenants');
  const state = useAsync(() => listAll<Tenant>('/tenants', 'tenants', 20_000), []);
  const [q, setQ] = useState('');
  const needle = q.trim().toLowerCase();
  return (
    <>
      <PageHeader title="Tenants" lead="Every business on this platform.">
        <Link to="/super/tenants/new" className="btn btn-primary">
          Provision a tenant
        </Link>
      </PageHeader>
      <div className="toolbar">
        <TextField label="Search" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name or slug" />
      </div>
      <Async state={state} label="Loading tenants…">
        {(tenants) => {
          const rows = needle ? tenants.filter((t) => t.name.toLowerCase().includes(needle) || t.slug.includes(needle) || t.id.startsWith(needle)) : tenants;
          if (tenants.length === 0) return <Empty>No tenants yet. Provision the first one.</Empty>;
          if (rows.length === 0) return <Empty>No tenant matches “{q}”.</Empty>;
          return (
            <>
              <p className="muted" aria-live="polite">
                {rows.length} of {tenants.length} tenants
              </p>
              <SortableTable
                caption="Tenants"
                rows={rows}
                rowKey={(t) => t.id}
                initial={{ key: 'createdAt', dir: 'desc' }}
                columns={[
                  { key: 'name', label: 'Name', render: (t) => <Link to={`/super/tenants/${t.id}`}>{t.name}</Link> },
                  { key: 'slug', label: 'Slug', render: (t) => <span className="mono small">{t.slug}</span> },
                  { key: 'plan', label: 'Plan', render: (t) => planLabel(t) },
                  { key: 'status', label: 'Status', render: (t) => <span className={`badge ${t.status === 'active' ? 'badge-ok' : 'badge-err'}`}>{t.status}</span> },
                  { key: 'createdAt', label: 'Created', render: (t) => fmtDate(t.createdAt) },
                ]}
              />
            </>
          );
        }}
      </Async>
    </>
  );
}

export function planLabel(t: Tenant): string {
  const days = trialDaysLeft(t);
  if (days === null) return t.plan;
  return days > 0 ? `trial, ${days} d left` : 'trial ended';
}
