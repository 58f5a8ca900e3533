// /dashboard/feedback: private feedback, newest first, to read and resolve.
import { useState } from 'react';
import { api, listAll, query } from '../api.ts';
import { useTenant } from '../dashboard.tsx';
import { PageHeader } from '../layout.tsx';
import { navigate, useLocation, useTitle } from '../router.tsx';
import type { Employee, FeedbackItem, Page, Shop } from '../types.ts';
import { Async, Button, Checkbox, downloadResponse, Empty, ErrorBox, fmtDateTime, FormError, SelectField, ShopOptions, useAsync, useDownload, useSubmit } from '../ui.tsx';

const PAGE = 50;

export function FeedbackPage() {
  useTitle('Feedback');
  const { tenant } = useTenant();
  const { search } = useLocation();
  const filters = {
    resolved: search.get('all') === '1' ? undefined : false,
    shopId: search.get('shop') ?? undefined,
    employeeId: search.get('employee') ?? undefined,
  };
  const setFilter = (k: string, v: string | null) => {
    const q = new URLSearchParams(search);
    if (v) q.set(k, v);
    else q.delete(k);
    const s = q.toString();
    navigate(`/dashboard/feedback${s ? `?${s}` : ''}`, { replace: true });
  };
  const [limit, setLimit] = useState(PAGE);
  const key = JSON.stringify(filters);
  const [prevKey, setPrevKey] = useState(key);
  if (key !== prevKey) {
    setPrevKey(key);
    setLimit(PAGE);
  }

  const labels = useAsync(async () => {
    const [shops, employees] = await Promise.all([
      listAll<Shop>(`/tenants/${tenant.id}/shops`, 'shops'),
      api.get<{ employees: Employee[] }>(`/tenants/${tenant.id}/employees`).then((r) => r.employees),
    ]);
    return { shops, employees };
  }, [tenant.id]);
  const state = useAsync(
    (signal) => api.get<{ feedback: FeedbackItem[] } & Page>(`/tenants/${tenant.id}/feedback${query({ ...filters, limit, offset: 0 })}`, { signal }),
    [tenant.id, key, limit],
  );
  const download = useDownload();

  return (
    <>
      <PageHeader title="Feedback" lead="What customers told you privately after a low rating (or chose to share). Newest first.">
        <Button
          variant="secondary"
          onClick={() => download.run(() => exportFeedback(tenant.id, filters))}
        >
          Download CSV
        </Button>
      </PageHeader>
      <ErrorBox error={download.error} title="Export failed." />
      <section className="card toolbar" aria-label="Filters">
        <Checkbox label="Unresolved only" checked={filters.resolved === false} onChange={(e) => setFilter('all', e.target.checked ? null : '1')} />
        <SelectField label="Shop" value={filters.shopId ?? ''} onChange={(e) => setFilter('shop', e.target.value || null)}>
          <option value="">All shops</option>
          <ShopOptions shops={labels.data?.shops ?? []} />
        </SelectField>
        <SelectField label="Employee" value={filters.employeeId ?? ''} onChange={(e) => setFilter('employee', e.target.value || null)}>
          <option value="">All employees</option>
          {labels.data?.employees
            .filter((e) => !filters.shopId || e.shopId === filters.shopId)
            .map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
        </SelectField>
      </section>
      <Async state={state} label="Loading feedback…">
        {(page) =>
          page.feedback.length === 0 ? (
            <Empty>{filters.resolved === false ? 'No unresolved feedback. Nicely done.' : 'No feedback matches these filters.'}</Empty>
          ) : (
            <>
              <p className="muted" aria-live="polite">
                Showing {page.feedback.length} of {page.total}.
              </p>
              <ul className="rows" aria-label="Feedback">
                {page.feedback.map((f) => (
                  <FeedbackRow
                    key={f.sessionId}
                    item={f}
                    onChange={(n) => state.setData({ ...page, feedback: page.feedback.map((x) => (x.sessionId === n.sessionId ? n : x)) })}
                  />
                ))}
              </ul>
              {page.pagination.has_more && (
                <Button variant="secondary" onClick={() => setLimit((l) => Math.min(500, l + PAGE))} disabled={limit >= 500}>
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

function Stars({ rating }: { rating: number | null }) {
  if (rating === null) return <span className="muted">no rating</span>;
  return (
    <span className="stars" aria-label={`${rating} of 5 stars`}>
      {'★'.repeat(rating)}
      <span className="stars-off">{'★'.repeat(5 - rating)}</span>
    </span>
  );
}

function FeedbackRow({ item: f, onChange }: { item: FeedbackItem; onChange: (f: FeedbackItem) => void }) {
  const { tenant } = useTenant();
  const submit = useSubmit();
  return (
    <li className={`row feedback ${f.resolved ? 'resolved' : ''}`} data-testid="feedback-row">
      <div className="row-main">
        <div className="feedback-head">
          <Stars rating={f.rating} /> <span className="muted small">{fmtDateTime(f.createdAt)}</span> {f.resolved && <span className="badge badge-ok">resolved</span>}
        </div>
        <p className="message">{f.message || <em className="muted">(no message)</em>}</p>
        <div className="muted small" data-testid="feedback-who">
          {f.employeeName} · {f.shopName}
          {f.contact && (
            <>
              {' · '}Contact: <span className="contact">{f.contact}</span>
            </>
          )}
        </div>
        <FormError submit={submit} />
      </div>
      <div className="row-actions">
        <Button
          variant={f.resolved ? 'secondary' : 'primary'}
          className="btn-small"
          busy={submit.busy}
          onClick={() =>
            void submit.run(async () => onChange((await api.patch<{ feedback: FeedbackItem }>(`/tenants/${tenant.id}/feedback`, { sessionId: f.sessionId, resolved: !f.resolved })).feedback))
          }
        >
          {f.resolved ? 'Mark unresolved' : 'Resolve'}
        </Button>
      </div>
    </li>
  );
}

/** Every feedback matching the filters as CSV, from the API (`?format=csv`). */
async function exportFeedback(tenantId: string, filters: Record<string, string | boolean | undefined>) {
  const res = await api.get<Response>(`/tenants/${tenantId}/feedback${query({ ...filters, format: 'csv' })}`, { raw: true });
  await downloadResponse(res, 'feedback.csv');
}
