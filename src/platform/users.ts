// The people of a tenant: list, invite by email, change roles, remove. Owners and admins hold
// `users:write`; only an owner (or a platform operator) may make someone owner, or change or
// remove an owner, so an admin can never take a business away from its owners. A tenant always
// keeps at least one owner. Changes that reduce access reach open sessions and user keys at once
// (the credential caches of every node are cleared).
import { and, asc, count, eq, like, or, sql } from 'drizzle-orm';
import { uniqueViolation, type Db } from '../db/index.ts';
import { AppError, conflict, forbidden, notFound } from './errors.ts';
import { emitEvent } from './events.ts';
import { uuidv7 } from './ids.ts';
import type { QueuedMail } from './mailer.ts';
import { authorizeTenant, isPlatform, isUuid, type ServiceContext } from './principal.ts';
import { tenants, users } from './tables.ts';
import { requireTenantExists } from './tenant-exists.ts';
import { acceptInviteLink, INVITE_TTL_MS, issueUserToken } from './user-tokens.ts';

export const TENANT_ROLES = ['owner', 'admin', 'member'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

type UserRow = typeof users.$inferSelect;

export interface TenantUser {
  id: string;
  username: string;
  email: string | null;
  role: TenantRole;
  createdAt: string;
  invitedAt: string | null;
  /** Invited (or provisioned by email) and has not chosen a password yet. */
  pending: boolean;
}

export const tenantUserView = (u: UserRow): TenantUser => ({
  id: u.id,
  username: u.username,
  email: u.email,
  role: u.role as TenantRole,
  createdAt: u.createdAt.toISOString(),
  invitedAt: u.invitedAt?.toISOString() ?? null,
  pending: u.passwordHash === null,
});

const lastOwner = () => new AppError(409, 'last_owner', 'A tenant must keep at least one owner; make someone else owner first');
const ownersOnly = (what: string) => forbidden(`Only an owner can ${what}`);
const MAX_USERNAME_ATTEMPTS = 5;

export async function listUsers(ctx: ServiceContext, tenantId: string): Promise<TenantUser[]> {
  const id = authorizeTenant(ctx, tenantId, 'users:read');
  await requireTenantExists(ctx.rt.db, id);
  const rows = await ctx.rt.db.select().from(users).where(eq(users.tenantId, id)).orderBy(asc(users.createdAt), asc(users.id));
  return rows.map(tenantUserView);
}

/**
 * Whether the caller acts with an owner's authority: platform credentials do; a person (session
 * or user key) does when their current role is owner; a tenant key acts as an admin.
 */
async function actsAsOwner(ctx: ServiceContext, tx: Db): Promise<boolean> {
  if (isPlatform(ctx.principal)) return true;
  if (!ctx.principal.userId) return false;
  const [me] = await tx.select({ role: users.role }).from(users).where(eq(users.id, ctx.principal.userId));
  return me?.role === 'owner';
}

/** Locks the tenant's row: user changes of one tenant run one at a time (the owner count holds). */
async function lockTenant(tx: Db, tenantId: string): Promise<{ name: string }> {
  const [row] = await tx.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, tenantId)).for('no key update');
  if (!row) throw notFound();
  return row;
}

async function findUser(tx: Db, tenantId: string, userId: string): Promise<UserRow> {
  if (!isUuid(userId)) throw notFound();
  const [row] = await tx.select().from(users).where(and(eq(users.tenantId, tenantId), eq(users.id, userId.toLowerCase())));
  if (!row) throw notFound();
  return row;
}

async function ownerCount(tx: Db, tenantId: string): Promise<number> {
  const [{ n }] = await tx.select({ n: count() }).from(users).where(and(eq(users.tenantId, tenantId), eq(users.role, 'owner')));
  return n;
}

/** A username from an email's local part (`Ana.Li+shop@x` → `ana.li-shop`), made unique. */
function usernameBase(email: string): string {
  const base = email
    .split('@')[0]
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 40);
  return base.length >= 2 ? base : 'user';
}

async function freeUsername(db: Db, base: string): Promise<string> {
  const lower = sql`lower(${users.username})`;
  const rows = await db.select({ v: lower }).from(users).where(or(eq(lower, base), like(lower, `${base}-%`)));
  const taken = new Set(rows.map((r) => String(r.v)));
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function invitationMail(tenantId: string, tenantName: string, username: string, role: TenantRole, to: string, link: string, token: string) {
  return {
    tenantId,
    to,
    subject: `You are invited to ${tenantName} on orgstack`,
    text: [
      'Hello,',
      '',
      `You have been invited to ${tenantName} on orgstack as ${role === 'admin' ? 'an admin' : `a ${role}`}.`,
      `Your username is: ${username} (you can also sign in with this email address)`,
      '',
      'Choose your password here (the link works once and expires in 7 days):',
      link,
      '',
      'If you did not expect this email, you can ignore it.',
    ].join('\n'),
    secrets: [token],
  };
}

/**
 * POST /tenants/{tenantId}/users: creates the user without a password and emails them an
 * invitation link (mail outbox, sent after the commit) where they choose one.
 */
export async function inviteUser(ctx: ServiceContext, tenantId: string, input: { email: string; role: TenantRole }): Promise<TenantUser> {
  const id = authorizeTenant(ctx, tenantId, 'users:write');
  const db = ctx.rt.db;
  const email = input.email.trim();
  const mailer = ctx.rt.mailer;
  for (let attempt = 1; ; attempt++) {
    const username = await freeUsername(db, usernameBase(email));
    try {
      const { user, mail } = await db.transaction(async (tx) => {
        const tenant = await lockTenant(tx, id);
        if (input.role === 'owner' && !(await actsAsOwner(ctx, tx))) throw ownersOnly('invite an owner');
        const [taken] = await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.tenantId, id), sql`lower(${users.email}) = ${email.toLowerCase()}`));
        if (taken) throw conflict('A user with this email already belongs to this tenant');
        const now = new Date();
        const [row] = await tx
          .insert(users)
          .values({ id: uuidv7(), tenantId: id, username, email, passwordHash: null, role: input.role, invitedAt: now, createdAt: now, updatedAt: now })
          .returning();
        const issued = await issueUserToken(tx, row.id, 'invite', INVITE_TTL_MS, now);
        const link = acceptInviteLink(ctx.rt.config.publicUrl, issued.token);
        const queued: QueuedMail = await mailer.enqueue(tx, invitationMail(id, tenant.name, username, input.role, email, link, issued.token));
        const view = tenantUserView(row);
        await emitEvent(tx, id, 'user.invited', { user: view });
        return { user: view, mail: queued };
      });
      await mailer.deliver(mail);
      return user;
    } catch (err) {
      const constraint = uniqueViolation(err);
      if (constraint === 'users_tenant_email_key') throw conflict('A user with this email already belongs to this tenant');
      // A concurrent invitation or provisioning took the username: look again.
      if (constraint !== 'users_username_key' || attempt >= MAX_USERNAME_ATTEMPTS) throw err;
    }
  }
}

/** PATCH /tenants/{tenantId}/users/{userId}: the role, under the owner rules. */
export async function changeUserRole(ctx: ServiceContext, tenantId: string, userId: string, input: { role: TenantRole }): Promise<TenantUser> {
  const id = authorizeTenant(ctx, tenantId, 'users:write');
  const view = await ctx.rt.db.transaction(async (tx) => {
    await lockTenant(tx, id);
    const target = await findUser(tx, id, userId);
    if (target.role === input.role) return tenantUserView(target);
    if ((target.role === 'owner' || input.role === 'owner') && !(await actsAsOwner(ctx, tx))) {
      throw ownersOnly(target.role === 'owner' ? "change an owner's role" : 'make someone owner');
    }
    if (target.role === 'owner' && (await ownerCount(tx, id)) <= 1) throw lastOwner();
    const [row] = await tx.update(users).set({ role: input.role, updatedAt: new Date() }).where(eq(users.id, target.id)).returning();
    const updated = tenantUserView(row);
    await emitEvent(tx, id, 'user.role_changed', { user: updated, previousRole: target.role });
    return updated;
  });
  // Open sessions and user keys of this user take the new role's permissions now.
  await ctx.rt.credentials.invalidateAll();
  return view;
}

/** DELETE /tenants/{tenantId}/users/{userId}: the user, their sessions, keys and links go. */
export async function removeUser(ctx: ServiceContext, tenantId: string, userId: string): Promise<void> {
  const id = authorizeTenant(ctx, tenantId, 'users:write');
  await ctx.rt.db.transaction(async (tx) => {
    await lockTenant(tx, id);
    const target = await findUser(tx, id, userId);
    if (target.role === 'owner') {
      if (!(await actsAsOwner(ctx, tx))) throw ownersOnly('remove an owner');
      if ((await ownerCount(tx, id)) <= 1) throw lastOwner();
    }
    // Sessions, user keys and unused links go with the row (ON DELETE CASCADE).
    await tx.delete(users).where(eq(users.id, target.id));
    await emitEvent(tx, id, 'user.removed', { user: tenantUserView(target) });
  });
  await ctx.rt.credentials.invalidateAll();
}
