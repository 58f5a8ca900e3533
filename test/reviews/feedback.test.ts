import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, asc, eq, sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/index.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { events, tenants } from '../../src/platform/tables.ts';
import { eraseExpiredFeedbackContacts } from '../../src/reviews/feedback.ts';
import { recordFunnelEvent } from '../../src/reviews/funnel.ts';
import { employees, reviewSessions, reviewSettings, shops } from '../../src/reviews/tables.ts';
import { buildApp } from '../../src/app.ts';
import { openDatabase } from '../../src/db/index.ts';
import { startTestApp, testConfig, type TestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';
import { assertError, withoutRequestId } from '../helpers/assertions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const HOUR = 3_600_000;

async function addShop(tenantId: string, name: string) {
  const id = uuidv7();
  await t.rt.db.insert(shops).values({ tenantId, id, name });
  return id;
}
async function addEmployee(tenantId: string, shopId: string, name: string) {
  const id = uuidv7();
  await t.rt.db.insert(employees).values({ tenantId, id, shopId, name, code: `c${id.replaceAll('-', '').slice(-12)}` });
  return id;
}
async function feedback(tenantId: string, employeeId: string, at: Date, message: string, opts: { rating?: number; contact?: string } = {}) {
  const base = { tenantId, employeeId, at };
  const { sessionId } = await recordFunnelEvent(t.rt, { ...base, type: 'scan' });
  if (opts.rating) await recordFunnelEvent(t.rt, { ...base, sessionId, type: 'rating', rating: opts.rating });
  await recordFunnelEvent(t.rt, { ...base, sessionId, type: 'feedback', message, contact: opts.contact });
  return sessionId;
}

describe('feedback', () => {
  let tenantId: string;
  let key: string;
  let other: { tenantId: string; key: string; sessionId: string };
  const s: Record<string, string> = {};
  const now = Date.now();
  const list = (query = '', k = key) => t.call('GET', `/api/v1/tenants/${tenantId}/feedback${query}`, { key: k });
  const patch = (body: unknown, k = key) => t.call('PATCH', `/api/v1/tenants/${tenantId}/feedback`, { key: k, body });

  before(async () => {
    const a = await t.tenantWithKey({ permissions: ['feedback:read', 'feedback:write'] });
    tenantId = a.tenant.id;
    key = a.key;
    s.alpha = await addShop(tenantId, 'Alpha');
    s.beta = await addShop(tenantId, 'Beta');
    s.ann = await addEmployee(tenantId, s.alpha, 'Ann');
    s.ben = await addEmployee(tenantId, s.beta, 'Ben');
    s.f1 = await feedback(tenantId, s.ann, new Date(now - 5 * HOUR), 'Waited forever', { rating: 2, contact: 'ann-fan@example.com' });
    s.f2 = await feedback(tenantId, s.ben, new Date(now - 3 * HOUR), 'Music too loud');
    s.f3 = await feedback(tenantId, s.ann, new Date(now - 1 * HOUR), 'Great staff, dirty floor', { rating: 3 });
    s.f4 = await feedback(tenantId, s.ben, new Date(now - 30 * 24 * HOUR), 'Old complaint', { rating: 1, contact: '+65 5555 0000' });
    // A visit without feedback never lists.
    s.noFeedback = (await recordFunnelEvent(t.rt, { tenantId, employeeId: s.ann, type: 'scan' })).sessionId;

    const b = await t.tenantWithKey({ permissions: ['feedback:read', 'feedback:write'] });
    const bShop = await addShop(b.tenant.id, 'Other');
    const bEmp = await addEmployee(b.tenant.id, bShop, 'Olga');
    other = { tenantId: b.tenant.id, key: b.key, sessionId: await feedback(b.tenant.id, bEmp, new Date(now - HOUR / 2), 'elsewhere') };
  });

  test('the list: newest first, exact FeedbackItem shape, total and pagination', async () => {
    const res = await list();
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['feedback', 'total', 'pagination']);
    assert.deepEqual(body.feedback.map((f: { sessionId: string }) => f.sessionId), [s.f3, s.f2, s.f1, s.f4]);
    assert.equal(body.total, 4);
    assert.deepEqual(body.pagination, { limit: 100, offset: 0, has_more: false });
    assert.deepEqual(body.feedback[2], {
      sessionId: s.f1,
      shopId: s.alpha,
      shopName: 'Alpha',
      employeeId: s.ann,
      employeeName: 'Ann',
      rating: 2,
      message: 'Waited forever',
      contact: 'ann-fan@example.com',
      resolved: false,
      resolvedAt: null,
      createdAt: new Date(now - 5 * HOUR).toISOString(),
    });
    assert.equal(body.feedback[1].rating, null, 'feedback without a rating');
    assert.equal(body.feedback[1].contact, null);

    const page = (await list('?limit=2&offset=1')).json();
    assert.deepEqual(page.feedback.map((f: { sessionId: string }) => f.sessionId), [s.f2, s.f1]);
    assert.equal(page.total, 4);
    assert.deepEqual(page.pagination, { limit: 2, offset: 1, has_more: true });
  });

  test('filters: resolved, shopId, employeeId (alone and combined); foreign ids match nothing', async () => {
    const ids = async (q: string) => {
      const res = await list(q);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.total, body.feedback.length);
      return body.feedback.map((f: { sessionId: string }) => f.sessionId);
    };
    assert.deepEqual(await ids(`?shopId=${s.alpha}`), [s.f3, s.f1]);
    assert.deepEqual(await ids(`?employeeId=${s.ben}`), [s.f2, s.f4]);
    assert.deepEqual(await ids(`?employeeId=${s.ben}&shopId=${s.alpha}`), []);
    assert.deepEqual(await ids('?resolved=true'), []);
    assert.deepEqual(await ids('?resolved=false'), [s.f3, s.f2, s.f1, s.f4]);
    assert.deepEqual(await ids(`?shopId=${uuidv7()}`), []);
    assert.deepEqual(await ids(`?employeeId=${s.ann.toUpperCase()}`), [s.f3, s.f1]);
  });

  test('bad filters and pages are 400 naming the field', async () => {
    for (const [q, field] of [
      ['?shopId=nope', 'shopId'],
      ['?employeeId=123', 'employeeId'],
      ['?resolved=yes', 'resolved'],
      ['?limit=0', 'limit'],
      ['?limit=501', 'limit'],
      ['?offset=-1', 'offset'],
      ['?status=open', 'status'],
    ]) {
      const res = await list(q);
      assertError(res, 400, 'validation_failed');
      assert.ok(res.json().fieldErrors[field], `${q}: ${res.body}`);
    }
  });

  test('PATCH resolves and unresolves, writing feedback.resolved only on a change', async () => {
    const eventsOf = () =>
      t.rt.db.select().from(events).where(and(eq(events.tenantId, tenantId), eq(events.type, 'feedback.resolved'))).orderBy(asc(events.seq));
    const res = await patch({ sessionId: s.f2, resolved: true });
    assert.equal(res.statusCode, 200, res.body);
    const item = res.json().feedback;
    assert.deepEqual(Object.keys(res.json()), ['feedback']);
    const [row] = await t.rt.db.select().from(reviewSessions).where(and(eq(reviewSessions.tenantId, tenantId), eq(reviewSessions.id, s.f2)));
    assert.equal(row.resolved, true);
    assert.ok(row.resolvedAt instanceof Date && Math.abs(row.resolvedAt.getTime() - Date.now()) < 60_000);
    assert.deepEqual(item, {
      sessionId: s.f2, shopId: s.beta, shopName: 'Beta', employeeId: s.ben, employeeName: 'Ben', rating: null, message: 'Music too loud',
      contact: null, resolved: true, resolvedAt: row.resolvedAt!.toISOString(), createdAt: new Date(now - 3 * HOUR).toISOString(),
    });
    let evts = await eventsOf();
    assert.equal(evts.length, 1);
    assert.deepEqual(evts[0].data, {
      sessionId: s.f2, shopId: s.beta, employeeId: s.ben, resolved: true, resolvedAt: item.resolvedAt, byKind: 'tenant_key', byId: (evts[0].data as { byId: string }).byId,
    });

    // Again: same answer, no new event, resolvedAt unchanged.
    const again = await patch({ sessionId: s.f2, resolved: true });
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json().feedback, item);
    assert.equal((await eventsOf()).length, 1);

    assert.deepEqual((await list('?resolved=true')).json().feedback, [item]);
    assert.equal((await list('?resolved=false')).json().total, 3);

    const undo = await patch({ sessionId: s.f2, resolved: false });
    assert.equal(undo.statusCode, 200);
    assert.deepEqual(undo.json().feedback, { ...item, resolved: false, resolvedAt: null });
    evts = await eventsOf();
    assert.equal(evts.length, 2);
    assert.equal((evts[1].data as { resolved: boolean }).resolved, false);
    assert.equal((evts[1].data as { resolvedAt: null }).resolvedAt, null);
    const [after] = await t.rt.db.select().from(reviewSessions).where(and(eq(reviewSessions.tenantId, tenantId), eq(reviewSessions.id, s.f2)));
    assert.deepEqual([after.resolved, after.resolvedAt], [false, null]);
    assert.equal((await list('?resolved=true')).json().total, 0);
  });

  test("another tenant's session, an unknown one and one without feedback are the same 404", async () => {
    const unknown = await patch({ sessionId: uuidv7(), resolved: true });
    assertError(unknown, 404, 'not_found');
    const foreign = await patch({ sessionId: other.sessionId, resolved: true });
    assertError(foreign, 404, 'not_found');
    const empty = await patch({ sessionId: s.noFeedback, resolved: true });
    assertError(empty, 404, 'not_found');
    assert.equal(withoutRequestId(foreign), withoutRequestId(unknown));
    assert.equal(withoutRequestId(empty), withoutRequestId(unknown));
    assert.equal(foreign.headers['content-type'], unknown.headers['content-type']);
    assert.equal(foreign.headers['content-length'], unknown.headers['content-length']);
    const [row] = await t.rt.db.select().from(reviewSessions).where(eq(reviewSessions.id, other.sessionId));
    assert.equal(row.resolved, false, "the other tenant's feedback is untouched");
    const [{ n }] = await queryRows<{ n: number }>(t.rt.db, sql`select count(*)::int as n from events where type = 'feedback.resolved' and tenant_id = ${other.tenantId}`);
    assert.equal(n, 0);
    // And the other tenant's feedback never lists here.
    assert.ok(!(await list()).json().feedback.some((f: { sessionId: string }) => f.sessionId === other.sessionId));
  });

  test('PATCH body validation: 400 naming each field', async () => {
    const cases: [unknown, string[]][] = [
      [{ sessionId: 'nope', resolved: true }, ['sessionId']],
      [{ sessionId: s.f1 }, ['resolved']],
      [{ sessionId: s.f1, resolved: 'yes' }, ['resolved']],
      [{ resolved: true }, ['sessionId']],
      [{ sessionId: s.f1, resolved: true, note: 'x' }, ['note']],
    ];
    for (const [body, fields] of cases) {
      const res = await patch(body);
      assertError(res, 400, 'validation_failed');
      assert.deepEqual(Object.keys(res.json().fieldErrors).sort(), fields, res.body);
    }
    assert.equal((await list('?resolved=true')).json().total, 0, 'nothing changed');
  });

  test('permissions and tenant scope', async () => {
    const readOnly = await t.tenantWithKey({ permissions: ['feedback:read'] });
    const writeOnly = await t.tenantWithKey({ permissions: ['feedback:write', 'analytics:read'] });
    assert.equal((await t.call('GET', `/api/v1/tenants/${readOnly.tenant.id}/feedback`, { key: readOnly.key })).statusCode, 200);
    assertError(await t.call('PATCH', `/api/v1/tenants/${readOnly.tenant.id}/feedback`, { key: readOnly.key, body: { sessionId: uuidv7(), resolved: true } }), 403, 'forbidden');
    assertError(await t.call('GET', `/api/v1/tenants/${writeOnly.tenant.id}/feedback`, { key: writeOnly.key }), 403, 'forbidden');

    // Another tenant's key on this tenant's path: 403, even with the right permissions.
    assertError(await list('', other.key), 403, 'forbidden');
    assertError(await patch({ sessionId: s.f1, resolved: true }, other.key), 403, 'forbidden');
    assertError(await t.call('GET', `/api/v1/tenants/${tenantId}/feedback`), 401, 'unauthorized');
    assertError(await t.call('GET', '/api/v1/tenants/zzz/feedback', { key }), 404, 'not_found');

    const platform = await t.platformKey();
    const all = await list('', platform);
    assert.equal(all.statusCode, 200);
    assert.equal(all.json().total, 4);
    assertError(await t.call('GET', `/api/v1/tenants/${uuidv7()}/feedback`, { key: platform }), 404, 'not_found');
    assert.equal((await list('?resolved=true')).json().total, 0, 'no denied request changed anything');
  });

  test('new feedback shows in the list and its total at once', async () => {
    const before = (await list()).json().total;
    const id = await feedback(tenantId, s.ann, new Date(), 'Just now');
    const body = (await list()).json();
    assert.equal(body.total, before + 1);
    assert.equal(body.feedback[0].sessionId, id);
  });
});

describe('two nodes on one PostgreSQL', () => {
  const skip = onPostgres ? false : 'needs TEST_DATABASE_URL (PostgreSQL)';
  test("a resolution or new feedback on one node drops the other node's cached page at once", { skip }, async () => {
    const a = await t.tenantWithKey({ permissions: ['feedback:read', 'feedback:write', 'analytics:read'] });
    const emp = await addEmployee(a.tenant.id, await addShop(a.tenant.id, 'Node shop'), 'Nia');
    const first = await feedback(a.tenant.id, emp, new Date(Date.now() - HOUR), 'first');
    const database = await openDatabase({ kind: 'postgres', url: t.testDb.url!, poolSize: 2 });
    const node2 = await buildApp(testConfig(), database);
    try {
      const url = `/api/v1/tenants/${a.tenant.id}/feedback`;
      const onNode2 = async () => (await node2.app.inject({ url, headers: { authorization: `Bearer ${a.key}` } })).json();
      const within = async (ms: number, ok: (body: any) => boolean) => {
        const deadline = Date.now() + ms;
        for (;;) {
          const body = await onNode2();
          if (ok(body)) return body;
          assert.ok(Date.now() < deadline, `not seen on node 2 within ${ms} ms: ${JSON.stringify(body)}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      assert.equal((await onNode2()).feedback[0].resolved, false); // cached on node 2 now
      const res = await t.call('PATCH', url, { key: a.key, body: { sessionId: first, resolved: true } });
      assert.equal(res.statusCode, 200);
      // Well inside the 2 s a cached page may live: the notification dropped it.
      await within(1000, (b) => b.feedback[0].resolved === true);
      const second = await feedback(a.tenant.id, emp, new Date(), 'second');
      const body = await within(1000, (b) => b.total === 2);
      assert.equal(body.feedback[0].sessionId, second);
    } finally {
      await node2.app.close();
      await database.close();
    }
  });
});

describe('eraseExpiredFeedbackContacts', () => {
  test("nulls contacts older than each tenant's retention, keeping the messages; repeats erase nothing", async () => {
    const a = await t.createTenant();
    const b = await t.createTenant();
    await t.rt.db.update(reviewSettings).set({ feedbackContactRetentionDays: 5 }).where(eq(reviewSettings.tenantId, b.id));
    const aEmp = await addEmployee(a.id, await addShop(a.id, 'A'), 'Al');
    const bEmp = await addEmployee(b.id, await addShop(b.id, 'B'), 'Bo');
    const day = 24 * HOUR;
    const aOld = await feedback(a.id, aEmp, new Date(Date.now() - 366 * day), 'a old', { contact: 'a-old@example.com' });
    const aKept = await feedback(a.id, aEmp, new Date(Date.now() - 364 * day), 'a recent', { contact: 'a-recent@example.com' });
    const bOld = await feedback(b.id, bEmp, new Date(Date.now() - 6 * day), 'b old', { contact: 'b-old@example.com' });
    const bKept = await feedback(b.id, bEmp, new Date(Date.now() - 4 * day), 'b recent', { contact: 'b-recent@example.com' });

    const erased = await eraseExpiredFeedbackContacts(t.rt.db);
    assert.equal(erased, 2);
    const rows = await t.rt.db.select().from(reviewSessions).where(sql`${reviewSessions.id} in (${sql.join([aOld, aKept, bOld, bKept].map((id) => sql`${id}`), sql`, `)})`);
    const byId = new Map(rows.map((r) => [r.id, r]));
    assert.equal(byId.get(aOld)!.feedbackContact, null);
    assert.equal(byId.get(aOld)!.feedbackMessage, 'a old');
    assert.equal(byId.get(aKept)!.feedbackContact, 'a-recent@example.com');
    assert.equal(byId.get(bOld)!.feedbackContact, null);
    assert.equal(byId.get(bOld)!.feedbackMessage, 'b old');
    assert.equal(byId.get(bKept)!.feedbackContact, 'b-recent@example.com');
    assert.equal(await eraseExpiredFeedbackContacts(t.rt.db), 0);
  });
});
