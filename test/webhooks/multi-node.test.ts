// Webhook delivery across real server processes on one PostgreSQL: every event delivered exactly
// once while two nodes share the work, and deliveries pending on a node killed with SIGKILL all
// arrive once another node takes over. PostgreSQL only (PGlite belongs to one process).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/index.ts';
import { eventId, uuidv7 } from '../../src/platform/ids.ts';
import { mintKey } from '../../src/platform/keys.ts';
import { createTenant } from '../../src/platform/tenants.ts';
import { MODULES } from '../../src/modules.ts';
import { spawnServer, type ServerProcess } from '../helpers/app.ts';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/db.ts';
import { receiver, sleep, standardVerify, until, type Receiver } from '../helpers/webhooks.ts';

const skip = onPostgres ? false : 'needs TEST_DATABASE_URL (PostgreSQL)';
const SECRET = 'test-secret-test-secret-test-secret-0123';

// No app in this process: only the spawned servers run delivery workers.
let testDb: TestDatabase | undefined;
before(async () => {
  if (onPostgres) testDb = await createTestDatabase();
});
after(async () => {
  await testDb?.close();
});

async function stopAll(servers: ServerProcess[]) {
  await Promise.all(servers.map((s) => (s.child.exitCode === null && s.child.signalCode === null ? s.stop() : null)));
}

async function tenantWithEndpoint(server: ServerProcess, url: string) {
  const db = testDb!.database.db;
  const tenant = await createTenant(db, MODULES, { name: 'Hooks', slug: `hooks-${uuidv7().slice(-8)}` });
  const { key } = await mintKey(db, { kind: 'tenant', tenantId: tenant.id }, null);
  const res = await fetch(`${server.url}/api/v1/tenants/${tenant.id}/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, eventTypes: ['shop.*'] }),
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return { tenantId: tenant.id, key, endpointId: body.webhook.id as string, secret: body.secret as string };
}

/** Writes `n` outbox events for the tenant in `batches` concurrent transactions. */
async function writeEvents(tenantId: string, n: number, batches: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => eventId());
  const per = Math.ceil(n / batches);
  await Promise.all(
    Array.from({ length: batches }, (_, b) =>
      testDb!.database.db.transaction(async (tx) => {
        for (const id of ids.slice(b * per, (b + 1) * per)) {
          await tx.execute(sql`insert into events (id, type, tenant_id, data) values (${id}, 'shop.updated', ${tenantId}, ${JSON.stringify({ n: id })}::jsonb)`);
        }
      }),
    ),
  );
  return ids;
}

const env = (url: string, timeoutMs = '1000') => ({
  DATABASE_URL: url,
  ORGSTACK_SECRET: SECRET,
  WEBHOOK_ALLOW_LOOPBACK: '1',
  WEBHOOK_RETRY_SCHEDULE: '0,1,1,1',
  WEBHOOK_TIMEOUT_MS: timeoutMs,
});

describe('webhooks on several nodes', () => {
  let r: Receiver;
  before(async () => {
    if (onPostgres) r = await receiver();
  });
  after(async () => {
    await r?.close();
  });

  test('two server processes, 1,000 events: every one delivered, none twice', { skip }, async () => {
    // The default 15 s timeout: on a loaded machine a 1 s one could fail attempts, and a failed
    // attempt whose request did arrive is rightly sent again.
    const servers = await Promise.all([spawnServer(env(testDb!.url!, '15000')), spawnServer(env(testDb!.url!, '15000'))]);
    try {
      r.received.length = 0;
      const { tenantId, endpointId, secret } = await tenantWithEndpoint(servers[0], r.url);
      const ids = await writeEvents(tenantId, 1000, 20);
      await until('1,000 deliveries', () => r.received.length >= 1000, 120_000);
      await sleep(1500);
      const [failed] = await queryRows<{ n: number }>(testDb!.database.db, sql`select count(*)::int as n from webhook_attempts where tenant_id = ${tenantId} and error is not null`);
      assert.equal(failed.n, 0, 'no attempt failed');
      const seen = r.received.map((g) => String(g.headers['webhook-id']));
      assert.equal(seen.length, 1000, 'no event twice');
      assert.deepEqual(new Set(seen), new Set(ids));
      for (const g of r.received.slice(0, 20)) assert.doesNotThrow(() => standardVerify(secret, g));
      const [row] = await queryRows<{ succeeded: number; attempts: number }>(
        testDb!.database.db,
        sql`select count(*) filter (where status = 'succeeded')::int as succeeded,
              (select count(*)::int from webhook_attempts where tenant_id = ${tenantId}) as attempts
            from webhook_deliveries where endpoint_id = ${endpointId}`,
      );
      assert.deepEqual(row, { succeeded: 1000, attempts: 1000 });
      for (const s of servers) assert.doesNotMatch(s.output(), /webhook delivery round failed|could not be recorded/);
    } finally {
      await stopAll(servers);
    }
  });

  test('WEBHOOK_WORKER=off: that node serves the API but delivers nothing; a node that delivers takes every event, and a test send', { skip }, async () => {
    r.received.length = 0;
    const api = await spawnServer({ ...env(testDb!.url!), WEBHOOK_WORKER: 'off' });
    let deliverer: ServerProcess | undefined;
    try {
      const { tenantId, key, endpointId } = await tenantWithEndpoint(api, r.url);
      const ids = await writeEvents(tenantId, 30, 3);
      // Longer than the 1 s poll a delivering node would use: nothing fanned out, nothing sent.
      await sleep(1500);
      assert.equal(r.received.length, 0, 'the API-only node sent nothing');
      const [none] = await queryRows<{ n: number }>(testDb!.database.db, sql`select count(*)::int as n from webhook_deliveries where endpoint_id = ${endpointId}`);
      assert.equal(none.n, 0, 'and made no deliveries');

      deliverer = await spawnServer(env(testDb!.url!));
      await until('30 deliveries', () => r.received.length >= 30);
      assert.deepEqual(new Set(r.received.map((g) => String(g.headers['webhook-id']))), new Set(ids));

      // A test send asked of the API-only node is delivered by the other.
      const sent = await fetch(`${api.url}/api/v1/tenants/${tenantId}/webhooks/${endpointId}/test`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
      assert.equal(sent.status, 201, await sent.text());
      await until('the test event', () => r.received.some((g) => g.json.type === 'webhook.test'));
      assert.equal(r.received.length, 31, 'every event once');
    } finally {
      await stopAll([api, ...(deliverer ? [deliverer] : [])]);
    }
  });

  test('kill -9 a node with deliveries in flight and pending: all of them arrive after another node starts', { skip }, async () => {
    r.received.length = 0;
    // The receiver holds every request until released, so the node dies mid-attempt.
    let release = false;
    const held: (() => void)[] = [];
    r.answer = (_n, _req, res) => {
      if (release) res.writeHead(204).end();
      else held.push(() => res.writeHead(204).end());
    };
    const first = await spawnServer(env(testDb!.url!));
    let second: ServerProcess | undefined;
    try {
      const { tenantId, endpointId } = await tenantWithEndpoint(first, r.url);
      const ids = await writeEvents(tenantId, 40, 4);
      await until('attempts in flight', () => r.received.length >= 4);
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      held.length = 0; // those connections died with the node
      release = true;
      second = await spawnServer(env(testDb!.url!));
      await until('every event acknowledged', async () => {
        const [row] = await queryRows<{ n: number }>(
          testDb!.database.db,
          sql`select count(*)::int as n from webhook_deliveries where endpoint_id = ${endpointId} and status = 'succeeded'`,
        );
        return Number(row.n) === ids.length;
      }, 60_000);
      const seen = new Set(r.received.map((g) => String(g.headers['webhook-id'])));
      assert.deepEqual(seen, new Set(ids));
    } finally {
      await stopAll([first, ...(second ? [second] : [])]);
    }
  });
});
