// Reviews module tables. Every tenant-owned table is keyed (tenant_id, id) and references other
// tenant rows through (tenant_id, …), so a cross-tenant reference cannot exist in the database.
import { sql } from 'drizzle-orm';
import {
  boolean,
  customType,
  date,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantRef, tenants, ts } from '../platform/tables.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => Buffer.from(v),
});

/**
 * The review page's behaviour: the tenant settings only Reviews reads (the rest of a tenant's
 * settings are the platform's, on the tenant row). One row per tenant, made in the transaction
 * that makes the tenant.
 */
export const reviewSettings = pgTable('review_settings', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  /** Ratings below it lead with the private feedback form. */
  ratingThreshold: smallint('rating_threshold').notNull().default(4),
  feedbackContactRetentionDays: integer('feedback_contact_retention_days').notNull().default(365),
  notifyOnNegativeFeedback: boolean('notify_on_negative_feedback').notNull().default(true),
});

/** The tenant's logo, stored in the database so every node serves it from our own origin. */
export const tenantLogos = pgTable('tenant_logos', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  contentType: text('content_type').notNull(),
  bytes: bytea('bytes').notNull(),
  sha256: text('sha256').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Trial and plan history; the tenant row carries the current plan and trial end. */
export const billingRecords = pgTable(
  'billing_records',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    plan: text('plan').notNull(),
    periodStart: ts('period_start').notNull(),
    periodEnd: ts('period_end'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export const shops = pgTable(
  'shops',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    address: text('address'),
    googleMapsUrl: text('google_maps_url'),
    googlePlaceCid: text('google_place_cid'),
    googlePlaceId: text('google_place_id'),
    xhsHandle: text('xhs_handle'),
    isDefault: boolean('is_default').notNull().default(false),
    /** Deleted shops are kept (hidden) because their employees' history still points at them. */
    deletedAt: ts('deleted_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('shops_one_default').on(t.tenantId).where(sql`${t.isDefault}`),
  ],
);

export const employees = pgTable(
  'employees',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    shopId: uuid('shop_id').notNull(),
    name: text('name').notNull(),
    /** The short, unguessable public code of the review link PUBLIC_URL/r/<code>. */
    code: text('code').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.shopId], foreignColumns: [shops.tenantId, shops.id] }),
    uniqueIndex('employees_code_key').on(t.code),
    index('employees_shop_idx').on(t.tenantId, t.shopId),
    // The list's order: a page of 50 reads 50 index entries instead of sorting every employee of
    // the tenant (5,050 sorted per request held the list at ~900 req/s on the database alone).
    index('employees_list_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export const templates = pgTable(
  'templates',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    vertical: text('vertical').notNull(),
    language: text('language').notNull().default('en'),
    body: text('body').notNull(),
    active: boolean('active').notNull().default(true),
    sortOrder: integer('sort_order').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('templates_order_idx').on(t.tenantId, t.language, t.sortOrder)],
);

/**
 * One customer visit through the review funnel: the source of truth for analytics. Each stage
 * stores when it happened and the tenant-local day it counts for (the time zone in force then),
 * so the daily rollups can be rebuilt from these rows at any time.
 */
export const reviewSessions = pgTable(
  'review_sessions',
  {
    tenantId: tenantRef(),
    id: uuid('id').notNull(),
    shopId: uuid('shop_id').notNull(),
    employeeId: uuid('employee_id').notNull(),
    scannedAt: ts('scanned_at'),
    scanDay: date('scan_day', { mode: 'string' }),
    rating: smallint('rating'),
    /** Whether the rating met the tenant's threshold in force when it was given. */
    positive: boolean('positive'),
    ratedAt: ts('rated_at'),
    ratingDay: date('rating_day', { mode: 'string' }),
    googleClickedAt: ts('google_clicked_at'),
    googleClickDay: date('google_click_day', { mode: 'string' }),
    xhsClickedAt: ts('xhs_clicked_at'),
    xhsClickDay: date('xhs_click_day', { mode: 'string' }),
    feedbackMessage: text('feedback_message'),
    feedbackContact: text('feedback_contact'),
    feedbackAt: ts('feedback_at'),
    feedbackDay: date('feedback_day', { mode: 'string' }),
    resolved: boolean('resolved').notNull().default(false),
    resolvedAt: ts('resolved_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.employeeId], foreignColumns: [employees.tenantId, employees.id] }),
    foreignKey({ columns: [t.tenantId, t.shopId], foreignColumns: [shops.tenantId, shops.id] }),
    index('review_sessions_feedback_idx').on(t.tenantId, t.feedbackAt).where(sql`${t.feedbackAt} is not null`),
  ],
);

/** Daily funnel counts per employee, derived from review_sessions (rebuildable). */
export const funnelDaily = pgTable(
  'funnel_daily',
  {
    tenantId: tenantRef(),
    day: date('day', { mode: 'string' }).notNull(),
    shopId: uuid('shop_id').notNull(),
    employeeId: uuid('employee_id').notNull(),
    scans: integer('scans').notNull().default(0),
    ratings: integer('ratings').notNull().default(0),
    ratingSum: integer('rating_sum').notNull().default(0),
    positive: integer('positive').notNull().default(0),
    negative: integer('negative').notNull().default(0),
    googleClicks: integer('google_clicks').notNull().default(0),
    xhsClicks: integer('xhs_clicks').notNull().default(0),
    feedback: integer('feedback').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day, t.shopId, t.employeeId] })],
);
