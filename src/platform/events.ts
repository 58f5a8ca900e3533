// The event outbox. Every domain change writes its event here, in the same transaction as the
// change, so an event exists if and only if the change committed. Webhooks deliver from it.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { eventId } from './ids.ts';
import { events } from './schema.ts';

export interface DomainEvent {
  id: string;
  type: string;
  created: string;
  workspace_id: string | null;
  data: unknown;
}

/**
 * Nodes hear on this channel that a tenant's own data changed (its settings, brand, shops,
 * employees, templates), with the tenant id as payload. PostgreSQL delivers a NOTIFY sent inside
 * a transaction only when it commits, so a cache dropped on it can never be refilled with the
 * data it replaced.
 */
export const TENANT_CHANGED_CHANNEL = 'orgstack_tenant_changed';
const TENANT_DATA_EVENT = /^(tenant|shop|employee|template)\./;

/** Call with the transaction (`tx`) that makes the change. */
export async function emitEvent(tx: Db, tenantId: string | null, type: string, data: unknown): Promise<DomainEvent> {
  const [row] = await tx.insert(events).values({ id: eventId(), type, tenantId, data }).returning();
  if (tenantId && TENANT_DATA_EVENT.test(type)) await tx.execute(sql`select pg_notify(${TENANT_CHANGED_CHANNEL}, ${tenantId})`);
  return { id: row.id, type: row.type, created: row.createdAt.toISOString(), workspace_id: row.tenantId, data: row.data };
}
