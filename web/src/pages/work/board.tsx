// The task board of one initiative: a column per task status; a card is dragged to another
// column to change its status (native HTML5 drag and drop), or moved with its Actions menu (the
// way for keyboards, screen readers and phones). Only moves the API allows are offered: while a
// card is dragged, the columns it cannot go to are dimmed and refuse the drop. Every move is
// PATCH /api/client/tasks/{id} { status }; the card moves at once, and the board reloads after so
// the cascade (the next task starting, progress) shows too.
import { useState, type DragEvent } from 'react';
import { client, type ApiError } from '../../api.ts';
import { asApiError, Button, ConfirmDialog, Empty, ErrorBox, fmtDate, MenuButton, SelectField, type MenuItem } from '../../ui.tsx';
import type { Task } from '../../work-types.ts';
import { statusLabel, TASK_COLUMNS, taskTargets } from './common.tsx';
import type { Board } from './data.ts';
import { taskFields, taskValues } from './fields.ts';
import { WorkFormDialog } from './form.tsx';


export function TaskBoard({ b, mayEdit, onTask, onReload }: { b: Board; mayEdit: boolean; onTask: (t: Task | { deleted: string }) => void; onReload: () => void }) {
  const [filter, setFilter] = useState('');
  const [dragging, setDragging] = useState<Task | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [said, setSaid] = useState('');
  const [editing, setEditing] = useState<Task | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Task | null>(null);

  const wsName = new Map(b.workstreams.map((w) => [w.id, w.name]));
  const msName = new Map(b.milestones.map((m) => [m.id, m.title]));
  const tasks = b.tasks.filter((t) => !filter || t.workstream_id === filter);
  const fields = taskFields(b.workstreams, b.milestones, b.agents);

  const move = async (task: Task, to: string) => {
    if (to === task.status) return;
    setError(null);
    onTask({ ...task, status: to });
    try {
      const r = await client.patch<{ data: Task }>(`/tasks/${task.id}`, { status: to });
      onTask(r.data);
      setSaid(`Moved “${task.title}” to ${statusLabel(to)}.`);
    } catch (err) {
      onTask(task);
      const e = asApiError(err);
      setError(e);
      setSaid(`“${task.title}” was not moved: ${e.message}`);
    }
    onReload();
  };

  const allowed = (status: string) => dragging !== null && taskTargets(dragging.status).includes(status);
  const dropProps = (status: string) => ({
    onDragOver: (e: DragEvent) => {
      if (!allowed(status)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      if (over !== status) setOver(status);
    },
    onDragLeave: (e: DragEvent) => {
      if (!(e.currentTarget as Node).contains(e.relatedTarget as Node | null)) setOver(null);
    },
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      const task = b.tasks.find((t) => t.id === e.dataTransfer.getData('text/plain'));
      setDragging(null);
      setOver(null);
      if (task && taskTargets(task.status).includes(status)) void move(task, status);
    },
  });

  return (
    <section className="card" aria-labelledby="board-h" data-testid="task-board">
      <div className="section-head">
        <h2 id="board-h">Tasks</h2>
        <div className="page-actions">
          {b.workstreams.length > 1 && (
            <SelectField label="Workstream" className="inline-select" value={filter} onChange={(e) => setFilter(e.target.value)}>
              <option value="">All workstreams</option>
              {b.workstreams.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </SelectField>
          )}
          {mayEdit && b.workstreams.length > 0 && <Button onClick={() => setEditing('new')}>Add task</Button>}
        </div>
      </div>
      {mayEdit && <p className="hint">Drag a card to another column to change its status, or use its Actions menu.</p>}
      <p className="sr-only" aria-live="polite" data-testid="board-announcement">
        {said}
      </p>
      <ErrorBox error={error} title="The task was not moved." />
      {b.workstreams.length === 0 ? (
        <Empty>Add a workstream first: every task belongs to one.</Empty>
      ) : (
        <div className={`board ${dragging ? 'is-dragging' : ''}`}>
          {TASK_COLUMNS.map((status) => {
            const cards = tasks.filter((t) => t.status === status);
            const cls = dragging ? (over === status ? 'drop-over' : allowed(status) ? 'drop-ok' : dragging.status === status ? '' : 'drop-no') : '';
            return (
              <section key={status} className={`board-column ${cls}`} data-status={status} data-testid="board-column" aria-labelledby={`col-${status}`} {...(mayEdit ? dropProps(status) : {})}>
                <h3 id={`col-${status}`}>
                  {statusLabel(status)} <span className="count">{cards.length}</span>
                </h3>
                {cards.length === 0 ? (
                  <p className="column-empty">{dragging && allowed(status) ? 'Drop here' : 'No tasks'}</p>
                ) : (
                  <ul className="plain">
                    {cards.map((t) => (
                      <TaskCard
                        key={t.id}
                        task={t}
                        workstream={filter ? null : (wsName.get(t.workstream_id) ?? null)}
                        milestone={t.milestone_id ? (msName.get(t.milestone_id) ?? null) : null}
                        agents={t.assigned_agent_ids.map((a) => b.agentName.get(a) ?? 'an agent')}
                        mayEdit={mayEdit}
                        dragging={dragging?.id === t.id}
                        onDragStart={() => setDragging(t)}
                        onDragEnd={() => (setDragging(null), setOver(null))}
                        onMove={(to) => void move(t, to)}
                        onEdit={() => setEditing(t)}
                        onDelete={() => setDeleting(t)}
                      />
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
        </div>
      )}
      <WorkFormDialog
        open={editing !== null}
        title={editing === 'new' ? 'New task' : `Edit “${editing?.title ?? ''}”`}
        fields={fields}
        initial={editing && editing !== 'new' ? taskValues(editing) : null}
        defaults={{ workstream_id: filter || b.workstreams[0]?.id || '', priority: 'medium' }}
        submitLabel={editing === 'new' ? 'Add task' : 'Save task'}
        onSubmit={async (body) => {
          const r =
            editing === 'new'
              ? await client.post<{ data: Task }>('/tasks', body)
              : await client.patch<{ data: Task }>(`/tasks/${(editing as Task).id}`, body);
          onTask(r.data);
          onReload();
        }}
        onClose={() => setEditing(null)}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete “${deleting?.title ?? ''}”?`}
        message="Its runs and artifacts are deleted too; decisions about it stay, unlinked."
        confirmLabel="Delete task"
        onConfirm={async () => {
          await client.del(`/tasks/${deleting!.id}`);
          onTask({ deleted: deleting!.id });
          onReload();
        }}
        onClose={() => setDeleting(null)}
      />
    </section>
  );
}

interface CardProps {
  task: Task;
  workstream: string | null;
  milestone: string | null;
  agents: string[];
  mayEdit: boolean;
  dragging: boolean;
  onDragStart: () => void;
  onDragEnd: () => void;
  onMove: (to: string) => void;
  onEdit: () => void;
  onDelete: () => void;
}

function TaskCard({ task: t, workstream, milestone, agents, mayEdit, dragging, onDragStart, onDragEnd, onMove, onEdit, onDelete }: CardProps) {
  const targets = taskTargets(t.status);
  const items: MenuItem[] = [
    ...targets.map((to) => ({ label: `Move to ${statusLabel(to)}`, onSelect: () => onMove(to) })),
    { label: 'Edit…', onSelect: onEdit },
    { label: 'Delete…', onSelect: onDelete, danger: true },
  ];
  return (
    <li
      className={`task-card ${dragging ? 'dragging' : ''} ${mayEdit && targets.length ? 'can-drag' : ''}`}
      data-testid="task-card"
      data-id={t.id}
      data-status={t.status}
      draggable={mayEdit && targets.length > 0}
      onDragStart={(e) => {
        e.dataTransfer.setData('text/plain', t.id);
        e.dataTransfer.effectAllowed = 'move';
        onDragStart();
      }}
      onDragEnd={onDragEnd}
    >
      <div className="task-title">
        {mayEdit ? (
          <button type="button" className="link-button" onClick={onEdit} aria-label={`Edit task ${t.title}`}>
            {t.title}
          </button>
        ) : (
          t.title
        )}
      </div>
      <div className="task-meta small muted">
        {[workstream, milestone].filter(Boolean).join(' · ')}
        {t.priority === 'high' && <span className="badge badge-warn">high</span>}
        {t.due_date && <span>due {fmtDate(t.due_date)}</span>}
      </div>
      {agents.length > 0 && <div className="task-agents small">{agents.join(', ')}</div>}
      {mayEdit && <MenuButton label="Actions" ariaLabel={`Actions for ${t.title}`} items={items} className="task-menu" />}
    </li>
  );
}
