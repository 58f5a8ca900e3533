// The OAuth authorization server's storage (src/oauth/adapter.ts is its only writer). Grants are
// rows of their own — the consent a person gave a client, listed as "Connected apps" — and every
// other oidc-provider artifact (access and refresh tokens, authorization codes, registered
// clients, interactions, sessions) is one row of oauth_artifacts. Neither table holds a token or
// code: artifacts are keyed by the SHA-256 of their id (the bearer value itself for opaque
// tokens), and the id is removed from the stored payload.
import { index, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { ts, users } from '../platform/tables.ts';

export const oauthGrants = pgTable(
  'oauth_grants',
  {
    /** oidc-provider's grant id (not a secret: it authorizes nothing by itself). */
    id: text('id').primaryKey(),
    /** The account that consented; its tenant is the grant's tenant. */
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientId: text('client_id').notNull(),
    /** The client's name as shown on the consent page (a metadata document is not stored). */
    clientName: text('client_name'),
    /** The scopes granted, space-separated (mirrors the payload, for listing). */
    scope: text('scope').notNull().default(''),
    payload: jsonb('payload').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Written by principalOfAccessToken at most about once a minute per node. */
    lastUsedAt: ts('last_used_at'),
    /** Moves forward with every refresh token issued: a grant lives while it is used. */
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('oauth_grants_user_idx').on(t.userId), index('oauth_grants_expires_idx').on(t.expiresAt)],
);

export const oauthArtifacts = pgTable(
  'oauth_artifacts',
  {
    /** oidc-provider's model name: AccessToken, RefreshToken, AuthorizationCode, Client, … */
    model: text('model').notNull(),
    /** SHA-256 (hex) of the artifact's id. */
    idHash: text('id_hash').notNull(),
    grantId: text('grant_id'),
    /** SHA-256 of a session's uid, for findByUid. */
    uidHash: text('uid_hash'),
    payload: jsonb('payload').notNull(),
    expiresAt: ts('expires_at'),
    consumedAt: ts('consumed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.model, t.idHash] }),
    index('oauth_artifacts_grant_idx').on(t.grantId),
    index('oauth_artifacts_uid_idx').on(t.uidHash),
    index('oauth_artifacts_expires_idx').on(t.expiresAt),
  ],
);
