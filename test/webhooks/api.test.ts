// The webhook endpoints as a resource on both doors: validation (SSRF guard, URL length, event
// types, the 20-endpoint limit, rotation overlap), secrets shown once, tenant isolation,
// permissions, the event catalogue, and the /api/client twin.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError, assertWorkError } from '../helpers/assertions.ts';
import { hosts } from '../helpers/local-servers.ts';
import { receiver, registerEndpoint, standardVerify, until, WEBHOOK_ENV, type Receiver } from '../helpers/webhooks.ts';

let t: TestApp;
let r: Receiver;
before(async () => {
  t = await startTestApp(WEBHOOK_ENV);
  r = await receiver();
  // Names resolve from this table only (no DNS here): one public, one private, one loopback.
  t.rt.outbound = { ...t.rt.outbound, resolve: hosts({ 'example.com': '93.184.216.34', 'intranet.test': '10.0.0.8', 'hook.test': '127.0.0.1' }) };
});
after(async () => {
  await r.close();
  await t.close();
});

const PERMS = ['webhooks:read', 'webhooks:write'];
const count = async (tenantId: string) =>
  Number((await queryRows<{ n: number }>(t.rt.db, sql`select count(*)::int as n from webhook_endpoints where tenant_id = ${tenantId}`))[0].n);

describe('webhook endpoints on /api/v1', () => {
  test('create, list, get, edit, delete; the secret is shown once and never again', async () => {
    const a = await t.tenantWithKey({ permissions: PERMS });
    const base = `/api/v1/tenants/${a.tenant.id}/webhooks`;
    const created = await t.call('POST', base, { key: a.key, body: { url: r.url, description: 'Orders', eventTypes: ['decision.*', 'shop.created', 'shop.created'] } });
    assert.equal(created.statusCode, 201, created.body);
    const { webhook, secret } = created.json();
    assert.match(secret, /^whsec_/);
    assert.deepEqual(webhook.eventTypes, ['decision.*', 'shop.created']);
    assert.deepEqual(Object.keys(webhook).sort(), [
      'createdAt', 'description', 'disabledReason', 'enabled', 'eventTypes', 'failingSince', 'id', 'lastFailureAt', 'lastSuccessAt', 'previousSecretExpiresAt', 'updatedAt', 'url',
    ]);
    const list = await t.call('GET', base, { key: a.key });
    assert.equal(list.statusCode, 200);
    assert.equal(list.json().total, 1);
    assert.deepEqual(list.json().pagination, { limit: 100, offset: 0, has_more: false });
    assert.ok(!list.body.includes(secret.slice(6)), 'lists never show the secret');
    const got = await t.call('GET', `${base}/${webhook.id}`, { key: a.key });
    assert.deepEqual(got.json().webhook, webhook);
    assert.ok(!got.body.includes('whsec_'));

    const edited = await t.call('PATCH', `${base}/${webhook.id}`, { key: a.key, body: { description: 'Orders v2', eventTypes: ['*'], enabled: false } });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json().webhook.description, 'Orders v2');
    assert.deepEqual(edited.json().webhook.eventTypes, ['*']);
    assert.equal(edited.json().webhook.enabled, false);
    assert.equal(edited.json().webhook.disabledReason, null, 'disabled by the tenant, not by the server');

    const del = await t.call('DELETE', `${base}/${webhook.id}`, { key: a.key });
    assert.equal(del.statusCode, 204);
    assertError(await t.call('GET', `${base}/${webhook.id}`, { key: a.key }), 404, 'not_found');
    assert.equal(await count(a.tenant.id), 0);
  });

  test('an idempotent replay of a creation shows the secret as null', async () => {
    const a = await t.tenantWithKey({ permissions: PERMS });
    const opts = { key: a.key, body: { url: r.url }, headers: { 'idempotency-key': 'create-hook-1' } };
    const first = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks`, opts);
    assert.equal(first.statusCode, 201);
    assert.match(first.json().secret, /^whsec_/);
    const again = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks`, opts);
    assert.equal(again.statusCode, 201);
    assert.equal(again.json().secret, null);
    assert.equal(again.json().webhook.id, first.json().webhook.id);
    assert.equal(await count(a.tenant.id), 1);
  });

  test('bad URLs are refused with fieldErrors.url and change nothing', async () => {
    const a = await t.tenantWithKey({ permissions: PERMS });
    const cases: [string, RegExp][] = [
      ['http://example.com/hook', /https/],
      ['ftp://example.com/hook', /https/],
      ['https://10.0.0.7/hook', /public address/],
      ['https://169.254.169.254/latest/meta-data', /public address/],
      ['https://[::ffff:10.0.0.1]/hook', /public address/],
      ['https://192.168.1.1/hook', /public address/],
      ['https://0.0.0.0/hook', /public address/],
      ['https://intranet.test/hook', /public address/],
      ['https://unknown.test/hook', /resolve/],
      ['https://user:pw@example.com/hook', /credentials/],
      ['not a url', /https/],
      [`https://example.com/${'a'.repeat(2048)}`, /2048|2,048/],
    ];
    for (const [url, message] of cases) {
      const res = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks`, { key: a.key, body: { url } });
      const body = assertError(res, 400, 'validation_failed');
      assert.match(String(body.fieldErrors?.url), message, `${url}: ${res.body}`);
    }
    assert.equal(await count(a.tenant.id), 0);
    // Editing to a bad URL is refused the same way and keeps the old one.
    const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: r.url });
    const res = await t.call('PATCH', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}`, { key: a.key, body: { url: 'https://10.1.2.3/x' } });
    assertError(res, 400, 'validation_failed');
    assert.equal((await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}`, { key: a.key })).json().webhook.url, r.url);
  });

  test('the guard runs again on every attempt: a name that now resolves to a private address is not reached', async () => {
    const a = await t.tenantWithKey({ permissions: PERMS });
    const own = await receiver();
    try {
      const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: `http://hook.test:${own.port}/hook` });
      const first = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/test`, { key: a.key });
      assert.equal(first.statusCode, 201);
      await until('the first test event', () => own.received[0]);
      const resolve = t.rt.outbound.resolve;
      t.rt.outbound = { ...t.rt.outbound, resolve: hosts({ 'hook.test': '10.0.0.8' }) };
      try {
        await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/test`, { key: a.key });
        const attempt = await until('the refused attempt', async () => {
          const log = (await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/deliveries`, { key: a.key })).json();
          return log.deliveries.length === 2 ? log.deliveries[0].attempts[0] : null;
        });
        assert.deepEqual([attempt.status, attempt.error], [null, 'blocked_address']);
        assert.equal(own.received.length, 1);
      } finally {
        t.rt.outbound = { ...t.rt.outbound, resolve };
      }
    } finally {
      await own.close();
    }
  });

  test('http:// loopback needs WEBHOOK_ALLOW_LOOPBACK', async () => {
    const strict = await startTestApp();
    try {
      const a = await strict.tenantWithKey({ permissions: PERMS });
      for (const url of [r.url, r.url.replace('http:', 'https:')]) {
        const res = await strict.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks`, { key: a.key, body: { url } });
        assert.ok(assertError(res, 400, 'validation_failed').fieldErrors.url, res.body);
      }
    } finally {
      await strict.close();
    }
  });

  test('unknown event types, empty lists and unknown fields are refused', async () => {
    const a = await t.tenantWithKey({ permissions: PERMS });
    const base = `/api/v1/tenants/${a.tenant.id}/webhooks`;
    let body = assertError(await t.call('POST', base, { key: a.key, body: { url: r.url, eventTypes: ['shop.created', 'shop.exploded', 'nothing.*'] } }), 400, 'validation_failed');
    assert.deepEqual(body.fieldErrors.eventTypes.length, 2);
    assert.match(body.fieldErrors.eventTypes[0], /shop\.exploded/);
    body = assertError(await t.call('POST', base, { key: a.key, body: { url: r.url, eventTypes: [] } }), 400, 'validation_failed');
    assert.ok(body.fieldErrors.eventTypes);
    body = assertError(await t.call('POST', base, { key: a.key, body: { url: r.url, secret: 'whsec_mine' } }), 400, 'validation_failed');
    assert.deepEqual(body.fieldErrors.secret, ['Unknown field']);
    assert.equal(await count(a.tenant.id), 0);
  });

  test('the 21st endpoint is a 409', async () => {
    const a = await t.tenantWithKey({ permissions: PERMS });
    const made = await Promise.all(Array.from({ length: 21 }, () => t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks`, { key: a.key, body: { url: r.url } })));
    assert.deepEqual(made.map((m) => m.statusCode).sort(), [...Array(20).fill(201), 409]);
    assertError(made.find((m) => m.statusCode === 409)!, 409, 'conflict');
    assert.equal(await count(a.tenant.id), 20);
  });

  test('rotate: a negative or oversized overlap is a 400 and keeps the secret', async () => {
    const a = await t.tenantWithKey({ permissions: PERMS });
    const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: r.url });
    const [before] = await queryRows<{ secret: string }>(t.rt.db, sql`select secret from webhook_endpoints where id = ${ep.id}`);
    for (const overlapSeconds of [-1, 1.5, 'soon', 31 * 86400]) {
      const res = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/rotate-secret`, { key: a.key, body: { overlapSeconds } });
      assert.ok(assertError(res, 400, 'validation_failed').fieldErrors.overlapSeconds, res.body);
    }
    const [after] = await queryRows<{ secret: string }>(t.rt.db, sql`select secret from webhook_endpoints where id = ${ep.id}`);
    assert.equal(after.secret, before.secret);
    // Without a body: the default overlap of a day.
    const res = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/rotate-secret`, { key: a.key });
    assert.equal(res.statusCode, 201, res.body);
    const until = Date.parse(res.json().webhook.previousSecretExpiresAt) - Date.now();
    assert.ok(until > 86_000_000 && until <= 86_400_000, String(until));
  });

  test("another tenant's endpoint or delivery id is a 404; a key of another tenant on this path is a 403", async () => {
    const a = await t.tenantWithKey({ permissions: PERMS });
    const b = await t.tenantWithKey({ permissions: PERMS });
    const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: r.url });
    const sent = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/test`, { key: a.key });
    assert.equal(sent.statusCode, 201, sent.body);
    const deliveryId = sent.json().deliveryId;
    const bBase = `/api/v1/tenants/${b.tenant.id}/webhooks/${ep.id}`;
    for (const [method, url, body] of [
      ['GET', bBase, undefined],
      ['PATCH', bBase, { description: 'x' }],
      ['DELETE', bBase, undefined],
      ['POST', `${bBase}/rotate-secret`, {}],
      ['POST', `${bBase}/test`, undefined],
      ['GET', `${bBase}/deliveries`, undefined],
      ['POST', `${bBase}/deliveries/${deliveryId}/retry`, undefined],
      ['POST', `${bBase}/replay`, { since: new Date().toISOString() }],
    ] as const) {
      assertError(await t.call(method, url, { key: b.key, body }), 404, 'not_found');
    }
    // b's own endpoint with a's delivery id: still 404.
    const bep = await registerEndpoint(t, b.tenant.id, b.key, { url: r.url });
    assertError(await t.call('POST', `/api/v1/tenants/${b.tenant.id}/webhooks/${bep.id}/deliveries/${deliveryId}/retry`, { key: b.key }), 404, 'not_found');
    assertError(await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks`, { key: b.key }), 403, 'forbidden');
    // Nothing changed for a.
    assert.equal((await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}`, { key: a.key })).json().webhook.description, '');
  });

  test('permissions: webhooks:read lists but cannot write; members read, admins write', async () => {
    const a = await t.tenantWithKey({ permissions: ['webhooks:read'] });
    assert.equal((await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks`, { key: a.key })).statusCode, 200);
    assertError(await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks`, { key: a.key, body: { url: r.url } }), 403, 'forbidden');
    const member = await t.createUser({ tenantId: a.tenant.id, role: 'member' });
    const memberKey = await t.userKey(member.id);
    assert.equal((await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks`, { key: memberKey })).statusCode, 200);
    assertError(await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks`, { key: memberKey, body: { url: r.url } }), 403, 'forbidden');
    const admin = await t.createUser({ tenantId: a.tenant.id, role: 'admin' });
    const adminKey = await t.userKey(admin.id);
    assert.equal((await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks`, { key: adminKey, body: { url: r.url } })).statusCode, 201);
    // Default tenant keys hold both.
    const d = await t.tenantWithKey();
    assert.equal((await t.call('POST', `/api/v1/tenants/${d.tenant.id}/webhooks`, { key: d.key, body: { url: r.url } })).statusCode, 201);
    // A platform key on a tenant that does not exist: 404.
    const platform = await t.platformKey();
    assertError(await t.call('GET', '/api/v1/tenants/00000000-0000-7000-8000-000000000000/webhooks', { key: platform }), 404, 'not_found');
  });

  test('deliveries log: bad filters are 400s; replay since more than 30 days ago is a 400', async () => {
    const a = await t.tenantWithKey({ permissions: PERMS });
    const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: r.url });
    const base = `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}`;
    assertError(await t.call('GET', `${base}/deliveries?status=lost`, { key: a.key }), 400, 'validation_failed');
    assertError(await t.call('GET', `${base}/deliveries?limit=0`, { key: a.key }), 400, 'validation_failed');
    assertError(await t.call('POST', `${base}/replay`, { key: a.key, body: { since: 'yesterday' } }), 400, 'validation_failed');
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    const body = assertError(await t.call('POST', `${base}/replay`, { key: a.key, body: { since: old } }), 400, 'validation_failed');
    assert.ok(body.fieldErrors.since);
    // The test delivery shows under its own type filter.
    await t.call('POST', `${base}/test`, { key: a.key });
    const filtered = await until('the test delivery', async () => (await t.call('GET', `${base}/deliveries?eventType=webhook.*`, { key: a.key })).json().deliveries[0]);
    assert.equal(filtered.eventType, 'webhook.test');
    assert.equal((await t.call('GET', `${base}/deliveries?eventType=shop.created`, { key: a.key })).json().total, 0);
  });

  test('GET /api/v1/webhook-event-types lists the catalogue: the six contract types among them, each with description and example', async () => {
    const a = await t.tenantWithKey({ permissions: ['shops:read'] });
    const res = await t.call('GET', '/api/v1/webhook-event-types', { key: a.key });
    assert.equal(res.statusCode, 200, res.body);
    const types = res.json().eventTypes as { type: string; description: string; example: unknown }[];
    const names = types.map((x) => x.type);
    for (const must of ['decision.created', 'decision.resolved', 'artifact.shipped', 'agent.started', 'agent.completed', 'initiative.updated', 'task.created', 'shop.created', 'employee.created', 'tenant.updated', 'webhook.test']) {
      assert.ok(names.includes(must), must);
    }
    for (const x of types) {
      assert.ok(x.description.length > 0, x.type);
      assert.notEqual(x.example, undefined, x.type);
    }
    assertError(await t.call('GET', '/api/v1/webhook-event-types'), 401, 'unauthorized');
  });
});

describe('webhook endpoints on /api/client', () => {
  test('the same resource in the OrgX envelope, snake_case, delivering like any other', async () => {
    const a = await t.tenantWithKey({ permissions: PERMS });
    const created = await t.call('POST', '/api/client/webhooks', { key: a.key, body: { url: r.url, event_types: ['webhook.*'], description: 'agent hooks' } });
    assert.equal(created.statusCode, 201, created.body);
    const { ok, data, secret } = created.json();
    assert.equal(ok, true);
    assert.match(secret, /^whsec_/);
    assert.deepEqual(data.event_types, ['webhook.*']);
    assert.equal(data.disabled_reason, null);
    const list = await t.call('GET', '/api/client/webhooks', { key: a.key });
    assert.equal(list.json().ok, true);
    assert.equal(list.json().data[0].id, data.id);
    assert.equal(list.json().total, 1);
    // The /api/v1 view of the same endpoint.
    assert.equal((await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${data.id}`, { key: a.key })).json().webhook.description, 'agent hooks');

    const sent = await t.call('POST', `/api/client/webhooks/${data.id}/test`, { key: a.key });
    assert.equal(sent.statusCode, 201, sent.body);
    const got = await until('the test delivery', () => r.received.find((g) => g.json.id === sent.json().data.event_id));
    assert.doesNotThrow(() => standardVerify(secret, got));
    const log = await until('logged', async () => {
      const body = (await t.call('GET', `/api/client/webhooks/${data.id}/deliveries?status=succeeded`, { key: a.key })).json();
      return body.data[0] ? body : null;
    });
    assert.equal(log.data[0].event_type, 'webhook.test');
    assert.equal(log.data[0].attempt_count, 1);
    assert.equal(typeof log.data[0].attempts[0].duration_ms, 'number');

    const bad = await t.call('PATCH', `/api/client/webhooks/${data.id}`, { key: a.key, body: { event_types: ['nope.nothing'] } });
    const err = assertWorkError(bad, 400, 'validation_failed');
    assert.ok(err.error.details.fields.event_types);
    const rotated = await t.call('POST', `/api/client/webhooks/${data.id}/rotate-secret`, { key: a.key, body: { overlap_seconds: 0 } });
    assert.equal(rotated.statusCode, 201, rotated.body);
    assert.notEqual(rotated.json().secret, secret);
    assertWorkError(await t.call('POST', `/api/client/webhooks/${data.id}/rotate-secret`, { key: a.key, body: { overlap_seconds: -5 } }), 400, 'validation_failed');

    const other = await t.tenantWithKey({ permissions: PERMS });
    assertWorkError(await t.call('GET', `/api/client/webhooks/${data.id}`, { key: other.key }), 404, 'not_found');
    assertWorkError(await t.call('DELETE', `/api/client/webhooks/${data.id}`, { key: other.key }), 404, 'not_found');
    const del = await t.call('DELETE', `/api/client/webhooks/${data.id}`, { key: a.key });
    assert.deepEqual(del.json(), { ok: true, data: { id: data.id, deleted: true } });
  });
});
