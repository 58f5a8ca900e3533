// The event outbox. Every domain change writes its event here, in the same transaction as the
// change, so an event exists if and only if the change committed. Webhooks deliver from it.
//
// This file is the one writer of the `events` table: `emitEvent` inside a transaction, and
// `insertEventsSql` for the one-statement fast paths (a data-modifying CTE that writes exactly
// the rows emitEvent would). The column list, the id format and the NOTIFY rule live here only.
//
// What each type means and carries is the event catalogue: the platform's own types are in
// event-catalogue.ts, each module brings its own (`Module.events`), and createRuntime installs
// the merged catalogue here (useEventCatalogue), because whether a type announces a change of the
// tenant's data to every node is a property of its catalogue entry.
import { sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../db/index.ts';
import { eventId } from './ids.ts';
import { events } from './tables.ts';

export interface DomainEvent {
  id: string;
  type: string;
  created: string;
  workspace_id: string | null;
  data: unknown;
}

/** One event type of the catalogue. */
export interface EventType<Data = unknown> {
  /** One line: what happened. */
  description: string;
  /** The shape of the event's `data`, exactly as it is written. */
  data: z.ZodType<Data>;
  /** A `data` that parses with `data`, shown beside it in the catalogue. */
  example: Data;
  /**
   * The tenant's own data changed (what its public pages show): committing the event sends a
   * NOTIFY on TENANT_CHANGED_CHANNEL, and every node drops what it caches of that tenant.
   */
  tenantChanged?: boolean;
}

/** Event types by name (`<resource>.<what happened>`). */
export type EventCatalogue = Readonly<Record<string, EventType<any>>>;

/** One entry of a catalogue; the example is checked against the schema at compile time. */
export function eventType<S extends z.ZodType>(entry: { description: string; data: S; example: z.input<S>; tenantChanged?: boolean }): EventType<z.input<S>> {
  return entry as EventType<z.input<S>>;
}

/** The OpenAPI example of a wire schema (its `.meta({ example })`), to build event examples from. */
export function exampleOf<S extends z.ZodType>(schema: S): z.input<S> {
  const example = schema.meta()?.example;
  if (example === undefined) throw new Error('exampleOf: the schema has no example');
  return example as z.input<S>;
}

/**
 * Nodes hear on this channel that a tenant's own data changed (its settings, brand, shops,
 * employees, templates), with the tenant id as payload. PostgreSQL delivers a NOTIFY sent inside
 * a transaction only when it commits, so a cache dropped on it can never be refilled with the
 * data it replaced.
 */
export const TENANT_CHANGED_CHANNEL = 'orgstack_tenant_changed';

/** The types whose catalogue entry says `tenantChanged`, from the installed catalogue. */
let tenantChangedTypes: ReadonlySet<string> = new Set();

/**
 * Makes `catalogue` the one emitEvent and insertEventsSql follow (createRuntime installs the
 * platform's types with every module's; each runtime of a process installs the same). A type
 * outside the installed catalogue is still written, without a NOTIFY; the catalogue test keeps
 * every type the code writes in it.
 */
export function useEventCatalogue<C extends EventCatalogue>(catalogue: C): C {
  tenantChangedTypes = new Set(Object.entries(catalogue).flatMap(([type, entry]) => (entry.tenantChanged ? [type] : [])));
  return catalogue;
}

/** Whether committing an event of this type tells every node that the tenant's data changed. */
export const announcesTenantChange = (type: string): boolean => tenantChangedTypes.has(type);

/** Call with the transaction (`tx`) that makes the change. */
export async function emitEvent(tx: Db, tenantId: string | null, type: string, data: unknown): Promise<DomainEvent> {
  const [row] = await tx.insert(events).values({ id: eventId(), type, tenantId, data }).returning();
  if (tenantId && announcesTenantChange(type)) await tx.execute(sql`select pg_notify(${TENANT_CHANGED_CHANNEL}, ${tenantId})`);
  return { id: row.id, type: row.type, created: row.createdAt.toISOString(), workspace_id: row.tenantId, data: row.data };
}

/** The events of one type that a one-statement fast path writes. */
export interface EventRows {
  /** A literal type of the catalogue. */
  type: string;
  /** The event's `data` (jsonb), an expression over `from`. */
  data: SQL;
  /** What the rows come from: `from` items, and `where` when needed (`shop, ins`, `t join x on … where …`). */
  from: SQL;
  /**
   * The event id, an expression over `from` whose values the caller made with eventId(). When
   * absent, one fresh eventId() for the single row `from` yields: only for a statement built per
   * call (a statement rendered once, like fixedStatement, would repeat that id).
   */
  id?: SQL;
  /** The order of this type's rows (default: one row, no order). Types are written in the order given. */
  ord?: SQL;
}

const EVENT_TYPE_FORMAT = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/**
 * The body of a data-modifying CTE of a one-statement fast path — `evt as (${insertEventsSql(…)})`
 * — writing the outbox rows emitEvent would write for the same change: the same columns, ids
 * from eventId(), the rows in order (each part in turn, by its `ord`), and the tenant-changed
 * NOTIFY for the types whose catalogue entry asks for it. The NOTIFY is in the INSERT's RETURNING,
 * which PostgreSQL evaluates for every inserted row even when nothing reads the CTE, and which it
 * delivers at commit like emitEvent's. Build it after the catalogue is installed (at the first
 * call, not when a module loads).
 */
export function insertEventsSql(tenantId: SQL | string, parts: readonly EventRows[]): SQL {
  if (parts.length === 0) throw new Error('insertEventsSql: no events');
  const rows = parts.map((p, n) => {
    if (!EVENT_TYPE_FORMAT.test(p.type)) throw new Error(`insertEventsSql: not an event type: ${p.type}`);
    return sql`select ${sql.raw(String(n))} as part, ${p.ord ?? sql`0`} as ord, ${p.id ?? sql`${eventId()}::text`} as id,
      ${sql.raw(`'${p.type}'`)}::text as type, ${p.data} as data from ${p.from}`;
  });
  const tenant = typeof tenantId === 'string' ? sql`${tenantId}::uuid` : sql`(${tenantId})::uuid`;
  const types = [...new Set(parts.map((p) => p.type))];
  const announced = types.filter(announcesTenantChange);
  const notify = sql.raw(`pg_notify('${TENANT_CHANGED_CHANNEL}', tenant_id::text)`);
  const returning =
    announced.length === 0
      ? sql``
      : announced.length === types.length
        ? sql` returning ${notify}`
        : sql` returning case when type in (${sql.raw(announced.map((t) => `'${t}'`).join(', '))}) then ${notify} end`;
  return sql`insert into ${events} (id, type, tenant_id, data)
    select e.id, e.type, ${tenant}, e.data from (${sql.join(rows, sql` union all `)}) e
    order by e.part, e.ord${returning}`;
}
