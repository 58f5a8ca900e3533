// Everything one initiative's page shows, loaded at once from the Work API: the initiative, its
// workstreams, milestones, tasks, runs and decisions, and the workspace's agents (for names).
import { client } from '../../api.ts';
import type { Agent, ClientList, Decision, Initiative, Milestone, Run, Task, Workstream } from '../../work-types.ts';

export interface Board {
  initiative: Initiative;
  workstreams: Workstream[];
  milestones: Milestone[];
  tasks: Task[];
  runs: Run[];
  decisions: Decision[];
  agents: Agent[];
  agentName: Map<string, string>;
}

export async function loadBoard(id: string, signal?: AbortSignal): Promise<Board> {
  const q = `initiative_id=${encodeURIComponent(id)}&limit=200`;
  const [initiative, workstreams, milestones, tasks, runs, decisions, agents] = await Promise.all([
    client.get<{ data: Initiative }>(`/initiatives/${encodeURIComponent(id)}`, { signal }),
    client.get<ClientList<Workstream>>(`/workstreams?${q}`, { signal }),
    client.get<ClientList<Milestone>>(`/milestones?${q}`, { signal }),
    client.get<ClientList<Task>>(`/tasks?${q}`, { signal }),
    client.get<ClientList<Run>>(`/runs?${q}`, { signal }),
    client.get<ClientList<Decision>>(`/decisions?${q}`, { signal }),
    client.get<ClientList<Agent>>('/agents?limit=200', { signal }),
  ]);
  return {
    initiative: initiative.data,
    workstreams: workstreams.data,
    milestones: milestones.data,
    tasks: [...tasks.data].sort((a, b) => a.sequence - b.sequence),
    runs: runs.data,
    decisions: decisions.data,
    agents: agents.data,
    agentName: new Map(agents.data.map((a) => [a.id, a.name])),
  };
}
