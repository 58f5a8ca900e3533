// The event outbox. Every domain change writes its event here, in the same transaction as the
// change, so an event exists if and only if the change committed. Webhooks deliver from it.
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

/** Call with the transaction (`tx`) that makes the change. */
export async function emitEvent(tx: Db, tenantId: string | null, type: string, data: unknown): Promise<DomainEvent> {
  const [row] = await tx.insert(events).values({ id: eventId(), type, tenantId, data }).returning();
  return { id: row.id, type: row.type, created: row.createdAt.toISOString(), workspace_id: row.tenantId, data: row.data };
}
