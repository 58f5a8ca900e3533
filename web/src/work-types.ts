// The Work API's resources as the dashboard reads them (snake_case, as /api/client sends them).

export interface ClientList<T> {
  ok: true;
  data: T[];
  total: number;
  pagination: { has_more: boolean };
}

export interface Actor {
  type: 'agent' | 'user' | 'key';
  id: string | null;
  /** An agent's or person's name; a key's display prefix. */
  name: string | null;
  /** A key's own name (key actors of this workspace; absent or null otherwise). */
  key_name?: string | null;
}

export interface DecisionOption {
  id: string;
  label: string;
  description: string | null;
}

export interface Decision {
  id: string;
  title: string;
  summary: string | null;
  type: string;
  urgency: 'low' | 'medium' | 'high' | 'critical';
  status: 'pending' | 'approved' | 'rejected' | 'superseded' | 'cancelled';
  options: DecisionOption[];
  chosen_option_id: string | null;
  resolution_note: string | null;
  initiative_id: string | null;
  task_id: string | null;
  run_id: string | null;
  requested_by: Actor;
  resolved_by: Actor | null;
  due_at: string;
  resolved_at: string | null;
  created_at: string;
}

interface Progressing {
  id: string;
  status: string;
  progress: number;
  tasks_total: number;
  tasks_done: number;
}

export interface Initiative extends Progressing {
  title: string;
  summary: string | null;
  priority: string;
  target_date: string | null;
  created_at: string;
}

export interface Workstream extends Progressing {
  initiative_id: string;
  name: string;
  summary: string | null;
  depends_on: string[];
}

export interface Milestone extends Progressing {
  initiative_id: string;
  workstream_id: string | null;
  title: string;
  description: string | null;
  due_date: string | null;
}

export interface Task {
  id: string;
  initiative_id: string;
  workstream_id: string;
  milestone_id: string | null;
  title: string;
  description: string | null;
  status: string;
  priority: string;
  sequence: number;
  progress: number;
  assigned_agent_ids: string[];
  due_date: string | null;
}

export interface Run {
  id: string;
  agent_id: string;
  agent_name: string;
  task_id: string | null;
  initiative_id: string | null;
  status: string;
  progress: number;
  summary: string | null;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
}

export interface Agent {
  id: string;
  name: string;
}
