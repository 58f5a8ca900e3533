// What the Work pages share: status badges and progress bars, the names people read for statuses
// and lifecycle actions, and which actions each status allows — read from the server's own
// transition tables (src/work/transitions.ts), so the menus offer exactly what the API accepts.
import {
  INITIATIVE_ACTIONS,
  MILESTONE_ACTIONS,
  TASK_ACTIONS,
  TASK_STATUSES,
  WORKSTREAM_ACTIONS,
} from '../../../../src/work/transitions.ts';

export { TASK_STATUSES };
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type Level = 'initiatives' | 'workstreams' | 'milestones' | 'tasks';

type Table = Record<string, { from: readonly string[]; to: string }>;
const TABLES: Record<Level, Table> = {
  initiatives: INITIATIVE_ACTIONS,
  workstreams: WORKSTREAM_ACTIONS,
  milestones: MILESTONE_ACTIONS,
  tasks: TASK_ACTIONS,
};

const STATUS_LABEL: Record<string, string> = { todo: 'To do', in_progress: 'In progress', at_risk: 'At risk' };
export const statusLabel = (s: string) => STATUS_LABEL[s] ?? s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ');

const ACTION_LABEL: Record<string, string> = { mark_at_risk: 'Mark at risk', clear_risk: 'Clear the risk' };
const actionLabel = (a: string) => ACTION_LABEL[a] ?? a.charAt(0).toUpperCase() + a.slice(1).replace(/_/g, ' ');

/** The lifecycle actions open to an item in `status`, each with the status it leads to. */
export function actionsFrom(level: Level, status: string): { action: string; label: string; to: string }[] {
  return Object.entries(TABLES[level])
    .filter(([, t]) => t.from.includes(status))
    .map(([action, t]) => ({ action, label: `${actionLabel(action)} → ${statusLabel(t.to)}`, to: t.to }));
}

/** The board's columns, left to right (any status the server adds goes last). */
const ORDER = ['todo', 'in_progress', 'blocked', 'done'];
export const TASK_COLUMNS: string[] = [...ORDER.filter((s) => (TASK_STATUSES as readonly string[]).includes(s)), ...TASK_STATUSES.filter((s) => !ORDER.includes(s))];

/** The statuses a task in `status` can be moved to (the board's drop targets), in column order. */
export function taskTargets(status: string): string[] {
  const to = new Set(actionsFrom('tasks', status).map((a) => a.to));
  return TASK_COLUMNS.filter((s) => s !== status && to.has(s));
}

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

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${TONE[status] ?? 'badge-muted'}`}>{status.replace(/_/g, ' ')}</span>;
}

/** A progress bar with its number: the bar for the eye, the text for everyone. */
export function Progress({ value, label }: { value: number; label: string }) {
  return (
    <span className="progress">
      <progress max={100} value={value} aria-label={label} />
      <span className="small">{value}%</span>
    </span>
  );
}

export const PRIORITY_OPTIONS = [
  ['low', 'Low'],
  ['medium', 'Medium'],
  ['high', 'High'],
] as const;
