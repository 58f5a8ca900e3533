// The audit log: every API request made on this tenant (or, in /super, across tenants), newest
// first, filterable by date range, status and credential.
import { Fragment, useState } from 'react';
import { api, query } from '../api.ts';
import { useTenant } from '../dashboard.tsx';
import { PageHeader } from '../layout.tsx';
import { useTitle } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import type { AuditEntry, Page } from '../types.ts';
import { Async, Button, Empty, fmtDateTime, TextField, useAsync } from '../ui.tsx';
import { loadAuditNames, who } from './audit-names.ts';

const PAGE = 100;

export function AuditPage() {
  useTitle('Audit log');
  const { tenant } = useTenant();
  return (
    <>
      <PageHeader title="Audit log" lead="Every API request made with this business's keys and sessions, and by platform operators on it. Never contains keys, passwords or bodies." />
      <AuditLog path={`/tenants/${tenant.id}/audit`} />
    </>
  );
}

interface Filters {
  from: string;
  to: string;
  status: string;
  keyId: string;
}

export function AuditLog({ path, showTenant = false }: { path: string; showTenant?: boolean }) {
  const [draft, setDraft] = useState<Filters>({ from: '', to: '', status: '', keyId: '' });
  const [applied, setApplied] = useState<Filters>(draft);
  const [limit, setLimit] = useState(PAGE);
  const info = useSignedIn();
  const scope = path.startsWith('/platform/') ? 'platform' : { tenantId: path.split('/')[2] };
  const names = useAsync(() => loadAuditNames(scope, info.permissions, info.user), [path]).data;
  const params = {
    from: applied.from ? new Date(`${applied.from}T00:00:00`).toISOString() : undefined,
    to: applied.to ? new Date(`${applied.to}T23:59:59.999`).toISOString() : undefined,
    status: applied.status || undefined,
    keyId: applied.keyId || undefined,
    limit,
  };
  const state = useAsync((signal) => api.get<{ audit: AuditEntry[] } & Page>(`${path}${query(params)}`, { signal }), [path, JSON.stringify(params)]);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  const err = state.error && state.error.status === 400 ? state.error : null;
  // The rows wait for the names (they always arrive; a list the role may not read is left out),
  // so nobody sees ids turn into names, or reads the ids.
  const rows = names === undefined ? { ...state, data: undefined } : state;
  return (
    <>
      <form
        className="card toolbar"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          setLimit(PAGE);
          setApplied(draft);
        }}
      >
        <TextField label="From" type="date" value={draft.from} onChange={set('from')} errors={err?.fieldErrors.from} />
        <TextField label="To" type="date" value={draft.to} onChange={set('to')} errors={err?.fieldErrors.to} />
        <TextField label="Status" type="number" inputMode="numeric" min={100} max={599} placeholder="e.g. 403" value={draft.status} onChange={set('status')} errors={err?.fieldErrors.status} className="short" />
        <TextField label="Credential id" value={draft.keyId} onChange={set('keyId')} errors={err?.fieldErrors.keyId} placeholder="key or user id" />
        <Button type="submit">Apply</Button>
      </form>
      <Async state={rows} label="Loading the audit log…">
        {(page) =>
          page.audit.length === 0 ? (
            <Empty>No requests match.</Empty>
          ) : (
            <>
              <p className="muted">
                Showing {page.audit.length} of {page.total}.
              </p>
              <div className="table-wrap">
                <table className="audit stack">
                  <caption className="sr-only">Audit log</caption>
                  <thead>
                    <tr>
                      <th scope="col">Time</th>
                      <th scope="col">Request</th>
                      <th scope="col" className="num">
                        Status
                      </th>
                      <th scope="col">Who</th>
                      {showTenant && <th scope="col">Tenant</th>}
                      <th scope="col">IP</th>
                      <th scope="col" className="num">
                        ms
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.audit.map((a) => (
                      <tr key={a.id}>
                        <td className="small nowrap" data-title="">
                          {fmtDateTime(a.at)}
                        </td>
                        <td className="mono small" data-label="Request">
                          {a.method} <Route route={a.route} />
                        </td>
                        <td className="num" data-label="Status">
                          <span className={`badge ${a.status >= 500 ? 'badge-err' : a.status >= 400 ? 'badge-warn' : 'badge-ok'}`}>{a.status}</span>
                        </td>
                        <td className="small wrap" data-label="Who" title={a.principal?.keyPrefix ? `${a.principal.keyPrefix}…` : undefined}>
                          {who(a, names)}
                        </td>
                        {showTenant && (
                          <td className="small wrap" data-label="Tenant">
                            {a.tenantId ? (names?.tenants.get(a.tenantId) ?? a.tenantId.slice(0, 8)) : '—'}
                          </td>
                        )}
                        <td className="mono small" data-label="IP">
                          {a.ip ?? '—'}
                        </td>
                        <td className="num small" data-label="ms">
                          {a.durationMs}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {page.pagination.has_more && limit < 500 && (
                <Button variant="secondary" onClick={() => setLimit((l) => Math.min(500, l + PAGE))}>
                  Show more
                </Button>
              )}
            </>
          )
        }
      </Async>
    </>
  );
}

/** A route template that wraps after its slashes, not in the middle of a word. */
function Route({ route }: { route: string }) {
  return route.split('/').map((part, i) => (
    <Fragment key={i}>
      {i > 0 && (
        <>
          /<wbr />
        </>
      )}
      {part}
    </Fragment>
  ));
}
