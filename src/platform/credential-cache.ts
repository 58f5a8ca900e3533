// Turns a presented Bearer key into a Principal without touching the database on the hot path:
// verified keys are cached in process for a few seconds (KEY_CACHE_TTL_MS). Any change that can
// take access away (revoke, roll, role change, suspension) clears every node's cache at once
// through a database notification; the TTL is the backstop if a notification is missed.
import { eq, sql } from 'drizzle-orm';
import { pgArray, type Database } from '../db/index.ts';
import { apiKeys, tenants, users } from './schema.ts';
import { BoundedMap } from './bounded-map.ts';
import { AppError } from './errors.ts';
import { keyKindOf, type KeyKind } from './key-format.ts';
import { rolePermissions, scopePermissions } from './permissions.ts';
import type { Principal, PrincipalKind } from './principal.ts';
import { sha256Hex } from './secrets.ts';

const CHANNEL = 'orgstack_credentials';
const MAX_ENTRIES = 10_000;
const LAST_USED_EVERY_MS = 60_000;

type Verdict = { principal: Principal } | { suspended: true };
interface Entry {
  verdict: Verdict;
  validUntil: number;
}

const PRINCIPAL_KIND: Record<KeyKind, PrincipalKind> = {
  tenant: 'tenant_key',
  platform: 'platform_key',
  user: 'user_key',
};

export class CredentialCache {
  private entries = new BoundedMap<string, Entry>(MAX_ENTRIES);
  private loading = new Map<string, Promise<Entry | null>>();
  private generation = 0;
  private lastUsedWritten = new Map<string, number>();
  private pendingLastUsed = new Set<string>();

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
    let entry = this.entries.get(hash);
    if (!entry || entry.validUntil <= now) {
      // One database look-up per key at a time, however many requests arrive while it runs.
      let loading = this.loading.get(hash);
      if (!loading) {
        const generation = this.generation;
        loading = this.load(hash, kind, now).then((loaded) => {
          if (generation !== this.generation) return loaded;
          this.loading.delete(hash);
          if (!loaded) this.entries.delete(hash);
          else this.entries.set(hash, loaded);
          return loaded;
        }, (err: unknown) => {
          if (generation === this.generation) this.loading.delete(hash);
          throw err;
        });
        this.loading.set(hash, loading);
      }
      const loaded = await loading;
      if (!loaded) return null;
      entry = loaded;
    }
    if ('suspended' in entry.verdict) {
      throw new AppError(403, 'tenant_suspended', 'This tenant is suspended');
    }
    this.noteUse(entry.verdict.principal.credentialId, now);
    return entry.verdict.principal;
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

  /** lastUsedAt is written at most about once a minute per key, off the request path. */
  private noteUse(keyId: string, now: number) {
    const last = this.lastUsedWritten.get(keyId) ?? 0;
    if (now - last < LAST_USED_EVERY_MS) return;
    this.lastUsedWritten.set(keyId, now);
    this.pendingLastUsed.add(keyId);
  }

  /** Writes the pending lastUsedAt stamps in one statement; called by the periodic flusher. */
  async flushLastUsed(): Promise<void> {
    if (this.pendingLastUsed.size === 0) return;
    const ids = [...this.pendingLastUsed];
    this.pendingLastUsed.clear();
    await this.database.db.execute(sql`update api_keys set last_used_at = now() where id = any(${pgArray(ids)}::uuid[])`);
  }
}
