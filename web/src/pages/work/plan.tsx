// The plan of one initiative: its workstreams (each with its milestones) and the milestones of
// the whole initiative. Owners add, edit, delete and move them through their lifecycle from one
// Actions menu per item; the actions offered are those the item's status allows.
import { useState } from 'react';
import { client } from '../../api.ts';
import { Button, ConfirmDialog, Empty, ErrorBox, fmtDate, MenuButton, useSubmit, type MenuItem } from '../../ui.tsx';
import type { Milestone, Workstream } from '../../work-types.ts';
import { actionsFrom, Progress, StatusBadge, type Level } from './common.tsx';
import type { Board } from './data.ts';
import { milestoneFields, milestoneValues, workstreamFields, workstreamValues } from './fields.ts';
import { WorkFormDialog } from './form.tsx';

type Editing = { level: 'workstreams'; item: Workstream | null } | { level: 'milestones'; item: Milestone | null };
type Deleting = { level: Level; id: string; name: string; message: string };

export function Plan({ b, mayEdit, onReload }: { b: Board; mayEdit: boolean; onReload: () => void }) {
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<Deleting | null>(null);
  const act = useSubmit();
  const initiativeId = b.initiative.id;

  const menu = (level: 'workstreams' | 'milestones', item: Workstream | Milestone, name: string): MenuItem[] => [
    ...actionsFrom(level, item.status).map((a) => ({
      label: a.label,
      onSelect: () => void act.run(async () => (await client.post(`/${level}/${item.id}/actions/${a.action}`), onReload())),
    })),
    { label: 'Edit…', onSelect: () => setEditing(level === 'workstreams' ? { level, item: item as Workstream } : { level, item: item as Milestone }) },
    {
      label: 'Delete…',
      danger: true,
      onSelect: () =>
        setDeleting({
          level,
          id: item.id,
          name,
          message: level === 'workstreams' ? 'Its milestones and tasks (with their runs and artifacts) are deleted too.' : 'Its tasks stay, without a milestone.',
        }),
    },
  ];

  const milestonesOf = (w: string | null) => b.milestones.filter((m) => m.workstream_id === w);
  const milestoneList = (list: Milestone[]) => (
    <ul className="plain-list">
      {list.map((m) => (
        <li key={m.id} data-testid="milestone" className="plan-line">
          <span className="plan-name">
            {m.title} <StatusBadge status={m.status} />
          </span>
          <Progress value={m.progress} label={`${m.title} progress`} />
          {m.due_date && <span className="small muted">due {fmtDate(m.due_date)}</span>}
          {mayEdit && <MenuButton label="Actions" ariaLabel={`Actions for milestone ${m.title}`} items={menu('milestones', m, m.title)} />}
        </li>
      ))}
    </ul>
  );
  const others = (w: Workstream | null) => b.workstreams.filter((x) => x.id !== w?.id);

  return (
    <section className="card" aria-labelledby="plan-h">
      <div className="section-head">
        <h2 id="plan-h">Workstreams and milestones</h2>
        {mayEdit && (
          <div className="page-actions">
            <Button variant="secondary" onClick={() => setEditing({ level: 'workstreams', item: null })}>
              Add workstream
            </Button>
            <Button variant="secondary" onClick={() => setEditing({ level: 'milestones', item: null })}>
              Add milestone
            </Button>
          </div>
        )}
      </div>
      <ErrorBox error={act.error} />
      {b.workstreams.length === 0 && <Empty>No workstreams yet. A workstream is one stream of work (for example “Website” or “Emails”) holding tasks.</Empty>}
      {b.workstreams.map((w) => (
        <article key={w.id} className="plan-item" data-testid="workstream" aria-labelledby={`w-${w.id}`}>
          <div className="plan-line">
            <h3 id={`w-${w.id}`} className="plan-name">
              {w.name} <StatusBadge status={w.status} />
            </h3>
            <Progress value={w.progress} label={`${w.name} progress`} />
            <span className="small muted">
              {w.tasks_done} of {w.tasks_total} tasks done
            </span>
            {mayEdit && <MenuButton label="Actions" ariaLabel={`Actions for workstream ${w.name}`} items={menu('workstreams', w, w.name)} />}
          </div>
          {w.summary && <p className="small">{w.summary}</p>}
          {w.depends_on?.length > 0 && (
            <p className="small muted">Waits for {w.depends_on.map((d) => b.workstreams.find((x) => x.id === d)?.name ?? 'another workstream').join(', ')}</p>
          )}
          {milestonesOf(w.id).length > 0 && milestoneList(milestonesOf(w.id))}
        </article>
      ))}
      {milestonesOf(null).length > 0 && (
        <article className="plan-item">
          <h3>Milestones of the whole initiative</h3>
          {milestoneList(milestonesOf(null))}
        </article>
      )}
      <WorkFormDialog
        open={editing?.level === 'workstreams'}
        title={editing?.item ? `Edit “${(editing.item as Workstream).name}”` : 'New workstream'}
        fields={workstreamFields(others(editing?.level === 'workstreams' ? editing.item : null))}
        initial={editing?.level === 'workstreams' && editing.item ? workstreamValues(editing.item) : null}
        submitLabel={editing?.item ? 'Save workstream' : 'Add workstream'}
        onSubmit={async (body) => {
          if (editing?.item) await client.patch(`/workstreams/${editing.item.id}`, body);
          else await client.post('/workstreams', { ...body, initiative_id: initiativeId });
          onReload();
        }}
        onClose={() => setEditing(null)}
      />
      <WorkFormDialog
        open={editing?.level === 'milestones'}
        title={editing?.item ? `Edit “${(editing.item as Milestone).title}”` : 'New milestone'}
        fields={milestoneFields(b.workstreams, !editing?.item)}
        initial={editing?.level === 'milestones' && editing.item ? milestoneValues(editing.item) : null}
        submitLabel={editing?.item ? 'Save milestone' : 'Add milestone'}
        onSubmit={async (body) => {
          if (editing?.item) await client.patch(`/milestones/${editing.item.id}`, body);
          else await client.post('/milestones', { ...body, initiative_id: initiativeId });
          onReload();
        }}
        onClose={() => setEditing(null)}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete “${deleting?.name ?? ''}”?`}
        message={deleting?.message}
        confirmLabel="Delete"
        onConfirm={async () => {
          await client.del(`/${deleting!.level}/${deleting!.id}`);
          onReload();
        }}
        onClose={() => setDeleting(null)}
      />
    </section>
  );
}
