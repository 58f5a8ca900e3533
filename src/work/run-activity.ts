// What a run is doing, as its agent reports it: activity entries on an open run (the first starts
// a queued run; a `blocked` phase blocks it; `progress_pct` becomes its progress), and the
// workspace's recent activity (GET live/activity).
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { conflict } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import { pageAndTotal, type Page } from '../platform/pagination.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { findAgent } from './agents.ts';
import { changeWork } from './live.ts';
import { runView } from './run-view.ts';
import { agentOf, emitRunChange, isOpenRun, lockRun } from './runs.ts';
import { runActivity, runs } from './tables.ts';

export const ACTIVITY_PHASES = ['intent', 'execution', 'blocked', 'review', 'handoff', 'completed'] as const;
export const ACTIVITY_LEVELS = ['info', 'warn', 'error'] as const;

type ActivityRow = typeof runActivity.$inferSelect;

function activityView(a: ActivityRow) {
  return {
    id: a.id,
    run_id: a.runId,
    initiative_id: a.initiativeId,
    phase: a.phase as (typeof ACTIVITY_PHASES)[number],
    level: a.level as (typeof ACTIVITY_LEVELS)[number],
    message: a.message,
    progress_pct: a.progressPct,
    next_step: a.nextStep,
    created_at: a.createdAt.toISOString(),
  };
}
export type ActivityView = ReturnType<typeof activityView>;

export interface PostActivity {
  phase: (typeof ACTIVITY_PHASES)[number];
  level?: (typeof ACTIVITY_LEVELS)[number];
  message: string;
  progress_pct?: number | null;
  next_step?: string | null;
}

/**
 * Records what an open run is doing. The first activity of a queued run starts it
 * (`agent.started`); a `blocked` phase blocks it with the message as a blocker; `progress_pct`
 * becomes the run's progress. Writes `run.activity` (and the run's event when it changed).
 */
export async function postActivity(ctx: ServiceContext, workspaceId: string, runId: string, body: PostActivity): Promise<ActivityView> {
  const t = authorizeTenant(ctx, workspaceId, 'agents:write');
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const row = await lockRun(tx, t, runId);
    if (!isOpenRun(row.status)) throw conflict(`The run is ${row.status}; activity is only recorded while it is queued, running or blocked`);
    const changes: Partial<typeof runs.$inferInsert> = {};
    const changed: string[] = [];
    if (row.status === 'queued') {
      changes.status = 'running';
      changes.startedAt = row.startedAt ?? now;
      changed.push('status');
    }
    if (body.phase === 'blocked') {
      changes.status = 'blocked';
      changes.blockers = [...row.blockers, body.message];
      if (row.status !== 'blocked' && !changed.includes('status')) changed.push('status');
      changed.push('blockers');
    }
    if (body.progress_pct !== undefined && body.progress_pct !== null && body.progress_pct !== row.progress) {
      changes.progress = body.progress_pct;
      changed.push('progress');
    }
    const [activity] = await tx
      .insert(runActivity)
      .values({
        tenantId: t,
        id: uuidv7(now.getTime()),
        runId: row.id,
        initiativeId: row.initiativeId,
        phase: body.phase,
        level: body.level ?? 'info',
        message: body.message,
        progressPct: body.progress_pct ?? null,
        nextStep: body.next_step ?? null,
        createdAt: now,
      })
      .returning();
    if (changed.length > 0) {
      const [after] = await tx
        .update(runs)
        .set({ ...changes, updatedAt: now })
        .where(and(eq(runs.tenantId, t), eq(runs.id, row.id)))
        .returning();
      // A queued run that reports anything has started (even straight into blocked).
      if (row.status === 'queued') await emitRunChange(tx, t, row, { ...after, status: 'running' }, ['status']);
      const rest = row.status === 'queued' ? changed.filter((c) => c !== 'status' || after.status === 'blocked') : changed;
      if (rest.length > 0) await emitEvent(tx, t, 'run.updated', { run: runView(after, (await agentOf(tx, t, after.agentId)).name), changed: rest });
    }
    const view = activityView(activity);
    await emitEvent(tx, t, 'run.activity', { activity: view });
    return view;
  });
}

export interface ActivityFilter extends Page {
  run_id?: string;
  initiative_id?: string;
  agent_id?: string;
}

/** GET live/activity: the workspace's activity, newest first. */
export async function liveActivity(ctx: ServiceContext, workspaceId: string, q: ActivityFilter) {
  const t = authorizeTenant(ctx, workspaceId, 'agents:read');
  const db = ctx.rt.db;
  if ([q.run_id, q.initiative_id].some((v) => v !== undefined && !isUuid(v))) return { items: [], total: 0 };
  let agentId: string | undefined;
  if (q.agent_id !== undefined) {
    const agent = await findAgent(db, t, q.agent_id);
    if (!agent) return { items: [], total: 0 };
    agentId = agent.id;
  }
  const where = and(
    eq(runActivity.tenantId, t),
    q.run_id ? eq(runActivity.runId, q.run_id.toLowerCase()) : undefined,
    q.initiative_id ? eq(runActivity.initiativeId, q.initiative_id.toLowerCase()) : undefined,
    agentId ? sql`exists (select 1 from ${runs} r where r.tenant_id = ${runActivity.tenantId} and r.id = ${runActivity.runId} and r.agent_id = ${agentId})` : undefined,
  );
  const [rows, n] = await pageAndTotal(
    q,
    () => db.select().from(runActivity).where(where).orderBy(desc(runActivity.createdAt), desc(runActivity.id)).limit(q.limit).offset(q.offset),
    () => db.select({ n: count() }).from(runActivity).where(where),
  );
  return { items: rows.map(activityView), total: n };
}
