// Dashboard accounts and sessions over HTTP: sign-in (username or email), the cookie, failed
// sign-ins (generic 401, growing per-account delays, per-IP 429), sign-out (here and
// everywhere), password change (forced and voluntary), reset links, and sessions as principals
// of the /api/v1 routes with the CSRF, origin, role, bucket, suspension and audit rules.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { buildApp } from '../../src/app.ts';
import { auditLog, dashboardSessions, tenants, users } from '../../src/platform/tables.ts';
import { ALL_PERMISSIONS, TENANT_PERMISSIONS } from '../../src/platform/permissions.ts';
import { sha256Hex } from '../../src/platform/secrets.ts';
import { SESSION_HOURLY_LIMIT, SESSION_IDLE_MS, SESSION_MAX_AGE_MS } from '../../src/platform/sessions.ts';
import { SignInThrottle } from '../../src/platform/sign-in-throttle.ts';
import { issueUserToken } from '../../src/platform/user-tokens.ts';
import { shops } from '../../src/reviews/tables.ts';
import { startTestApp, testConfig, type TestApp } from '../helpers/app.ts';
import { awayFromEdge, MINUTE } from '../helpers/clock.ts';
import { assertError } from '../helpers/assertions.ts';
import { callAs, PASSWORD, sessionCookieFrom, signIn, signInRequest, type Browser } from '../helpers/sessions.ts';

let t: TestApp;
let ipCounter = 0;
/** A fresh client address per test, so the per-IP failure budget of one test never leaks into another. */
const freshIp = () => `198.51.100.${++ipCounter}`;

before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function tenantUser(role = 'owner', opts: { email?: string; mustChangePassword?: boolean } = {}) {
  const tenant = await t.createTenant();
  const user = await t.createUser({ tenantId: tenant.id, role });
  if (opts.email || opts.mustChangePassword) {
    await t.rt.db.update(users).set({ email: opts.email ?? null, mustChangePassword: opts.mustChangePassword ?? false }).where(eq(users.id, user.id));
  }
  return { tenant, user };
}

const sessionRows = (userId: string) => t.rt.db.select().from(dashboardSessions).where(eq(dashboardSessions.userId, userId));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

describe('POST /api/v1/auth/sign-in', () => {
  test('by username, any case: the user, a CSRF token and the session cookie (HttpOnly, SameSite=Lax, Path=/, not Secure over http)', async () => {
    const { tenant, user } = await tenantUser();
    const res = await signInRequest(t, user.username.toUpperCase(), PASSWORD);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(body.user, { id: user.id, username: user.username, email: null, role: 'owner', tenantId: tenant.id, mustChangePassword: false });
    assert.match(body.csrfToken, /^[0-9a-f]{64}$/);
    assert.equal(res.headers['cache-control'], 'no-store');

    const setCookie = String(res.headers['set-cookie']);
    const attrs = setCookie.split('; ');
    assert.match(attrs[0], /^orgstack_session=[A-Za-z0-9]{43}$/);
    for (const a of ['HttpOnly', 'SameSite=Lax', 'Path=/']) assert.ok(attrs.includes(a), `${a} in ${setCookie}`);
    assert.ok(!attrs.includes('Secure'), 'not Secure when PUBLIC_URL is http');
    const maxAge = Number(attrs.find((a) => a.startsWith('Max-Age='))!.slice(8));
    assert.ok(Math.abs(maxAge - SESSION_MAX_AGE_MS / 1000) < 5, `Max-Age ${maxAge}`);

    // Only the hash of the secret is stored.
    const cookie = sessionCookieFrom(res)!;
    const rows = await sessionRows(user.id);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].tokenHash, sha256Hex(cookie));
    assert.ok(!JSON.stringify(rows[0]).includes(cookie));
    assert.equal(rows[0].expiresAt.getTime() - rows[0].createdAt.getTime(), SESSION_MAX_AGE_MS);
  });

  test('by email, any case', async () => {
    const { user } = await tenantUser('member', { email: 'Ana.Li@Example.com' });
    const b = await signIn(t, 'ana.li@EXAMPLE.com');
    assert.equal(b.user.id, user.id);
    assert.equal(b.user.role, 'member');
  });

  test('Secure cookie when PUBLIC_URL is https', async () => {
    const { user } = await tenantUser();
    const original = t.rt.config.publicUrl;
    t.rt.config.publicUrl = 'https://orgstack.test';
    try {
      const res = await signInRequest(t, user.username, PASSWORD);
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(String(res.headers['set-cookie']).split('; ').includes('Secure'));
      const out = await callAs(t, 'POST', '/api/v1/auth/sign-out', { browser: { cookie: sessionCookieFrom(res)!, csrf: res.json().csrfToken, user: res.json().user } });
      assert.equal(out.statusCode, 204);
      assert.ok(String(out.headers['set-cookie']).split('; ').includes('Secure'), 'clearing it too');
    } finally {
      t.rt.config.publicUrl = original;
    }
  });

  test('wrong password and unknown login: the same generic 401, no cookie, no session, counted', async () => {
    const { user } = await tenantUser();
    const ip = freshIp();
    const wrong = await signInRequest(t, user.username, 'not the password', { ip });
    const body = assertError(wrong, 401, 'invalid_credentials');
    assert.equal(sessionCookieFrom(wrong), null);
    const unknown = await signInRequest(t, 'nobody-by-this-name', PASSWORD, { ip });
    assert.equal(assertError(unknown, 401, 'invalid_credentials').error, body.error, 'no hint which part was wrong');
    assert.doesNotMatch(body.error, new RegExp(user.username));
    assert.equal((await sessionRows(user.id)).length, 0);
    // Counted against the account (by id) and the unknown login alike.
    const throttle = t.rt.signInThrottle;
    assert.equal(throttle.failuresOf(user.id), 1);
    assert.equal(throttle.failuresOf('login:nobody-by-this-name'), 1);
  });

  test('an invited user without a password cannot sign in (generic 401)', async () => {
    const { user } = await tenantUser('member');
    await t.rt.db.update(users).set({ passwordHash: null }).where(eq(users.id, user.id));
    assertError(await signInRequest(t, user.username, PASSWORD, { ip: freshIp() }), 401, 'invalid_credentials');
    assertError(await signInRequest(t, user.username, '', { ip: freshIp() }), 401, 'invalid_credentials');
  });

  test('the delay schedule: 0, 0, 0, then 1 s doubling to a 30 s cap — never a refusal', () => {
    const real = new SignInThrottle();
    assert.deepEqual(
      Array.from({ length: 12 }, (_, n) => real.delayFor(n)),
      [0, 0, 0, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000],
    );
    assert.equal(real.delayFor(1000), 30000);
  });

  test('failed sign-ins slow that account with growing delays; the right password still gets in, and clears them', async () => {
    const { user } = await tenantUser();
    const throttle = t.rt.signInThrottle;
    const base = throttle.baseDelayMs;
    throttle.baseDelayMs = 150; // the real schedule scaled down: 0, 0, 0, 150, 300, 600 ms …
    try {
      const ip = freshIp();
      const fail = () => timed(() => signInRequest(t, user.username, 'wrong password!', { ip }));
      const free = [await fail(), await fail(), await fail()];
      for (const f of free) assertError(f.value, 401, 'invalid_credentials');
      const fourth = await fail();
      const fifth = await fail();
      assertError(fourth.value, 401, 'invalid_credentials');
      assert.ok(fourth.ms >= 150, `4th waited ${fourth.ms} ms`);
      assert.ok(fifth.ms >= 300, `5th waited ${fifth.ms} ms`);
      assert.equal(throttle.failuresOf(user.id), 5);

      // Another account is not slowed by this one.
      const other = await tenantUser();
      assertError(await signInRequest(t, other.user.username, 'wrong password!', { ip }), 401, 'invalid_credentials');
      assert.equal(throttle.failuresOf(other.user.id), 1);
      assert.equal(throttle.failuresOf(user.id), 5);

      // No lockout: the owner's right password works, after the same wait, by email as well.
      await t.rt.db.update(users).set({ email: 'slowed@example.com' }).where(eq(users.id, user.id));
      const ok = await timed(() => signInRequest(t, 'slowed@example.com', PASSWORD, { ip }));
      assert.equal(ok.value.statusCode, 200, ok.value.body);
      assert.ok(ok.ms >= 600, `waited ${ok.ms} ms (username and email share the account's count)`);
      assert.equal(throttle.failuresOf(user.id), 0, 'a success clears the count');
    } finally {
      throttle.baseDelayMs = base;
    }
  });

  test('too many failures from one IP → 429 with Retry-After (even for the right password); other IPs unaffected', async () => {
    const { user } = await tenantUser();
    const ip = freshIp();
    // Stay inside one calendar minute (the per-IP window): each failure spends a password hash,
    // so on a loaded machine twenty of them one after another took 21 s; side by side they take
    // a few, and they start with at least 20 s of the minute left.
    await awayFromEdge(MINUTE, 20_000);
    // Different unknown logins: no per-account delay, only the IP's count grows.
    const failures = await Promise.all(
      Array.from({ length: t.rt.config.authFailuresPerMinute }, (_, i) => signInRequest(t, `guess-${i}`, 'whatever', { ip })),
    );
    for (const failed of failures) assertError(failed, 401, 'invalid_credentials');
    const limited = await signInRequest(t, user.username, PASSWORD, { ip });
    assertError(limited, 429, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60);
    assert.equal(sessionCookieFrom(limited), null);
    const elsewhere = await signInRequest(t, user.username, PASSWORD, { ip: freshIp() });
    assert.equal(elsewhere.statusCode, 200);
  });

  test("a suspended tenant's user: 403 tenant_suspended and no session", async () => {
    const { tenant, user } = await tenantUser();
    await t.rt.db.update(tenants).set({ status: 'suspended' }).where(eq(tenants.id, tenant.id));
    assertError(await signInRequest(t, user.username, PASSWORD), 403, 'tenant_suspended');
    assert.equal((await sessionRows(user.id)).length, 0);
  });

  test("from another site's page: 403 origin_not_allowed; from our own origin: fine", async () => {
    const { user } = await tenantUser();
    assertError(await signInRequest(t, user.username, PASSWORD, { headers: { origin: 'https://evil.example' } }), 403, 'origin_not_allowed');
    const res = await signInRequest(t, user.username, PASSWORD, { headers: { origin: 'http://orgstack.test' } });
    assert.equal(res.statusCode, 200);
  });

  test('bad bodies: 400 naming the fields', async () => {
    const res = await callAs(t, 'POST', '/api/v1/auth/sign-in', { body: { username: 'x' } });
    const body = assertError(res, 400, 'validation_failed');
    assert.ok(body.fieldErrors.login && body.fieldErrors.password && body.fieldErrors.username);
  });

  test('the sign-in is audited, naming who signed in; the password never appears', async () => {
    const { tenant, user } = await tenantUser();
    const res = await signInRequest(t, user.username, PASSWORD);
    await t.rt.flush();
    const [row] = await t.rt.db.select().from(auditLog).where(eq(auditLog.requestId, String(res.headers['x-request-id'])));
    assert.equal(row.route, '/api/v1/auth/sign-in');
    assert.equal(row.status, 200);
    assert.deepEqual([row.principalKind, row.principalId, row.userId, row.tenantId], ['session', user.id, user.id, tenant.id]);
    assert.ok(!JSON.stringify(row).includes(PASSWORD));
  });
});

describe('GET /api/v1/auth/session', () => {
  test('the user, their tenant (plan, trial, status), their permissions and the CSRF token', async () => {
    const { tenant, user } = await tenantUser('member');
    await t.rt.db.update(tenants).set({ plan: 'trial', trialEndsAt: new Date('2030-01-01T00:00:00Z') }).where(eq(tenants.id, tenant.id));
    const b = await signIn(t, user.username);
    const res = await callAs(t, 'GET', '/api/v1/auth/session', { browser: b });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.user.id, user.id);
    assert.equal(body.tenant.id, tenant.id);
    assert.deepEqual([body.tenant.plan, body.tenant.trialEndsAt, body.tenant.status], ['trial', '2030-01-01T00:00:00.000Z', 'active']);
    assert.deepEqual(body.permissions, TENANT_PERMISSIONS.filter((p) => p.endsWith(':read')).sort());
    assert.equal(body.csrfToken, b.csrf);
    assert.equal(res.headers['x-ratelimit-limit'], String(SESSION_HOURLY_LIMIT));
  });

  test('a superadmin: no tenant, every permission', async () => {
    const admin = await t.createUser({ tenantId: null, role: 'superadmin' });
    const b = await signIn(t, admin.username);
    const body = (await callAs(t, 'GET', '/api/v1/auth/session', { browser: b })).json();
    assert.equal(body.tenant, null);
    assert.equal(body.user.role, 'superadmin');
    assert.deepEqual(body.permissions, [...ALL_PERMISSIONS].sort());
  });

  test('no cookie, a garbled or unknown cookie, a Bearer key instead → 401', async () => {
    assertError(await callAs(t, 'GET', '/api/v1/auth/session'), 401, 'unauthorized');
    for (const cookie of ['orgstack_session=', 'orgstack_session=abc', `orgstack_session=${'A'.repeat(43)}`]) {
      assertError(await callAs(t, 'GET', '/api/v1/auth/session', { headers: { cookie } }), 401, 'unauthorized');
    }
    const { key } = await t.tenantWithKey();
    assertError(await callAs(t, 'GET', '/api/v1/auth/session', { headers: { authorization: `Bearer ${key}` } }), 401, 'unauthorized');
  });

  test('an idle session ends after 12 hours, any session after 30 days', async () => {
    const { user } = await tenantUser();
    const idle = await signIn(t, user.username);
    const old = await signIn(t, user.username);
    await t.rt.db
      .update(dashboardSessions)
      .set({ lastSeenAt: new Date(Date.now() - SESSION_IDLE_MS - 60_000) })
      .where(eq(dashboardSessions.tokenHash, sha256Hex(idle.cookie)));
    await t.rt.db.update(dashboardSessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(dashboardSessions.tokenHash, sha256Hex(old.cookie)));
    await t.rt.credentials.invalidateAll();
    assertError(await callAs(t, 'GET', '/api/v1/auth/session', { browser: idle }), 401, 'unauthorized');
    assertError(await callAs(t, 'GET', '/api/v1/auth/session', { browser: old }), 401, 'unauthorized');
    // The next sign-in sweeps dead sessions away.
    await signIn(t, user.username);
    assert.equal((await sessionRows(user.id)).length, 1);
  });

  test('use keeps a session alive: last_seen_at is written (at most about once a minute)', async () => {
    const { tenant, user } = await tenantUser();
    const b = await signIn(t, user.username);
    const tenMinutesAgo = new Date(Date.now() - 600_000);
    await t.rt.db.update(dashboardSessions).set({ lastSeenAt: tenMinutesAgo }).where(eq(dashboardSessions.userId, user.id));
    await t.rt.credentials.invalidateAll();
    assert.equal((await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b })).statusCode, 200);
    await t.rt.flush();
    const [first] = await sessionRows(user.id);
    assert.ok(first.lastSeenAt.getTime() > Date.now() - 10_000, 'stamped');
    // Further requests within the minute write nothing.
    await t.rt.db.update(dashboardSessions).set({ lastSeenAt: tenMinutesAgo }).where(eq(dashboardSessions.userId, user.id));
    await t.rt.credentials.invalidateAll();
    assert.equal((await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b })).statusCode, 200);
    await t.rt.flush();
    assert.equal((await sessionRows(user.id))[0].lastSeenAt.getTime(), tenMinutesAgo.getTime());
  });
});

describe('sign-out', () => {
  test('POST /auth/sign-out: 204, the cookie cleared, the session gone at once', async () => {
    const { tenant, user } = await tenantUser();
    const b = await signIn(t, user.username);
    const other = await signIn(t, user.username);
    assert.equal((await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b })).statusCode, 200);
    const res = await callAs(t, 'POST', '/api/v1/auth/sign-out', { browser: b });
    assert.equal(res.statusCode, 204);
    assert.equal(sessionCookieFrom(res), '');
    assert.match(String(res.headers['set-cookie']), /Max-Age=0/);
    assertError(await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b }), 401, 'unauthorized');
    assertError(await callAs(t, 'GET', '/api/v1/auth/session', { browser: b }), 401, 'unauthorized');
    assert.equal((await callAs(t, 'GET', '/api/v1/auth/session', { browser: other })).statusCode, 200, 'other sessions stay');
    assert.equal((await sessionRows(user.id)).length, 1);
  });

  test('without the CSRF token → 403 csrf_failed and the session stays; without a cookie → 204 (nothing to end)', async () => {
    const { user } = await tenantUser();
    const b = await signIn(t, user.username);
    assertError(await callAs(t, 'POST', '/api/v1/auth/sign-out', { browser: b, csrf: false }), 403, 'csrf_failed');
    assert.equal((await callAs(t, 'GET', '/api/v1/auth/session', { browser: b })).statusCode, 200);
    const bare = await callAs(t, 'POST', '/api/v1/auth/sign-out');
    assert.equal(bare.statusCode, 204);
    assert.equal(sessionCookieFrom(bare), '');
  });

  test('POST /auth/sign-out-everywhere ends every session of the user, and only theirs', async () => {
    const { tenant, user } = await tenantUser();
    const a = await signIn(t, user.username);
    const b = await signIn(t, user.username);
    const colleague = await t.createUser({ tenantId: tenant.id, role: 'admin' });
    const c = await signIn(t, colleague.username);
    assertError(await callAs(t, 'POST', '/api/v1/auth/sign-out-everywhere', { browser: a, csrf: false }), 403, 'csrf_failed');
    const res = await callAs(t, 'POST', '/api/v1/auth/sign-out-everywhere', { browser: a });
    assert.equal(res.statusCode, 204);
    assert.equal(sessionCookieFrom(res), '');
    for (const s of [a, b]) assertError(await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: s }), 401, 'unauthorized');
    assert.equal((await sessionRows(user.id)).length, 0);
    assert.equal((await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: c })).statusCode, 200);
    assertError(await callAs(t, 'POST', '/api/v1/auth/sign-out-everywhere'), 401, 'unauthorized');
  });

  test('a sign-out on one node reaches another node sharing the database within seconds', async () => {
    const { tenant, user } = await tenantUser();
    const other = await buildApp(testConfig(), t.testDb.database);
    try {
      const b = await signIn(t, user.username);
      const onOther = () => other.app.inject({ method: 'GET', url: `/api/v1/tenants/${tenant.id}`, headers: { cookie: `orgstack_session=${b.cookie}` } });
      assert.equal((await onOther()).statusCode, 200, 'any node serves any session');
      assert.equal((await callAs(t, 'POST', '/api/v1/auth/sign-out', { browser: b })).statusCode, 204);
      let status = 200;
      for (let i = 0; i < 50 && status === 200; i++) {
        status = (await onOther()).statusCode;
        if (status === 200) await sleep(100);
      }
      assert.equal(status, 401);
    } finally {
      await other.app.close();
    }
  });
});

describe('POST /api/v1/auth/change-password', () => {
  test('wrong current password and a weak new one: 400 with both fields, nothing changes', async () => {
    const { user } = await tenantUser();
    const b = await signIn(t, user.username);
    const res = await callAs(t, 'POST', '/api/v1/auth/change-password', { browser: b, body: { currentPassword: 'nope', newPassword: 'short' } });
    const body = assertError(res, 400, 'validation_failed');
    assert.deepEqual(Object.keys(body.fieldErrors).sort(), ['currentPassword', 'newPassword']);
    assert.match(body.fieldErrors.newPassword[0], /at least 10/);
    const weak = await callAs(t, 'POST', '/api/v1/auth/change-password', { browser: b, body: { currentPassword: PASSWORD, newPassword: '123456789' } });
    assert.deepEqual(Object.keys(assertError(weak, 400, 'validation_failed').fieldErrors), ['newPassword']);
    const same = await callAs(t, 'POST', '/api/v1/auth/change-password', { browser: b, body: { currentPassword: PASSWORD, newPassword: PASSWORD } });
    assert.match(assertError(same, 400, 'validation_failed').fieldErrors.newPassword[0], /differ/);
    await signIn(t, user.username, PASSWORD);
  });

  test('needs the CSRF token and a session (not a Bearer key)', async () => {
    const { user } = await tenantUser();
    const b = await signIn(t, user.username);
    const body = { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' };
    assertError(await callAs(t, 'POST', '/api/v1/auth/change-password', { browser: b, body, csrf: false }), 403, 'csrf_failed');
    assertError(await callAs(t, 'POST', '/api/v1/auth/change-password', { browser: b, body, csrf: 'f'.repeat(64) }), 403, 'csrf_failed');
    assertError(await callAs(t, 'POST', '/api/v1/auth/change-password', { body }), 401, 'unauthorized');
    await signIn(t, user.username, PASSWORD);
  });

  test('204: the new password works, the old does not, other sessions end and this one stays', async () => {
    const { tenant, user } = await tenantUser();
    const a = await signIn(t, user.username);
    const b = await signIn(t, user.username);
    const res = await callAs(t, 'POST', '/api/v1/auth/change-password', { browser: a, body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' } });
    assert.equal(res.statusCode, 204, res.body);
    assert.equal((await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: a })).statusCode, 200);
    assertError(await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b }), 401, 'unauthorized');
    assertError(await signInRequest(t, user.username, PASSWORD, { ip: freshIp() }), 401, 'invalid_credentials');
    await signIn(t, user.username, 'a brand new passphrase');
  });

  test('a user who must change their password: 403 password_change_required everywhere but auth/*, until they do', async () => {
    const { tenant, user } = await tenantUser('owner', { mustChangePassword: true });
    const b = await signIn(t, user.username);
    assert.equal(b.user.mustChangePassword, true);
    assert.equal((await callAs(t, 'GET', '/api/v1/auth/session', { browser: b })).json().user.mustChangePassword, true);
    assertError(await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b }), 403, 'password_change_required');
    assertError(await callAs(t, 'POST', `/api/v1/tenants/${tenant.id}/shops`, { browser: b, body: { name: 'Riverside' } }), 403, 'password_change_required');
    // A key of the same tenant is not affected.
    const { key } = await t.tenantWithKey();
    assert.equal((await t.call('GET', '/api/v1/tenants', { key })).statusCode, 200);

    const res = await callAs(t, 'POST', '/api/v1/auth/change-password', { browser: b, body: { currentPassword: PASSWORD, newPassword: 'my own passphrase now' } });
    assert.equal(res.statusCode, 204, res.body);
    assert.equal((await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b })).statusCode, 200);
    assert.equal((await callAs(t, 'GET', '/api/v1/auth/session', { browser: b })).json().user.mustChangePassword, false);
    const [row] = await t.rt.db.select().from(users).where(eq(users.id, user.id));
    assert.equal(row.mustChangePassword, false);
  });
});

describe('reset links: GET /auth/tokens/{token}, POST /auth/reset-password', () => {
  test('a valid link: what it is for, then a new password and a session; every older session ends', async () => {
    const { tenant, user } = await tenantUser('owner', { mustChangePassword: true });
    const before = await signIn(t, user.username);
    const { token } = await issueUserToken(t.rt.db, user.id, 'reset_password', 3600_000);

    const look = await callAs(t, 'GET', `/api/v1/auth/tokens/${token}`);
    assert.equal(look.statusCode, 200);
    assert.deepEqual(look.json(), { purpose: 'reset_password', username: user.username });

    const weak = await callAs(t, 'POST', '/api/v1/auth/reset-password', { body: { token, newPassword: 'short' } });
    assert.ok(assertError(weak, 400, 'validation_failed').fieldErrors.newPassword);
    assert.equal((await callAs(t, 'GET', `/api/v1/auth/tokens/${token}`)).statusCode, 200, 'a weak password does not use the link up');

    const res = await callAs(t, 'POST', '/api/v1/auth/reset-password', { body: { token, newPassword: 'reset to something long' } });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.user.id, user.id);
    assert.equal(body.user.mustChangePassword, false);
    const b: Browser = { cookie: sessionCookieFrom(res)!, csrf: body.csrfToken, user: body.user };
    assert.ok(b.cookie);
    assert.equal((await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b })).statusCode, 200);
    assertError(await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: before }), 401, 'unauthorized');
    await signIn(t, user.username, 'reset to something long');

    // Used: the link is dead.
    const again = await callAs(t, 'POST', '/api/v1/auth/reset-password', { body: { token, newPassword: 'yet another passphrase' } });
    assertError(again, 400, 'token_invalid');
    assertError(await callAs(t, 'GET', `/api/v1/auth/tokens/${token}`), 404, 'token_invalid');
    await signIn(t, user.username, 'reset to something long');
  });

  test('expired, unknown and garbled links → token_invalid; nothing changes', async () => {
    const { user } = await tenantUser();
    const expired = await issueUserToken(t.rt.db, user.id, 'reset_password', 3600_000, new Date(Date.now() - 2 * 3600_000));
    for (const token of [expired.token, 'x'.repeat(43), 'short']) {
      assertError(await callAs(t, 'GET', `/api/v1/auth/tokens/${token}`, { ip: freshIp() }), 404, 'token_invalid');
      assertError(await callAs(t, 'POST', '/api/v1/auth/reset-password', { body: { token, newPassword: 'long enough password' }, ip: freshIp() }), 400, 'token_invalid');
    }
    await signIn(t, user.username, PASSWORD);
  });

  test('the token in the path never reaches the request log', async () => {
    const { user } = await tenantUser();
    const { token } = await issueUserToken(t.rt.db, user.id, 'reset_password', 3600_000);
    const logApp = await buildApp(testConfig({ LOG_LEVEL: 'info' }), t.testDb.database);
    const lines: string[] = [];
    try {
      // Point the logger's destination (pino's stream, inherited by every request's child logger) here.
      const log = logApp.app.log as unknown as Record<symbol, unknown>;
      const streamSym = Object.getOwnPropertySymbols(log).find((s) => s.description === 'pino.stream')!;
      log[streamSym] = { write: (line: string) => lines.push(line) };
      const res = await logApp.app.inject({ method: 'GET', url: `/api/v1/auth/tokens/${token}` });
      assert.equal(res.statusCode, 200);
    } finally {
      await logApp.app.close();
    }
    const logged = lines.join('');
    assert.match(logged, /\/api\/v1\/auth\/tokens\/:token/);
    assert.ok(!logged.includes(token));
  });
});

describe('sessions as principals of the /api/v1 routes', () => {
  test('reads with the cookie alone; the audit row names the session and the user', async () => {
    const { tenant, user } = await tenantUser();
    const b = await signIn(t, user.username);
    const res = await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().tenant.id, tenant.id);
    await t.rt.flush();
    const [row] = await t.rt.db.select().from(auditLog).where(eq(auditLog.requestId, String(res.headers['x-request-id'])));
    assert.deepEqual(
      [row.principalKind, row.principalId, row.userId, row.tenantId, row.keyPrefix, row.route, row.status],
      ['session', user.id, user.id, tenant.id, null, '/api/v1/tenants/:tenantId', 200],
    );
    assert.ok(!JSON.stringify(row).includes(b.cookie));
  });

  test('writes need the X-CSRF-Token header: without or wrong → 403 csrf_failed and nothing created', async () => {
    const { tenant, user } = await tenantUser();
    const b = await signIn(t, user.username);
    const url = `/api/v1/tenants/${tenant.id}/shops`;
    assertError(await callAs(t, 'POST', url, { browser: b, csrf: false, body: { name: 'No Token' } }), 403, 'csrf_failed');
    assertError(await callAs(t, 'POST', url, { browser: b, csrf: 'not-the-token', body: { name: 'Wrong Token' } }), 403, 'csrf_failed');
    const other = await signIn(t, user.username);
    assertError(await callAs(t, 'POST', url, { browser: b, csrf: other.csrf, body: { name: 'Other Session Token' } }), 403, 'csrf_failed');
    assert.equal((await t.rt.db.select().from(shops).where(eq(shops.tenantId, tenant.id))).length, 0);

    const ok = await callAs(t, 'POST', url, { browser: b, body: { name: 'Riverside' }, headers: { origin: 'http://orgstack.test' } });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal((await t.rt.db.select().from(shops).where(eq(shops.tenantId, tenant.id))).length, 1);
  });

  test("another site's Origin → 403 origin_not_allowed, reads and writes alike", async () => {
    const { tenant, user } = await tenantUser();
    const b = await signIn(t, user.username);
    const origin = { origin: 'https://evil.example' };
    assertError(await callAs(t, 'POST', `/api/v1/tenants/${tenant.id}/shops`, { browser: b, body: { name: 'Cross Site' }, headers: origin }), 403, 'origin_not_allowed');
    assertError(await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b, headers: origin }), 403, 'origin_not_allowed');
    assert.equal((await t.rt.db.select().from(shops).where(eq(shops.tenantId, tenant.id))).length, 0);
    // The origin the request was addressed to is ours too (a dashboard opened at another host name).
    const local = await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b, headers: { origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' } });
    assert.equal(local.statusCode, 200);
  });

  test('a Bearer key wins over a cookie: no CSRF needed, the key is the principal', async () => {
    const { tenant, key } = await t.tenantWithKey();
    const user = await t.createUser({ tenantId: tenant.id, role: 'member' });
    const b = await signIn(t, user.username);
    const res = await callAs(t, 'POST', `/api/v1/tenants/${tenant.id}/shops`, {
      browser: b,
      csrf: false,
      body: { name: 'By Key' },
      headers: { authorization: `Bearer ${key}`, origin: 'https://integration.example' },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers['x-ratelimit-limit'], '1000');
  });

  test('one hourly bucket per user, shared by all their sessions (not by their keys)', async () => {
    const { tenant, user } = await tenantUser();
    const a = await signIn(t, user.username);
    const b = await signIn(t, user.username);
    const url = `/api/v1/tenants/${tenant.id}`;
    const r1 = await callAs(t, 'GET', url, { browser: a });
    const r2 = await callAs(t, 'GET', url, { browser: b });
    const r3 = await callAs(t, 'GET', url, { browser: a });
    assert.equal(r1.headers['x-ratelimit-limit'], String(SESSION_HOURLY_LIMIT));
    const remaining = [r1, r2, r3].map((r) => Number(r.headers['x-ratelimit-remaining']));
    assert.deepEqual(remaining, [remaining[0], remaining[0] - 1, remaining[0] - 2]);
    const key = await t.userKey(user.id);
    const byKey = await t.call('GET', url, { key });
    assert.equal(byKey.headers['x-ratelimit-remaining'], '999', "the user's key has its own bucket");
    await t.rt.flush();
    const [w] = await t.rt.db.execute<{ count: number }>(sql`select count from rate_limit_windows where bucket = ${user.id}`).then((r) => (Array.isArray(r) ? r : (r as { rows: { count: number }[] }).rows));
    assert.equal(Number(w.count), 3);
  });

  test("a member's session: reads yes, keys:write no (403 naming it); another tenant's path → 403", async () => {
    const { tenant, user } = await tenantUser('member');
    const b = await signIn(t, user.username);
    assert.equal((await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}/api-keys`, { browser: b })).statusCode, 200);
    const denied = assertError(await callAs(t, 'POST', `/api/v1/tenants/${tenant.id}/api-keys`, { browser: b, body: { name: 'nope' } }), 403, 'forbidden');
    assert.match(denied.error, /keys:write/);
    const theirs = await t.createTenant();
    assertError(await callAs(t, 'GET', `/api/v1/tenants/${theirs.id}`, { browser: b }), 403, 'forbidden');
  });

  test("an owner's session mints a tenant key within its own limits; a superadmin's session acts as a platform credential", async () => {
    const { tenant, user } = await tenantUser();
    const b = await signIn(t, user.username);
    const minted = await callAs(t, 'POST', `/api/v1/tenants/${tenant.id}/api-keys`, { browser: b, body: { name: 'from the dashboard' } });
    assert.equal(minted.statusCode, 201, minted.body);
    assert.equal(minted.json().apiKey.hourlyLimit, 1000);
    assert.equal((await t.call('GET', `/api/v1/tenants/${tenant.id}`, { key: minted.json().key })).statusCode, 200);

    const admin = await t.createUser({ tenantId: null, role: 'superadmin' });
    const s = await signIn(t, admin.username);
    const list = await callAs(t, 'GET', '/api/v1/tenants', { browser: s });
    assert.equal(list.statusCode, 200);
    assert.ok(list.json().total >= 2);
  });

  test("a suspended tenant's sessions → 403 tenant_suspended at once; reactivated, they work again", async () => {
    const { tenant, user } = await tenantUser();
    const b = await signIn(t, user.username);
    const platform = await t.platformKey();
    assert.equal((await t.call('PATCH', `/api/v1/tenants/${tenant.id}`, { key: platform, body: { status: 'suspended' } })).statusCode, 200);
    assertError(await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b }), 403, 'tenant_suspended');
    assertError(await callAs(t, 'GET', '/api/v1/auth/session', { browser: b }), 403, 'tenant_suspended');
    assert.equal((await t.call('PATCH', `/api/v1/tenants/${tenant.id}`, { key: platform, body: { status: 'active' } })).statusCode, 200);
    assert.equal((await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b })).statusCode, 200);
  });

  test("a deleted user's session → 401", async () => {
    const { tenant, user } = await tenantUser('admin');
    const b = await signIn(t, user.username);
    await t.rt.db.delete(users).where(eq(users.id, user.id));
    await t.rt.credentials.invalidateAll();
    assertError(await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: b }), 401, 'unauthorized');
  });

  test('a presented cookie that fails counts against the IP like a bad key', async () => {
    await awayFromEdge(MINUTE, 10_000);
    const { tenant } = await tenantUser();
    const ip = freshIp();
    const dead = { cookie: 'B'.repeat(43), csrf: '', user: {} as Browser['user'] };
    for (let i = 0; i < t.rt.config.authFailuresPerMinute; i++) {
      assertError(await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: dead, ip }), 401, 'unauthorized');
    }
    assertError(await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: dead, ip }), 429, 'rate_limited');
  });
});

describe('CORS', () => {
  test('a preflight: any origin, Bearer headers, no credentials, no X-CSRF-Token; not audited', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/tenants',
      headers: { origin: 'https://integration.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.match(String(res.headers['access-control-allow-headers']), /Authorization/);
    assert.doesNotMatch(String(res.headers['access-control-allow-headers']), /csrf/i);
    assert.match(String(res.headers['access-control-allow-methods']), /PATCH/);
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
    await t.rt.flush();
    const rows = await t.rt.db.select().from(auditLog).where(eq(auditLog.requestId, String(res.headers['x-request-id'])));
    assert.equal(rows.length, 0);
  });

  test('API answers allow any origin without credentials and expose the rate-limit headers', async () => {
    const { key } = await t.tenantWithKey();
    const res = await t.call('GET', '/api/v1/tenants', { key, headers: { origin: 'https://integration.example' } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
    assert.match(String(res.headers['access-control-expose-headers']), /X-RateLimit-Remaining/);
    const err = await t.call('GET', '/api/v1/tenants', { headers: { origin: 'https://integration.example' } });
    assert.equal(err.headers['access-control-allow-origin'], '*', 'errors too, so the caller can read them');
  });
});
