// Dashboard sessions: a random secret in an HttpOnly cookie, its SHA-256 in dashboard_sessions.
// Any node verifies any session through the database (behind the credential cache's few-second
// TTL), so a sign-out takes effect at once on the node that served it and, through the cache's
// database notification, within moments on every other node.
//
// Lifetime: a session ends after SESSION_IDLE_MS without a request, and SESSION_MAX_AGE_MS after
// sign-in whatever happens. Permissions come from the user's role, read on every cache load, so
// a role change or removal reaches open sessions as fast as a key revocation.
import { and, eq, ne, sql } from 'drizzle-orm';
import { pgArray, preparedQuery, queryRows, type Db } from '../db/index.ts';
import { uuidv7 } from './ids.ts';
import { rolePermissions } from './permissions.ts';
import type { Principal } from './principal.ts';
import { dashboardSessions, tenants, users } from './tables.ts';
import { randomToken, sha256Hex } from './secrets.ts';

/** A session unused for 12 hours is over: an unattended browser does not stay signed in. */
export const SESSION_IDLE_MS = 12 * 3600_000;
/** However active, a session lasts at most 30 days; then the person signs in again. */
export const SESSION_MAX_AGE_MS = 30 * 24 * 3600_000;
/**
 * The hourly bucket a user's sessions share (docs/architecture.md "The principal"): all sessions of
 * one user count against one bucket keyed by the user id, apart from that user's own keys.
 */
export const SESSION_HOURLY_LIMIT = 5000;

/** What a verified session knows beyond its principal. */
export interface SessionFacts {
  sessionId: string;
  userId: string;
  username: string;
  email: string | null;
  role: string;
  tenantId: string | null;
  mustChangePassword: boolean;
  /** When the session stops being valid if it stays idle, or at its absolute end. */
  validUntil: number;
}

export type SessionVerdict =
  | { principal: Principal; session: SessionFacts }
  | { suspended: true; validUntil: number };

const sessionByHash = preparedQuery((db) =>
  db
    .select({
      id: dashboardSessions.id,
      lastSeenAt: dashboardSessions.lastSeenAt,
      expiresAt: dashboardSessions.expiresAt,
      userId: users.id,
      username: users.username,
      email: users.email,
      role: users.role,
      tenantId: users.tenantId,
      mustChangePassword: users.mustChangePassword,
      tenantStatus: tenants.status,
    })
    .from(dashboardSessions)
    .innerJoin(users, eq(users.id, dashboardSessions.userId))
    .leftJoin(tenants, eq(tenants.id, users.tenantId))
    .where(eq(dashboardSessions.tokenHash, sql.placeholder('hash')))
    .limit(1)
    .prepare('session_by_hash'),
);

/** A session acts as its user, with the user's role's permissions and the shared user bucket. */
export function sessionPrincipal(user: { id: string; tenantId: string | null; role: string }): Principal {
  return {
    kind: 'session',
    credentialId: user.id,
    tenantId: user.tenantId,
    userId: user.id,
    keyPrefix: null,
    permissions: new Set(rolePermissions(user.role)),
    hourlyLimit: SESSION_HOURLY_LIMIT,
    human: true,
  };
}

/** The session a token hash names, or null when it is unknown, idle too long or past its end. */
export async function loadSession(db: Db, hash: string, now: number): Promise<SessionVerdict | null> {
  const [row] = await sessionByHash(db).execute({ hash });
  if (!row) return null;
  const validUntil = Math.min(row.expiresAt.getTime(), row.lastSeenAt.getTime() + SESSION_IDLE_MS);
  if (validUntil <= now) return null;
  if (row.tenantId && row.tenantStatus !== 'active') return { suspended: true, validUntil };
  const principal = sessionPrincipal({ id: row.userId, tenantId: row.tenantId, role: row.role });
  const session: SessionFacts = {
    sessionId: row.id,
    userId: row.userId,
    username: row.username,
    email: row.email,
    role: row.role,
    tenantId: row.tenantId,
    mustChangePassword: row.mustChangePassword,
    validUntil,
  };
  return { principal, session };
}

export interface NewSession {
  id: string;
  /** The cookie value: shown to the browser once, never stored. */
  token: string;
  expiresAt: Date;
}

/** Opens a session for `userId` (inside the caller's transaction when there is one). */
export async function createSession(db: Db, userId: string, meta: { ip: string | null; userAgent: string | null }, now = new Date()): Promise<NewSession> {
  const token = randomToken(43);
  const id = uuidv7();
  const expiresAt = new Date(now.getTime() + SESSION_MAX_AGE_MS);
  await db.insert(dashboardSessions).values({
    id,
    userId,
    tokenHash: sha256Hex(token),
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
  });
  return { id, token, expiresAt };
}

/** Ends the session a cookie names; ending an unknown one changes nothing. */
export async function deleteSessionByToken(db: Db, token: string): Promise<boolean> {
  const gone = await db.delete(dashboardSessions).where(eq(dashboardSessions.tokenHash, sha256Hex(token))).returning({ id: dashboardSessions.id });
  return gone.length > 0;
}

/** Ends every session of a user, or every one but `keep` (the session that asked). */
export async function deleteUserSessions(db: Db, userId: string, keep?: string): Promise<number> {
  const where = keep ? and(eq(dashboardSessions.userId, userId), ne(dashboardSessions.id, keep)) : eq(dashboardSessions.userId, userId);
  const gone = await db.delete(dashboardSessions).where(where).returning({ id: dashboardSessions.id });
  return gone.length;
}

const PURGE_BATCH = 100;

/**
 * Removes up to 100 dead sessions. Called on every sign-in, which is also the only way a session
 * row is made, so dead rows can never pile up faster than they are removed; no timer needed.
 */
export async function purgeDeadSessions(db: Db, now = new Date()): Promise<number> {
  const idleSince = new Date(now.getTime() - SESSION_IDLE_MS).toISOString();
  const rows = await queryRows<{ n: number }>(
    db,
    sql`with gone as (delete from dashboard_sessions where id in (
          select id from dashboard_sessions where expires_at <= ${now.toISOString()} or last_seen_at <= ${idleSince} limit ${PURGE_BATCH})
        returning 1) select count(*)::int as n from gone`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Writes the last-seen stamps the credential cache collected, in one statement. */
export async function touchSessions(db: Db, ids: readonly string[]): Promise<void> {
  await db.execute(sql`update dashboard_sessions set last_seen_at = now() where id = any(${pgArray(ids)}::uuid[])`);
}

/**
 * The CSRF token of a session: derived from the cookie's secret, so nothing more is stored, the
 * page (which cannot read the HttpOnly cookie) learns it only from our own JSON answers, and the
 * stored hash does not reveal it.
 */
export const csrfTokenOf = (sessionToken: string) => sha256Hex(`orgstack-csrf:${sessionToken}`);
