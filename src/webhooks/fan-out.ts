// Fan-out: turns outbox events into one delivery per (event, subscribed endpoint), reading the
// outbox by a cursor kept in the database.
//
// A sequence number alone cannot be a cursor: a transaction that took seq 100 may commit after
// one that took seq 101, and a reader that moved past 101 would never see 100. So events are read
// in (txid, seq) order, and only those written by transactions older than the oldest one still
// running (the snapshot's xmin): every such transaction has ended, all of its events are visible,
// and no later event can sort before them. The cursor row is locked with SKIP LOCKED, so one node
// fans out at a time and the others go straight to delivering.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/index.ts';

const BATCH = 2000;

/** Whether an endpoint's filters (`w.event_types`) take an event type: exact, `prefix.*` or `*`. */
export const subscribes = (type: SQL) =>
  sql`exists (select 1 from unnest(w.event_types) f where f = '*' or f = ${type} or (right(f, 2) = '.*' and starts_with(${type}, left(f, -1))))`;

/** Creates the cursor at the current horizon the first time any node starts. */
export async function initCursor(db: Db): Promise<void> {
  await db.execute(sql`insert into webhook_cursor (id, txid, seq) values (1, pg_snapshot_xmin(pg_current_snapshot()), 0) on conflict (id) do nothing`);
}

export interface FanOutResult {
  /** Whether this node held the cursor (false: another node is fanning out). */
  held: boolean;
  /** Events the cursor moved past. */
  events: number;
  /** Whether more events are waiting already (the batch was full, or its deliveries were). */
  more: boolean;
  deliveries: number;
  /** The endpoints it made deliveries for. */
  endpoints: string[];
}

/**
 * One batch, in one statement (its snapshot is taken before it holds a transaction id, so its own
 * transaction never holds the horizon back): at most `limit.events` events, and only as many of
 * them as make at most `limit.deliveries` deliveries (always the first, whatever it makes), so a node
 * busy with requests writes few deliveries while it still moves the cursor past events nobody
 * subscribes to. Endpoints get the events written since they were created or last enabled again
 * (`receiving_since`: re-enabling replays nothing); `webhook.test` goes only to the endpoint it
 * was sent to (endpoints.ts).
 */
export async function fanOut(db: Db, limit: { events: number; deliveries: number } = { events: BATCH, deliveries: Number.MAX_SAFE_INTEGER }): Promise<FanOutResult> {
  const [row] = await queryRows<{ held: number; read: number; events: number; deliveries: number; endpoints: string | null }>(
    db,
    sql`with cur as (select txid, seq from webhook_cursor where id = 1 for update skip locked),
      batch as (
        select e.seq, e.txid, e.id, e.type, e.tenant_id, e.created_at from events e
        -- The cursor as scalar subqueries, so the row comparison is an index condition: joined
        -- to cur, it was a filter, and every fan-out read the whole outbox up to the cursor
        -- (≈ 50 ms at 150,000 events). Without the cursor's lock both are null: no rows.
        where (e.txid, e.seq) > ((select txid from cur), (select seq from cur)) and e.txid < pg_snapshot_xmin(pg_current_snapshot())
        order by e.txid, e.seq limit ${limit.events}),
      fan as (
        select b.txid, b.seq, b.tenant_id, b.id, b.type, w.id as endpoint_id from batch b join webhook_endpoints w on w.tenant_id = b.tenant_id
        where w.enabled and b.type <> 'webhook.test' and b.created_at >= w.receiving_since and ${subscribes(sql`b.type`)}),
      -- Each event with the deliveries made by it and every event before it.
      upto as (
        select b.txid, b.seq, count(f.endpoint_id) over (order by b.txid, b.seq) as n, row_number() over (order by b.txid, b.seq) as i
        from batch b left join fan f on f.txid = b.txid and f.seq = b.seq),
      taken as (select distinct txid, seq from upto where n <= ${limit.deliveries} or i = 1),
      ins as (
        insert into webhook_deliveries (tenant_id, endpoint_id, event_id, event_type)
        select f.tenant_id, f.endpoint_id, f.id, f.type from fan f join taken t on t.txid = f.txid and t.seq = f.seq
        order by f.txid, f.seq
        on conflict (endpoint_id, event_id) do nothing
        returning endpoint_id),
      last as (select txid, seq from taken order by txid desc, seq desc limit 1),
      -- A data-modifying WITH runs whether or not the query reads it.
      moved as (update webhook_cursor c set txid = last.txid, seq = last.seq, updated_at = now() from last where c.id = 1)
      select (select count(*) from cur)::int as held, (select count(*) from batch)::int as read, (select count(*) from taken)::int as events,
        (select count(*) from ins)::int as deliveries, (select string_agg(distinct endpoint_id::text, ',') from ins) as endpoints`,
  );
  const read = Number(row.read);
  const events = Number(row.events);
  return {
    held: Number(row.held) > 0,
    events,
    more: read === limit.events || events < read,
    deliveries: Number(row.deliveries),
    endpoints: row.endpoints ? row.endpoints.split(',') : [],
  };
}
