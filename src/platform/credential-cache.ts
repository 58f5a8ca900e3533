// Turns a presented Bearer key or dashboard session cookie into a Principal without touching the
// database on the hot path: verified credentials are cached in process for a few seconds
// (KEY_CACHE_TTL_MS). Any change that can take access away (revoke, roll, role change, removal,
// suspension, sign-out) clears every node's cache at once through a database notification; the
// TTL is the backstop if a notification is missed.
import { eq, sql } from 'drizzle-orm';
import { pgArray, type Database } from '../db/index.ts';
import { apiKeys, tenants, users } from './tables.ts';
import { BoundedMap } from './bounded-map.ts';
import { tenantSuspended } from './errors.ts';
import { keyKindOf, type KeyKind } from './key-format.ts';
import { rolePermissions, scopePermissions } from './permissions.ts';
import type { Principal, PrincipalKind } from './principal.ts';
import { sha256Hex } from './secrets.ts';
import { loadSession, touchSessions, type SessionFacts } from './sessions.ts';

const CHANNEL = 'orgstack_credentials';
const MAX_ENTRIES = 10_000;
const LAST_USED_EVERY_MS = 60_000;

type Verdict = { principal: Principal; session?: SessionFacts } | { suspended: true };
interface Entry {
  verdict: Verdict;
  validUntil: number;
}

/** Session cookies are 43 base62 characters (sessions.ts); anything else is not looked up. */
const SESSION_TOKEN_RE = /^[A-Za-z0-9]{43}$/;

const PRINCIPAL_KIND: Record<KeyKind, PrincipalKind> = {
  tenant: 'tenant_key',
  platform: 'platform_key',
  user: 'user_key',
};

export class CredentialCache {
  private entries = new BoundedMap<string, Entry>(MAX_ENTRIES);
  private loading = new Map<string, Promise<Entry | null>>();
  private generation = 0;
  private lastUsedWritten = new BoundedMap<string, number>(MAX_ENTRIES);
  private lastFlush: Promise<void> = Promise.resolve();
  private pendingLastUsed = new Set<string>();
  private lastSeenWritten = new BoundedMap<string, number>(MAX_ENTRIES);
  private pendingLastSeen = new Set<string>();

  constructor(
    private database: Database,
    private ttlMs: number,
  ) {}

  /** Listens for other nodes' invalidations. */
  async start(): Promise<void> {
    await this.database.listen(CHANNEL, () => this.forgetAll());
  }

  /** Call after any change that may reduce someone's access; reaches every node. */
  async invalidateAll(): Promise<void> {
    this.forgetAll();
    await this.database.notify(CHANNEL, '*');
  }

  /** Look-ups already running may have read the old state: their answers are not kept. */
  private forgetAll() {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
    for (const listener of this.forgetListeners) listener();
  }

  private forgetListeners: Array<() => void> = [];

  /** Other per-node caches of access (OAuth tokens, src/oauth) are dropped with this one. */
  onForget(listener: () => void): void {
    this.forgetListeners.push(listener);
  }

  /**
   * The principal for a presented key, or null when it is unknown, revoked or expired.
   * Throws 403 tenant_suspended for a valid key of a suspended tenant.
   */
  async authenticate(presented: string): Promise<Principal | null> {
    const kind = keyKindOf(presented);
    if (!kind || presented.length > 200) return null;
    const hash = sha256Hex(presented);
    const now = Date.now();
    const verdict = await this.lookup(hash, () => this.load(hash, kind, now), now);
    if (!verdict) return null;
    noteStamp(this.lastUsedWritten, this.pendingLastUsed, verdict.principal.credentialId, now);
    return verdict.principal;
  }

  /**
   * The principal and session for a session cookie's secret, or null when the session is
   * unknown, signed out, idle too long or past its end. Throws 403 tenant_suspended for a live
   * session of a suspended tenant.
   */
  async authenticateSession(token: string): Promise<{ principal: Principal; session: SessionFacts } | null> {
    if (!SESSION_TOKEN_RE.test(token)) return null;
    const hash = sha256Hex(token);
    const now = Date.now();
    const verdict = await this.lookup(`s:${hash}`, async () => {
      const loaded = await loadSession(this.database.db, hash, now);
      if (!loaded) return null;
      const until = 'suspended' in loaded ? loaded.validUntil : loaded.session.validUntil;
      return { verdict: loaded, validUntil: Math.min(now + this.ttlMs, until) };
    }, now);
    if (!verdict?.session) return null;
    noteStamp(this.lastSeenWritten, this.pendingLastSeen, verdict.session.sessionId, now);
    return { principal: verdict.principal, session: verdict.session };
  }

  /** A cached verdict, or one database look-up per credential at a time however many requests wait. */
  private async lookup(cacheKey: string, load: () => Promise<Entry | null>, now: number): Promise<Extract<Verdict, { principal: Principal }> | null> {
    let entry = this.entries.get(cacheKey);
    if (!entry || entry.validUntil <= now) {
      let loading = this.loading.get(cacheKey);
      if (!loading) {
        const generation = this.generation;
        loading = load().then((loaded) => {
          if (generation !== this.generation) return loaded;
          this.loading.delete(cacheKey);
          if (!loaded) this.entries.delete(cacheKey);
          else this.entries.set(cacheKey, loaded);
          return loaded;
        }, (err: unknown) => {
          if (generation === this.generation) this.loading.delete(cacheKey);
          throw err;
        });
        this.loading.set(cacheKey, loading);
      }
      const loaded = await loading;
      if (!loaded) return null;
      entry = loaded;
    }
    if ('suspended' in entry.verdict) {
      throw tenantSuspended();
    }
    return entry.verdict;
  }

  private async load(hash: string, kind: KeyKind, now: number): Promise<Entry | null> {
    const [row] = await this.database.db
      .select({
        id: apiKeys.id,
        kind: apiKeys.kind,
        tenantId: apiKeys.tenantId,
        userId: apiKeys.userId,
        prefix: apiKeys.prefix,
        permissions: apiKeys.permissions,
        hourlyLimit: apiKeys.hourlyLimit,
        expiresAt: apiKeys.expiresAt,
        revokedAt: apiKeys.revokedAt,
        tenantStatus: tenants.status,
        userRole: users.role,
      })
      .from(apiKeys)
      .leftJoin(tenants, eq(tenants.id, apiKeys.tenantId))
      .leftJoin(users, eq(users.id, apiKeys.userId))
      .where(eq(apiKeys.keyHash, hash))
      .limit(1);
    if (!row || row.kind !== kind || row.revokedAt) return null;
    const expires = row.expiresAt?.getTime() ?? Infinity;
    if (expires <= now) return null;
    if (kind === 'user' && !row.userRole) return null;

    const validUntil = Math.min(now + this.ttlMs, expires);
    if (row.tenantId && row.tenantStatus !== 'active') return { verdict: { suspended: true }, validUntil };

    let permissions = row.permissions ?? scopePermissions(kind);
    // A user key never holds more than its user's role allows today.
    if (kind === 'user') {
      const allowed = new Set(rolePermissions(row.userRole!));
      permissions = permissions.filter((p) => allowed.has(p));
    }
    const principal: Principal = {
      kind: PRINCIPAL_KIND[kind],
      credentialId: row.id,
      tenantId: row.tenantId,
      userId: row.userId,
      keyPrefix: row.prefix,
      permissions: new Set(permissions),
      hourlyLimit: row.hourlyLimit,
      human: kind === 'user',
    };
    return { verdict: { principal }, validUntil };
  }

  /**
   * Writes the pending lastUsedAt and last-seen stamps (the periodic flusher, shutdown, tests).
   * Flushes run one after another: a caller (shutdown, a test) whose flush starts while the
   * timer's is still writing waits for it, so every stamp taken before the call is in the
   * database when it returns.
   */
  flushLastUsed(): Promise<void> {
    const run = this.lastFlush.then(() => this.writeLastUsed());
    this.lastFlush = run.catch(() => {});
    return run;
  }

  private async writeLastUsed(): Promise<void> {
    if (this.pendingLastSeen.size > 0) {
      const ids = [...this.pendingLastSeen];
      this.pendingLastSeen.clear();
      await touchSessions(this.database.db, ids);
    }
    if (this.pendingLastUsed.size === 0) return;
    const ids = [...this.pendingLastUsed];
    this.pendingLastUsed.clear();
    await this.database.db.execute(sql`update api_keys set last_used_at = now() where id = any(${pgArray(ids)}::uuid[])`);
  }
}

/**
 * A key's last_used_at, and a session's last_seen_at (its idle clock), is written at most about
 * once a minute per credential, off the request path: `id` joins the next flush when due.
 */
function noteStamp(written: BoundedMap<string, number>, pending: Set<string>, id: string, now: number) {
  if (now - (written.get(id) ?? 0) < LAST_USED_EVERY_MS) return;
  written.set(id, now);
  pending.add(id);
}
