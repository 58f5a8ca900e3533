// GET /api/client/live/initiatives (work-api.md §4, [contract]): the workspace's initiatives that
// are still in play — everything but archived and cancelled ones — newest first, or the one
// initiative `id` names (whatever its status). Polled by every connected client, so it is two
// prepared, indexed statements: the page and the count.
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../db/index.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { initiatives } from './schema.ts';
import { initiativeColumns, initiativeView, type InitiativeView } from './views.ts';

const inPlay = sql`${initiatives.status} not in ('archived', 'cancelled')`;

const livePage = preparedQuery((db) =>
  db
    .select(initiativeColumns)
    .from(initiatives)
    .where(and(eq(initiatives.tenantId, sql.placeholder('t')), inPlay))
    .orderBy(desc(initiatives.createdAt), desc(initiatives.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('work_live_initiatives'),
);

const liveCount = preparedQuery((db) =>
  db
    .select({ n: count() })
    .from(initiatives)
    .where(and(eq(initiatives.tenantId, sql.placeholder('t')), inPlay))
    .prepare('work_live_initiatives_count'),
);

const oneInitiative = preparedQuery((db) =>
  db
    .select(initiativeColumns)
    .from(initiatives)
    .where(and(eq(initiatives.tenantId, sql.placeholder('t')), eq(initiatives.id, sql.placeholder('id'))))
    .prepare('work_live_initiative'),
);

export async function liveInitiatives(
  ctx: ServiceContext,
  workspaceId: string,
  q: { limit: number; offset: number; id?: string },
): Promise<{ items: InitiativeView[]; total: number }> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:read');
  const db = ctx.rt.db;
  if (q.id !== undefined) {
    // A filter, not a lookup: an unknown id is an empty list.
    if (!isUuid(q.id)) return { items: [], total: 0 };
    const rows = await oneInitiative(db).execute({ t, id: q.id.toLowerCase() });
    return { items: rows.slice(q.offset, q.offset + q.limit).map(initiativeView), total: rows.length };
  }
  const [rows, [{ n }]] = await Promise.all([livePage(db).execute({ t, limit: q.limit, offset: q.offset }), liveCount(db).execute({ t })]);
  return { items: rows.map(initiativeView), total: n };
}
