// POST /api/client/spawn (a contract endpoint of docs/work-api-contract.md): the preflight a client
// asks before it spawns an agent of a domain. It dispatches nothing and changes nothing; it reports
// three checks and the model tier the work would be routed to:
// - rateLimit: the workspace's dispatch bucket this hour (dispatch-bucket.ts);
// - qualityGate: the domain's agent passes while it has fewer than 3 scored runs, or when the
//   mean quality score of its last 20 scored runs is at least the threshold
//   (WORK_QUALITY_THRESHOLD, default 3.0);
// - taskAssigned: without a task it passes; with one, the task must be in this workspace, not
//   done, and have no open run (queued, running, blocked) already working on it.
import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { queryRows } from '../db/index.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import type { AgentDomain } from './canonical-agents.ts';
import { dispatchBucket } from './dispatch-bucket.ts';
import { modelTierFor, type ModelTier } from './model-tier.ts';
import { agents, runs, tasks } from './tables.ts';

/** Scored runs needed before the gate can close: a new agent is not judged on one bad run. */
const QUALITY_MIN_RUNS = 3;
const QUALITY_WINDOW = 20;

export interface SpawnRequest {
  domain: AgentDomain;
  taskId?: string;
  taskTitle?: string;
  taskDescription?: string;
}

export interface SpawnResult {
  allowed: boolean;
  modelTier: ModelTier;
  checks: {
    rateLimit: { passed: boolean; current: number; max: number };
    qualityGate: { passed: boolean; score: number | null; threshold: number };
    taskAssigned: { passed: boolean; taskId: string | null; status: string | null };
  };
  blockedReason?: string;
}

export async function spawnPreflight(ctx: ServiceContext, workspaceId: string, body: SpawnRequest): Promise<SpawnResult> {
  const t = authorizeTenant(ctx, workspaceId, 'agents:read');
  const db = ctx.rt.db;
  const bucket = await dispatchBucket(db, t, ctx.rt.config.workDispatchesPerHour);

  // The domain's agent: its canonical one, else the first active custom one.
  const [agent] = await db
    .select({ id: agents.id, name: agents.name, status: agents.status })
    .from(agents)
    .where(and(eq(agents.tenantId, t), eq(agents.domain, body.domain)))
    .orderBy(desc(agents.canonical), sql`${agents.status} = 'active' desc`, agents.createdAt, agents.id)
    .limit(1);
  let scores: number[] = [];
  if (agent) {
    const rows = await db
      .select({ score: runs.qualityScore })
      .from(runs)
      .where(and(eq(runs.tenantId, t), eq(runs.agentId, agent.id), isNotNull(runs.qualityScore)))
      .orderBy(desc(runs.completedAt), desc(runs.id))
      .limit(QUALITY_WINDOW);
    scores = rows.map((r) => r.score!);
  }
  const mean = scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100 : null;
  const threshold = ctx.rt.config.workQualityThreshold;
  const qualityPassed = scores.length < QUALITY_MIN_RUNS || (mean ?? 0) >= threshold;

  let task: { id: string; status: string; priority: string; description: string | null; open: number } | null = null;
  const taskId = body.taskId?.trim() || null;
  if (taskId && isUuid(taskId)) {
    [task] = await queryRows<{ id: string; status: string; priority: string; description: string | null; open: number }>(
      db,
      sql`select t.id, t.status, t.priority, t.description,
            (select count(*)::int from ${runs} r where r.tenant_id = t.tenant_id and r.task_id = t.id and r.status in ('queued', 'running', 'blocked')) as open
          from ${tasks} t where t.tenant_id = ${t} and t.id = ${taskId.toLowerCase()}`,
    );
    task ??= null;
  }
  const taskPassed = taskId === null || (task !== null && task.status !== 'done' && task.open === 0);

  const checks: SpawnResult['checks'] = {
    rateLimit: { passed: bucket.current < bucket.max, current: bucket.current, max: bucket.max },
    qualityGate: { passed: qualityPassed, score: mean, threshold },
    taskAssigned: { passed: taskPassed, taskId: task?.id ?? taskId, status: task?.status ?? null },
  };
  const modelTier = modelTierFor(task?.priority ?? 'medium', task?.description ?? body.taskDescription ?? null);

  const reasons: string[] = [];
  if (!agent || agent.status !== 'active') reasons.push(`No active ${body.domain} agent in this workspace`);
  if (!checks.rateLimit.passed) reasons.push(`Dispatch limit reached: ${bucket.current} of ${bucket.max} this hour`);
  if (!checks.qualityGate.passed) reasons.push(`Quality gate: mean score ${mean} of the last ${scores.length} scored runs is below ${threshold}`);
  if (!checks.taskAssigned.passed) {
    reasons.push(
      task === null
        ? 'No such task in this workspace'
        : task.status === 'done'
          ? 'The task is already done'
          : 'The task already has an open run',
    );
  }
  const result: SpawnResult = { allowed: reasons.length === 0, modelTier, checks };
  if (reasons.length > 0) result.blockedReason = reasons.join('; ');
  return result;
}
