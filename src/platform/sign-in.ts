// Signing in and out of the dashboard, and the password changes around it: sign-in by username
// or email, change password (the forced first change included), and reset/invite links that set
// a password and sign in. Every answer to a wrong guess is the same generic one, and an unknown
// login costs the same scrypt verification as a known one, so timing names no accounts.
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { tenantView, type TenantView } from './tenants.ts';
import { AppError, badRequest, tenantSuspended, type FieldErrors } from './errors.ts';
import type { Role } from './permissions.ts';
import type { Principal } from './principal.ts';
import type { Runtime } from './runtime.ts';
import { tenants, users } from './tables.ts';
import { hashPassword, randomToken, verifyPassword } from './secrets.ts';
import { createSession, deleteUserSessions, purgeDeadSessions, sessionPrincipal, type NewSession, type SessionFacts } from './sessions.ts';
import { consumeUserToken, findUserToken, type TokenPurpose } from './user-tokens.ts';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;
/** One email may name accounts in several tenants; sign-in by email tries at most this many. */
const MAX_EMAIL_MATCHES = 5;

export interface SessionUser {
  id: string;
  username: string;
  email: string | null;
  role: Role;
  tenantId: string | null;
  mustChangePassword: boolean;
}

export interface RequestMeta {
  ip: string;
  userAgent: string | null;
}

export interface SignedIn {
  user: SessionUser;
  session: NewSession;
  /** Who just signed in, for the audit row of the sign-in itself. */
  principal: Principal;
}

type UserRow = typeof users.$inferSelect;

const sessionUserOf = (u: Pick<UserRow, 'id' | 'username' | 'email' | 'role' | 'tenantId' | 'mustChangePassword'>): SessionUser => ({
  id: u.id,
  username: u.username,
  email: u.email,
  role: u.role as Role,
  tenantId: u.tenantId,
  mustChangePassword: u.mustChangePassword,
});

export const sessionUserOfFacts = (s: SessionFacts): SessionUser => sessionUserOf({ ...s, id: s.userId });

/** What a password must be (the one rule, shown on the field). */
export function passwordProblems(password: string): string[] {
  if (password.length < MIN_PASSWORD_LENGTH) return [`Must be at least ${MIN_PASSWORD_LENGTH} characters`];
  if (password.length > MAX_PASSWORD_LENGTH) return [`Must be at most ${MAX_PASSWORD_LENGTH} characters`];
  return [];
}

// Verified against when the login names nobody (or an account without a password yet), so an
// unknown login takes as long as a wrong password.
let dummyHash: Promise<string> | null = null;
const dummy = () => (dummyHash ??= hashPassword(randomToken()));

const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'Wrong username, email or password');

/** The accounts a login names: its username, else the accounts with that email. */
async function accountsFor(db: Db, login: string): Promise<UserRow[]> {
  const byName = await db.select().from(users).where(sql`lower(${users.username}) = ${login}`).limit(1);
  if (byName.length) return byName;
  return db.select().from(users).where(sql`lower(${users.email}) = ${login}`).orderBy(asc(users.createdAt)).limit(MAX_EMAIL_MATCHES);
}

/** Checks `password` against the account's hash; a missing hash still costs one verification. */
async function passwordMatches(user: Pick<UserRow, 'passwordHash'> | null, password: string): Promise<boolean> {
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummy()));
  return ok && Boolean(user?.passwordHash);
}

async function tenantIsActive(db: Db, tenantId: string | null): Promise<boolean> {
  if (!tenantId) return true;
  const [row] = await db.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, tenantId));
  return row?.status === 'active';
}

/**
 * POST /auth/sign-in. Wrong login or password → 401 invalid_credentials, counted against the
 * client IP (429 past the limit) and slowing further attempts on that account.
 */
export async function signIn(rt: Runtime, input: { login: string; password: string }, meta: RequestMeta): Promise<SignedIn> {
  rt.authFailures.check(meta.ip);
  const login = input.login.trim().toLowerCase();
  const candidates = login ? await accountsFor(rt.db, login) : [];
  // The throttle follows the account when the login names exactly one, so username and email
  // share its count; otherwise the login itself, so unknown names are slowed alike.
  const account = candidates.length === 1 ? candidates[0].id : `login:${login}`;
  const matched: { user?: UserRow } = {};
  const ok = await rt.signInThrottle.attempt(account, async () => {
    if (candidates.length === 0) return passwordMatches(null, input.password);
    for (const c of candidates) {
      if (await passwordMatches(c, input.password)) {
        matched.user = c;
        return true;
      }
    }
    return false;
  });
  const found = matched.user;
  if (!ok || !found) {
    rt.authFailures.record(meta.ip);
    throw invalidCredentials();
  }
  if (!(await tenantIsActive(rt.db, found.tenantId))) throw tenantSuspended();
  const session = await createSession(rt.db, found.id, meta);
  await purgeDeadSessions(rt.db).catch((err) => rt.log.warn({ err }, 'purging dead sessions failed; will retry at the next sign-in'));
  return { user: sessionUserOf(found), session, principal: sessionPrincipal(found) };
}

/** GET /auth/session: who is signed in, their tenant and what they may do. */
export async function describeSession(rt: Runtime, facts: SessionFacts, principal: Principal): Promise<{ user: SessionUser; tenant: TenantView | null; permissions: string[] }> {
  let tenant: TenantView | null = null;
  if (facts.tenantId) {
    const [row] = await rt.db.select().from(tenants).where(eq(tenants.id, facts.tenantId));
    tenant = row ? tenantView(row) : null;
  }
  return { user: sessionUserOfFacts(facts), tenant, permissions: [...principal.permissions].sort() };
}

/**
 * POST /auth/change-password. The current password is checked like a sign-in (same delays,
 * same per-IP count); every other session of the user ends, this one stays.
 */
export async function changePassword(rt: Runtime, facts: SessionFacts, input: { currentPassword: string; newPassword: string }, ip: string): Promise<void> {
  rt.authFailures.check(ip);
  const errors: FieldErrors = {};
  const problems = passwordProblems(input.newPassword);
  if (problems.length) errors.newPassword = problems;
  const [user] = await rt.db.select().from(users).where(eq(users.id, facts.userId));
  const ok = await rt.signInThrottle.attempt(facts.userId, () => passwordMatches(user ?? null, input.currentPassword));
  if (!ok) {
    rt.authFailures.record(ip);
    errors.currentPassword = ['Incorrect password'];
  } else if (input.newPassword === input.currentPassword) {
    (errors.newPassword ??= []).push('Must differ from the current password');
  }
  if (Object.keys(errors).length) throw badRequest(errors);

  const passwordHash = await hashPassword(input.newPassword);
  await rt.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, mustChangePassword: false, updatedAt: new Date() }).where(eq(users.id, facts.userId));
    await deleteUserSessions(tx, facts.userId, facts.sessionId);
  });
  // Other sessions end, and this one's cached "must change password" goes, on every node.
  await rt.credentials.invalidateAll();
}

const tokenInvalid = (status: 400 | 404) =>
  new AppError(status, 'token_invalid', 'This link has expired or was already used; ask for a new one');

/** GET /auth/tokens/{token}: what the link is for, so its page shows the form or the error. */
export async function lookUpToken(rt: Runtime, token: string, ip: string): Promise<{ purpose: TokenPurpose; username: string }> {
  rt.authFailures.check(ip);
  const found = await findUserToken(rt.db, token);
  if (!found) {
    rt.authFailures.record(ip);
    throw tokenInvalid(404);
  }
  return { purpose: found.purpose, username: found.username };
}

/**
 * POST /auth/reset-password: a reset or invitation link sets the password (once) and signs in.
 * A weak password is refused before the token is used up. Every earlier session of the user
 * ends: whoever held the account before the reset is out.
 */
export async function resetPassword(rt: Runtime, input: { token: string; newPassword: string }, meta: RequestMeta): Promise<SignedIn> {
  rt.authFailures.check(meta.ip);
  const problems = passwordProblems(input.newPassword);
  if (problems.length) throw badRequest({ newPassword: problems });
  const passwordHash = await hashPassword(input.newPassword);

  const result = await rt.db.transaction(async (tx) => {
    const consumed = await consumeUserToken(tx, input.token, ['reset_password', 'invite']);
    if (!consumed) return null;
    const [user] = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: false, updatedAt: new Date() })
      .where(eq(users.id, consumed.userId))
      .returning();
    await deleteUserSessions(tx, user.id);
    // The password is set either way; a suspended tenant just gets no session.
    const active = await tenantIsActive(tx, user.tenantId);
    const session = active ? await createSession(tx, user.id, meta) : null;
    return { user, session };
  });
  if (!result) {
    rt.authFailures.record(meta.ip);
    throw tokenInvalid(400);
  }
  await rt.credentials.invalidateAll();
  if (!result.session) throw tenantSuspended();
  return { user: sessionUserOf(result.user), session: result.session, principal: sessionPrincipal(result.user) };
}
