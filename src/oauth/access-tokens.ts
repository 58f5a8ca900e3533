// The MCP door's view of an OAuth access token: the principal it stands for right now, or null
// when the token is unknown, expired, revoked, or issued for another resource (audience).
// The authorization server (src/oauth) implements it; /mcp calls it for any Bearer token that
// is not an API key.
//
// One indexed read (token by hash, joined to its grant, user and tenant), cached per node for at
// most KEY_CACHE_TTL_MS (≤ 5 s) and dropped with the credential cache, whose database
// notification reaches every node when access is taken away (a revoked grant, a demotion).
import { and, eq, sql } from 'drizzle-orm';
import { DEFAULT_HOURLY_LIMIT } from '../platform/key-format.ts';
import { rolePermissions } from '../platform/permissions.ts';
import type { Principal } from '../platform/principal.ts';
import type { Runtime } from '../platform/runtime.ts';
import { BoundedMap } from '../platform/bounded-map.ts';
import { tenants, users } from '../platform/tables.ts';
import { artifactKey } from './adapter.ts';
import { mcpResource } from './scopes.ts';
import { oauthArtifacts, oauthGrants } from './tables.ts';

/** Opaque tokens from oidc-provider are 43 base64url characters; anything else is not looked up. */
const TOKEN_RE = /^[A-Za-z0-9_-]{20,200}$/;
const MAX_ENTRIES = 10_000;
const LAST_USED_EVERY_MS = 60_000;

interface Entry {
  principal: Principal | null;
  until: number;
}

declare module '../platform/runtime.ts' {
  interface Runtime {
    /**
     * The principal of each OAuth access token seen, and when each grant's lastUsedAt was last
     * written. Per node, dropped on every node with `credentials` (its NOTIFY: revocation, reuse
     * detection, a role change), with KEY_CACHE_TTL_MS (at most 4 s here) as the backstop.
     */
    oauthTokens: AccessTokenCache;
  }
}

export class AccessTokenCache {
  readonly entries = new BoundedMap<string, Entry>(MAX_ENTRIES);
  readonly lastUsedWritten = new BoundedMap<string, number>(MAX_ENTRIES);
  constructor(rt: Runtime) {
    rt.credentials.onForget(() => this.entries.clear());
  }
}

async function load(rt: Runtime, hash: string, now: number): Promise<Entry> {
  const [row] = await rt.db
    .select({
      payload: oauthArtifacts.payload,
      expiresAt: oauthArtifacts.expiresAt,
      grantId: oauthGrants.id,
      grantExpiresAt: oauthGrants.expiresAt,
      userId: users.id,
      role: users.role,
      tenantId: users.tenantId,
      tenantStatus: tenants.status,
    })
    .from(oauthArtifacts)
    .innerJoin(oauthGrants, eq(oauthGrants.id, oauthArtifacts.grantId))
    .innerJoin(users, eq(users.id, oauthGrants.userId))
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(and(eq(oauthArtifacts.model, 'AccessToken'), eq(oauthArtifacts.idHash, hash)))
    .limit(1);
  const ttl = Math.min(rt.config.keyCacheTtlMs, 4000);
  if (!row) return { principal: null, until: now + ttl };
  const payload = row.payload as { aud?: unknown; scope?: unknown; exp?: unknown; jkt?: unknown; 'x5t#S256'?: unknown };
  const exp = Math.min(typeof payload.exp === 'number' ? payload.exp * 1000 : 0, row.expiresAt?.getTime() ?? Infinity, row.grantExpiresAt.getTime());
  const audience = mcpResource(rt.config.publicUrl);
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  // A sender-constrained token (DPoP, mTLS) needs its proof, which a Bearer header does not carry.
  const bound = payload.jkt !== undefined || payload['x5t#S256'] !== undefined;
  if (exp <= now || !aud.includes(audience) || bound || row.tenantStatus !== 'active') return { principal: null, until: now + ttl };
  const role = new Set(rolePermissions(row.role));
  const granted = String(payload.scope ?? '')
    .split(' ')
    .filter((s) => role.has(s));
  const principal: Principal = {
    kind: 'oauth_token',
    credentialId: row.grantId,
    tenantId: row.tenantId,
    userId: row.userId,
    keyPrefix: null,
    permissions: new Set(granted),
    hourlyLimit: DEFAULT_HOURLY_LIMIT.user,
    human: true,
  };
  return { principal, until: Math.min(now + ttl, exp) };
}

/** Stamps the grant's last use, at most once a minute per grant and node, off the request's path. */
function noteUse(rt: Runtime, cache: AccessTokenCache, grantId: string, now: number) {
  const last = cache.lastUsedWritten.get(grantId);
  if (last !== undefined && now - last < LAST_USED_EVERY_MS) return;
  cache.lastUsedWritten.set(grantId, now);
  rt.db
    .update(oauthGrants)
    .set({ lastUsedAt: sql`now()` })
    .where(eq(oauthGrants.id, grantId))
    .catch((err: unknown) => rt.log.warn({ err }, 'stamping an OAuth grant as used failed'));
}

export async function principalOfAccessToken(rt: Runtime, token: string): Promise<Principal | null> {
  if (!TOKEN_RE.test(token)) return null;
  const cache = rt.oauthTokens;
  const hash = artifactKey(token);
  const now = Date.now();
  let entry = cache.entries.get(hash);
  if (!entry || entry.until <= now) {
    entry = await load(rt, hash, now);
    if (entry.until > now) cache.entries.set(hash, entry);
  }
  if (entry.principal) noteUse(rt, cache, entry.principal.credentialId, now);
  return entry.principal;
}

/** Call after taking OAuth access away: drops every node's cached tokens (through the credential cache's notification). */
export const forgetCachedTokens = (rt: Runtime) => rt.credentials.invalidateAll();
