// /super/usage: API requests per key per hour, from the rate-limit windows.
import { api, query } from '../../api.ts';
import { PageHeader } from '../../layout.tsx';
import { useLocation, useTitle } from '../../router.tsx';
import { Async, Empty, fmtDateTime, useAsync } from '../../ui.tsx';

export interface UsageRow {
  credentialId: string;
  kind: string;
  prefix: string | null;
  name: string | null;
  tenantId: string | null;
  tenantName: string | null;
  windowStart: string;
  requests: number;
  hourlyLimit: number | null;
}

export function UsagePage() {
  useTitle('Usage');
  const { search } = useLocation();
  const tenantId = search.get('tenant') ?? undefined;
  const state = useAsync((signal) => api.get<{ usage: UsageRow[] }>(`/platform/usage${query({ tenantId })}`, { signal }).then((r) => r.usage), [tenantId]);
  return (
    <>
      <PageHeader title="Usage" lead="Requests per credential per hour (UTC), from the rate-limit counters, newest hour first." />
      <Async state={state} label="Loading usage…">
          {(rows) =>
            rows.length === 0 ? (
              <Empty>No API requests recorded in the retained hours.</Empty>
            ) : (
              <div className="table-wrap">
                <table className="stack">
                  <caption className="sr-only">Requests per key per hour</caption>
                  <thead>
                    <tr>
                      <th scope="col">Hour</th>
                      <th scope="col">Credential</th>
                      <th scope="col">Tenant</th>
                      <th scope="col" className="num">
                        Requests
                      </th>
                      <th scope="col" className="num">
                        Limit
                      </th>
                      <th scope="col">Load</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => {
                      const pct = r.hourlyLimit ? Math.min(100, Math.round((r.requests / r.hourlyLimit) * 100)) : null;
                      return (
                        <tr key={`${r.credentialId}-${r.windowStart}`}>
                          <td className="small nowrap" data-title="">
                            {fmtDateTime(r.windowStart)}
                          </td>
                          <td className="small wrap" data-label="Credential">
                            {r.name ? `${r.name} ` : ''}
                            <span className="mono">{r.prefix ? `${r.prefix}…` : `${r.kind} ${r.credentialId.slice(0, 8)}`}</span>
                          </td>
                          <td className="small wrap" data-label="Tenant">
                            {r.tenantName ?? (r.tenantId ? r.tenantId.slice(0, 8) : 'platform')}
                          </td>
                          <td className="num" data-label="Requests">
                            {r.requests.toLocaleString()}
                          </td>
                          <td className="num" data-label="Limit">
                            {r.hourlyLimit?.toLocaleString() ?? '—'}
                          </td>
                          <td data-label="Load">
                            {pct !== null && (
                              <meter min={0} max={100} value={pct} low={70} high={90} optimum={0} aria-label={`${pct}% of the limit`}>
                                {pct}%
                              </meter>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )
          }
      </Async>
    </>
  );
}
