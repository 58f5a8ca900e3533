// OAuth for MCP clients in HTTP tests: a client that registers, sends a person through the
// authorization pages (sign-in and consent, as plain form posts), and exchanges the code — the
// whole flow over app.inject, so a test gets a real access token with `obtainMcpToken`.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { auth as sdkAuth, type OAuthClientProvider, type StoredOAuthClientInformation, type StoredOAuthTokens } from '@modelcontextprotocol/client';
import type { TestApp } from './app.ts';

/** What these helpers need of an app: any node (a second app on the same database too). */
export type OAuthNode = Pick<TestApp, 'app' | 'rt'>;
import { PASSWORD } from './sessions.ts';

export const LOOPBACK_REDIRECT = 'http://127.0.0.1:53682/callback';

/** Cookies by name, as a browser would keep them for this one server (paths ignored). */
export class CookieJar {
  private cookies = new Map<string, string>();
  take(res: LightMyRequestResponse) {
    const raw = res.headers['set-cookie'];
    for (const line of raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)]) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(name: string) {
    return this.cookies.get(name);
  }
}

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The value of a hidden/radio input in a page. */
export function inputValue(html: string, name: string): string | undefined {
  const m = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
  return m?.[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

export interface RegisteredClient {
  clientId: string;
  redirectUri: string;
}

export async function registerClient(t: OAuthNode, opts: { redirectUris?: string[]; name?: string } = {}): Promise<RegisteredClient> {
  const redirectUris = opts.redirectUris ?? [LOOPBACK_REDIRECT];
  const res = await t.app.inject({
    method: 'POST',
    url: '/register',
    // Each from its own address: registrations are limited per address and minute.
    remoteAddress: `198.51.100.${1 + Math.floor(Math.random() * 250)}`,
    payload: { client_name: opts.name ?? 'Test MCP client', redirect_uris: redirectUris, token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { clientId: res.json().client_id, redirectUri: redirectUris[0] };
}

export interface AuthorizeOptions {
  scopes: string[];
  redirectUri?: string;
  resource?: string | null;
  challenge?: string;
  method?: string;
  state?: string;
}

export function authorizeUrl(t: OAuthNode, client: RegisteredClient, o: AuthorizeOptions): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: o.redirectUri ?? client.redirectUri,
    scope: o.scopes.join(' '),
    state: o.state ?? 'st-123',
    code_challenge: o.challenge ?? pkce().challenge,
    code_challenge_method: o.method ?? 'S256',
  });
  const resource = o.resource === undefined ? `${t.rt.config.publicUrl}/mcp` : o.resource;
  if (resource !== null) q.set('resource', resource);
  return `/oauth/authorize?${q}`;
}

export interface Flow {
  jar: CookieJar;
  /** The interaction page path (`/oauth/interaction/<uid>`). */
  interaction: string;
}

/** Starts an authorization: the 303 to our interaction page, with its cookies in the jar. */
export async function startAuthorization(t: OAuthNode, client: RegisteredClient, o: AuthorizeOptions, jar = new CookieJar()): Promise<Flow> {
  const res = await t.app.inject({ method: 'GET', url: authorizeUrl(t, client, o), headers: { cookie: jar.header() } });
  assert.equal(res.statusCode, 303, res.body);
  jar.take(res);
  const location = new URL(String(res.headers.location), t.rt.config.publicUrl);
  assert.match(location.pathname, /^\/oauth\/interaction\//);
  return { jar, interaction: location.pathname };
}

export async function get(t: OAuthNode, jar: CookieJar, url: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: { cookie: jar.header() } });
  jar.take(res);
  return res;
}

export async function postForm(t: OAuthNode, jar: CookieJar, url: string, fields: Record<string, string>) {
  const res = await t.app.inject({ method: 'POST', url, headers: { cookie: jar.header(), 'content-type': FORM }, payload: form(fields) });
  jar.take(res);
  return res;
}

/** Sign-in page → sign-in form post → consent page; returns the consent page. */
export async function signInAtConsent(t: OAuthNode, flow: Flow, login: string, password = PASSWORD): Promise<LightMyRequestResponse> {
  const page = await get(t, flow.jar, flow.interaction);
  assert.equal(page.statusCode, 200, page.body);
  const csrf = inputValue(page.body, 'csrf');
  assert.ok(csrf, 'the sign-in form carries a CSRF token');
  const consent = await postForm(t, flow.jar, `${flow.interaction}/sign-in`, { csrf, login, password });
  assert.equal(consent.statusCode, 200, consent.body);
  return consent;
}

/** Approves (or denies) on the consent page, follows the resume, returns the client's redirect URL. */
export async function decide(t: OAuthNode, flow: Flow, consentPage: string, decision: 'approve' | 'deny', account?: string): Promise<URL> {
  const csrf = inputValue(consentPage, 'csrf')!;
  const res = await postForm(t, flow.jar, `${flow.interaction}/consent`, { csrf, account: account ?? inputValue(consentPage, 'account')!, decision });
  assert.equal(res.statusCode, 303, res.body);
  const resume = await get(t, flow.jar, new URL(String(res.headers.location), t.rt.config.publicUrl).pathname);
  assert.equal(resume.statusCode, 303, resume.body);
  return new URL(String(resume.headers.location), t.rt.config.publicUrl);
}

export async function tokenRequest(t: OAuthNode, fields: Record<string, string>) {
  return t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': FORM }, payload: form(fields) });
}

export interface McpTokens {
  accessToken: string;
  refreshToken: string | undefined;
  scope: string;
  expiresIn: number;
  client: RegisteredClient;
  grantId?: string;
}

/**
 * The whole flow for `login` (a user made with t.createUser, whose password is PASSWORD):
 * register a public client, authorize with PKCE for `<PUBLIC_URL>/mcp`, sign in, approve,
 * exchange the code. Add 'offline_access' to `scopes` for a refresh token.
 */
export async function obtainMcpToken(t: OAuthNode, login: string, scopes: string[], opts: { client?: RegisteredClient } = {}): Promise<McpTokens> {
  const client = opts.client ?? (await registerClient(t));
  const { verifier, challenge } = pkce();
  const flow = await startAuthorization(t, client, { scopes, challenge });
  const consent = await signInAtConsent(t, flow, login);
  const back = await decide(t, flow, consent.body, 'approve');
  const code = back.searchParams.get('code');
  assert.ok(code, `a code at the redirect: ${back.href}`);
  const res = await tokenRequest(t, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    client_id: client.clientId,
    code_verifier: verifier,
    resource: `${t.rt.config.publicUrl}/mcp`,
  });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  return { accessToken: body.access_token, refreshToken: body.refresh_token, scope: body.scope, expiresIn: body.expires_in, client };
}

/**
 * The official MCP SDK's OAuth client side, kept in memory: what an AI client stores between
 * the redirect and the callback. `authorizationUrl` is where it would send the person's browser.
 */
export class MemoryOAuthProvider implements OAuthClientProvider {
  client: StoredOAuthClientInformation | undefined;
  saved: StoredOAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;
  constructor(
    readonly redirect = LOOPBACK_REDIRECT,
    readonly name = 'SDK test client',
  ) {}
  get redirectUrl() {
    return this.redirect;
  }
  get clientMetadata() {
    return { client_name: this.name, redirect_uris: [this.redirect], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/**
 * What an AI client does with the SDK, against a listening server at `serverUrl` (its `/mcp`):
 * `auth()` discovers, registers and builds the authorization URL; the person signs in and
 * approves (form posts here); `auth()` again with the code gets the tokens into `provider`.
 */
export async function sdkAuthorize(t: OAuthNode, serverUrl: string, login: string, scopes: string[], provider = new MemoryOAuthProvider()): Promise<MemoryOAuthProvider> {
  const first = await sdkAuth(provider, { serverUrl, scope: scopes.join(' ') });
  assert.equal(first, 'REDIRECT');
  const url = provider.authorizationUrl!;
  const jar = new CookieJar();
  const start = await get(t, jar, url.pathname + url.search);
  assert.equal(start.statusCode, 303, start.body);
  const flow: Flow = { jar, interaction: new URL(String(start.headers.location), serverUrl).pathname };
  const consent = await signInAtConsent(t, flow, login);
  const back = await decide(t, flow, consent.body, 'approve');
  const done = await sdkAuth(provider, { serverUrl, authorizationCode: back.searchParams.get('code')!, iss: back.searchParams.get('iss') ?? undefined });
  assert.equal(done, 'AUTHORIZED');
  return provider;
}
