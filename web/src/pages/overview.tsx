// /dashboard: the funnel of the last 7, 30 or 90 days, its daily trend, and who and where
// turns scans into reviews.
import { useEffect } from 'react';
import { api, query } from '../api.ts';
import { FunnelChart, TrendChart } from '../charts.tsx';
import { useTenant } from '../dashboard.tsx';
import { PageHeader } from '../layout.tsx';
import { Link, navigate, useLocation, useTitle } from '../router.tsx';
import type { Analytics } from '../types.ts';
import { Async, Button, downloadResponse, Empty, ErrorBox, fmtNumber, fmtPct, fmtRating, SortableTable, useAsync, useDownload, type Column } from '../ui.tsx';

const WINDOWS = [7, 30, 90] as const;

type EmployeeRow = Analytics['employees'][number];
type ShopRow = Analytics['shops'][number];

const METRIC_COLUMNS = <T extends EmployeeRow | ShopRow>(): Column<T>[] => [
  { key: 'scans', label: 'Scans', numeric: true },
  { key: 'ratings', label: 'Ratings', numeric: true },
  { key: 'averageRating', label: 'Avg rating', numeric: true, render: (r) => fmtRating(r.averageRating) },
  { key: 'reviewClicks', label: 'Review clicks', numeric: true },
  { key: 'feedback', label: 'Private feedback', numeric: true },
  { key: 'ratingRate', label: 'Rating rate', numeric: true, render: (r) => fmtPct(r.ratingRate) },
  { key: 'reviewRate', label: 'Review rate', numeric: true, render: (r) => fmtPct(r.reviewRate) },
];

export function OverviewPage() {
  useTitle('Overview');
  const { tenant } = useTenant();
  const { search } = useLocation();
  const asked = Number(search.get('days'));
  const days = (WINDOWS as readonly number[]).includes(asked) ? asked : 30;
  const state = useAsync((signal) => api.get<Analytics>(`/tenants/${tenant.id}/analytics${query({ days })}`, { signal }), [tenant.id, days]);
  const download = useDownload();

  return (
    <>
      <PageHeader title="Overview" lead={state.data ? `${state.data.from} – ${state.data.to}` : undefined}>
        <fieldset className="segmented">
          <legend className="sr-only">Period</legend>
          {WINDOWS.map((d) => (
            <label key={d} className={d === days ? 'on' : undefined}>
              <input type="radio" name="days" value={d} checked={d === days} onChange={() => navigate(`/dashboard${d === 30 ? '' : `?days=${d}`}`, { replace: true })} />
              {d} days
            </label>
          ))}
        </fieldset>
        <Button
          variant="secondary"
          disabled={!state.data}
          onClick={() => download.run(() => exportAnalytics(tenant.id, days))}
        >
          Download CSV
        </Button>
      </PageHeader>
      <ErrorBox error={download.error} title="Export failed." />
      <Async state={state} label="Loading analytics…">
        {(a) => <Report a={a} />}
      </Async>
    </>
  );
}

function Report({ a }: { a: Analytics }) {
  const s = a.summary;
  useEffect(() => {
    // The browser test measures navigation → this mark.
    performance.mark('overview-rendered');
  }, [a]);
  return (
    <div data-testid="overview" data-days={a.days}>
      <section aria-label="Totals" className="stats">
        <Stat label="Scans" value={fmtNumber(s.scans)} />
        <Stat label="Ratings" value={fmtNumber(s.ratings)} sub={`${fmtPct(s.ratingRate)} of scans`} />
        <Stat label="Average rating" value={s.averageRating === null ? '—' : `${s.averageRating.toFixed(2)} ★`} sub={`${s.positive} positive · ${s.negative} negative`} />
        <Stat label="Review clicks" value={fmtNumber(s.reviewClicks)} sub={`Google ${s.googleClicks} · Xiaohongshu ${s.xhsClicks}`} />
        <Stat label="Private feedback" value={fmtNumber(s.feedback)} sub={<Link to="/dashboard/feedback">{s.unresolvedFeedback} unresolved</Link>} />
      </section>

      {s.scans === 0 && (
        <Empty>
          No scans in the last {a.days} days yet. Print your team's QR codes on the <Link to="/dashboard/employees">Employees</Link> page and place them where customers pay.
        </Empty>
      )}

      <div className="grid-2">
        <section className="card">
          <h2>Funnel</h2>
          <FunnelChart
            title={`Review funnel, last ${a.days} days`}
            stages={[
              { label: 'Scans', value: s.scans, tone: 'a' },
              { label: 'Ratings', value: s.ratings, tone: 'b' },
              { label: 'Review clicks', value: s.reviewClicks, tone: 'c' },
              { label: 'Private feedback', value: s.feedback, tone: 'd' },
            ]}
          />
        </section>
        <section className="card">
          <h2>Daily trend</h2>
          <TrendChart
            title={`Daily scans, ratings and review clicks, last ${a.days} days`}
            rows={a.daily}
            series={[
              { key: 'scans', label: 'Scans', tone: 'a' },
              { key: 'ratings', label: 'Ratings', tone: 'b' },
              { key: 'reviewClicks', label: 'Review clicks', tone: 'c' },
              { key: 'feedback', label: 'Private feedback', tone: 'd' },
            ]}
          />
        </section>
      </div>

      <section className="card">
        <h2>By employee</h2>
        {a.employees.length === 0 ? (
          <Empty>
            No employees yet. <Link to="/dashboard/employees">Add your team</Link>.
          </Empty>
        ) : (
          <SortableTable
            caption="Funnel by employee"
            rows={a.employees}
            rowKey={(r) => r.employeeId}
            initial={{ key: 'scans', dir: 'desc' }}
            columns={[{ key: 'name', label: 'Employee' }, { key: 'shopName', label: 'Shop' }, ...METRIC_COLUMNS<EmployeeRow>()]}
          />
        )}
      </section>
      <section className="card">
        <h2>By shop</h2>
        {a.shops.length === 0 ? (
          <Empty>No shops yet.</Empty>
        ) : (
          <SortableTable
            caption="Funnel by shop"
            rows={a.shops}
            rowKey={(r) => r.shopId}
            initial={{ key: 'scans', dir: 'desc' }}
            columns={[{ key: 'name', label: 'Shop' }, ...METRIC_COLUMNS<ShopRow>()]}
          />
        )}
      </section>
    </div>
  );
}

function Stat({ label, value, sub }: { label: string; value: string; sub?: React.ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {sub && <div className="stat-sub">{sub}</div>}
    </div>
  );
}

/** The per-employee table of the window as CSV, from the API (`?format=csv`). */
async function exportAnalytics(tenantId: string, days: number) {
  const res = await api.get<Response>(`/tenants/${tenantId}/analytics${query({ days, format: 'csv' })}`, { raw: true });
  await downloadResponse(res, `analytics-${days}d.csv`);
}
