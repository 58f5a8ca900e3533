// Webhook delivery end to end: events written through the API reach a real receiver on loopback,
// signed so that the `standardwebhooks` verifier and X-OrgX-Signature both accept them; filters,
// rotation, retries, Retry-After, 410, timeouts and oversized answers.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { pgArray, queryRows } from '../../src/db/index.ts';
import { eventId } from '../../src/platform/ids.ts';
import { purgeDeliveries } from '../../src/webhooks/deliveries.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { orgxSignatureValid, receiver, registerEndpoint, sleep, standardVerify, until, WEBHOOK_ENV, type Receiver } from '../helpers/webhooks.ts';

let t: TestApp;
const receivers: Receiver[] = [];
before(async () => {
  t = await startTestApp(WEBHOOK_ENV);
});
after(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await t.close();
});

async function newReceiver() {
  const r = await receiver();
  receivers.push(r);
  return r;
}

const PERMS = ['webhooks:read', 'webhooks:write', 'shops:read', 'shops:write'];

async function createShop(tenantId: string, key: string, name: string) {
  const res = await t.call('POST', `/api/v1/tenants/${tenantId}/shops`, { key, body: { name } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().shop;
}

const rows = <T>(q: ReturnType<typeof sql>) => queryRows<T>(t.rt.db, q);

describe('delivery', () => {
  test('an event reaches the receiver once, with the contract payload, headers and both signatures', async () => {
    const r = await newReceiver();
    const a = await t.tenantWithKey({ permissions: PERMS });
    const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: r.url, eventTypes: ['shop.*'] });
    assert.match(ep.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(ep.body.webhook.enabled, true);

    const shop = await createShop(a.tenant.id, a.key, 'Main street');
    const got = await until('the delivery', () => r.received[0]);
    assert.equal(got.json.type, 'shop.created');
    assert.deepEqual(Object.keys(got.json), ['id', 'type', 'created', 'workspace_id', 'data']);
    assert.match(got.json.id, /^evt_/);
    assert.equal(got.json.workspace_id, a.tenant.id);
    assert.equal(got.json.data.shop?.id ?? got.json.data.id, shop.id);
    assert.equal(new Date(got.json.created).toISOString(), got.json.created);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.match(String(got.headers['user-agent']), /^orgstack-webhooks\/\d+\.\d+\.\d+$/);
    assert.equal(got.headers['webhook-id'], got.json.id);
    assert.ok(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000) < 60);
    assert.deepEqual(standardVerify(ep.secret, got), got.json);
    assert.ok(orgxSignatureValid(ep.secret, got));
    assert.match(String(got.headers['x-orgx-signature']), /^sha256=[0-9a-f]{64}$/);
    assert.match(String(got.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/);
    // A wrong secret fails the stock verifier: the check above is not vacuous.
    assert.throws(() => standardVerify('whsec_' + Buffer.alloc(32, 1).toString('base64'), got));

    // The log shows one succeeded delivery with one attempt.
    await until('the log', async () => (await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/deliveries`, { key: a.key })).json().deliveries[0]?.status === 'succeeded');
    const log = (await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/deliveries`, { key: a.key })).json();
    assert.equal(log.total, 1);
    assert.equal(log.deliveries[0].eventId, got.json.id);
    assert.equal(log.deliveries[0].attemptCount, 1);
    assert.equal(log.deliveries[0].attempts[0].status, 204);
    assert.equal(log.deliveries[0].attempts[0].error, null);
    const health = (await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}`, { key: a.key })).json().webhook;
    assert.ok(health.lastSuccessAt);
    assert.equal(health.failingSince, null);
    await sleep(300);
    assert.equal(r.received.length, 1, 'delivered exactly once');
  });

  test('filters: exact types and prefix.* reach only the endpoints that subscribe; events before an endpoint existed are not sent', async () => {
    const all = await newReceiver();
    const shops = await newReceiver();
    const employees = await newReceiver();
    const a = await t.tenantWithKey({ permissions: PERMS });
    await createShop(a.tenant.id, a.key, 'Before any endpoint');
    await registerEndpoint(t, a.tenant.id, a.key, { url: all.url, eventTypes: ['*'] });
    await registerEndpoint(t, a.tenant.id, a.key, { url: shops.url, eventTypes: ['shop.created'] });
    await registerEndpoint(t, a.tenant.id, a.key, { url: employees.url, eventTypes: ['employee.*'] });
    const shop = await createShop(a.tenant.id, a.key, 'Second');
    const upd = await t.call('PATCH', `/api/v1/tenants/${a.tenant.id}/shops/${shop.id}`, { key: a.key, body: { name: 'Second, renamed' } });
    assert.equal(upd.statusCode, 200, upd.body);
    await until('both shop events at *', () => all.received.length >= 2);
    await until('shop.created', () => shops.received.length >= 1);
    await sleep(500);
    assert.deepEqual(all.received.map((g) => g.json.type).sort(), ['shop.created', 'shop.updated']);
    assert.deepEqual(shops.received.map((g) => g.json.type), ['shop.created']);
    assert.equal(employees.received.length, 0);
    // Another tenant's events never reach this tenant's endpoints.
    const b = await t.tenantWithKey({ permissions: PERMS });
    await createShop(b.tenant.id, b.key, 'Elsewhere');
    await sleep(500);
    assert.equal(all.received.length, 2);
  });

  test('rotation: during the overlap both secrets verify every delivery; after it only the new one', async () => {
    const r = await newReceiver();
    const a = await t.tenantWithKey({ permissions: PERMS });
    const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: r.url, eventTypes: ['shop.*'] });
    const rotate = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/rotate-secret`, { key: a.key, body: { overlapSeconds: 3600 } });
    assert.equal(rotate.statusCode, 201, rotate.body);
    const fresh = rotate.json().secret as string;
    assert.notEqual(fresh, ep.secret);
    assert.ok(rotate.json().webhook.previousSecretExpiresAt);
    await createShop(a.tenant.id, a.key, 'During overlap');
    const during = await until('delivery during overlap', () => r.received[0]);
    assert.equal(String(during.headers['webhook-signature']).split(' ').length, 2);
    assert.equal(String(during.headers['x-orgx-signature']).split(' ').length, 2);
    for (const secret of [ep.secret, fresh]) {
      assert.doesNotThrow(() => standardVerify(secret, during));
      assert.ok(orgxSignatureValid(secret, during));
    }

    const again = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/rotate-secret`, { key: a.key, body: { overlapSeconds: 0 } });
    assert.equal(again.statusCode, 201, again.body);
    const newest = again.json().secret as string;
    assert.equal(again.json().webhook.previousSecretExpiresAt, null);
    await createShop(a.tenant.id, a.key, 'After overlap');
    const later = await until('delivery after overlap', () => r.received[1]);
    assert.doesNotThrow(() => standardVerify(newest, later));
    assert.throws(() => standardVerify(fresh, later));
    assert.ok(!orgxSignatureValid(fresh, later));
    assert.ok(orgxSignatureValid(newest, later));
    // The secrets are stored sealed, never as given.
    const [stored] = await rows<{ secret: string }>(sql`select secret from webhook_endpoints where id = ${ep.id}`);
    assert.ok(!stored.secret.includes(newest.slice(6)));
  });

  test('a receiver that fails twice then answers 200 gets the same webhook-id three times; each attempt is logged', async () => {
    const r = await newReceiver();
    r.answer = (n, _req, res) => (n <= 2 ? res.writeHead(500).end('boom ' + n) : res.writeHead(200).end('ok'));
    const a = await t.tenantWithKey({ permissions: PERMS });
    const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: r.url, eventTypes: ['shop.created'] });
    await createShop(a.tenant.id, a.key, 'Flaky');
    await until('three attempts', () => r.received.length >= 3);
    assert.equal(new Set(r.received.map((g) => g.headers['webhook-id'])).size, 1);
    for (const g of r.received) assert.doesNotThrow(() => standardVerify(ep.secret, g));
    const log = await until('succeeded', async () => {
      const body = (await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/deliveries`, { key: a.key })).json();
      return body.deliveries[0]?.status === 'succeeded' ? body : null;
    });
    const d = log.deliveries[0];
    assert.equal(d.attemptCount, 3);
    assert.deepEqual(d.attempts.map((x: any) => [x.status, x.error, x.response]), [
      [500, 'http_error', 'boom 1'],
      [500, 'http_error', 'boom 2'],
      [200, null, 'ok'],
    ]);
    const webhook = (await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}`, { key: a.key })).json().webhook;
    assert.ok(webhook.lastFailureAt);
    assert.ok(webhook.lastSuccessAt);
    assert.equal(webhook.failingSince, null);
  });

  test('a receiver that always fails: the schedule ends with the delivery failed, the endpoint failing but enabled', async () => {
    const r = await newReceiver();
    r.answer = (_n, _req, res) => res.writeHead(503).end();
    const a = await t.tenantWithKey({ permissions: PERMS });
    const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: r.url, eventTypes: ['shop.created'] });
    await createShop(a.tenant.id, a.key, 'Down');
    const d = await until('failed', async () => {
      const body = (await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/deliveries?status=failed`, { key: a.key })).json();
      return body.deliveries[0];
    });
    assert.equal(d.attemptCount, 3, 'the schedule 0,1,1 is three attempts');
    assert.equal(d.nextAttemptAt, null);
    const webhook = (await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}`, { key: a.key })).json().webhook;
    assert.ok(webhook.failingSince);
    assert.equal(webhook.enabled, true);

    // Retry one delivery: a fresh schedule, the same webhook-id.
    r.answer = (_n, _req, res) => res.writeHead(202).end();
    const retry = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/deliveries/${d.id}/retry`, { key: a.key });
    assert.equal(retry.statusCode, 200, retry.body);
    assert.equal(retry.json().delivery.id, d.id);
    await until('the retried delivery', () => r.received.length >= 4);
    assert.equal(r.received[3].headers['webhook-id'], d.eventId);
  });

  test('Retry-After is honoured up to the next step of the schedule; a hanging endpoint holds only its own slots', async () => {
    const slow = await startTestApp({ ...WEBHOOK_ENV, WEBHOOK_RETRY_SCHEDULE: '0,1,30', WEBHOOK_TIMEOUT_MS: '20000', WEBHOOK_CONCURRENCY: '4', WEBHOOK_ENDPOINT_CONCURRENCY: '2' });
    const r = await newReceiver();
    r.answer = (n, _req, res) => (n === 1 ? res.writeHead(429, { 'retry-after': '5' }).end() : res.writeHead(204).end());
    try {
      const a = await slow.tenantWithKey({ permissions: PERMS });
      const ep = await registerEndpoint(slow, a.tenant.id, a.key, { url: r.url, eventTypes: ['shop.created'] });
      const res = await slow.call('POST', `/api/v1/tenants/${a.tenant.id}/shops`, { key: a.key, body: { name: 'Busy' } });
      assert.equal(res.statusCode, 201);
      await until('the first attempt', () => r.received.length === 1);
      const [row] = await until('the retry scheduled', async () => {
        const found = await queryRows<{ wait: number; status: string }>(
          slow.rt.db,
          sql`select extract(epoch from d.next_attempt_at - a.at)::float8 as wait, d.status from webhook_deliveries d
              join webhook_attempts a on a.delivery_id = d.id where d.endpoint_id = ${ep.id}`,
        );
        return found.length === 1 && found[0].status === 'pending' ? found : null;
      });
      // The schedule says 1 s (±20 %); the receiver asked for 5 s, within the next step (30 s).
      assert.ok(row.wait >= 4.9 && row.wait < 6, `waits ${row.wait} s`);

      // One endpoint hangs on every request; another, subscribed to the same events, gets all of
      // them meanwhile, and the hanging one never has more than its 2 attempts open.
      const hang = await newReceiver();
      hang.answer = () => {};
      const healthy = await newReceiver();
      const b = await slow.tenantWithKey({ permissions: PERMS });
      await registerEndpoint(slow, b.tenant.id, b.key, { url: hang.url, eventTypes: ['shop.created'] });
      await registerEndpoint(slow, b.tenant.id, b.key, { url: healthy.url, eventTypes: ['shop.created'] });
      for (let i = 0; i < 10; i++) assert.equal((await slow.call('POST', `/api/v1/tenants/${b.tenant.id}/shops`, { key: b.key, body: { name: `Shop ${i}` } })).statusCode, 201);
      await until('all ten at the healthy endpoint', () => healthy.received.length === 10);
      assert.equal(hang.received.length, 2, 'the per-endpoint limit');
      await hang.close(); // its two open attempts end now, not at the timeout
    } finally {
      await slow.close();
    }
  });

  test('410 Gone disables the endpoint at once and ends its waiting deliveries; re-enabling replays nothing', async () => {
    const r = await newReceiver();
    r.answer = (_n, _req, res) => res.writeHead(410).end('gone');
    const a = await t.tenantWithKey({ permissions: PERMS });
    const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: r.url, eventTypes: ['shop.created'] });
    await createShop(a.tenant.id, a.key, 'One');
    const webhook = await until('disabled', async () => {
      const w = (await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}`, { key: a.key })).json().webhook;
      return w.enabled === false ? w : null;
    });
    assert.equal(webhook.disabledReason, 'gone');
    await createShop(a.tenant.id, a.key, 'Two, while disabled');
    await sleep(500);
    assert.equal(r.received.length, 1, 'one attempt, no retries, nothing while disabled');
    const log = (await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/deliveries`, { key: a.key })).json();
    assert.deepEqual(log.deliveries.map((d: any) => d.status), ['failed']);

    const test410 = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/test`, { key: a.key });
    assert.equal(test410.statusCode, 409);
    const enable = await t.call('PATCH', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}`, { key: a.key, body: { enabled: true } });
    assert.equal(enable.statusCode, 200, enable.body);
    assert.equal(enable.json().webhook.disabledReason, null);
    await sleep(500);
    assert.equal(r.received.length, 1, 're-enabling replays nothing by itself');
  });

  test('a receiver that hangs past the timeout, redirects, or answers 10 MB: logged as such, never followed or read whole', async () => {
    const hang = await newReceiver();
    hang.answer = () => {}; // never answers
    const redirect = await newReceiver();
    const target = await newReceiver();
    redirect.answer = (_n, _req, res) => res.writeHead(302, { location: target.url }).end();
    const big = await newReceiver();
    big.answer = (_n, _req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(Buffer.alloc(10 * 1024 * 1024, 'x'));
    };
    const a = await t.tenantWithKey({ permissions: PERMS });
    const eps = {
      hang: await registerEndpoint(t, a.tenant.id, a.key, { url: hang.url, eventTypes: ['shop.created'] }),
      redirect: await registerEndpoint(t, a.tenant.id, a.key, { url: redirect.url, eventTypes: ['shop.created'] }),
      big: await registerEndpoint(t, a.tenant.id, a.key, { url: big.url, eventTypes: ['shop.created'] }),
    };
    await createShop(a.tenant.id, a.key, 'Edge cases');
    const first = async (id: string) =>
      until(`first attempt of ${id}`, async () => (await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${id}/deliveries`, { key: a.key })).json().deliveries[0]?.attempts[0]);
    const hung = await first(eps.hang.id);
    assert.equal(hung.error, 'timeout');
    assert.equal(hung.status, null);
    const redirected = await first(eps.redirect.id);
    assert.deepEqual([redirected.status, redirected.error], [302, 'redirect']);
    assert.equal(target.received.length, 0, 'the redirect is not followed');
    const large = await first(eps.big.id);
    assert.deepEqual([large.status, large.error], [200, null]);
    assert.equal(large.response.length, 1024, 'the log keeps the first 1 KB');
  });

  test('test event: delivered to that endpoint alone, as webhook.test', async () => {
    const r1 = await newReceiver();
    const r2 = await newReceiver();
    const a = await t.tenantWithKey({ permissions: PERMS });
    const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: r1.url, eventTypes: ['*'] });
    await registerEndpoint(t, a.tenant.id, a.key, { url: r2.url, eventTypes: ['*'] });
    const res = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/test`, { key: a.key });
    assert.equal(res.statusCode, 201, res.body);
    const got = await until('the test event', () => r1.received[0]);
    assert.equal(got.json.type, 'webhook.test');
    assert.equal(got.json.id, res.json().eventId);
    assert.equal(got.json.data.endpointId, ep.id);
    assert.doesNotThrow(() => standardVerify(ep.secret, got));
    await sleep(500);
    assert.equal(r2.received.length, 0);
  });

  test('replay since a time sends the events again with the same webhook-ids', async () => {
    const r = await newReceiver();
    const a = await t.tenantWithKey({ permissions: PERMS });
    const since = new Date(Date.now() - 1000).toISOString();
    const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: r.url, eventTypes: ['shop.created'] });
    await createShop(a.tenant.id, a.key, 'R1');
    await createShop(a.tenant.id, a.key, 'R2');
    await until('two deliveries', () => r.received.length >= 2);
    await until('both recorded', async () => (await t.call('GET', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/deliveries?status=succeeded`, { key: a.key })).json().total === 2);
    const replay = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}/replay`, { key: a.key, body: { since } });
    assert.equal(replay.statusCode, 200, replay.body);
    assert.equal(replay.json().queued, 2);
    await until('two more', () => r.received.length >= 4);
    const ids = r.received.map((g) => g.headers['webhook-id']);
    assert.deepEqual(new Set(ids.slice(2)), new Set(ids.slice(0, 2)));
  });

  test('a deleted endpoint takes its deliveries and their attempts; an answer that comes after writes no attempt', async () => {
    const r = await newReceiver();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The first attempt fails (and is logged); the second is held while the endpoint is deleted.
    r.answer = (n, _req, res) => (n === 1 ? res.writeHead(500).end('first') : void held.then(() => res.writeHead(200).end('late')));
    const a = await t.tenantWithKey({ permissions: PERMS });
    const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: r.url, eventTypes: ['shop.created'] });
    await createShop(a.tenant.id, a.key, 'Going');
    const attemptsOf = (deliveryId: string) => rows<{ n: number }>(sql`select count(*)::int as n from webhook_attempts where tenant_id = ${a.tenant.id} and delivery_id = ${deliveryId}`);
    const [delivery] = await until('the first attempt logged', async () => {
      const found = await rows<{ id: string }>(sql`select d.id from webhook_deliveries d where d.tenant_id = ${a.tenant.id} and d.endpoint_id = ${ep.id} and d.attempts = 1`);
      return found.length ? found : null;
    });
    assert.equal((await attemptsOf(delivery.id))[0].n, 1);
    await until('the second attempt in flight', () => r.received.length >= 2);
    assert.equal((await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}/webhooks/${ep.id}`, { key: a.key })).statusCode, 204);
    assert.equal((await rows(sql`select id from webhook_deliveries where tenant_id = ${a.tenant.id} and id = ${delivery.id}`)).length, 0);
    assert.equal((await attemptsOf(delivery.id))[0].n, 0, 'the logged attempt went with its delivery');
    release();
    // Attempts are recorded in the order they finish: once a later one is in, the late answer was handled.
    const other = await newReceiver();
    const ep2 = await registerEndpoint(t, a.tenant.id, a.key, { url: other.url, eventTypes: ['shop.created'] });
    await createShop(a.tenant.id, a.key, 'Staying');
    await until('the other endpoint recorded', async () => (await rows(sql`select 1 from webhook_deliveries where tenant_id = ${a.tenant.id} and endpoint_id = ${ep2.id} and status = 'succeeded'`)).length > 0);
    await sleep(200);
    assert.equal((await attemptsOf(delivery.id))[0].n, 0, 'no attempt written for a delivery that is gone');
    assert.equal((await rows(sql`select id from webhook_deliveries where tenant_id = ${a.tenant.id} and id = ${delivery.id}`)).length, 0);
  });

  test('deliveries past the 30-day retention are purged with their attempts; recent ones stay', async () => {
    const r = await newReceiver();
    const a = await t.tenantWithKey({ permissions: PERMS });
    const ep = await registerEndpoint(t, a.tenant.id, a.key, { url: r.url, eventTypes: ['shop.created'] });
    await createShop(a.tenant.id, a.key, 'Old');
    await createShop(a.tenant.id, a.key, 'New');
    const done = await until('both recorded', async () => {
      const found = await rows<{ id: string }>(sql`select id from webhook_deliveries where tenant_id = ${a.tenant.id} and endpoint_id = ${ep.id} and status = 'succeeded' order by created_at`);
      return found.length === 2 ? found : null;
    });
    await rows(sql`update webhook_deliveries set created_at = now() - interval '31 days' where tenant_id = ${a.tenant.id} and id = ${done[0].id}`);
    await purgeDeliveries({ rt: t.rt });
    const left = await rows<{ id: string; attempts: number }>(
      sql`select d.id, (select count(*)::int from webhook_attempts a where a.tenant_id = d.tenant_id and a.delivery_id = d.id) as attempts
          from webhook_deliveries d where d.tenant_id = ${a.tenant.id} and d.endpoint_id = ${ep.id}`,
    );
    assert.deepEqual([...left], [{ id: done[1].id, attempts: 1 }]);
    assert.equal((await rows(sql`select id from webhook_attempts where tenant_id = ${a.tenant.id} and delivery_id = ${done[0].id}`)).length, 0);
  });
});

describe('a deleted tenant', () => {
  test('takes its endpoints, deliveries and attempts with it', async () => {
    const r = await newReceiver();
    const a = await t.tenantWithKey({ permissions: PERMS });
    await registerEndpoint(t, a.tenant.id, a.key, { url: r.url, eventTypes: ['shop.created'] });
    await createShop(a.tenant.id, a.key, 'Soon gone');
    const left = async () =>
      (
        await rows<{ endpoints: number; deliveries: number; attempts: number }>(
          sql`select (select count(*)::int from webhook_endpoints where tenant_id = ${a.tenant.id}) as endpoints,
                     (select count(*)::int from webhook_deliveries where tenant_id = ${a.tenant.id}) as deliveries,
                     (select count(*)::int from webhook_attempts where tenant_id = ${a.tenant.id}) as attempts`,
        )
      )[0];
    await until('the delivery made and recorded', async () => (await left()).attempts === 1);
    const platform = await t.platformKey();
    assert.equal((await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}?confirm=${a.tenant.slug}`, { key: platform })).statusCode, 204);
    assert.deepEqual({ ...(await left()) }, { endpoints: 0, deliveries: 0, attempts: 0 });
  });
});

describe('deliveries claimed ahead', () => {
  test('wait in the node for a free slot; a node that stops gives them back (no lease left on a pending delivery)', async () => {
    // One slot per endpoint: one delivery in flight, one claimed ahead waiting for it.
    const one = await startTestApp({ ...WEBHOOK_ENV, WEBHOOK_ENDPOINT_CONCURRENCY: '1' });
    const r = await receiver();
    try {
      // Never answers: each attempt ends by its 1 s timeout. Counts the requests open at once.
      let open = 0;
      let mostOpen = 0;
      r.answer = (_n, _req, res) => {
        mostOpen = Math.max(mostOpen, ++open);
        res.on('close', () => open--);
      };
      const a = await one.tenantWithKey({ permissions: PERMS });
      const ep = await registerEndpoint(one, a.tenant.id, a.key, { url: r.url, eventTypes: ['shop.created'] });
      for (const name of ['A', 'B', 'C']) assert.equal((await one.call('POST', `/api/v1/tenants/${a.tenant.id}/shops`, { key: a.key, body: { name } })).statusCode, 201);
      const counts = () =>
        queryRows<{ made: number; leased: number }>(
          one.rt.db,
          sql`select count(*)::int as made, (count(*) filter (where lease_until > now()))::int as leased
              from webhook_deliveries where tenant_id = ${a.tenant.id} and endpoint_id = ${ep.id}`,
        );
      await until('three deliveries: one in flight and one claimed ahead', async () => {
        const [c] = await counts();
        return r.received.length >= 1 && c.made === 3 && c.leased === 2;
      });
      await one.app.close();
      const rows = await queryRows<{ attempts: number; leased: boolean }>(
        one.testDb.database.db,
        sql`select attempts, lease_until is not null as leased from webhook_deliveries where tenant_id = ${a.tenant.id} order by created_at`,
      );
      assert.equal(rows.length, 3);
      assert.deepEqual(rows.map((d) => d.leased), [false, false, false], 'the timed-out attempt was recorded; the one ahead was given back');
      assert.equal(rows.map((d) => d.attempts).reduce((x, y) => x + y), r.received.length, 'every request sent was recorded');
      assert.equal(mostOpen, 1, 'one slot: one request at a time');
    } finally {
      await r.close();
      await one.testDb.close();
    }
  });
});

describe('waking', () => {
  test('the outbox notifies at most once per 10 ms; an event committed without a notification is still delivered', async () => {
    const r = await newReceiver();
    const a = await t.tenantWithKey({ permissions: PERMS });
    await registerEndpoint(t, a.tenant.id, a.key, { url: r.url, eventTypes: ['shop.created'] });
    // '' is the outbox trigger's; 'deliveries' a fan-out's.
    const heard: number[] = [];
    await t.rt.database.listen('orgstack_webhooks', (payload) => {
      if (payload === '') heard.push(Date.now());
    });
    const lastNotified = async () => (await rows<{ at: Date }>(sql`select notified_at as at from webhook_wake where id = 1`))[0].at;
    try {
      await t.rt.db.execute(sql`update webhook_wake set notified_at = '-infinity'`);
      const before = Date.now();
      await createShop(a.tenant.id, a.key, 'Notified');
      await until('the trigger notifies', () => heard.length > 0, 2000);
      assert.ok(Math.abs(new Date(await lastNotified()).getTime() - before) < 5000, 'the notification time is kept');
      await until('the notified event is delivered', () => r.received.length === 1);

      // A notification "just went out" (its time an hour ahead): the next commit sends none,
      // and the worker's poll (every second) delivers its event.
      await t.rt.db.execute(sql`update webhook_wake set notified_at = now() + interval '1 hour'`);
      heard.length = 0;
      await createShop(a.tenant.id, a.key, 'Not notified');
      await until('the event committed without a notification is delivered', () => r.received.length === 2, 5000);
      assert.equal(heard.length, 0, 'no notification inside the window');
      assert.equal(r.received[1].json.data.name, 'Not notified');
    } finally {
      await t.rt.db.execute(sql`update webhook_wake set notified_at = '-infinity'`);
    }
  });
});

describe('giving way to requests', () => {
  // Busy from one request in flight: one held open (its body never comes) stands for a queue.
  let busy: TestApp;
  const held = new net.Socket();
  before(async () => {
    busy = await startTestApp({ ...WEBHOOK_ENV, WEBHOOK_YIELD_REQUESTS: '1' });
    await busy.app.listen({ port: 0, host: '127.0.0.1' });
    const a = await busy.tenantWithKey({ permissions: PERMS });
    const { port } = busy.app.server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => held.connect(port, '127.0.0.1', resolve));
    held.write(`POST /api/v1/tenants/${a.tenant.id}/shops HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${a.key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`);
    await until('the held request is in flight', () => busy.rt.requests.inFlight === 1);
  });
  after(async () => {
    held.destroy();
    await busy.close();
  });
  const commitEvents = (tenantId: string, ids: string[]) =>
    busy.rt.db.execute(sql`insert into events (id, type, tenant_id, data) select id, 'tenant.updated', ${tenantId}::uuid, '{}'::jsonb from unnest(${pgArray(ids)}::text[]) id`);

  test('while requests are in flight, deliveries are made and sent at most 200 a second; none waits for the requests to end', async () => {
    const r = await newReceiver();
    const a = await busy.tenantWithKey({ permissions: PERMS });
    await registerEndpoint(busy, a.tenant.id, a.key, { url: r.url, eventTypes: ['*'] });
    const events = 400;
    const ids = Array.from({ length: events }, () => eventId());
    const start = performance.now();
    await commitEvents(a.tenant.id, ids);
    await sleep(500);
    // Rounds come at most every 100 ms and each makes at most 20 deliveries: not the 400 at once.
    const [made] = await queryRows<{ n: number }>(busy.rt.db, sql`select count(*)::int as n from webhook_deliveries where tenant_id = ${a.tenant.id}`);
    const elapsed = performance.now() - start;
    assert.ok(made.n > 0 && made.n <= 20 * (Math.ceil(elapsed / 100) + 1), `${made.n} deliveries made in ${elapsed.toFixed(0)} ms while busy`);
    await until('every event delivered while the request is held', () => r.received.length === events, 10_000);
    const seconds = (performance.now() - start) / 1000;
    // One round's worth (20) may start at once; the other 380 at 200 a second take 1.9 s.
    assert.ok(seconds >= 1.85, `${events} deliveries took ${seconds.toFixed(2)} s while busy: faster than 200 a second`);
    assert.equal(busy.rt.requests.inFlight, 1, 'the request was held throughout');
    assert.deepEqual(new Set(r.received.map((x) => x.json.id)), new Set(ids));
  });

  test('while busy, events nobody subscribes to do not hold back the ones somebody does', async () => {
    const r = await newReceiver();
    const quiet = await busy.tenantWithKey({ permissions: PERMS });
    const a = await busy.tenantWithKey({ permissions: PERMS });
    await registerEndpoint(busy, a.tenant.id, a.key, { url: r.url, eventTypes: ['*'] });
    await commitEvents(quiet.tenant.id, Array.from({ length: 2500 }, () => eventId()));
    const id = eventId();
    const start = performance.now();
    await commitEvents(a.tenant.id, [id]);
    // 250 read a round, a round every 100 ms: 1 s. Limited to 20 events a round instead of 20 deliveries, it took 12.5 s.
    await until('the subscribed event is delivered', () => r.received.length === 1, 5000);
    assert.equal(r.received[0].json.id, id);
    assert.ok(performance.now() - start < 5000);
    assert.equal(busy.rt.requests.inFlight, 1, 'the request was held throughout');
  });
});
