// A run as the Work API shows it (docs/work-api-contract.md): the wire shape and its events' data.
import type { runs } from './tables.ts';

type RunRow = typeof runs.$inferSelect;

export function runView(r: RunRow, agentName: string) {
  return {
    id: r.id,
    agent_id: r.agentId,
    agent_name: agentName,
    task_id: r.taskId,
    initiative_id: r.initiativeId,
    status: r.status as 'queued' | 'running' | 'blocked' | 'completed' | 'failed' | 'cancelled',
    progress: r.progress,
    blockers: r.blockers,
    summary: r.summary,
    quality_score: r.qualityScore,
    started_at: r.startedAt?.toISOString() ?? null,
    completed_at: r.completedAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
  };
}
export type RunView = ReturnType<typeof runView>;
