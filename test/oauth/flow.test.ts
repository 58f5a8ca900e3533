// The authorization server end to end over HTTP: discovery, registration, sign-in and consent
// as form posts, the code for a PKCE verifier, refresh with rotation, revocation, and what
// principalOfAccessToken makes of the tokens. Runs on PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/index.ts';
import { artifactKey } from '../../src/oauth/adapter.ts';
import { mintKey } from '../../src/platform/keys.ts';
import { principalOfAccessToken } from '../../src/oauth/access-tokens.ts';
import { oauthGrants } from '../../src/oauth/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { awayFromEdge, MINUTE } from '../helpers/clock.ts';
import {
  CookieJar,
  decide,
  get,
  inputValue,
  LOOPBACK_REDIRECT,
  obtainMcpToken,
  pkce,
  postForm,
  registerClient,
  signInAtConsent,
  startAuthorization,
  tokenRequest,
} from '../helpers/oauth.ts';
import { signIn } from '../helpers/sessions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t?.close();
});

const ISSUER = 'http://orgstack.test';
const RESOURCE = `${ISSUER}/mcp`;

async function admin(name?: string) {
  const tenant = await t.createTenant(name);
  const user = await t.createUser({ tenantId: tenant.id, role: 'admin' });
  return { tenant, user };
}

const grantsOf = (userId: string) => t.rt.db.select().from(oauthGrants).where(eq(oauthGrants.userId, userId));

describe('discovery', () => {
  test('RFC 8414 metadata: issuer as served, code + PKCE S256 only, registration, CIMD, scopes', async () => {
    const res = await t.call('GET', '/.well-known/oauth-authorization-server');
    assert.equal(res.statusCode, 200, res.body);
    const m = res.json();
    assert.equal(m.issuer, ISSUER);
    assert.equal(m.authorization_endpoint, `${ISSUER}/oauth/authorize`);
    assert.equal(m.token_endpoint, `${ISSUER}/oauth/token`);
    assert.equal(m.registration_endpoint, `${ISSUER}/register`);
    assert.equal(m.revocation_endpoint, `${ISSUER}/oauth/revoke`);
    assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(m.response_types_supported, ['code']);
    assert.ok(m.grant_types_supported.includes('refresh_token'));
    assert.deepEqual(m.token_endpoint_auth_methods_supported, ['none']);
    assert.equal(m.client_id_metadata_document_supported, true);
    for (const s of ['decisions:read', 'decisions:write', 'agents:read', 'agents:write', 'initiatives:read', 'initiatives:write', 'memory:read', 'offline_access', 'feedback:write']) {
      assert.ok(m.scopes_supported.includes(s), s);
    }
  });

  test('RFC 9728 protected-resource metadata at both paths', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const res = await t.call('GET', path);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      const m = res.json();
      assert.equal(m.resource, RESOURCE);
      assert.deepEqual(m.authorization_servers, [ISSUER]);
      assert.deepEqual(m.bearer_methods_supported, ['header']);
      assert.ok(m.scopes_supported.includes('decisions:read'));
    }
  });
});

describe('the whole flow', () => {
  test('register, sign in, consent, code at a loopback redirect on another port, token, refresh (rotated), revoke', async () => {
    const { tenant, user } = await admin('Harbour <Bakery>');
    const client = await registerClient(t, { name: 'Claude <Code>' });
    const { verifier, challenge } = pkce();
    // RFC 8252: the loopback redirect may use any port.
    const redirectUri = 'http://127.0.0.1:40123/callback';
    const flow = await startAuthorization(t, client, { scopes: ['decisions:read', 'initiatives:write', 'offline_access'], challenge, redirectUri, state: 'xyz' });

    const signInPage = await get(t, flow.jar, flow.interaction);
    assert.equal(signInPage.statusCode, 200);
    assert.match(String(signInPage.headers['content-type']), /text\/html/);
    assert.match(String(signInPage.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.match(signInPage.body, /Claude &lt;Code&gt;/);
    assert.doesNotMatch(signInPage.body, /Claude <Code>/);

    const consent = await signInAtConsent(t, flow, user.username);
    assert.match(consent.body, /Harbour &lt;Bakery&gt;/, 'the tenant, escaped');
    assert.match(consent.body, /127\.0\.0\.1:40123/, 'the redirect host');
    assert.match(consent.body, /See decisions and the ones waiting for you/, 'scopes in words');
    assert.match(consent.body, /Stay connected/);
    assert.match(String(consent.headers['content-security-policy']), /form-action 'self' http:\/\/127\.0\.0\.1:40123/);
    assert.ok(flow.jar.get('orgstack_session'), 'signing in here opens a dashboard session');

    const back = await decide(t, flow, consent.body, 'approve');
    assert.equal(back.origin + back.pathname, redirectUri);
    assert.equal(back.searchParams.get('state'), 'xyz');
    assert.equal(back.searchParams.get('iss'), ISSUER);
    const code = back.searchParams.get('code')!;

    const exchanged = await tokenRequest(t, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: client.clientId, code_verifier: verifier, resource: RESOURCE });
    assert.equal(exchanged.statusCode, 200, exchanged.body);
    const tokens = exchanged.json();
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.expires_in, 3600);
    assert.ok(tokens.refresh_token);
    // The access token's scope is its resource's (offline_access brought the refresh token).
    assert.deepEqual(tokens.scope.split(' ').sort(), ['decisions:read', 'initiatives:write']);

    const p = await principalOfAccessToken(t.rt, tokens.access_token);
    assert.ok(p);
    assert.equal(p.kind, 'oauth_token');
    assert.equal(p.tenantId, tenant.id);
    assert.equal(p.userId, user.id);
    assert.equal(p.human, true);
    assert.equal(p.hourlyLimit, 1000);
    assert.deepEqual([...p.permissions].sort(), ['decisions:read', 'initiatives:write']);

    // The grant is stored with its account, client and scopes; no token or code is stored.
    const [grant] = await grantsOf(user.id);
    assert.equal(grant.id, p.credentialId);
    assert.equal(grant.clientName, 'Claude <Code>');
    assert.equal(grant.clientId, client.clientId);
    const dump = await queryRows<{ t: string }>(t.rt.db, sql`select (select coalesce(string_agg(id_hash || payload::text, ' '), '') from oauth_artifacts) || (select string_agg(payload::text, ' ') from oauth_grants) as t`);
    for (const secret of [tokens.access_token, tokens.refresh_token, code]) assert.ok(!dump[0].t.includes(secret), 'only hashes are stored');

    // Refresh: a new pair; the old refresh token is spent.
    const refreshed = await tokenRequest(t, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.clientId, resource: RESOURCE });
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    const next = refreshed.json();
    assert.notEqual(next.refresh_token, tokens.refresh_token);
    assert.ok(await principalOfAccessToken(t.rt, next.access_token));

    // RFC 7009: revoking the access token ends it.
    const revoked = await t.app.inject({ method: 'POST', url: '/oauth/revoke', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ token: next.access_token, client_id: client.clientId }).toString() });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(await principalOfAccessToken(t.rt, next.access_token), null);
  });

  test('an existing dashboard session goes straight to consent', async () => {
    const { user } = await admin();
    const browser = await signIn(t, user.username);
    const client = await registerClient(t);
    const jar = new CookieJar();
    jar.take({ headers: { 'set-cookie': `orgstack_session=${browser.cookie}; Path=/` } } as never);
    const flow = await startAuthorization(t, client, { scopes: ['memory:read'] }, jar);
    const page = await get(t, flow.jar, flow.interaction);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Allow Test MCP client to use orgstack\?/);
    const back = await decide(t, flow, page.body, 'approve');
    assert.ok(back.searchParams.get('code'));
  });

  test('one email in two businesses: the person picks one, and the token belongs to it', async () => {
    const a = await t.createTenant('North shop');
    const b = await t.createTenant('South shop');
    const email = `pat-${Date.now()}@example.com`;
    const ua = await t.createUser({ tenantId: a.id, role: 'admin' });
    const ub = await t.createUser({ tenantId: b.id, role: 'member' });
    await t.rt.db.execute(sql`update users set email = ${email} where id in (${ua.id}, ${ub.id})`);
    const client = await registerClient(t);
    const { verifier, challenge } = pkce();
    const flow = await startAuthorization(t, client, { scopes: ['decisions:read'], challenge });
    const consent = await signInAtConsent(t, flow, email);
    assert.match(consent.body, /North shop/);
    assert.match(consent.body, /South shop/);
    const choices = [...consent.body.matchAll(/name="account" value="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(choices.length, 2);
    const south = choices.find((c) => c.startsWith(ub.id))!;
    const back = await decide(t, flow, consent.body, 'approve', south);
    const res = await tokenRequest(t, { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: client.redirectUri, client_id: client.clientId, code_verifier: verifier, resource: RESOURCE });
    assert.equal(res.statusCode, 200, res.body);
    const p = await principalOfAccessToken(t.rt, res.json().access_token);
    assert.equal(p?.tenantId, b.id);
    assert.equal(p?.userId, ub.id);
  });

  test('deny sends access_denied to the client and stores no grant', async () => {
    const { user } = await admin();
    const client = await registerClient(t);
    const flow = await startAuthorization(t, client, { scopes: ['decisions:read'], state: 's1' });
    const consent = await signInAtConsent(t, flow, user.username);
    const back = await decide(t, flow, consent.body, 'deny');
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('state'), 's1');
    assert.equal(back.searchParams.get('code'), null);
    assert.equal((await grantsOf(user.id)).length, 0);
  });

  test('no scope asks for every permission scope, shown on the consent page; unknown scopes are not granted', async () => {
    const { user } = await admin();
    const client = await registerClient(t);
    const { verifier, challenge } = pkce();
    const none = await startAuthorization(t, client, { scopes: [], challenge });
    const page = await signInAtConsent(t, none, user.username);
    assert.match(page.body, /Resolve customer feedback/);
    assert.match(page.body, /Create and change agents/);
    const back = await decide(t, none, page.body, 'approve');
    const res = await tokenRequest(t, { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: client.redirectUri, client_id: client.clientId, code_verifier: verifier, resource: RESOURCE });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(res.json().scope.split(' ').includes('feedback:write'));
    assert.equal((await principalOfAccessToken(t.rt, res.json().access_token))!.permissions.has('agents:write'), true);

    const odd = await startAuthorization(t, client, { scopes: ['decisions:read', 'webhooks:write', 'made:up'] });
    const oddPage = await signInAtConsent(t, odd, user.username);
    assert.match(oddPage.body, /decisions:read/);
    assert.doesNotMatch(oddPage.body, /made:up|webhooks:write/);
    const tokens = await obtainMcpToken(t, user.username, ['decisions:read', 'webhooks:write', 'made:up']);
    assert.equal(tokens.scope, 'decisions:read');
  });

  test('no refresh token without offline_access', async () => {
    const { user } = await admin();
    const tokens = await obtainMcpToken(t, user.username, ['decisions:read']);
    assert.equal(tokens.refreshToken, undefined);
  });
});

describe('bad input changes nothing', () => {
  test('PKCE plain is refused at authorization', async () => {
    const client = await registerClient(t);
    const q = new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, scope: 'decisions:read', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain', resource: RESOURCE, state: 's' });
    const res = await t.call('GET', `/oauth/authorize?${q}`);
    assert.equal(res.statusCode, 303);
    const to = new URL(String(res.headers.location));
    assert.equal(to.searchParams.get('error'), 'invalid_request');
    assert.match(to.searchParams.get('error_description')!, /code_challenge_method/);
  });

  test('a missing code challenge is refused', async () => {
    const client = await registerClient(t);
    const q = new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, scope: 'decisions:read', resource: RESOURCE });
    const to = new URL(String((await t.call('GET', `/oauth/authorize?${q}`)).headers.location));
    assert.equal(to.searchParams.get('error'), 'invalid_request');
  });

  test('a wrong verifier gets invalid_grant', async () => {
    const { user } = await admin();
    const client = await registerClient(t);
    const flow = await startAuthorization(t, client, { scopes: ['decisions:read'], challenge: pkce().challenge });
    const back = await decide(t, flow, (await signInAtConsent(t, flow, user.username)).body, 'approve');
    const res = await tokenRequest(t, { grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: client.redirectUri, client_id: client.clientId, code_verifier: pkce().verifier, resource: RESOURCE });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'invalid_grant');
  });

  test('a redirect URI not registered gets an error page, not a redirect', async () => {
    const client = await registerClient(t);
    const q = new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: 'https://evil.example/cb', scope: 'decisions:read', code_challenge: pkce().challenge, code_challenge_method: 'S256', resource: RESOURCE });
    const res = await t.call('GET', `/oauth/authorize?${q}`);
    assert.equal(res.statusCode, 400);
    assert.equal(res.headers.location, undefined);
    assert.match(res.body, /redirect_uri/);
  });

  test('resource is required and must be <PUBLIC_URL>/mcp, at authorization and at the token endpoint', async () => {
    const client = await registerClient(t);
    for (const resource of [null, 'https://other.example/mcp']) {
      const res = await t.call('GET', `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: client.redirectUri, scope: 'decisions:read', code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 's', ...(resource ? { resource } : {}) })}`);
      assert.equal(res.statusCode, 303, String(resource));
      assert.equal(new URL(String(res.headers.location)).searchParams.get('error'), 'invalid_target');
    }
    const { user } = await admin();
    const { verifier, challenge } = pkce();
    const flow = await startAuthorization(t, client, { scopes: ['decisions:read'], challenge });
    const code = (await decide(t, flow, (await signInAtConsent(t, flow, user.username)).body, 'approve')).searchParams.get('code')!;
    const base = { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, client_id: client.clientId, code_verifier: verifier };
    const missing = await tokenRequest(t, base);
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().error, 'invalid_target');
    const wrong = await tokenRequest(t, { ...base, resource: 'https://other.example/mcp' });
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json().error, 'invalid_target');
    // The code was not spent by the refused requests.
    assert.equal((await tokenRequest(t, { ...base, resource: RESOURCE })).statusCode, 200);
  });

  test('a reused authorization code is refused and revokes the grant it issued', async () => {
    const { user } = await admin();
    const client = await registerClient(t);
    const { verifier, challenge } = pkce();
    const flow = await startAuthorization(t, client, { scopes: ['decisions:read', 'offline_access'], challenge });
    const code = (await decide(t, flow, (await signInAtConsent(t, flow, user.username)).body, 'approve')).searchParams.get('code')!;
    const fields = { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, client_id: client.clientId, code_verifier: verifier, resource: RESOURCE };
    const first = await tokenRequest(t, fields);
    assert.equal(first.statusCode, 200);
    assert.ok(await principalOfAccessToken(t.rt, first.json().access_token));
    const again = await tokenRequest(t, fields);
    assert.equal(again.statusCode, 400);
    assert.equal(again.json().error, 'invalid_grant');
    assert.equal(await principalOfAccessToken(t.rt, first.json().access_token), null);
    assert.equal((await grantsOf(user.id)).length, 0);
    const refresh = await tokenRequest(t, { grant_type: 'refresh_token', refresh_token: first.json().refresh_token, client_id: client.clientId, resource: RESOURCE });
    assert.equal(refresh.statusCode, 400);
  });

  test('a reused refresh token revokes the whole grant', async () => {
    const { user } = await admin();
    const tokens = await obtainMcpToken(t, user.username, ['decisions:read', 'offline_access']);
    const fields = { grant_type: 'refresh_token', refresh_token: tokens.refreshToken!, client_id: tokens.client.clientId, resource: RESOURCE };
    const first = await tokenRequest(t, fields);
    assert.equal(first.statusCode, 200);
    const replay = await tokenRequest(t, fields);
    assert.equal(replay.statusCode, 400);
    assert.equal(replay.json().error, 'invalid_grant');
    assert.equal(await principalOfAccessToken(t.rt, first.json().access_token), null);
    assert.equal(await principalOfAccessToken(t.rt, tokens.accessToken), null);
    const rotated = await tokenRequest(t, { ...fields, refresh_token: first.json().refresh_token });
    assert.equal(rotated.statusCode, 400, 'the rotated refresh token died with the grant');
    assert.equal((await grantsOf(user.id)).length, 0);
  });

  test('expired, wrong-audience, unknown and malformed tokens are null', async () => {
    const { user } = await admin();
    const expired = await obtainMcpToken(t, user.username, ['decisions:read']);
    const other = await obtainMcpToken(t, user.username, ['decisions:read']);
    // Age one token, and re-aim the other (what a token for another resource would hold).
    await t.rt.db.execute(sql`update oauth_artifacts set expires_at = now() - interval '1 second' where model = 'AccessToken' and id_hash = ${artifactKey(expired.accessToken)}`);
    await t.rt.db.execute(sql`update oauth_artifacts set payload = jsonb_set(payload, '{aud}', '"https://other.example/mcp"') where model = 'AccessToken' and id_hash = ${artifactKey(other.accessToken)}`);
    assert.equal(await principalOfAccessToken(t.rt, expired.accessToken), null);
    assert.equal(await principalOfAccessToken(t.rt, other.accessToken), null);
    assert.equal(await principalOfAccessToken(t.rt, 'A'.repeat(43)), null);
    assert.equal(await principalOfAccessToken(t.rt, 'not a token'), null);
    assert.equal(await principalOfAccessToken(t.rt, ''), null);
  });

  test('registration refuses a non-HTTPS non-loopback redirect, and stores nothing', async () => {
    const before = await queryRows<{ n: number }>(t.rt.db, sql`select count(*)::int as n from oauth_artifacts where model = 'Client'`);
    for (const uri of ['http://example.com/cb', 'http://10.0.0.1/cb', 'ftp://example.com/cb', 'https://example.com/cb#frag']) {
      const res = await t.call('POST', '/register', { body: { client_name: 'x', redirect_uris: [uri], token_endpoint_auth_method: 'none' } });
      assert.equal(res.statusCode, 400, uri);
      assert.equal(res.json().error, 'invalid_redirect_uri');
    }
    const after = await queryRows<{ n: number }>(t.rt.db, sql`select count(*)::int as n from oauth_artifacts where model = 'Client'`);
    assert.equal(after[0].n, before[0].n);
    // https anywhere and loopback http are fine.
    assert.equal((await t.call('POST', '/register', { body: { redirect_uris: ['https://app.example/cb', LOOPBACK_REDIRECT], token_endpoint_auth_method: 'none' } })).statusCode, 201);
    // A confidential client is not offered.
    assert.equal((await t.call('POST', '/register', { body: { redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'client_secret_basic' } })).statusCode, 400);
  });

  test("a client cannot revoke another client's token", async () => {
    const { user } = await admin();
    const tokens = await obtainMcpToken(t, user.username, ['decisions:read']);
    const stranger = await registerClient(t);
    const res = await t.app.inject({ method: 'POST', url: '/oauth/revoke', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ token: tokens.accessToken, client_id: stranger.clientId }).toString() });
    assert.equal(res.statusCode, 200);
    assert.ok(await principalOfAccessToken(t.rt, tokens.accessToken), 'still valid');
  });

  test('registrations are limited per address and minute', async () => {
    const body = { redirect_uris: [LOOPBACK_REDIRECT], token_endpoint_auth_method: 'none' };
    const from = (ip: string) => t.app.inject({ method: 'POST', url: '/register', payload: body, remoteAddress: ip });
    await awayFromEdge(MINUTE, 20_000); // the count is per clock minute
    for (let i = 0; i < t.rt.config.oauthRegistrationsPerMinute; i++) assert.equal((await from('203.0.113.9')).statusCode, 201);
    const over = await from('203.0.113.9');
    assert.equal(over.statusCode, 429);
    assert.equal(over.json().error, 'rate_limited');
    assert.ok(Number(over.headers['retry-after']) >= 1);
    assert.equal((await from('203.0.113.10')).statusCode, 201, 'another address is not affected');
  });

  test('the sign-in and consent forms refuse a missing or wrong CSRF token', async () => {
    const { user } = await admin();
    const client = await registerClient(t);
    const flow = await startAuthorization(t, client, { scopes: ['decisions:read'] });
    await get(t, flow.jar, flow.interaction);
    const noCsrf = await postForm(t, flow.jar, `${flow.interaction}/sign-in`, { login: user.username, password: 'correct horse battery staple' });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(flow.jar.get('orgstack_session'), undefined, 'no session opened');
    const consent = await signInAtConsent(t, flow, user.username);
    for (const csrf of [undefined, 'wrong']) {
      const res = await postForm(t, flow.jar, `${flow.interaction}/consent`, { ...(csrf ? { csrf } : {}), account: inputValue(consent.body, 'account')!, decision: 'approve' });
      assert.equal(res.statusCode, 403);
      assert.equal(res.headers.location, undefined);
    }
    // A forged account choice is refused too.
    const forged = await postForm(t, flow.jar, `${flow.interaction}/consent`, { csrf: inputValue(consent.body, 'csrf')!, account: `${user.id}.forged`, decision: 'approve' });
    assert.equal(forged.statusCode, 400);
    assert.equal((await grantsOf(user.id)).length, 0);
  });

  test('a wrong password shows the form again with a 401', async () => {
    const { user } = await admin();
    const client = await registerClient(t);
    const flow = await startAuthorization(t, client, { scopes: ['decisions:read'] });
    const page = await get(t, flow.jar, flow.interaction);
    const res = await postForm(t, flow.jar, `${flow.interaction}/sign-in`, { csrf: inputValue(page.body, 'csrf')!, login: user.username, password: 'wrong password!!' });
    assert.equal(res.statusCode, 401);
    assert.match(res.body, /Wrong username, email or password/);
    assert.equal(flow.jar.get('orgstack_session'), undefined);
  });

  test('a temporary password must be changed in the dashboard first', async () => {
    const { user } = await admin();
    await t.rt.db.execute(sql`update users set must_change_password = true where id = ${user.id}`);
    const client = await registerClient(t);
    const flow = await startAuthorization(t, client, { scopes: ['decisions:read'] });
    const page = await get(t, flow.jar, flow.interaction);
    const res = await postForm(t, flow.jar, `${flow.interaction}/sign-in`, { csrf: inputValue(page.body, 'csrf')!, login: user.username, password: 'correct horse battery staple' });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /password is temporary/);
    assert.equal(inputValue(res.body, 'account'), undefined, 'no consent form');
  });

  test('abandoned client registrations are purged at the next consent; clients with a grant stay', async () => {
    const abandoned = await registerClient(t);
    const kept = await registerClient(t);
    const { user } = await admin();
    await obtainMcpToken(t, user.username, ['decisions:read'], { client: kept });
    await t.rt.db.execute(sql`update oauth_artifacts set payload = jsonb_set(payload, '{client_id_issued_at}', '1000') where model = 'Client' and payload->>'client_id' in (${abandoned.clientId}, ${kept.clientId})`);
    await obtainMcpToken(t, user.username, ['decisions:read']);
    const left = await queryRows<{ id: string }>(t.rt.db, sql`select payload->>'client_id' as id from oauth_artifacts where model = 'Client' and payload->>'client_id' in (${abandoned.clientId}, ${kept.clientId})`);
    assert.deepEqual(left.map((r) => r.id), [kept.clientId]);
  });

  test('an interaction page without its cookie (another browser) is refused', async () => {
    const client = await registerClient(t);
    const flow = await startAuthorization(t, client, { scopes: ['decisions:read'] });
    const res = await get(t, new CookieJar(), flow.interaction);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /expired/);
  });

  test('a client ID metadata document on a private address is refused by the SSRF guard', async () => {
    const q = new URLSearchParams({ response_type: 'code', client_id: 'https://127.0.0.1:9/client.json', redirect_uri: 'https://127.0.0.1:9/cb', scope: 'decisions:read', code_challenge: pkce().challenge, code_challenge_method: 'S256', resource: RESOURCE });
    const res = await t.call('GET', `/oauth/authorize?${q}`);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /invalid_client/);
  });
});

describe('a token is worth its scopes and the current role', () => {
  test('a demotion reduces the permissions at once', async () => {
    const { tenant, user } = await admin();
    const tokens = await obtainMcpToken(t, user.username, ['decisions:read', 'decisions:write']);
    assert.deepEqual([...(await principalOfAccessToken(t.rt, tokens.accessToken))!.permissions].sort(), ['decisions:read', 'decisions:write']);
    // Demoted through the API, as an owner would: no cache stands in the way.
    const minted = await mintKey(t.rt.db, { kind: 'tenant', tenantId: tenant.id, permissions: ['users:write', 'users:read'] }, null);
    const res = await t.call('PATCH', `/api/v1/tenants/${tenant.id}/users/${user.id}`, { key: minted.key, body: { role: 'member' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([...(await principalOfAccessToken(t.rt, tokens.accessToken))!.permissions], ['decisions:read']);
  });

  test('a suspended tenant or a removed user: null', async () => {
    const { user } = await admin();
    const tokens = await obtainMcpToken(t, user.username, ['decisions:read']);
    await t.rt.db.execute(sql`delete from users where id = ${user.id}`);
    await t.rt.credentials.invalidateAll();
    assert.equal(await principalOfAccessToken(t.rt, tokens.accessToken), null);
  });
});

describe('no input makes a 500', () => {
  test('garbage to every OAuth endpoint gets a 4xx', async () => {
    const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
    const cases: { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; payload?: string }[] = [
      { method: 'GET', url: '/oauth/authorize' },
      { method: 'GET', url: '/oauth/authorize?client_id=%00&response_type=code' },
      { method: 'GET', url: '/oauth/authorize?client_id=https://nonexistent.invalid/c.json&response_type=code&redirect_uri=https://x.example/cb' },
      { method: 'GET', url: '/oauth/authorize/unknown-uid' },
      { method: 'GET', url: '/oauth/interaction/unknown-uid' },
      { method: 'POST', url: '/oauth/interaction/unknown-uid/consent', headers: FORM, payload: 'decision=approve' },
      { method: 'POST', url: '/oauth/interaction/unknown-uid/sign-in', headers: { 'content-type': 'application/json' }, payload: '{"login":1}' },
      { method: 'POST', url: '/oauth/token' },
      { method: 'POST', url: '/oauth/token', headers: FORM, payload: 'grant_type=authorization_code&code=x&resource=http%3A%2F%2Forgstack.test%2Fmcp' },
      { method: 'POST', url: '/oauth/token', headers: FORM, payload: 'grant_type=password&username=a&password=b' },
      { method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/json' }, payload: '{"grant_type":"refresh_token"}' },
      { method: 'POST', url: '/oauth/token', headers: { 'content-type': 'text/plain' }, payload: 'x' },
      { method: 'POST', url: '/oauth/token', headers: FORM, payload: `a=${'x'.repeat(60 * 1024)}` },
      { method: 'POST', url: '/oauth/revoke', headers: FORM, payload: 'token=nope' },
      { method: 'POST', url: '/register', headers: { 'content-type': 'application/json' }, payload: '[1,2]' },
      { method: 'POST', url: '/register', headers: { 'content-type': 'application/json' }, payload: '{"redirect_uris":"https://x.example"}' },
      { method: 'POST', url: '/register', headers: { 'content-type': 'application/json' }, payload: '{"redirect_uris":[]}' },
      { method: 'POST', url: '/register', headers: { 'content-type': 'application/json' }, payload: '{not json' },
      { method: 'POST', url: '/register', headers: FORM, payload: 'redirect_uris=https://x.example/cb' },
    ];
    for (const c of cases) {
      const res = await t.app.inject({ method: c.method, url: c.url, headers: c.headers, payload: c.payload });
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${c.method} ${c.url} ${c.payload ?? ''}`.slice(0, 200) + ` → ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
  });
});
