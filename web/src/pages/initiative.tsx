// /dashboard/initiatives/:id: one initiative. Its summary (status, priority, progress, target),
// the decisions agents asked about it, the task board, the plan (workstreams and milestones) and
// the agents' runs. Owners and admins edit it, move it through its lifecycle, delete it, and
// manage everything beneath it; members read.
import { useState } from 'react';
import { client } from '../api.ts';
import { PageHeader } from '../layout.tsx';
import { Link, navigate, useTitle } from '../router.tsx';
import { can, useSignedIn } from '../session.tsx';
import { Async, ConfirmDialog, Empty, ErrorBox, fmtAgo, fmtDate, MenuButton, useAsync, useSubmit } from '../ui.tsx';
import type { Decision, Initiative, Run, Task } from '../work-types.ts';
import { TaskBoard } from './work/board.tsx';
import { actionsFrom, Progress, StatusBadge } from './work/common.tsx';
import { loadBoard, type Board } from './work/data.ts';
import { initiativeFields, initiativeValues } from './work/fields.ts';
import { WorkFormDialog } from './work/form.tsx';
import { askedBy } from './decisions.tsx';
import { Plan } from './work/plan.tsx';

export function InitiativePage({ id }: { id: string }) {
  const state = useAsync((signal) => loadBoard(id, signal), [id]);
  const mayEdit = can(useSignedIn(), 'initiatives:write');
  useTitle(state.data?.initiative.title ?? 'Initiative');
  const onTask = (t: Task | { deleted: string }) =>
    state.setData((old) => {
      const b = old!;
      if ('deleted' in t) return { ...b, tasks: b.tasks.filter((x) => x.id !== t.deleted) };
      const known = b.tasks.some((x) => x.id === t.id);
      return { ...b, tasks: known ? b.tasks.map((x) => (x.id === t.id ? t : x)) : [...b.tasks, t] };
    });
  return (
    <>
      <p className="small">
        <Link to="/dashboard/initiatives">← All initiatives</Link>
      </p>
      <Async state={state} label="Loading the initiative…">
        {(b) => (
          <>
            <Header b={b} mayEdit={mayEdit} onChanged={(i) => (state.setData({ ...b, initiative: i }), state.reload())} />
            <TaskBoard b={b} mayEdit={mayEdit} onTask={onTask} onReload={state.reload} />
            <Plan b={b} mayEdit={mayEdit} onReload={state.reload} />
            <Decisions decisions={b.decisions} />
            <section className="card">
              <h2>Runs</h2>
              {b.runs.length === 0 ? <Empty>No agent has run on this initiative yet.</Empty> : <RunTable runs={b.runs} tasks={b.tasks} />}
            </section>
          </>
        )}
      </Async>
    </>
  );
}

function Header({ b, mayEdit, onChanged }: { b: Board; mayEdit: boolean; onChanged: (i: Initiative) => void }) {
  const i = b.initiative;
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const act = useSubmit();
  const items = [
    ...actionsFrom('initiatives', i.status).map((a) => ({
      label: a.label,
      onSelect: () => void act.run(async () => onChanged((await client.post<{ data: Initiative }>(`/initiatives/${i.id}/actions/${a.action}`)).data)),
    })),
    { label: 'Edit…', onSelect: () => setEditing(true) },
    { label: 'Delete…', danger: true, onSelect: () => setDeleting(true) },
  ];
  return (
    <>
      <PageHeader title={i.title} lead={i.summary ?? undefined}>
        {mayEdit && <MenuButton label="Actions" ariaLabel={`Actions for initiative ${i.title}`} items={items} />}
      </PageHeader>
      <ErrorBox error={act.error} />
      <section className="card" data-testid="initiative-summary">
        <p>
          <StatusBadge status={i.status} /> <span className="badge badge-muted">{i.priority} priority</span>{' '}
          {i.target_date && <span className="small muted">target {fmtDate(i.target_date)}</span>}
        </p>
        <Progress value={i.progress} label="Initiative progress" />
        <p className="small muted">
          {i.tasks_done} of {i.tasks_total} tasks done
        </p>
      </section>
      <WorkFormDialog
        open={editing}
        title={`Edit “${i.title}”`}
        fields={initiativeFields(false)}
        initial={initiativeValues(i)}
        submitLabel="Save initiative"
        onSubmit={async (body) => onChanged((await client.patch<{ data: Initiative }>(`/initiatives/${i.id}`, body)).data)}
        onClose={() => setEditing(false)}
      />
      <ConfirmDialog
        open={deleting}
        title={`Delete “${i.title}”?`}
        message="Its workstreams, milestones, tasks, runs and artifacts are deleted too. Decisions about it stay, unlinked."
        confirmLabel="Delete initiative"
        typed="delete"
        onConfirm={async () => {
          await client.del(`/initiatives/${i.id}`);
          navigate('/dashboard/initiatives');
        }}
        onClose={() => setDeleting(false)}
      />
    </>
  );
}

function Decisions({ decisions }: { decisions: Decision[] }) {
  if (decisions.length === 0) return null;
  const pending = decisions.filter((d) => d.status === 'pending');
  return (
    <section className="card" aria-labelledby="idec-h" data-testid="initiative-decisions">
      <h2 id="idec-h">Decisions {pending.length > 0 && <span className="badge badge-warn">{pending.length} pending</span>}</h2>
      <ul className="plain-list">
        {decisions.map((d) => (
          <li key={d.id}>
            <Link to={`/dashboard/decisions#decision-${d.id}`}>{d.title}</Link> <StatusBadge status={d.status} />{' '}
            <span className="small muted">
              asked by {askedBy(d.requested_by)} {fmtAgo(d.created_at)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function RunTable({ runs, tasks }: { runs: Run[]; tasks: Task[] }) {
  const taskTitle = new Map(tasks.map((t) => [t.id, t.title]));
  return (
    <div className="table-wrap">
      <table className="stack">
        <caption className="sr-only">Runs</caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-testid="run-row">
              <td data-title="">{r.agent_name}</td>
              <td className="small wrap" data-label="Task">
                {r.task_id ? (taskTitle.get(r.task_id) ?? '—') : '—'}
              </td>
              <td data-label="Status">
                <StatusBadge status={r.status} />
              </td>
              <td data-label="Progress">
                <Progress value={r.progress} label={`Run of ${r.agent_name} progress`} />
              </td>
              <td className="small" data-label="Started">
                {fmtAgo(r.started_at ?? r.created_at)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
