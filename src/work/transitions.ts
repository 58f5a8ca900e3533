// The lifecycle of each level of the hierarchy: which action moves which status where. An action
// the current status forbids is a 409 naming the statuses it needs. `PATCH { status }` is the
// same table read the other way: the one action that leads from the current status to the
// requested one (none → 409), with the same side effects.
import { conflict } from '../platform/errors.ts';

export const INITIATIVE_STATUSES = ['draft', 'active', 'paused', 'blocked', 'at_risk', 'completed', 'archived', 'cancelled'] as const;
export const WORKSTREAM_STATUSES = ['pending', 'ready', 'active', 'paused', 'blocked', 'completed'] as const;
export const MILESTONE_STATUSES = ['planned', 'in_progress', 'completed', 'at_risk', 'cancelled'] as const;
export const TASK_STATUSES = ['todo', 'in_progress', 'done', 'blocked'] as const;
export const PRIORITIES = ['low', 'medium', 'high'] as const;

export type InitiativeStatus = (typeof INITIATIVE_STATUSES)[number];
export type WorkstreamStatus = (typeof WORKSTREAM_STATUSES)[number];
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];

interface Transition<S extends string> {
  from: readonly S[];
  to: S;
}
type Table<S extends string> = Record<string, Transition<S>>;

/** Running initiatives: work may start and auto-complete in these. */
const RUNNING = ['active', 'blocked', 'at_risk'] as const;
export const OPEN_INITIATIVE = ['draft', 'active', 'paused', 'blocked', 'at_risk'] as const;

export const INITIATIVE_ACTIONS = {
  launch: { from: ['draft'], to: 'active' },
  pause: { from: RUNNING, to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  block: { from: ['active', 'at_risk'], to: 'blocked' },
  unblock: { from: ['blocked'], to: 'active' },
  mark_at_risk: { from: ['active', 'blocked'], to: 'at_risk' },
  clear_risk: { from: ['at_risk'], to: 'active' },
  complete: { from: ['active', 'paused', 'blocked', 'at_risk'], to: 'completed' },
  cancel: { from: OPEN_INITIATIVE, to: 'cancelled' },
  archive: { from: [...OPEN_INITIATIVE, 'completed', 'cancelled'], to: 'archived' },
} as const satisfies Table<InitiativeStatus>;

/** `pending` and `ready` are never entered by an action: they follow the dependencies. */
export const WORKSTREAM_ACTIONS = {
  start: { from: ['ready'], to: 'active' },
  pause: { from: ['active', 'blocked'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  block: { from: ['ready', 'active'], to: 'blocked' },
  unblock: { from: ['blocked'], to: 'active' },
  complete: { from: ['ready', 'active', 'paused', 'blocked'], to: 'completed' },
} as const satisfies Table<WorkstreamStatus>;

export const MILESTONE_ACTIONS = {
  start: { from: ['planned'], to: 'in_progress' },
  mark_at_risk: { from: ['planned', 'in_progress'], to: 'at_risk' },
  clear_risk: { from: ['at_risk'], to: 'in_progress' },
  complete: { from: ['planned', 'in_progress', 'at_risk'], to: 'completed' },
  cancel: { from: ['planned', 'in_progress', 'at_risk'], to: 'cancelled' },
} as const satisfies Table<MilestoneStatus>;

export const TASK_ACTIONS = {
  start: { from: ['todo', 'blocked'], to: 'in_progress' },
  complete: { from: ['todo', 'in_progress', 'blocked'], to: 'done' },
  block: { from: ['todo', 'in_progress'], to: 'blocked' },
  unblock: { from: ['blocked'], to: 'todo' },
} as const satisfies Table<TaskStatus>;

export type InitiativeAction = keyof typeof INITIATIVE_ACTIONS;
export type WorkstreamAction = keyof typeof WORKSTREAM_ACTIONS;
export type MilestoneAction = keyof typeof MILESTONE_ACTIONS;
export type TaskAction = keyof typeof TASK_ACTIONS;

export const isOpenInitiative = (status: string) => (OPEN_INITIATIVE as readonly string[]).includes(status);

/** The status `action` leads to from `current`, or a 409 naming what it needs. */
export function nextStatus<S extends string>(entity: string, table: Table<S>, action: string, current: string): S {
  const t = table[action];
  if (!t.from.includes(current as S)) {
    throw conflict(`Cannot ${action.replaceAll('_', ' ')} a ${entity} that is ${current} (it must be ${t.from.join(', ')})`);
  }
  return t.to;
}

/** The action that moves `current` to `target` (PATCH status), or a 409 when none does. */
export function actionTo<A extends string, S extends string>(entity: string, table: Record<A, Transition<S>>, current: string, target: string): A {
  for (const [action, t] of Object.entries(table) as [A, Transition<S>][]) {
    if (t.to === target && t.from.includes(current as S)) return action;
  }
  throw conflict(`A ${entity} cannot go from ${current} to ${target}${target === 'pending' || target === 'ready' ? ' (pending and ready follow its dependencies)' : ''}`);
}

/** One line per action, for the OpenAPI descriptions of the action routes. */
export function describeTable(table: Table<string>): string {
  return Object.entries(table)
    .map(([action, t]) => `- \`${action}\`: ${t.from.join(', ')} → ${t.to}`)
    .join('\n');
}
