// GET /api/client/live/initiatives (a contract endpoint of docs/work-api-contract.md): the
// workspace's initiatives that are still in play — everything but archived and cancelled ones —
// newest first, or the one initiative `id` names (whatever its status). Polled by every connected
// client, so it is two prepared, indexed statements (the page and the count), and each answer is
// kept per node for LIVE_FRESH_MS: dropped at once when this node commits a change of the
// workspace's work (every write goes through changeWork), and within LIVE_FRESH_MS after a change
// made on another node.
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { preparedQuery, type Db } from '../db/index.ts';
import { BoundedMap } from '../platform/bounded-map.ts';
import { pageAndTotal, pageInfo } from '../platform/pagination.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import type { Runtime } from '../platform/runtime.ts';
import { initiatives } from './tables.ts';
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

const LIVE_FRESH_MS = 1000;
/** Pages kept per node (a page of 50 is some 20 KB): bounds memory. */
const MAX_PAGES = 1000;

/** The answer of live/initiatives: one page, its total and its pagination. */
export interface LivePage {
  initiatives: InitiativeView[];
  total: number;
  pagination: { limit: number; offset: number; has_more: boolean };
}

/**
 * Per node: answers of live/initiatives kept LIVE_FRESH_MS, dropped at once by a change committed
 * through this node; changes made through other nodes show within LIVE_FRESH_MS. An answer is
 * never mutated once kept, so its JSON is encoded once (the operation's `sharedAnswers`).
 */
export class LivePages {
  readonly pages = new BoundedMap<string, { page: LivePage; version: number; at: number }>(MAX_PAGES);
  /** Per workspace, bumped by every committed change of its work made through this node. */
  readonly versions = new Map<string, number>();
}

/** The workspace's work changed (called once the change committed): its cached pages are out of date. */
export function workChanged(rt: Runtime, workspaceId: string): void {
  const { versions } = rt.livePages;
  versions.set(workspaceId, (versions.get(workspaceId) ?? 0) + 1);
}

/**
 * Runs one change of the workspace's work in a transaction and, once it has committed, marks the
 * workspace's answers kept on this node out of date (workChanged). Every write of the Work
 * services goes through it; a change that fails (rolled back) leaves them as they are.
 */
export async function changeWork<T>(ctx: ServiceContext, workspaceId: string, change: (tx: Db) => Promise<T>): Promise<T> {
  const result = await ctx.rt.db.transaction(change);
  workChanged(ctx.rt, workspaceId);
  return result;
}

const answer = (items: InitiativeView[], total: number, page: { limit: number; offset: number }): LivePage => ({ initiatives: items, ...pageInfo(page, total) });

export async function liveInitiatives(
  ctx: ServiceContext,
  workspaceId: string,
  q: { limit: number; offset: number; id?: string },
): Promise<LivePage> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:read');
  const db = ctx.rt.db;
  if (q.id !== undefined) {
    // A filter, not a lookup: an unknown id is an empty list.
    if (!isUuid(q.id)) return answer([], 0, q);
    const rows = await oneInitiative(db).execute({ t, id: q.id.toLowerCase() });
    return answer(rows.slice(q.offset, q.offset + q.limit).map(initiativeView), rows.length, q);
  }
  const node = ctx.rt.livePages;
  const key = `${t}|${q.limit}|${q.offset}`;
  const version = node.versions.get(t) ?? 0;
  const hit = node.pages.get(key);
  if (hit && hit.version === version && Date.now() - hit.at < LIVE_FRESH_MS) return hit.page;
  const [rows, n] = await pageAndTotal(
    q,
    () => livePage(db).execute({ t, limit: q.limit, offset: q.offset }),
    () => liveCount(db).execute({ t }),
  );
  const page = answer(rows.map(initiativeView), n, q);
  node.pages.set(key, { page, version, at: Date.now() });
  return page;
}
