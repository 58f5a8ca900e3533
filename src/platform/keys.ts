// API keys: mint, list, revoke and roll. Used by the REST routes, the CLI and first-run setup.
import { and, count, desc, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import { preparedQuery, type Db } from '../db/index.ts';
import { apiKeys, tenants, users } from './tables.ts';
import { AppError, badRequest, conflict, forbidden, notFound, type FieldErrors } from './errors.ts';
import { DEFAULT_HOURLY_LIMIT, generateKey, type KeyKind } from './key-format.ts';
import { isKnownPermission, isTenantPermission, scopePermissions } from './permissions.ts';
import { authorizeTenant, isUuid, type Principal, type ServiceContext } from './principal.ts';
import { requireTenantExists } from './tenant-exists.ts';
import { uuidv7 } from './ids.ts';
import { pageAndTotal, type Page } from './pagination.ts';
import { emitEvent } from './events.ts';
import type { Runtime } from './runtime.ts';

export const MAX_ACTIVE_KEYS_PER_TENANT = 100;

type KeyRow = typeof apiKeys.$inferSelect;

/** The columns a key's view shows: lists read only these (never the secret's hash). */
const keyViewColumns = {
  id: apiKeys.id,
  kind: apiKeys.kind,
  tenantId: apiKeys.tenantId,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  permissions: apiKeys.permissions,
  hourlyLimit: apiKeys.hourlyLimit,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
};
type KeyViewRow = Pick<KeyRow, keyof typeof keyViewColumns>;

export interface ApiKeyView {
  id: string;
  kind: KeyKind;
  tenantId: string | null;
  name: string | null;
  prefix: string;
  permissions: string[];
  hourlyLimit: number;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** A key as lists show it: with its use in the current hour. */
export interface ApiKeyListItem extends ApiKeyView {
  requestsThisHour: number;
}

/** Adds each key's requests this UTC hour (its rate-limit window) to its view, in place: one query for the page. */
export async function withRequestsThisHour(rt: Runtime, keys: ApiKeyView[]): Promise<ApiKeyListItem[]> {
  const counts = await rt.rateLimits.countsThisHour(keys.map((k) => k.id));
  // Each view is the list's own, fresh from toApiKeyView: the count goes in place. A copy of
  // every view cost about as much as building it (10 keys: ≈ 11 µs).
  const items = keys as ApiKeyListItem[];
  for (const item of items) item.requestsThisHour = counts.get(item.id) ?? 0;
  return items;
}

export function toApiKeyView(row: KeyViewRow): ApiKeyView {
  const kind = row.kind as KeyKind;
  return {
    id: row.id,
    kind,
    tenantId: row.tenantId,
    name: row.name,
    prefix: row.prefix,
    permissions: row.permissions ?? [...scopePermissions(kind)], // the row's array is its own; the scope's is shared
    hourlyLimit: row.hourlyLimit,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export interface MintInput {
  kind: KeyKind;
  tenantId?: string | null;
  userId?: string | null;
  name?: string | null;
  /** Omitted or null = every permission of the kind's scope (stored as null, see permissions.ts). */
  permissions?: string[] | null;
  hourlyLimit?: number;
  expiresAt?: Date | null;
}

export interface MintedKey {
  apiKey: ApiKeyView;
  /** The secret, shown exactly once. */
  key: string;
}

const activeKey = () => and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)));

/**
 * Mints a key. `minter` is the principal asking (null for the operator's CLI and first run):
 * the new key can never hold a permission or a limit beyond the minter's own.
 */
export async function mintKey(db: Db, input: MintInput, minter: Principal | null): Promise<MintedKey> {
  const { permissions, hourlyLimit } = checkMintRequest(input, minter);
  return db.transaction(async (tx) => {
    if (input.tenantId) {
      // Lock the tenant row so two concurrent mints cannot both take the 100th slot.
      const [tenant] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, input.tenantId)).for('update');
      if (!tenant) throw notFound();
      const [{ n }] = await tx
        .select({ n: count() })
        .from(apiKeys)
        .where(and(eq(apiKeys.tenantId, input.tenantId), activeKey()));
      if (n >= MAX_ACTIVE_KEYS_PER_TENANT) {
        throw conflict(`A tenant can have at most ${MAX_ACTIVE_KEYS_PER_TENANT} active keys; revoke one first`);
      }
    }
    const minted = await insertKey(tx, { ...input, permissions, hourlyLimit }, minter);
    await emitEvent(tx, minted.apiKey.tenantId, 'api_key.created', minted.apiKey);
    return minted;
  });
}

async function insertKey(
  tx: Db,
  input: MintInput & { permissions: string[] | null; hourlyLimit: number },
  minter: Principal | null,
  rolledFromId: string | null = null,
): Promise<MintedKey> {
  const { key, hash, prefix } = generateKey(input.kind);
  const [row] = await tx
    .insert(apiKeys)
    .values({
      id: uuidv7(),
      kind: input.kind,
      tenantId: input.tenantId ?? null,
      userId: input.userId ?? null,
      name: input.name ?? null,
      prefix,
      keyHash: hash,
      permissions: input.permissions,
      hourlyLimit: input.hourlyLimit,
      expiresAt: input.expiresAt ?? null,
      rolledFromId,
      createdByKind: minter?.kind ?? 'operator',
      createdById: minter?.credentialId ?? null,
    })
    .returning();
  return { apiKey: toApiKeyView(row), key };
}

function checkMintRequest(input: MintInput, minter: Principal | null) {
  const errors: FieldErrors = {};
  const add = (field: string, msg: string) => (errors[field] ??= []).push(msg);
  const scope = scopePermissions(input.kind);

  let permissions: string[] | null = null;
  if (input.permissions) {
    permissions = [...new Set(input.permissions)].sort();
    for (const p of permissions) {
      if (!isKnownPermission(p)) add('permissions', `Unknown permission "${p}"`);
      else if (input.kind !== 'platform' && !isTenantPermission(p)) add('permissions', `"${p}" is a platform-only permission`);
      else if (minter && !minter.permissions.has(p)) add('permissions', `You cannot grant "${p}": you do not hold it`);
    }
  } else if (minter && scope.some((p) => !minter.permissions.has(p))) {
    // "All of its scope" cannot exceed the minter: the default becomes what the minter holds.
    permissions = scope.filter((p) => minter.permissions.has(p));
  }

  const hourlyLimit = input.hourlyLimit ?? Math.min(DEFAULT_HOURLY_LIMIT[input.kind], minter?.hourlyLimit ?? Infinity);
  if (!Number.isInteger(hourlyLimit) || hourlyLimit < 1) add('hourlyLimit', 'Must be a positive whole number');
  else if (minter && hourlyLimit > minter.hourlyLimit) {
    add('hourlyLimit', `Cannot exceed your own hourly limit of ${minter.hourlyLimit}`);
  }
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) add('expiresAt', 'Must be in the future');
  if (input.kind !== 'platform' && !input.tenantId) add('tenantId', 'A tenant or user key needs a tenant');
  if (input.kind === 'user' && !input.userId) add('userId', 'A user key needs a user');
  if (Object.keys(errors).length) throw badRequest(errors);
  return { permissions, hourlyLimit };
}

/** Roll: a new key with the same settings; the old one keeps working for `overlapSeconds`. */
export async function rollKey(db: Db, keyId: string, overlapSeconds: number, minter: Principal | null, tenantId?: string) {
  return db.transaction(async (tx) => {
    const old = await findKey(tx, keyId, tenantId, true);
    if (old.revokedAt) throw conflict('A revoked key cannot be rolled');
    // Rolling hands the caller a fresh secret with the old key's powers: the same rule as minting.
    if (minter) {
      // A person's key stays theirs: nobody else may obtain a fresh secret that acts as them.
      if (old.kind === 'user' && minter.userId !== old.userId) throw forbidden("Only its owner can roll a user's key");
      const beyond = (old.permissions ?? scopePermissions(old.kind as KeyKind)).filter((p) => !minter.permissions.has(p));
      if (beyond.length) throw forbidden(`You cannot roll a key that holds permissions you do not: ${beyond.join(', ')}`);
      if (old.hourlyLimit > minter.hourlyLimit) throw forbidden(`You cannot roll a key whose hourly limit exceeds your own (${minter.hourlyLimit})`);
    }
    const overlapEnds = new Date(Date.now() + overlapSeconds * 1000);
    const [previous] = await tx
      .update(apiKeys)
      .set({ expiresAt: old.expiresAt && old.expiresAt < overlapEnds ? old.expiresAt : overlapEnds })
      .where(eq(apiKeys.id, old.id))
      .returning();
    const minted = await insertKey(
      tx,
      {
        kind: old.kind as KeyKind,
        tenantId: old.tenantId,
        userId: old.userId,
        name: old.name,
        permissions: old.permissions,
        hourlyLimit: old.hourlyLimit,
        expiresAt: old.expiresAt,
      },
      minter,
      old.id,
    );
    await emitEvent(tx, old.tenantId, 'api_key.rolled', { apiKey: minted.apiKey, previous: toApiKeyView(previous) });
    return { ...minted, previous: toApiKeyView(previous) };
  });
}

/** Revokes a key; revoking an already revoked key changes nothing. */
export async function revokeKey(db: Db, keyId: string, tenantId?: string): Promise<ApiKeyView> {
  const key = await findKey(db, keyId, tenantId, false);
  if (key.revokedAt) return toApiKeyView(key);
  return db.transaction(async (tx) => {
    const [row] = await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, key.id)).returning();
    const view = toApiKeyView(row);
    await emitEvent(tx, row.tenantId, 'api_key.revoked', view);
    return view;
  });
}

async function findKey(db: Db, keyId: string, tenantId: string | undefined, lock: boolean): Promise<KeyRow> {
  if (!isUuid(keyId)) throw notFound();
  const where = tenantId ? and(eq(apiKeys.id, keyId), eq(apiKeys.tenantId, tenantId)) : eq(apiKeys.id, keyId);
  const q = db.select().from(apiKeys).where(where);
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound();
  return row;
}

/** For the CLI: a key by id or by its display prefix (which must be unambiguous). */
export async function findKeyByIdOrPrefix(db: Db, ref: string): Promise<KeyRow> {
  const rows = isUuid(ref)
    ? await db.select().from(apiKeys).where(eq(apiKeys.id, ref))
    : await db.select().from(apiKeys).where(eq(apiKeys.prefix, ref));
  if (rows.length === 0) throw new AppError(404, 'not_found', `No key matches "${ref}"`);
  if (rows.length > 1) throw conflict(`"${ref}" matches ${rows.length} keys; use the id`);
  return rows[0];
}

const newestFirst = [desc(apiKeys.createdAt), desc(apiKeys.id)];

// A tenant's keys, newest first, and their count: the tenant list's two statements, prepared once
// (no SQL built per call).
export const tenantKeyPage = preparedQuery((db) =>
  db
    .select(keyViewColumns)
    .from(apiKeys)
    .where(eq(apiKeys.tenantId, sql.placeholder('t')))
    .orderBy(...newestFirst)
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('tenant_key_page'),
);
export const tenantKeyCount = preparedQuery((db) =>
  db.select({ n: count() }).from(apiKeys).where(eq(apiKeys.tenantId, sql.placeholder('t'))).prepare('tenant_key_count'),
);

/** Keys matching `where` (every key without one), newest first, as views, and their total: built per call. */
export async function keysWhere(db: Db, where: SQL | undefined, page: Page) {
  const [rows, n] = await pageAndTotal(
    page,
    () => db.select(keyViewColumns).from(apiKeys).where(where).orderBy(...newestFirst).limit(page.limit).offset(page.offset),
    () => db.select({ n: count() }).from(apiKeys).where(where),
  );
  return { items: rows.map(toApiKeyView), total: n };
}

/** A tenant's keys (or, for the CLI, every key when no tenant is named: rare, built per call). */
export async function listKeys(db: Db, filter: { tenantId?: string }, page: Page) {
  const t = filter.tenantId;
  if (!t) return keysWhere(db, undefined, page);
  const [rows, n] = await pageAndTotal(
    page,
    () => tenantKeyPage(db).execute({ t, limit: page.limit, offset: page.offset }),
    () => tenantKeyCount(db).execute({ t }),
  );
  return { items: rows.map(toApiKeyView), total: n };
}

// ---- the tenant-facing operations behind /api/v1/tenants/{tenantId}/api-keys ----

export interface CreateKeyBody {
  name?: string | null;
  permissions?: string[] | null;
  hourlyLimit?: number;
  expiresAt?: Date | null;
}

export async function createTenantKey(ctx: ServiceContext, tenantId: string, body: CreateKeyBody): Promise<MintedKey> {
  const id = authorizeTenant(ctx, tenantId, 'keys:write');
  return mintKey(ctx.rt.db, { kind: 'tenant', tenantId: id, ...body }, ctx.principal);
}

export async function listTenantKeys(ctx: ServiceContext, tenantId: string, page: Page) {
  const id = authorizeTenant(ctx, tenantId, 'keys:read');
  const { items, total } = await listKeys(ctx.rt.db, { tenantId: id }, page);
  // An empty list may be a tenant that does not exist (a platform key may name any id): a 404.
  if (total === 0) await requireTenantExists(ctx.rt.db, id);
  return { items: await withRequestsThisHour(ctx.rt, items), total };
}

export async function revokeTenantKey(ctx: ServiceContext, tenantId: string, keyId: string): Promise<void> {
  await revokeKey(ctx.rt.db, keyId, authorizeTenant(ctx, tenantId, 'keys:write'));
  await ctx.rt.credentials.invalidateAll();
}

export async function rollTenantKey(ctx: ServiceContext, tenantId: string, keyId: string, overlapSeconds: number) {
  const rolled = await rollKey(ctx.rt.db, keyId, overlapSeconds, ctx.principal, authorizeTenant(ctx, tenantId, 'keys:write'));
  await ctx.rt.credentials.invalidateAll();
  return rolled;
}

/** A user key (`oxk_`) for a user of a tenant; used by the CLI now and the dashboard later. */
export async function mintUserKey(db: Db, userId: string, input: Omit<MintInput, 'kind' | 'tenantId' | 'userId'>, minter: Principal | null) {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound();
  if (!user.tenantId) throw badRequest({ user: ['A superadmin has no tenant; use a platform key'] });
  return mintKey(db, { ...input, kind: 'user', tenantId: user.tenantId, userId: user.id }, minter);
}
