// The users of a tenant over HTTP (/api/v1/tenants/{tenantId}/users): list, invite by email (the
// mail goes through a real local SMTP server) and accept through the reset-password flow, role
// changes and removal under the owner rules, and removal cutting off sessions and keys at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { mintKey } from '../../src/platform/keys.ts';
import { apiKeys, events, mailOutbox, userTokens, users } from '../../src/platform/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError, withoutRequestId } from '../helpers/assertions.ts';
import { startSmtpServer, type LocalSmtp, type ReceivedMail } from '../helpers/smtp.ts';
import { callAs, sessionCookieFrom, signIn, signInRequest, type Browser } from '../helpers/sessions.ts';

let smtp: LocalSmtp;
let inbox: ReceivedMail[];
let t: TestApp;

before(async () => {
  smtp = await startSmtpServer();
  inbox = smtp.inbox;
  t = await startTestApp({ SMTP_URL: smtp.url });
});

after(async () => {
  await t.close();
  await smtp.close();
});

/** The accept-invite link in a received mail (quoted-printable soft breaks undone). */
function inviteLinkIn(raw: string): URL {
  const text = raw.replace(/=\r\n/g, '').replace(/=3D/g, '=');
  const match = /http:\/\/orgstack\.test\/dashboard\/accept-invite\?token=[A-Za-z0-9%]+/.exec(text);
  assert.ok(match, `an accept-invite link in:\n${text}`);
  return new URL(match[0]);
}

/** A tenant with an owner signed in. */
async function ownedTenant() {
  const tenant = await t.createTenant();
  const owner = await t.createUser({ tenantId: tenant.id, role: 'owner' });
  return { tenant, owner, browser: await signIn(t, owner.username) };
}

async function member(tenantId: string, role: 'owner' | 'admin' | 'member') {
  const user = await t.createUser({ tenantId, role });
  return { user, browser: await signIn(t, user.username) };
}

const usersUrl = (tenantId: string) => `/api/v1/tenants/${tenantId}/users`;
const userUrl = (tenantId: string, userId: string) => `/api/v1/tenants/${tenantId}/users/${userId}`;
const roleOf = async (userId: string) => (await t.rt.db.select({ role: users.role }).from(users).where(eq(users.id, userId)))[0]?.role;

describe('GET /tenants/{tenantId}/users', () => {
  test('oldest first, with role, email, pending; members may read', async () => {
    const { tenant, owner, browser } = await ownedTenant();
    const m = await member(tenant.id, 'member');
    const res = await callAs(t, 'GET', usersUrl(tenant.id), { browser });
    assert.equal(res.statusCode, 200, res.body);
    const list = res.json().users;
    assert.deepEqual(list.map((u: { id: string }) => u.id), [owner.id, m.user.id]);
    assert.deepEqual(Object.keys(list[0]).sort(), ['createdAt', 'email', 'id', 'invitedAt', 'pending', 'role', 'username']);
    assert.deepEqual([list[0].role, list[0].pending, list[0].invitedAt], ['owner', false, null]);
    assert.equal((await callAs(t, 'GET', usersUrl(tenant.id), { browser: m.browser })).statusCode, 200);
    const { key } = await t.tenantWithKey({ permissions: ['users:read'] });
    assert.equal((await t.call('GET', usersUrl(tenant.id), { key })).statusCode, 403, "another tenant's key");
  });

  test('a platform key on a tenant that does not exist → 404', async () => {
    const key = await t.platformKey();
    assertError(await t.call('GET', usersUrl('0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60'), { key }), 404, 'not_found');
  });
});

describe('POST /tenants/{tenantId}/users (invite)', () => {
  test('201 pending user; the invitation email arrives by SMTP; the link sets a password and signs in; a member cannot make keys', async () => {
    const { tenant, browser } = await ownedTenant();
    const before = inbox.length;
    const res = await callAs(t, 'POST', usersUrl(tenant.id), { browser, body: { email: 'Mei.Lin+front@Example.com', role: 'member' } });
    assert.equal(res.statusCode, 201, res.body);
    const { user } = res.json();
    assert.equal(user.email, 'Mei.Lin+front@Example.com');
    assert.equal(user.username, 'mei.lin-front');
    assert.equal(user.role, 'member');
    assert.equal(user.pending, true);
    assert.ok(Date.now() - Date.parse(user.invitedAt) < 60_000);

    // Delivered after the commit, through SMTP; the outbox keeps the mail without the live token.
    assert.equal(inbox.length, before + 1);
    const mail = inbox[inbox.length - 1];
    assert.deepEqual(mail.to.map((a) => a.toLowerCase()), ['mei.lin+front@example.com']);
    const link = inviteLinkIn(mail.raw);
    const token = link.searchParams.get('token')!;
    assert.match(mail.raw, /mei\.lin-front/);
    const [outbox] = await t.rt.db.select().from(mailOutbox).where(eq(mailOutbox.to, 'Mei.Lin+front@Example.com'));
    assert.equal(outbox.status, 'sent');
    assert.ok(!outbox.text.includes(token), 'the outbox does not keep the token of a delivered mail');
    const [ev] = await t.rt.db.select().from(events).where(and(eq(events.tenantId, tenant.id), eq(events.type, 'user.invited')));
    assert.ok(ev, 'user.invited event');

    // The invitee cannot sign in yet; the link tells the page who they are.
    assert.equal((await signInRequest(t, 'mei.lin+front@example.com', 'anything at all')).statusCode, 401);
    const look = await callAs(t, 'GET', `/api/v1/auth/tokens/${token}`);
    assert.deepEqual(look.json(), { purpose: 'invite', username: 'mei.lin-front' });

    const accepted = await callAs(t, 'POST', '/api/v1/auth/reset-password', { body: { token, newPassword: 'my first password' } });
    assert.equal(accepted.statusCode, 200, accepted.body);
    const invitee: Browser = { cookie: sessionCookieFrom(accepted)!, csrf: accepted.json().csrfToken, user: accepted.json().user };
    assert.equal(invitee.user.tenantId, tenant.id);
    assert.equal(invitee.user.role, 'member');
    assertError(await callAs(t, 'POST', `/api/v1/tenants/${tenant.id}/api-keys`, { browser: invitee, body: {} }), 403, 'forbidden');
    assert.equal((await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: invitee })).statusCode, 200);
    // Signs in by email from now on; the list shows them as no longer pending.
    await signIn(t, 'MEI.LIN+FRONT@example.com', 'my first password');
    const listed = (await callAs(t, 'GET', usersUrl(tenant.id), { browser })).json().users.find((u: { id: string }) => u.id === user.id);
    assert.equal(listed.pending, false);
    // The link is used up.
    assertError(await callAs(t, 'POST', '/api/v1/auth/reset-password', { body: { token, newPassword: 'another password' } }), 400, 'token_invalid');
  });

  test('an email already in the tenant (any case) → 409, no second user, no mail; other tenants may use it', async () => {
    const { tenant, browser } = await ownedTenant();
    const first = await callAs(t, 'POST', usersUrl(tenant.id), { browser, body: { email: 'dup@example.com', role: 'admin' } });
    assert.equal(first.statusCode, 201);
    const mails = inbox.length;
    assertError(await callAs(t, 'POST', usersUrl(tenant.id), { browser, body: { email: 'DUP@example.com', role: 'member' } }), 409, 'conflict');
    assert.equal(inbox.length, mails);
    assert.equal((await t.rt.db.select().from(users).where(eq(users.tenantId, tenant.id))).length, 2);

    const other = await ownedTenant();
    const elsewhere = await callAs(t, 'POST', usersUrl(other.tenant.id), { browser: other.browser, body: { email: 'dup@example.com', role: 'member' } });
    assert.equal(elsewhere.statusCode, 201);
    assert.equal(elsewhere.json().user.username, 'dup-2', 'usernames are unique across tenants');
  });

  test('a bad email and role: 400 naming both', async () => {
    const { tenant, browser } = await ownedTenant();
    const res = await callAs(t, 'POST', usersUrl(tenant.id), { browser, body: { email: 'not-an-email', role: 'superadmin' } });
    const body = assertError(res, 400, 'validation_failed');
    assert.deepEqual(Object.keys(body.fieldErrors).sort(), ['email', 'role']);
  });

  test('only an owner may invite an owner: an admin or a tenant key → 403; an owner → 201', async () => {
    const { tenant, browser } = await ownedTenant();
    const admin = await member(tenant.id, 'admin');
    assertError(await callAs(t, 'POST', usersUrl(tenant.id), { browser: admin.browser, body: { email: 'boss@example.com', role: 'owner' } }), 403, 'forbidden');
    const { key: tenantKey } = await mintKey(t.rt.db, { kind: 'tenant', tenantId: tenant.id }, null);
    assertError(await t.call('POST', usersUrl(tenant.id), { key: tenantKey, body: { email: 'boss@example.com', role: 'owner' } }), 403, 'forbidden');
    assert.equal((await callAs(t, 'POST', usersUrl(tenant.id), { browser: admin.browser, body: { email: 'staff@example.com', role: 'admin' } })).statusCode, 201);
    assert.equal((await callAs(t, 'POST', usersUrl(tenant.id), { browser, body: { email: 'boss@example.com', role: 'owner' } })).statusCode, 201);
  });

  test('a member cannot invite (403 users:write)', async () => {
    const { tenant } = await ownedTenant();
    const m = await member(tenant.id, 'member');
    const denied = assertError(await callAs(t, 'POST', usersUrl(tenant.id), { browser: m.browser, body: { email: 'x@example.com', role: 'member' } }), 403, 'forbidden');
    assert.match(denied.error, /users:write/);
  });
});

describe('PATCH /tenants/{tenantId}/users/{userId} (role)', () => {
  test('an owner promotes a member to admin: their open session gains keys:write at once; demoted, loses it at once', async () => {
    const { tenant, browser } = await ownedTenant();
    const m = await member(tenant.id, 'member');
    const keysUrl = `/api/v1/tenants/${tenant.id}/api-keys`;
    assertError(await callAs(t, 'POST', keysUrl, { browser: m.browser, body: {} }), 403, 'forbidden');
    const res = await callAs(t, 'PATCH', userUrl(tenant.id, m.user.id), { browser, body: { role: 'admin' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().user.role, 'admin');
    assert.equal((await callAs(t, 'POST', keysUrl, { browser: m.browser, body: {} })).statusCode, 201);
    assert.equal((await callAs(t, 'PATCH', userUrl(tenant.id, m.user.id), { browser, body: { role: 'member' } })).statusCode, 200);
    assertError(await callAs(t, 'POST', keysUrl, { browser: m.browser, body: {} }), 403, 'forbidden');
  });

  test('the last owner cannot be demoted (409 last_owner); with a second owner they can', async () => {
    const { tenant, owner, browser } = await ownedTenant();
    const res = await callAs(t, 'PATCH', userUrl(tenant.id, owner.id), { browser, body: { role: 'admin' } });
    assertError(res, 409, 'last_owner');
    assert.equal(await roleOf(owner.id), 'owner');
    const second = await member(tenant.id, 'owner');
    assert.equal((await callAs(t, 'PATCH', userUrl(tenant.id, owner.id), { browser: second.browser, body: { role: 'admin' } })).statusCode, 200);
    assertError(await callAs(t, 'PATCH', userUrl(tenant.id, second.user.id), { browser: second.browser, body: { role: 'member' } }), 409, 'last_owner');
  });

  test('an admin cannot make someone owner, nor change an owner (403); may change members and admins', async () => {
    const { tenant, owner } = await ownedTenant();
    await member(tenant.id, 'owner'); // two owners: the 403 is about the admin, not the last owner
    const admin = await member(tenant.id, 'admin');
    const m = await member(tenant.id, 'member');
    assertError(await callAs(t, 'PATCH', userUrl(tenant.id, m.user.id), { browser: admin.browser, body: { role: 'owner' } }), 403, 'forbidden');
    assertError(await callAs(t, 'PATCH', userUrl(tenant.id, owner.id), { browser: admin.browser, body: { role: 'member' } }), 403, 'forbidden');
    assertError(await callAs(t, 'PATCH', userUrl(tenant.id, admin.user.id), { browser: admin.browser, body: { role: 'owner' } }), 403, 'forbidden');
    assert.equal(await roleOf(owner.id), 'owner');
    assert.equal(await roleOf(m.user.id), 'member');
    assert.equal((await callAs(t, 'PATCH', userUrl(tenant.id, m.user.id), { browser: admin.browser, body: { role: 'admin' } })).statusCode, 200);
  });

  test("a user of another tenant, an unknown id, a malformed id → the same 404; a bad role → 400", async () => {
    const { tenant, browser } = await ownedTenant();
    const other = await ownedTenant();
    const foreign = await callAs(t, 'PATCH', userUrl(tenant.id, other.owner.id), { browser, body: { role: 'member' } });
    const missing = await callAs(t, 'PATCH', userUrl(tenant.id, '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60'), { browser, body: { role: 'member' } });
    assertError(foreign, 404, 'not_found');
    assertError(missing, 404, 'not_found');
    assert.equal(withoutRequestId(foreign), withoutRequestId(missing));
    assertError(await callAs(t, 'PATCH', userUrl(tenant.id, 'nope'), { browser, body: { role: 'member' } }), 404, 'not_found');
    assert.equal(await roleOf(other.owner.id), 'owner');
    const bad = assertError(await callAs(t, 'PATCH', userUrl(tenant.id, other.owner.id), { browser, body: { role: 'boss', extra: 1 } }), 400, 'validation_failed');
    assert.deepEqual(Object.keys(bad.fieldErrors).sort(), ['extra', 'role']);
  });
});

describe('DELETE /tenants/{tenantId}/users/{userId}', () => {
  test("204: the user's sessions and oxk_ keys stop working at once; their rows are gone", async () => {
    const { tenant, browser } = await ownedTenant();
    const admin = await member(tenant.id, 'admin');
    const key = await t.userKey(admin.user.id);
    assert.equal((await t.call('GET', `/api/v1/tenants/${tenant.id}`, { key })).statusCode, 200);
    assert.equal((await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: admin.browser })).statusCode, 200);

    const res = await callAs(t, 'DELETE', userUrl(tenant.id, admin.user.id), { browser });
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(res.body, '');
    assertError(await callAs(t, 'GET', `/api/v1/tenants/${tenant.id}`, { browser: admin.browser }), 401, 'unauthorized');
    assertError(await t.call('GET', `/api/v1/tenants/${tenant.id}`, { key }), 401, 'unauthorized');
    assert.equal((await t.rt.db.select().from(users).where(eq(users.id, admin.user.id))).length, 0);
    assert.equal((await t.rt.db.select().from(apiKeys).where(eq(apiKeys.userId, admin.user.id))).length, 0);
    const [ev] = await t.rt.db.select().from(events).where(and(eq(events.tenantId, tenant.id), eq(events.type, 'user.removed')));
    assert.ok(ev);
    // Gone is gone: a second delete is a 404.
    assertError(await callAs(t, 'DELETE', userUrl(tenant.id, admin.user.id), { browser }), 404, 'not_found');
  });

  test('a pending invitation can be withdrawn: its link dies with it', async () => {
    const { tenant, browser } = await ownedTenant();
    const invited = (await callAs(t, 'POST', usersUrl(tenant.id), { browser, body: { email: 'withdrawn@example.com', role: 'member' } })).json().user;
    const token = inviteLinkIn(inbox[inbox.length - 1].raw).searchParams.get('token')!;
    assert.equal((await callAs(t, 'DELETE', userUrl(tenant.id, invited.id), { browser })).statusCode, 204);
    assert.equal((await t.rt.db.select().from(userTokens).where(eq(userTokens.userId, invited.id))).length, 0);
    assertError(await callAs(t, 'GET', `/api/v1/auth/tokens/${token}`), 404, 'token_invalid');
  });

  test('the last owner cannot be removed (409); an admin cannot remove an owner (403)', async () => {
    const { tenant, owner, browser } = await ownedTenant();
    assertError(await callAs(t, 'DELETE', userUrl(tenant.id, owner.id), { browser }), 409, 'last_owner');
    const admin = await member(tenant.id, 'admin');
    const second = await member(tenant.id, 'owner');
    assertError(await callAs(t, 'DELETE', userUrl(tenant.id, owner.id), { browser: admin.browser }), 403, 'forbidden');
    assert.equal(await roleOf(owner.id), 'owner');
    // An owner may remove another owner (and themselves) while one remains.
    assert.equal((await callAs(t, 'DELETE', userUrl(tenant.id, owner.id), { browser: second.browser })).statusCode, 204);
    assertError(await callAs(t, 'DELETE', userUrl(tenant.id, second.user.id), { browser: second.browser }), 409, 'last_owner');
  });

  test("another tenant's user → 404, and they stay", async () => {
    const { tenant, browser } = await ownedTenant();
    const other = await ownedTenant();
    const victim = await member(other.tenant.id, 'member');
    assertError(await callAs(t, 'DELETE', userUrl(tenant.id, victim.user.id), { browser }), 404, 'not_found');
    assert.equal(await roleOf(victim.user.id), 'member');
    assert.equal((await callAs(t, 'GET', `/api/v1/tenants/${other.tenant.id}`, { browser: victim.browser })).statusCode, 200);
  });
});
