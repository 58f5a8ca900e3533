// oidc-provider's storage on our database (its Adapter interface), so every node sees every grant,
// token, code and registered client. Rows are keyed by the SHA-256 of the artifact's id — for
// opaque tokens and codes the id *is* the bearer value — and the id is dropped from the stored
// payload, so a copy of the database holds nothing a client could present. Grants go to their own
// table (tables.ts) with the account and client as columns, for "Connected apps".
import { and, eq, sql } from 'drizzle-orm';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../db/index.ts';
import { sha256Hex } from '../platform/secrets.ts';
import { oauthArtifacts, oauthGrants } from './tables.ts';

const hash = (id: string) => sha256Hex(`oauth:${id}`);
const expiry = (expiresIn: number | undefined) => (typeof expiresIn === 'number' ? new Date(Date.now() + expiresIn * 1000) : null);
const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

/** Hash of an artifact id as the adapter stores it (principalOfAccessToken looks tokens up by it). */
export const artifactKey = hash;

/** The scopes a grant holds, from its payload (its OpenID scopes and its resource's). */
export function grantScope(payload: AdapterPayload): string {
  const scopes = new Set<string>();
  for (const s of String((payload.openid as { scope?: string } | undefined)?.scope ?? '').split(' ')) if (s) scopes.add(s);
  for (const v of Object.values((payload.resources ?? {}) as Record<string, string>)) for (const s of String(v).split(' ')) if (s) scopes.add(s);
  return [...scopes].join(' ');
}

/** Grants: one row per consent, with its account and client as columns. */
class GrantAdapter implements Adapter {
  constructor(
    private readonly db: Db,
    private readonly revoked: () => Promise<void>,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const { jti: _jti, ...rest } = payload;
    const expiresAt = expiry(expiresIn) ?? new Date(Date.now() + 365 * 86400_000);
    const scope = grantScope(payload);
    await this.db
      .insert(oauthGrants)
      .values({ id, userId: String(payload.accountId), clientId: String(payload.clientId), scope, payload: rest, expiresAt })
      .onConflictDoUpdate({ target: oauthGrants.id, set: { payload: rest, scope, expiresAt: sql`greatest(${oauthGrants.expiresAt}, excluded.expires_at)` } });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const [row] = await this.db.select().from(oauthGrants).where(eq(oauthGrants.id, id)).limit(1);
    if (!row || row.expiresAt.getTime() <= Date.now()) return undefined;
    // The row's expiry moves with refresh tokens (see ArtifactAdapter.upsert); the payload follows.
    return { ...(row.payload as AdapterPayload), jti: id, exp: epoch(row.expiresAt) };
  }

  async destroy(id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(oauthArtifacts).where(eq(oauthArtifacts.grantId, id));
      await tx.delete(oauthGrants).where(eq(oauthGrants.id, id));
    });
    await this.revoked();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.destroy(grantId);
  }
  async consume(): Promise<void> {}
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
}

/** Every other model: tokens, codes, clients, interactions, sessions. */
class ArtifactAdapter implements Adapter {
  constructor(
    private readonly db: Db,
    private readonly model: string,
    private readonly revoked: () => Promise<void>,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const { jti: _jti, ...rest } = payload;
    const expiresAt = expiry(expiresIn);
    const row = {
      model: this.model,
      idHash: hash(id),
      grantId: typeof payload.grantId === 'string' ? payload.grantId : null,
      uidHash: typeof payload.uid === 'string' ? hash(payload.uid) : null,
      payload: rest,
      expiresAt,
    };
    await this.db.transaction(async (tx) => {
      await tx.insert(oauthArtifacts).values(row).onConflictDoUpdate({ target: [oauthArtifacts.model, oauthArtifacts.idHash], set: row });
      // A grant lives as long as its newest refresh token: using the connection keeps it.
      if (this.model === 'RefreshToken' && row.grantId && expiresAt) {
        await tx
          .update(oauthGrants)
          .set({
            expiresAt: sql`greatest(${oauthGrants.expiresAt}, ${expiresAt.toISOString()}::timestamptz)`,
          })
          .where(eq(oauthGrants.id, row.grantId));
      }
    });
  }

  private async findWhere(where: ReturnType<typeof eq>, id?: string): Promise<AdapterPayload | undefined> {
    const [row] = await this.db.select().from(oauthArtifacts).where(and(eq(oauthArtifacts.model, this.model), where)).limit(1);
    if (!row) return undefined;
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return undefined;
    const payload = { ...(row.payload as AdapterPayload) };
    if (id !== undefined) payload.jti = id;
    if (row.consumedAt) payload.consumed = epoch(row.consumedAt);
    return payload;
  }

  find(id: string) {
    return this.findWhere(eq(oauthArtifacts.idHash, hash(id)), id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    // A session found by its uid needs its id back (the cookie's value), which is not stored:
    // sessions are looked up by id only, so this answers nothing rather than a half record.
    void uid;
    return undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined; // the device flow is not enabled
  }

  async consume(id: string): Promise<void> {
    await this.db
      .update(oauthArtifacts)
      .set({ consumedAt: new Date() })
      .where(and(eq(oauthArtifacts.model, this.model), eq(oauthArtifacts.idHash, hash(id))));
  }

  async destroy(id: string): Promise<void> {
    await this.db.delete(oauthArtifacts).where(and(eq(oauthArtifacts.model, this.model), eq(oauthArtifacts.idHash, hash(id))));
    if (this.model === 'AccessToken') await this.revoked();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.delete(oauthArtifacts).where(and(eq(oauthArtifacts.model, this.model), eq(oauthArtifacts.grantId, grantId)));
    if (this.model === 'AccessToken') await this.revoked();
  }
}

/**
 * The factory oidc-provider calls once per model name. `revoked` runs after access tokens or a
 * grant were deleted, so every node's cached tokens are dropped at once (access-tokens.ts).
 */
export function databaseAdapter(db: Db, revoked: () => Promise<void>) {
  return (model: string): Adapter => (model === 'Grant' ? new GrantAdapter(db, revoked) : new ArtifactAdapter(db, model, revoked));
}

const PURGE_BATCH = 500;

/** Deletes up to 500 expired artifacts, grants and abandoned clients; called at every consent, so no timer is needed. */
export async function purgeExpiredOAuth(db: Db): Promise<void> {
  await db.execute(
    sql`delete from oauth_artifacts where (model, id_hash) in (select model, id_hash from oauth_artifacts where expires_at < now() limit ${PURGE_BATCH})`,
  );
  await db.execute(sql`delete from oauth_grants where id in (select id from oauth_grants where expires_at < now() limit ${PURGE_BATCH})`);
  // Registered clients (and their registration tokens) never expire by themselves; one registered
  // over 30 days ago that holds no grant is abandoned (a client that comes back registers again).
  await db.execute(
    sql`delete from oauth_artifacts where (model, id_hash) in (
          select a.model, a.id_hash from oauth_artifacts a
          where a.model in ('Client', 'RegistrationAccessToken')
            and coalesce((a.payload->>'client_id_issued_at')::bigint, (a.payload->>'iat')::bigint) < extract(epoch from now() - interval '30 days')
            and not exists (select 1 from oauth_grants g where g.client_id = coalesce(a.payload->>'client_id', a.payload->>'clientId'))
          limit ${PURGE_BATCH})`,
  );
}
