// Platform tables: who may call (tenants, users, keys) and what the request path records
// (rate-limit windows, audit rows, idempotency records, the event outbox).
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** PostgreSQL's 64-bit transaction id (xid8), carried as its decimal text. */
export const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    vertical: text('vertical'),
    websiteUrl: text('website_url'),
    googleMapsUrl: text('google_maps_url'),
    googlePlaceCid: text('google_place_cid'),
    xhsHandle: text('xhs_handle'),
    logoUrl: text('logo_url'),
    brandPrimaryColor: text('brand_primary_color').notNull().default('#1f6feb'),
    brandAccentColor: text('brand_accent_color').notNull().default('#f5a623'),
    plan: text('plan').notNull().default('trial'),
    trialEndsAt: ts('trial_ends_at'),
    status: text('status').notNull().default('active'),
    // Settings every module uses; each module keeps its own settings in its own table.
    timezone: text('timezone').notNull().default('UTC'),
    defaultLanguage: text('default_language').notNull().default('en'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tenants_slug_key').on(t.slug), index('tenants_created_idx').on(t.createdAt, t.id)],
);

/** The tenant_id column of a tenant-owned row: required, and deleted with its tenant. */
export const tenantRef = () =>
  uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' });

/** People who sign in. A superadmin has no tenant; everyone else belongs to exactly one. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    username: text('username').notNull(),
    email: text('email'),
    passwordHash: text('password_hash'),
    role: text('role').notNull(),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    /** When an owner or admin invited this user by email (null for provisioned users). */
    invitedAt: ts('invited_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_username_key').on(sql`lower(${t.username})`),
    index('users_tenant_idx').on(t.tenantId),
    // One account per email within a tenant (an invitation to a taken email is a 409).
    uniqueIndex('users_tenant_email_key').on(t.tenantId, sql`lower(${t.email})`),
    // Sign-in by email looks across tenants.
    index('users_email_idx').on(sql`lower(${t.email})`),
  ],
);

/**
 * Dashboard sign-ins. The cookie carries a random secret; only its SHA-256 is stored, so a leaked
 * table signs nobody in. Any node verifies any session. `last_seen_at` moves at most about once
 * a minute; a session dies when idle too long or at its absolute `expires_at` (sessions.ts).
 */
export const dashboardSessions = pgTable(
  'dashboard_sessions',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    uniqueIndex('dashboard_sessions_hash_key').on(t.tokenHash),
    index('dashboard_sessions_user_idx').on(t.userId),
    index('dashboard_sessions_last_seen_idx').on(t.lastSeenAt),
    index('dashboard_sessions_expires_idx').on(t.expiresAt),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind').notNull(), // tenant | platform | user
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    name: text('name'),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    /** null = every permission of the key's scope, including ones later modules add. */
    permissions: text('permissions').array(),
    hourlyLimit: integer('hourly_limit').notNull(),
    expiresAt: ts('expires_at'),
    revokedAt: ts('revoked_at'),
    lastUsedAt: ts('last_used_at'),
    rolledFromId: uuid('rolled_from_id'),
    createdByKind: text('created_by_kind'),
    createdById: uuid('created_by_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('api_keys_hash_key').on(t.keyHash),
    index('api_keys_tenant_idx').on(t.tenantId, t.createdAt),
    index('api_keys_prefix_idx').on(t.prefix),
  ],
);

/**
 * One row per credential per UTC hour. `leased`: budget handed out to nodes (never above the
 * limit); `count`: requests admitted, added by the nodes in batches (rate-limits.ts).
 */
export const rateLimitWindows = pgTable(
  'rate_limit_windows',
  {
    bucket: text('bucket').notNull(),
    windowStart: ts('window_start').notNull(),
    count: integer('count').notNull(),
    leased: integer('leased').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.windowStart] })],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey(),
    at: ts('at').notNull(),
    requestId: text('request_id').notNull(),
    method: text('method').notNull(),
    route: text('route').notNull(),
    status: smallint('status').notNull(),
    durationMs: integer('duration_ms').notNull(),
    principalKind: text('principal_kind'),
    principalId: uuid('principal_id'),
    keyPrefix: text('key_prefix'),
    userId: uuid('user_id'),
    tenantId: uuid('tenant_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [
    index('audit_tenant_at_idx').on(t.tenantId, t.at),
    index('audit_principal_at_idx').on(t.principalId, t.at),
    index('audit_at_idx').on(t.at),
  ],
);

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    state: text('state').notNull(), // running | done
    status: smallint('status'),
    headers: jsonb('headers').$type<Record<string, string>>(),
    body: text('body'),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_expires_idx').on(t.expiresAt)],
);

/** The outbox: every domain change writes its event here in the same transaction. */
export const events = pgTable(
  'events',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    id: text('id').notNull(),
    type: text('type').notNull(),
    tenantId: uuid('tenant_id'),
    data: jsonb('data').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** The writing transaction: webhook fan-out reads events in (txid, seq) order (webhooks/fan-out.ts). */
    txid: xid8('txid').notNull().default(sql`pg_current_xact_id()`),
  },
  (t) => [uniqueIndex('events_id_key').on(t.id), index('events_tenant_seq_idx').on(t.tenantId, t.seq), index('events_txid_seq_idx').on(t.txid, t.seq)],
);

/** Single-use, expiring tokens for password resets and invitations (only the hash is kept). */
export const userTokens = pgTable(
  'user_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').notNull(), // reset_password | invite
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('user_tokens_hash_key').on(t.tokenHash)],
);

/** Every email the server sends or would send: with no SMTP configured, mail is never lost. */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    status: text('status').notNull(), // pending | sent | failed | logged
    error: text('error'),
    createdAt: ts('created_at').notNull().defaultNow(),
    sentAt: ts('sent_at'),
  },
  (t) => [index('mail_outbox_created_idx').on(t.createdAt)],
);

/**
 * How many rows a tenant has in a table whose list shows the total, kept by triggers on that table
 * (migration 0019), so a list's total reads a few rows instead of counting every one. A table's
 * count is the sum of its slots: each connection adds to its own slot, so concurrent writers do
 * not queue on one row. Read with `keptTotal` and `tenantRowCount` (row-counts.ts).
 */
export const tenantRowCounts = pgTable(
  'tenant_row_counts',
  {
    tenantId: tenantRef(),
    tableName: text('table_name').notNull(),
    slot: smallint('slot').notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.tableName, t.slot] })],
);
