// /dashboard/initiatives: every initiative with its status and progress. Owners and admins start
// a new one here (then plan it on its own page: /dashboard/initiatives/:id).
import { useState } from 'react';
import { client } from '../api.ts';
import { PageHeader } from '../layout.tsx';
import { Link, navigate, useTitle } from '../router.tsx';
import { can, useSignedIn } from '../session.tsx';
import { Async, Button, Empty, fmtDate, useAsync } from '../ui.tsx';
import type { ClientList, Initiative } from '../work-types.ts';
import { Progress, StatusBadge } from './work/common.tsx';
import { initiativeFields } from './work/fields.ts';
import { WorkFormDialog } from './work/form.tsx';

export function InitiativesPage() {
  useTitle('Initiatives');
  const mayEdit = can(useSignedIn(), 'initiatives:write');
  const [creating, setCreating] = useState(false);
  const state = useAsync((signal) => client.get<ClientList<Initiative>>('/initiatives?limit=200', { signal }), []);
  return (
    <>
      <PageHeader title="Initiatives" lead="What your team and its agents are working on, and how far along it is.">
        {mayEdit && <Button onClick={() => setCreating(true)}>New initiative</Button>}
      </PageHeader>
      <Async state={state} label="Loading initiatives…">
        {(list) =>
          list.data.length === 0 ? (
            <Empty>No initiatives yet.{mayEdit && ' Start one with “New initiative”: then add its workstreams, milestones and tasks.'}</Empty>
          ) : (
            <section className="card">
              <div className="table-wrap">
                <table className="stack">
                  <caption className="sr-only">Initiatives</caption>
                  <thead>
                    <tr>
                      <th scope="col">Initiative</th>
                      <th scope="col">Status</th>
                      <th scope="col">Progress</th>
                      <th scope="col" className="num">
                        Tasks
                      </th>
                      <th scope="col">Target</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.data.map((i) => (
                      <tr key={i.id} data-testid="initiative-row" data-id={i.id}>
                        <td className="wrap" data-title="">
                          <Link to={`/dashboard/initiatives/${i.id}`}>{i.title}</Link>
                        </td>
                        <td data-label="Status">
                          <StatusBadge status={i.status} />
                        </td>
                        <td data-label="Progress">
                          <Progress value={i.progress} label={`${i.title} progress`} />
                        </td>
                        <td className="num" data-label="Tasks">
                          {i.tasks_done} / {i.tasks_total}
                        </td>
                        <td className="small" data-label="Target">
                          {fmtDate(i.target_date)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {list.pagination.has_more && <p className="hint">Showing the first {list.data.length} of {list.total}.</p>}
            </section>
          )
        }
      </Async>
      <WorkFormDialog
        open={creating}
        title="New initiative"
        fields={initiativeFields(true)}
        initial={null}
        defaults={{ priority: 'medium', status: 'draft' }}
        submitLabel="Create initiative"
        onSubmit={async (body) => navigate(`/dashboard/initiatives/${(await client.post<{ data: Initiative }>('/initiatives', body)).data.id}`)}
        onClose={() => setCreating(false)}
      />
    </>
  );
}
