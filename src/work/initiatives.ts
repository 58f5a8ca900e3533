// Initiatives: the top of the hierarchy. Created as drafts (or active), moved through their
// lifecycle by actions (transitions.ts), completed by the cascade when all their workstreams
// are. Deleting one deletes everything beneath it; decisions linked to it stay, unlinked.
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { preparedQuery, type Db } from '../db/index.ts';
import { notFound } from '../platform/errors.ts';
import { emitEvent } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import { pageAndTotal, type Page } from '../platform/pagination.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { emitInitiativeUpdated, lockInitiative } from './cascade.ts';
import { changeWork } from './live.ts';
import { beforeRemoval } from './removal.ts';
import { initiatives } from './tables.ts';
import { actionTo, INITIATIVE_ACTIONS, nextStatus, type InitiativeAction, type InitiativeStatus } from './transitions.ts';
import { initiativeColumns, initiativeView, type InitiativeRow, type InitiativeView } from './views.ts';
import { anyText } from './sql.ts';

export interface InitiativeFilter extends Page {
  status?: InitiativeStatus[];
}

export async function listInitiatives(ctx: ServiceContext, workspaceId: string, q: InitiativeFilter) {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:read');
  const db = ctx.rt.db;
  // Unfiltered (as most callers read it): two statements prepared once; a status filter builds its own.
  if (!q.status?.length) {
    const [rows, n] = await pageAndTotal(
      q,
      () => initiativePage(db).execute({ t, limit: q.limit, offset: q.offset }),
      () => initiativeCount(db).execute({ t }),
    );
    return { items: rows.map(initiativeView), total: n };
  }
  const where = and(eq(initiatives.tenantId, t), anyText(initiatives.status, q.status));
  const [rows, n] = await pageAndTotal(
    q,
    () => db.select(initiativeColumns).from(initiatives).where(where).orderBy(...newestFirst).limit(q.limit).offset(q.offset),
    () => db.select({ n: count() }).from(initiatives).where(where),
  );
  return { items: rows.map(initiativeView), total: n };
}

const newestFirst = [desc(initiatives.createdAt), desc(initiatives.id)];
export const initiativePage = preparedQuery((db) =>
  db
    .select(initiativeColumns)
    .from(initiatives)
    .where(eq(initiatives.tenantId, sql.placeholder('t')))
    .orderBy(...newestFirst)
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('initiative_page'),
);
export const initiativeCount = preparedQuery((db) =>
  db.select({ n: count() }).from(initiatives).where(eq(initiatives.tenantId, sql.placeholder('t'))).prepare('initiative_count'),
);

async function initiativeRow(db: Db, tenantId: string, id: string): Promise<InitiativeRow> {
  if (!isUuid(id)) throw notFound();
  const [row] = await db
    .select(initiativeColumns)
    .from(initiatives)
    .where(and(eq(initiatives.tenantId, tenantId), eq(initiatives.id, id.toLowerCase())));
  if (!row) throw notFound();
  return row;
}

export async function getInitiative(ctx: ServiceContext, workspaceId: string, id: string): Promise<InitiativeView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:read');
  return initiativeView(await initiativeRow(ctx.rt.db, t, id));
}

export interface CreateInitiative {
  title: string;
  summary?: string | null;
  priority?: 'low' | 'medium' | 'high';
  status?: 'draft' | 'active';
  target_date?: string | null;
}

export async function createInitiative(ctx: ServiceContext, workspaceId: string, body: CreateInitiative): Promise<InitiativeView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const [row] = await tx
      .insert(initiatives)
      .values({
        tenantId: t,
        id: uuidv7(now.getTime()),
        title: body.title,
        summary: body.summary ?? null,
        priority: body.priority ?? 'medium',
        status: body.status ?? 'draft',
        targetDate: body.target_date ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning(initiativeColumns);
    const view = initiativeView(row);
    await emitEvent(tx, t, 'initiative.created', { initiative: view });
    return view;
  });
}

export interface UpdateInitiative {
  title?: string;
  summary?: string | null;
  priority?: 'low' | 'medium' | 'high';
  target_date?: string | null;
  status?: InitiativeStatus;
}

const FIELDS = { title: 'title', summary: 'summary', priority: 'priority', target_date: 'targetDate' } as const;

/** Field edits, and `status` as the lifecycle action leading there (409 when none does). */
export async function updateInitiative(ctx: ServiceContext, workspaceId: string, id: string, body: UpdateInitiative): Promise<InitiativeView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  if (!isUuid(id)) throw notFound();
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const before = await lockInitiative(tx, t, id.toLowerCase());
    if (!before) throw notFound();
    const changes: Partial<typeof initiatives.$inferInsert> = {};
    const changed: string[] = [];
    for (const [wire, column] of Object.entries(FIELDS) as [keyof typeof FIELDS, (typeof FIELDS)[keyof typeof FIELDS]][]) {
      const value = body[wire];
      if (value !== undefined && value !== before[column]) {
        (changes as Record<string, unknown>)[column] = value;
        changed.push(wire);
      }
    }
    let action: InitiativeAction | null = null;
    if (body.status !== undefined && body.status !== before.status) {
      action = actionTo('initiative', INITIATIVE_ACTIONS, before.status, body.status);
      Object.assign(changes, statusChanges(body.status, now));
    }
    if (changed.length === 0 && action === null) return initiativeView(before);
    const [after] = await tx
      .update(initiatives)
      .set({ ...changes, updatedAt: now })
      .where(and(eq(initiatives.tenantId, t), eq(initiatives.id, before.id)))
      .returning(initiativeColumns);
    await emitInitiativeUpdated(tx, t, before, after, changed);
    return initiativeView(after);
  });
}

function statusChanges(status: InitiativeStatus, now: Date): Partial<typeof initiatives.$inferInsert> {
  return status === 'completed' ? { status, completedAt: now } : { status };
}

export async function actOnInitiative(
  ctx: ServiceContext,
  workspaceId: string,
  id: string,
  action: InitiativeAction,
  reason?: string,
): Promise<InitiativeView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  if (!isUuid(id)) throw notFound();
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const before = await lockInitiative(tx, t, id.toLowerCase());
    if (!before) throw notFound();
    const status = nextStatus('initiative', INITIATIVE_ACTIONS, action, before.status);
    const [after] = await tx
      .update(initiatives)
      .set({ ...statusChanges(status, now), updatedAt: now })
      .where(and(eq(initiatives.tenantId, t), eq(initiatives.id, before.id)))
      .returning(initiativeColumns);
    await emitInitiativeUpdated(tx, t, before, after, [], { action, ...(reason ? { reason } : {}) });
    return initiativeView(after);
  });
}

/** Deletes the initiative and its workstreams, milestones, tasks, runs and artifacts. */
export async function deleteInitiative(ctx: ServiceContext, workspaceId: string, id: string): Promise<{ id: string; deleted: true }> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  if (!isUuid(id)) throw notFound();
  const now = new Date();
  return changeWork(ctx, t, async (tx) => {
    const before = await lockInitiative(tx, t, id.toLowerCase());
    if (!before) throw notFound();
    await beforeRemoval(tx, t, { initiativeId: before.id }, now);
    await tx.delete(initiatives).where(and(eq(initiatives.tenantId, t), eq(initiatives.id, before.id)));
    await emitEvent(tx, t, 'initiative.deleted', { initiative: initiativeView(before) });
    return { id: before.id, deleted: true as const };
  });
}

// The lifecycle by the product's verbs: one REST route (`actions/:action`) serves them all.
const act =
  (action: InitiativeAction) =>
  (ctx: ServiceContext, workspaceId: string, id: string, reason?: string): Promise<InitiativeView> =>
    actOnInitiative(ctx, workspaceId, id, action, reason);
/** draft → active */
export const launchInitiative = act('launch');
/** active, blocked or at risk → paused */
export const pauseInitiative = act('pause');
/** paused → active */
export const resumeInitiative = act('resume');
/** active or at risk → blocked */
export const blockInitiative = act('block');
/** blocked → active */
export const unblockInitiative = act('unblock');
/** active or blocked → at risk */
export const markInitiativeAtRisk = act('mark_at_risk');
/** at risk → active */
export const clearInitiativeRisk = act('clear_risk');
/** → completed (it also completes by itself when all its workstreams are) */
export const completeInitiative = act('complete');
/** any open status → cancelled */
export const cancelInitiative = act('cancel');
/** any status but archived → archived */
export const archiveInitiative = act('archive');
