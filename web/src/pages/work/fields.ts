// The form fields of each level of the work hierarchy, named as the Work API names them
// (docs/work-api-contract.md), and an item's current values for its edit form.
import type { Agent, Initiative, Milestone, Task, Workstream } from '../../work-types.ts';
import { PRIORITY_OPTIONS } from './common.tsx';
import type { FieldSpec, Values } from './form.tsx';

const str = (v: string | null | undefined) => v ?? '';

export function initiativeFields(creating: boolean): FieldSpec[] {
  return [
    { name: 'title', label: 'Title', required: true },
    { name: 'summary', label: 'Summary', kind: 'textarea', nullable: true, hint: 'What it achieves, in a sentence or two.' },
    { name: 'priority', label: 'Priority', kind: 'select', options: PRIORITY_OPTIONS },
    { name: 'target_date', label: 'Target date', kind: 'date', nullable: true },
    ...(creating
      ? [
          {
            name: 'status',
            label: 'Start',
            kind: 'select',
            options: [
              ['draft', 'As a draft (plan first)'],
              ['active', 'Active now'],
            ],
          } as FieldSpec,
        ]
      : []),
  ];
}
export const initiativeValues = (i: Initiative): Values => ({ title: i.title, summary: str(i.summary), priority: i.priority, target_date: str(i.target_date) });

export function workstreamFields(others: Workstream[]): FieldSpec[] {
  return [
    { name: 'name', label: 'Name', required: true },
    { name: 'summary', label: 'Summary', kind: 'textarea', nullable: true },
    ...(others.length
      ? [{ name: 'depends_on', label: 'Waits for', kind: 'multi', options: others.map((w) => [w.id, w.name] as const), hint: 'It starts when these are completed.' } as FieldSpec]
      : []),
  ];
}
export const workstreamValues = (w: Workstream): Values => ({ name: w.name, summary: str(w.summary), depends_on: w.depends_on ?? [] });

export function milestoneFields(workstreams: Workstream[], creating: boolean): FieldSpec[] {
  return [
    { name: 'title', label: 'Title', required: true },
    ...(creating
      ? [{ name: 'workstream_id', label: 'Workstream', kind: 'select', options: [['', 'The whole initiative'], ...workstreams.map((w) => [w.id, w.name] as const)] } as FieldSpec]
      : []),
    { name: 'due_date', label: 'Due date', kind: 'date', nullable: true },
    { name: 'description', label: 'Description', kind: 'textarea', nullable: true },
  ];
}
export const milestoneValues = (m: Milestone): Values => ({ title: m.title, due_date: str(m.due_date), description: str(m.description) });

export function taskFields(workstreams: Workstream[], milestones: Milestone[], agents: Agent[]): FieldSpec[] {
  return [
    { name: 'title', label: 'Title', required: true },
    { name: 'workstream_id', label: 'Workstream', kind: 'select', options: workstreams.map((w) => [w.id, w.name] as const) },
    {
      name: 'milestone_id',
      label: 'Milestone',
      kind: 'select',
      nullable: true,
      // A task's milestone is one of the whole initiative or of the task's own workstream.
      options: (v) => [['', 'None'], ...milestones.filter((m) => m.workstream_id === null || m.workstream_id === v.workstream_id).map((m) => [m.id, m.title] as const)],
    },
    { name: 'priority', label: 'Priority', kind: 'select', options: PRIORITY_OPTIONS },
    { name: 'due_date', label: 'Due date', kind: 'date', nullable: true },
    { name: 'description', label: 'Description', kind: 'textarea', nullable: true },
    { name: 'assigned_agent_ids', label: 'Agents', kind: 'multi', options: agents.map((a) => [a.id, a.name] as const) },
  ];
}
export const taskValues = (t: Task): Values => ({
  title: t.title,
  workstream_id: t.workstream_id,
  milestone_id: str(t.milestone_id),
  priority: t.priority,
  due_date: str(t.due_date),
  description: str(t.description),
  assigned_agent_ids: t.assigned_agent_ids,
});
