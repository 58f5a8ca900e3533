import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/db/index.ts';
import { canonicalJson } from '../../src/platform/idempotency.ts';
import { mintKey } from '../../src/platform/keys.ts';
import { apiKeys, idempotencyKeys } from '../../src/platform/tables.ts';
import { sha256Hex } from '../../src/platform/secrets.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError } from '../helpers/assertions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const post = (tenantId: string, key: string, idemKey: string | undefined, body: unknown) =>
  t.call('POST', `/api/v1/tenants/${tenantId}/api-keys`, { key, body, headers: idemKey === undefined ? {} : { 'idempotency-key': idemKey } });

const keysNamed = async (tenantId: string, name: string) =>
  t.rt.db.select().from(apiKeys).where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.name, name)));

const createdEvents = async (keyId: string) => {
  const [{ n }] = await queryRows<{ n: number }>(
    t.rt.db,
    sql`select count(*)::int as n from events where type = 'api_key.created' and data->>'id' = ${keyId}`,
  );
  return n;
};

const storedRecord = async (scope: string, key: string) => {
  const [row] = await t.rt.db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
  return row;
};

/** Runs `fn` while the services' database handle fails every transaction (a 500 that changed nothing). */
async function withBrokenServiceDb<T>(fn: () => Promise<T>): Promise<T> {
  const real = t.rt.db;
  t.rt.db = new Proxy(real, {
    get: (target, prop, receiver) =>
      prop === 'transaction' ? () => Promise.reject(new Error('simulated database outage')) : Reflect.get(target, prop, receiver),
  }) as Db;
  try {
    return await fn();
  } finally {
    t.rt.db = real;
  }
}

describe('Idempotency-Key on POST /api/v1/tenants/{tenantId}/api-keys', () => {
  test('a replay returns the first 201 with Idempotent-Replayed: true, and creates nothing more', async () => {
    const a = await t.tenantWithKey();
    const first = await post(a.tenant.id, a.key, 'create-ci-1', { name: 'ci', hourlyLimit: 10 });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const created = first.json();
    assert.match(created.key, /^orgstack_sk_tnt_/);

    // Same key, same body (field order does not matter).
    const replay = await post(a.tenant.id, a.key, 'create-ci-1', { hourlyLimit: 10, name: 'ci' });
    assert.equal(replay.statusCode, 201, replay.body);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.match(String(replay.headers['content-type']), /^application\/json/);
    const replayed = replay.json();
    assert.deepEqual(Object.keys(replayed).sort(), ['apiKey', 'key']);
    assert.deepEqual(replayed.apiKey, created.apiKey);
    assert.ok(replay.headers['x-ratelimit-remaining'] !== undefined, 'a replay is still an authenticated, counted request');

    assert.equal((await keysNamed(a.tenant.id, 'ci')).length, 1, 'one key in the database');
    assert.equal(await createdEvents(created.apiKey.id), 1, 'one api_key.created event');

    const record = await storedRecord(a.keyId, 'create-ci-1');
    assert.equal(record.state, 'done');
    assert.equal(record.status, 201);
    assert.ok(record.expiresAt.getTime() > Date.now() + 23 * 3600_000 && record.expiresAt.getTime() <= Date.now() + 24 * 3600_000, 'kept 24 h');

    // The replayed key really is the first one, and it works.
    assert.equal((await t.call('GET', `/api/v1/tenants/${a.tenant.id}`, { key: created.key })).statusCode, 200);
  });

  test(
    'a replay shows the secret as null, and the stored record never holds it',
    async () => {
      const a = await t.tenantWithKey();
      const first = await post(a.tenant.id, a.key, 'secret-once', { name: 'secret-once' });
      assert.equal(first.statusCode, 201);
      const secret: string = first.json().key;
      const replay = await post(a.tenant.id, a.key, 'secret-once', { name: 'secret-once' });
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      const record = await storedRecord(a.keyId, 'secret-once');
      assert.ok(record.body && !record.body.includes(secret.slice(16)), 'the idempotency record holds the secret');
      assert.equal(replay.json().key, null, 'a secret is shown once: the replay has null');

      const rolled = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/api-keys/${first.json().apiKey.id}/roll`, {
        key: a.key,
        body: {},
        headers: { 'idempotency-key': 'roll-once' },
      });
      assert.equal(rolled.statusCode, 201);
      const rollReplay = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/api-keys/${first.json().apiKey.id}/roll`, {
        key: a.key,
        body: {},
        headers: { 'idempotency-key': 'roll-once' },
      });
      assert.equal(rollReplay.headers['idempotent-replayed'], 'true');
      assert.equal(rollReplay.json().key, null);
      assert.equal(rollReplay.json().apiKey.id, rolled.json().apiKey.id);
    },
  );

  test('the same key with a different body or path → 422 idempotency_mismatch, nothing created', async () => {
    const a = await t.tenantWithKey();
    assert.equal((await post(a.tenant.id, a.key, 'mismatch-1', { name: 'one' })).statusCode, 201);
    const other = await post(a.tenant.id, a.key, 'mismatch-1', { name: 'two' });
    assertError(other, 422, 'idempotency_mismatch');
    assert.equal(other.headers['idempotent-replayed'], undefined);
    const noBody = await post(a.tenant.id, a.key, 'mismatch-1', {});
    assertError(noBody, 422, 'idempotency_mismatch');
    const firstKey = (await keysNamed(a.tenant.id, 'one'))[0];
    const roll = await t.call('POST', `/api/v1/tenants/${a.tenant.id}/api-keys/${firstKey.id}/roll`, {
      key: a.key,
      body: { name: 'one' },
      headers: { 'idempotency-key': 'mismatch-1' },
    });
    assertError(roll, 422, 'idempotency_mismatch');
    assert.equal((await keysNamed(a.tenant.id, 'two')).length, 0);
    assert.equal((await keysNamed(a.tenant.id, 'one')).length, 1);
  });

  test('a key longer than 255 characters (or empty) → 400 with fieldErrors["Idempotency-Key"]; 255 is fine', async () => {
    const a = await t.tenantWithKey();
    const long = await post(a.tenant.id, a.key, 'k'.repeat(300), { name: 'too-long' });
    assertError(long, 400, 'validation_failed');
    assert.deepEqual(Object.keys(long.json().fieldErrors), ['Idempotency-Key']);
    assert.equal((await keysNamed(a.tenant.id, 'too-long')).length, 0);
    assert.equal(await storedRecord(a.keyId, 'k'.repeat(300)), undefined);

    const empty = await post(a.tenant.id, a.key, '', { name: 'empty' });
    assertError(empty, 400, 'validation_failed');
    assert.ok(empty.json().fieldErrors['Idempotency-Key']);

    assert.equal((await post(a.tenant.id, a.key, 'k'.repeat(255), { name: 'max' })).statusCode, 201);
    assert.equal((await post(a.tenant.id, a.key, 'k'.repeat(255), { name: 'max' })).headers['idempotent-replayed'], 'true');
  });

  test('keys are scoped to the credential: another key with the same Idempotency-Key runs independently', async () => {
    const a = await t.tenantWithKey();
    const sibling = await mintKey(t.rt.db, { kind: 'tenant', tenantId: a.tenant.id }, null);
    const mine = await post(a.tenant.id, a.key, 'shared-value', { name: 'scoped' });
    const theirs = await post(a.tenant.id, sibling.key, 'shared-value', { name: 'scoped' });
    assert.equal(mine.statusCode, 201);
    assert.equal(theirs.statusCode, 201);
    assert.equal(theirs.headers['idempotent-replayed'], undefined);
    assert.notEqual(theirs.json().apiKey.id, mine.json().apiKey.id);
    assert.match(theirs.json().key, /^orgstack_sk_tnt_/);
    assert.equal((await keysNamed(a.tenant.id, 'scoped')).length, 2);
    // And each credential replays its own.
    const again = await post(a.tenant.id, sibling.key, 'shared-value', { name: 'scoped' });
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().apiKey.id, theirs.json().apiKey.id);
  });

  test('two identical requests at the same instant: exactly one executes', async () => {
    const a = await t.tenantWithKey();
    for (let round = 0; round < 5; round++) {
      const idem = `race-${round}`;
      const name = `race-${round}`;
      const results = await Promise.all([post(a.tenant.id, a.key, idem, { name }), post(a.tenant.id, a.key, idem, { name })]);
      const executed = results.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === undefined);
      assert.equal(executed.length, 1, results.map((r) => `${r.statusCode} ${r.body}`).join('\n'));
      const [otherOne] = results.filter((r) => r !== executed[0]);
      if (otherOne.statusCode === 409) {
        assertError(otherOne, 409, 'idempotency_in_progress');
      } else {
        assert.equal(otherOne.statusCode, 201, otherOne.body);
        assert.equal(otherOne.headers['idempotent-replayed'], 'true');
        assert.equal(otherOne.json().apiKey.id, executed[0].json().apiKey.id);
      }
      assert.equal((await keysNamed(a.tenant.id, name)).length, 1);
      // After the first finished, a retry is a replay.
      const retry = await post(a.tenant.id, a.key, idem, { name });
      assert.equal(retry.headers['idempotent-replayed'], 'true');
    }
  });

  test('after expiry the same key executes again', async () => {
    const a = await t.tenantWithKey();
    const first = await post(a.tenant.id, a.key, 'expiring', { name: 'expiring' });
    assert.equal(first.statusCode, 201);
    await t.rt.db
      .update(idempotencyKeys)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(and(eq(idempotencyKeys.scope, a.keyId), eq(idempotencyKeys.key, 'expiring')));
    const second = await post(a.tenant.id, a.key, 'expiring', { name: 'expiring' });
    assert.equal(second.statusCode, 201);
    assert.equal(second.headers['idempotent-replayed'], undefined);
    assert.notEqual(second.json().apiKey.id, first.json().apiKey.id);
    assert.match(second.json().key, /^orgstack_sk_tnt_/);
    assert.equal((await keysNamed(a.tenant.id, 'expiring')).length, 2);
    // The fresh record now replays the second response.
    const third = await post(a.tenant.id, a.key, 'expiring', { name: 'expiring' });
    assert.equal(third.headers['idempotent-replayed'], 'true');
    assert.equal(third.json().apiKey.id, second.json().apiKey.id);
  });

  test('a claim left "running" by a request that died is retaken after a minute; a fresh one is 409', async () => {
    const a = await t.tenantWithKey();
    const fingerprint = (name: string) => sha256Hex(`POST /api/v1/tenants/${a.tenant.id}/api-keys\n${canonicalJson({ name })}`);
    const insert = (key: string, name: string, createdAt: Date) =>
      t.rt.db.insert(idempotencyKeys).values({
        scope: a.keyId,
        key,
        fingerprint: fingerprint(name),
        state: 'running',
        createdAt,
        expiresAt: new Date(Date.now() + 3600_000),
      });
    await insert('died', 'retaken', new Date(Date.now() - 2 * 60_000));
    await insert('running-now', 'blocked', new Date());
    const retaken = await post(a.tenant.id, a.key, 'died', { name: 'retaken' });
    assert.equal(retaken.statusCode, 201, retaken.body);
    assert.equal(retaken.headers['idempotent-replayed'], undefined);
    assert.equal((await storedRecord(a.keyId, 'died')).state, 'done');
    assertError(await post(a.tenant.id, a.key, 'running-now', { name: 'blocked' }), 409, 'idempotency_in_progress');
    assert.equal((await keysNamed(a.tenant.id, 'blocked')).length, 0);
  });

  test('4xx responses are stored and replayed: a 400 validation failure and a 409 conflict', async () => {
    const a = await t.tenantWithKey();
    const invalid = await post(a.tenant.id, a.key, 'bad-body', { nmae: 'typo' });
    assertError(invalid, 400, 'validation_failed');
    const invalidAgain = await post(a.tenant.id, a.key, 'bad-body', { nmae: 'typo' });
    assert.equal(invalidAgain.statusCode, 400);
    assert.equal(invalidAgain.headers['idempotent-replayed'], 'true');
    const { requestId: replayId, ...replayedBody } = invalidAgain.json();
    const { requestId: firstId, ...firstBody } = invalid.json();
    assert.deepEqual(replayedBody, firstBody, 'the stored response');
    assert.notEqual(replayId, firstId);
    assert.equal(replayId, invalidAgain.headers['x-request-id'], 'a replayed error names this request, like its header');

    // A tenant at 100 active keys: the 101st is a 409, and its replay stays a 409 even once a slot frees.
    const full = await t.tenantWithKey();
    for (let i = 1; i < 100; i++) await mintKey(t.rt.db, { kind: 'tenant', tenantId: full.tenant.id, name: `filler-${i}` }, null);
    const conflict = await post(full.tenant.id, full.key, 'the-101st', { name: '101st' });
    assertError(conflict, 409, 'conflict');
    const [filler] = await keysNamed(full.tenant.id, 'filler-1');
    await t.rt.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, filler.id));
    const replay = await post(full.tenant.id, full.key, 'the-101st', { name: '101st' });
    assert.equal(replay.statusCode, 409);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(replay.json().error, conflict.json().error);
    assert.equal(replay.json().code, 'conflict');
    assert.equal((await keysNamed(full.tenant.id, '101st')).length, 0);
    // A new Idempotency-Key is a new request, which now fits.
    assert.equal((await post(full.tenant.id, full.key, 'the-101st-retry', { name: '101st' })).statusCode, 201);
  });

  test('a 5xx is not stored: the retry with the same key runs again', async () => {
    const a = await t.tenantWithKey();
    const failed = await withBrokenServiceDb(() => post(a.tenant.id, a.key, 'flaky', { name: 'flaky' }));
    assertError(failed, 500, 'internal');
    assert.equal(await storedRecord(a.keyId, 'flaky'), undefined, 'the claim is released');
    assert.equal((await keysNamed(a.tenant.id, 'flaky')).length, 0);
    const retry = await post(a.tenant.id, a.key, 'flaky', { name: 'flaky' });
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(retry.headers['idempotent-replayed'], undefined);
    assert.match(retry.json().key, /^orgstack_sk_tnt_/);
    assert.equal((await keysNamed(a.tenant.id, 'flaky')).length, 1);
  });

  test('GET and DELETE ignore the header; requests without it are never stored', async () => {
    const a = await t.tenantWithKey();
    const victim = await mintKey(t.rt.db, { kind: 'tenant', tenantId: a.tenant.id }, null);
    const list = await t.call('GET', `/api/v1/tenants/${a.tenant.id}/api-keys`, { key: a.key, headers: { 'idempotency-key': 'x'.repeat(300) } });
    assert.equal(list.statusCode, 200);
    const del = await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}/api-keys/${victim.apiKey.id}`, { key: a.key, headers: { 'idempotency-key': 'del' } });
    assert.equal(del.statusCode, 204);
    assert.equal((await post(a.tenant.id, a.key, undefined, { name: 'plain' })).statusCode, 201);
    assert.equal((await post(a.tenant.id, a.key, undefined, { name: 'plain' })).statusCode, 201);
    assert.equal((await keysNamed(a.tenant.id, 'plain')).length, 2);
    const stored = await t.rt.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.scope, a.keyId));
    assert.deepEqual(stored, []);
  });

  test('a request that fails authentication claims nothing', async () => {
    const a = await t.tenantWithKey();
    const res = await post(a.tenant.id, 'orgstack_sk_tnt_nope', 'unauth', { name: 'x' });
    assertError(res, 401, 'unauthorized');
    const rows = await t.rt.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'unauth'));
    assert.deepEqual(rows, []);
  });
});
