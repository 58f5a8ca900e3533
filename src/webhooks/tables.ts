// Webhook tables: a tenant's endpoints, one delivery per (event, endpoint), every attempt made,
// and the one fan-out cursor over the event outbox (src/platform/events.ts).
import { sql } from 'drizzle-orm';
import { bigint, boolean, foreignKey, index, integer, pgTable, primaryKey, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenantRef, ts, xid8 } from '../platform/tables.ts';

export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** Exact types, `prefix.*`, or `*`. */
    eventTypes: text('event_types').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** The signing secret (`whsec_…`), encrypted with the server secret (webhooks/secrets.ts). */
    secret: text('secret').notNull(),
    /** The secret before the last rotation, still signing until previousSecretExpiresAt. */
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: ts('previous_secret_expires_at'),
    lastSuccessAt: ts('last_success_at'),
    lastFailureAt: ts('last_failure_at'),
    /** Since when every attempt failed (null after a success); five days of it disables. */
    failingSince: ts('failing_since'),
    /** Why the server disabled it: `gone` (the receiver answered 410) or `failing`. */
    disabledReason: text('disabled_reason'),
    /** Events written since then are sent to it: its creation, or the last time it was enabled again. */
    receivingSince: ts('receiving_since').notNull().defaultNow(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('webhook_endpoints_created_idx').on(t.tenantId, t.createdAt)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    /**
     * No key to `tenants` of its own: its endpoint's key holds the tenant (and deleting one
     * deletes the other), and the check cost a quarter of each delivery row's insert
     * (migrations/0016_webhook_deliveries_tenant_key.sql).
     */
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull().defaultRandom(),
    endpointId: uuid('endpoint_id').notNull(),
    /** The event (events.id), also the `webhook-id` of every attempt. */
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** pending | succeeded | failed */
    status: text('status').notNull().default('pending'),
    attempts: smallint('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    /** A node holds it until then while it makes an attempt; past it, another node may. */
    leaseUntil: ts('lease_until'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: ts('delivered_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.endpointId], foreignColumns: [webhookEndpoints.tenantId, webhookEndpoints.id] }).onDelete('cascade'),
    uniqueIndex('webhook_deliveries_event_key').on(t.endpointId, t.eventId),
    index('webhook_deliveries_endpoint_idx').on(t.tenantId, t.endpointId, t.createdAt),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_created_idx').on(t.createdAt),
  ],
);

export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull().defaultRandom(),
    deliveryId: uuid('delivery_id').notNull(),
    at: ts('at').notNull().defaultNow(),
    /** The receiver's HTTP status, or null when none came back (see error). */
    status: integer('status'),
    /** timeout | network_error | blocked_address | dns_failed | invalid_url | redirect | http_error | secret_unreadable */
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    /** The first 1 KB of the response body. */
    response: text('response'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // No foreign key to its delivery: checking one per attempt written (in the statement that
    // also updates that delivery) cost milliseconds per row under load. A delivery's attempts go
    // with it by a trigger instead (migrations/0014), and are written only for a delivery the
    // same statement updated.
    index('webhook_attempts_delivery_idx').on(t.tenantId, t.deliveryId, t.at),
  ],
);

/**
 * How far fan-out has read the outbox: events are taken in (txid, seq) order and only from
 * transactions older than every one still running, so an event that commits late is never
 * passed over (see webhooks/fan-out.ts). One row; the node holding its lock fans out.
 */
export const webhookCursor = pgTable('webhook_cursor', {
  id: smallint('id').primaryKey(),
  txid: xid8('txid').notNull(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
