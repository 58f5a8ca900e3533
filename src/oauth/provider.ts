// The OAuth 2.1 authorization server: oidc-provider configured for MCP clients. Authorization
// code + PKCE (S256 only, required), public clients registered dynamically or named by a Client ID
// Metadata Document, one resource (RFC 8707: `<PUBLIC_URL>/mcp`) every token is bound to, opaque
// access tokens for an hour, refresh tokens only with offline_access, rotated on every use. Its
// storage is our database (adapter.ts), its keys derive from the server secret (keys.ts), and its
// sign-in and consent pages are ours (interaction.ts).
import type { Configuration, KoaContextWithOIDC, default as OidcProvider } from 'oidc-provider';
import { errors, Provider } from './oidc-provider.ts';
import { eq } from 'drizzle-orm';
import { users } from '../platform/tables.ts';
import type { Runtime } from '../platform/runtime.ts';
import { orgstackUserAgent, safeFetch, SafeFetchError } from '../platform/safe-fetch.ts';
import { databaseAdapter } from './adapter.ts';
import { oauthKeys, type OAuthKeys } from './keys.ts';
import { renderErrorPage } from './pages.ts';
import { allowedRedirectUri } from './redirect-uris.ts';
import { OFFLINE_ACCESS, PERMISSION_SCOPES, SCOPES, mcpResource } from './scopes.ts';

export const ACCESS_TOKEN_TTL_S = 3600;
export const REFRESH_TOKEN_TTL_S = 30 * 24 * 3600;
const CODE_TTL_S = 60;
const INTERACTION_TTL_S = 15 * 60;
// oidc-provider's own session only carries a person from the sign-in form to the consent page;
// the dashboard session is what signs them in (interaction.ts checks it every time).
const SESSION_TTL_S = 15 * 60;

/** The endpoints, relative to PUBLIC_URL. `/register` is the contract's (work-api.md §6). */
export const OAUTH_ROUTES = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  registration: '/register',
  revocation: '/oauth/revoke',
  jwks: '/oauth/jwks',
} as const;
export const INTERACTION_PATH = '/oauth/interaction';

export interface OAuthServer {
  provider: OidcProvider;
  keys: OAuthKeys;
  resource: string;
}

/** oidc-provider's `fetch` (Client ID Metadata Documents): every request through our SSRF guard. */
function guardedFetch(rt: Runtime) {
  return async (url: string | URL, init?: { headers?: HeadersInit; method?: string }): Promise<Response> => {
    try {
      const res = await safeFetch(String(url), {
        ...rt.outbound,
        timeoutMs: Math.min(rt.outbound.timeoutMs ?? 5000, 5000),
        maxBytes: 64 * 1024,
        followRedirects: false,
        userAgent: orgstackUserAgent(rt.config.publicUrl),
        headers: { accept: new Headers(init?.headers).get('accept') ?? 'application/json' },
      });
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
      return new Response(new Uint8Array(res.body), { status: res.status, headers });
    } catch (err) {
      if (err instanceof SafeFetchError) throw new Error(`client metadata fetch refused: ${err.reason}`);
      throw err;
    }
  };
}

export function createOAuthServer(rt: Runtime): OAuthServer {
  const keys = oauthKeys(rt.config);
  const resource = mcpResource(rt.config.publicUrl);
  const resourceScope = PERMISSION_SCOPES.join(' ');

  const configuration: Configuration = {
    adapter: databaseAdapter(rt.db, () => rt.credentials.invalidateAll()),
    jwks: keys.jwks,
    cookies: { keys: keys.cookieKeys, long: { httpOnly: true, sameSite: 'lax' }, short: { httpOnly: true, sameSite: 'lax' } },
    scopes: SCOPES as string[],
    claims: { openid: ['sub'] },
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: 'EdDSA',
    },
    clientAuthMethods: ['none'],
    routes: OAUTH_ROUTES,
    // Public clients from anywhere (browser-based MCP inspectors too) call the token and
    // registration endpoints; they carry no cookie, so any origin may.
    clientBasedCORS: () => true,
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      introspection: { enabled: false },
      registration: { enabled: true, initialAccessToken: false },
      registrationManagement: { enabled: false },
      // RFC 7009 for public clients: a client revokes its own tokens; another's token is left
      // alone with the 200 the RFC prescribes (nothing tells it whether the token exists).
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      clientIdMetadataDocument: {
        enabled: true,
        ack: 'draft-02',
        // Redirect URIs of a metadata document follow the same rule as a registration's.
        allowClient: async (_ctx, client) => (client.redirectUris ?? []).every(allowedRedirectUri),
        cacheDuration: { min: 300, max: 86400 },
      },
      resourceIndicators: {
        enabled: true,
        // RFC 8707 as MCP requires: the client names the resource; nothing is assumed.
        defaultResource: async (_ctx, _client, oneOf) => {
          if (oneOf) return oneOf;
          throw new errors.InvalidTarget(`the "resource" parameter is required: ${resource}`);
        },
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget(`the only resource served here is ${resource}`);
          return { scope: resourceScope, audience: resource, accessTokenTTL: ACCESS_TOKEN_TTL_S, accessTokenFormat: 'opaque' };
        },
      },
    } as Configuration['features'],
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_S,
      AuthorizationCode: CODE_TTL_S,
      RefreshToken: REFRESH_TOKEN_TTL_S,
      Grant: REFRESH_TOKEN_TTL_S,
      Interaction: INTERACTION_TTL_S,
      Session: SESSION_TTL_S,
      IdToken: ACCESS_TOKEN_TTL_S,
    },
    // Tokens outlive oidc-provider's short session: only the grant and the user's role matter.
    expiresWithSession: async () => false,
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has(OFFLINE_ACCESS),
    rotateRefreshToken: true,
    // Every authorization shows the consent page (no silent re-approval from an old grant): only
    // the grant the person just approved in this interaction counts.
    loadExistingGrant: async (ctx) => {
      const grantId = (ctx.oidc.result as { consent?: { grantId?: string } } | undefined)?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    findAccount: async (_ctx: KoaContextWithOIDC, id: string) => {
      const [user] = await rt.db.select({ id: users.id }).from(users).where(eq(users.id, id)).limit(1);
      if (!user) return undefined;
      return { accountId: user.id, claims: () => ({ sub: user.id }) };
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = renderErrorPage(String(out.error), typeof out.error_description === 'string' ? out.error_description : null);
    },
    fetch: guardedFetch(rt) as Configuration['fetch'],
    enableHttpPostMethods: false,
  };

  const provider = new Provider(rt.config.publicUrl, configuration);
  // The Fastify mount sets X-Forwarded-Proto from PUBLIC_URL (routes.ts), so URLs and cookie
  // flags follow PUBLIC_URL whatever address the request came in on.
  provider.proxy = true;
  provider.on('server_error', (_ctx, err) => rt.log.error({ err }, 'oauth server error'));
  return { provider, keys, resource };
}
