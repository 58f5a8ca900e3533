// /dashboard/initiatives: a read-only board of the Work module. The list shows every initiative
// with its status and progress; one initiative opens its workstreams, milestones and tasks (with
// the agents assigned) and the agents' runs. Changes happen through the API (agents, tools).
import { client } from '../api.ts';
import { PageHeader } from '../layout.tsx';
import { Link, useTitle } from '../router.tsx';
import { Async, Empty, fmtAgo, fmtDate, useAsync } from '../ui.tsx';
import type { Agent, ClientList, Initiative, Milestone, Run, Task, Workstream } from '../work-types.ts';

const TONE: Record<string, string> = {
  active: 'badge-ok',
  in_progress: 'badge-ok',
  running: 'badge-ok',
  ready: 'badge-ok',
  completed: 'badge-muted',
  done: 'badge-muted',
  blocked: 'badge-err',
  failed: 'badge-err',
  at_risk: 'badge-warn',
  paused: 'badge-warn',
};

function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${TONE[status] ?? 'badge-muted'}`}>{status.replace(/_/g, ' ')}</span>;
}

/** A progress bar with its number: the bar for the eye, the text for everyone. */
function Progress({ value, label }: { value: number; label: string }) {
  return (
    <span className="progress">
      <progress max={100} value={value} aria-label={label} />
      <span className="small">{value}%</span>
    </span>
  );
}

export function InitiativesPage() {
  useTitle('Initiatives');
  const state = useAsync((signal) => client.get<ClientList<Initiative>>('/initiatives?limit=200', { signal }), []);
  return (
    <>
      <PageHeader title="Initiatives" lead="What your agents are working on, and how far along it is. Read-only: agents and integrations change it through the API." />
      <Async state={state} label="Loading initiatives…">
        {(list) =>
          list.data.length === 0 ? (
            <Empty>No initiatives yet.</Empty>
          ) : (
            <section className="card">
              <div className="table-wrap">
                <table>
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
                        <td>
                          <Link to={`/dashboard/initiatives/${i.id}`}>{i.title}</Link>
                        </td>
                        <td>
                          <StatusBadge status={i.status} />
                        </td>
                        <td>
                          <Progress value={i.progress} label={`${i.title} progress`} />
                        </td>
                        <td className="num">
                          {i.tasks_done} / {i.tasks_total}
                        </td>
                        <td className="small">{fmtDate(i.target_date)}</td>
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
    </>
  );
}

interface Board {
  initiative: Initiative;
  workstreams: Workstream[];
  milestones: Milestone[];
  tasks: Task[];
  runs: Run[];
  agents: Map<string, string>;
}

async function loadBoard(id: string, signal: AbortSignal): Promise<Board> {
  const q = `initiative_id=${encodeURIComponent(id)}&limit=200`;
  const [initiative, workstreams, milestones, tasks, runs, agents] = await Promise.all([
    client.get<{ data: Initiative }>(`/initiatives/${encodeURIComponent(id)}`, { signal }),
    client.get<ClientList<Workstream>>(`/workstreams?${q}`, { signal }),
    client.get<ClientList<Milestone>>(`/milestones?${q}`, { signal }),
    client.get<ClientList<Task>>(`/tasks?${q}`, { signal }),
    client.get<ClientList<Run>>(`/runs?${q}`, { signal }),
    client.get<ClientList<Agent>>('/agents?limit=200', { signal }),
  ]);
  return {
    initiative: initiative.data,
    workstreams: workstreams.data,
    milestones: milestones.data,
    tasks: [...tasks.data].sort((a, b) => a.sequence - b.sequence),
    runs: runs.data,
    agents: new Map(agents.data.map((a) => [a.id, a.name])),
  };
}

export function InitiativePage({ id }: { id: string }) {
  const state = useAsync((signal) => loadBoard(id, signal), [id]);
  useTitle(state.data?.initiative.title ?? 'Initiative');
  return (
    <>
      <p className="small">
        <Link to="/dashboard/initiatives">← All initiatives</Link>
      </p>
      <Async state={state} label="Loading the initiative…">
        {(b) => (
          <>
            <PageHeader title={b.initiative.title} lead={b.initiative.summary ?? undefined} />
            <section className="card" data-testid="initiative-summary">
              <p>
                <StatusBadge status={b.initiative.status} /> <span className="badge badge-muted">{b.initiative.priority} priority</span>{' '}
                {b.initiative.target_date && <span className="small muted">target {fmtDate(b.initiative.target_date)}</span>}
              </p>
              <Progress value={b.initiative.progress} label="Initiative progress" />
              <p className="small muted">
                {b.initiative.tasks_done} of {b.initiative.tasks_total} tasks done
              </p>
            </section>
            {b.workstreams.length === 0 && <Empty>No workstreams yet.</Empty>}
            {b.workstreams.map((w) => (
              <WorkstreamCard key={w.id} workstream={w} board={b} />
            ))}
            {b.milestones.some((m) => m.workstream_id === null) && (
              <section className="card">
                <h2>Milestones of the whole initiative</h2>
                <MilestoneList milestones={b.milestones.filter((m) => m.workstream_id === null)} />
              </section>
            )}
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

function WorkstreamCard({ workstream: w, board: b }: { workstream: Workstream; board: Board }) {
  const milestones = b.milestones.filter((m) => m.workstream_id === w.id);
  const tasks = b.tasks.filter((t) => t.workstream_id === w.id);
  return (
    <section className="card" data-testid="workstream" aria-labelledby={`w-${w.id}`}>
      <h2 id={`w-${w.id}`}>
        {w.name} <StatusBadge status={w.status} />
      </h2>
      <Progress value={w.progress} label={`${w.name} progress`} />
      {w.summary && <p className="small">{w.summary}</p>}
      {milestones.length > 0 && (
        <>
          <h3>Milestones</h3>
          <MilestoneList milestones={milestones} />
        </>
      )}
      <h3>Tasks</h3>
      {tasks.length === 0 ? (
        <Empty>No tasks yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Tasks of {w.name}</caption>
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Status</th>
                <th scope="col">Agents</th>
                <th scope="col">Due</th>
              </tr>
            </thead>
            <tbody>
              {tasks.map((t) => (
                <tr key={t.id} data-testid="task-row">
                  <td>{t.title}</td>
                  <td>
                    <StatusBadge status={t.status} />
                  </td>
                  <td className="small">{t.assigned_agent_ids.length ? t.assigned_agent_ids.map((a) => b.agents.get(a) ?? a.slice(0, 8)).join(', ') : '—'}</td>
                  <td className="small">{fmtDate(t.due_date)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function MilestoneList({ milestones }: { milestones: Milestone[] }) {
  return (
    <ul className="plain-list">
      {milestones.map((m) => (
        <li key={m.id} data-testid="milestone">
          {m.title} <StatusBadge status={m.status} /> <Progress value={m.progress} label={`${m.title} progress`} />
          {m.due_date && <span className="small muted"> due {fmtDate(m.due_date)}</span>}
        </li>
      ))}
    </ul>
  );
}

function RunTable({ runs, tasks }: { runs: Run[]; tasks: Task[] }) {
  const taskTitle = new Map(tasks.map((t) => [t.id, t.title]));
  return (
    <div className="table-wrap">
      <table>
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
              <td>{r.agent_name}</td>
              <td className="small">{r.task_id ? (taskTitle.get(r.task_id) ?? '—') : '—'}</td>
              <td>
                <StatusBadge status={r.status} />
              </td>
              <td>
                <Progress value={r.progress} label={`Run of ${r.agent_name} progress`} />
              </td>
              <td className="small">{fmtAgo(r.started_at ?? r.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
