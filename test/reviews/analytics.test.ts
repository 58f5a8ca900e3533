import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { uuidv7 } from '../../src/platform/ids.ts';
import { tenants } from '../../src/platform/tables.ts';
import { addDays, analyticsDays } from '../../src/reviews/analytics.ts';
import { localDay, recordFunnelEvent } from '../../src/reviews/funnel.ts';
import { employees, shops } from '../../src/reviews/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError } from '../helpers/assertions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function addShop(tenantId: string, name: string, deleted = false) {
  const id = uuidv7();
  await t.rt.db.insert(shops).values({ tenantId, id, name, deletedAt: deleted ? new Date() : null });
  return id;
}
async function addEmployee(tenantId: string, shopId: string, name: string) {
  const id = uuidv7();
  await t.rt.db.insert(employees).values({ tenantId, id, shopId, name, code: `c${id.replaceAll('-', '').slice(-12)}` });
  return id;
}
const deactivate = (tenantId: string, id: string) =>
  t.rt.db.update(employees).set({ active: false }).where(and(eq(employees.tenantId, tenantId), eq(employees.id, id)));

/** One visit: a scan, then the stages given, all at noon (UTC) of the day `daysAgo` days back. */
async function visit(
  tenantId: string,
  employeeId: string,
  day: string,
  stages: { rating?: number; google?: boolean; xhs?: boolean; feedback?: string } = {},
) {
  const at = new Date(`${day}T12:00:00Z`);
  const base = { tenantId, employeeId, at };
  const { sessionId } = await recordFunnelEvent(t.rt, { ...base, type: 'scan' });
  if (stages.rating) await recordFunnelEvent(t.rt, { ...base, sessionId, type: 'rating', rating: stages.rating });
  if (stages.google) await recordFunnelEvent(t.rt, { ...base, sessionId, type: 'review_click', channel: 'google' });
  if (stages.xhs) await recordFunnelEvent(t.rt, { ...base, sessionId, type: 'review_click', channel: 'xhs' });
  if (stages.feedback) await recordFunnelEvent(t.rt, { ...base, sessionId, type: 'feedback', message: stages.feedback, contact: 'me@example.com' });
  return sessionId;
}

const zeros: Record<string, number | null> = {
  scans: 0, ratings: 0, positive: 0, negative: 0, reviewClicks: 0, googleClicks: 0, xhsClicks: 0, feedback: 0,
  averageRating: null, ratingRate: null, reviewRate: null,
};

describe('analyticsDays', () => {
  test('7, 30 and 90 are windows; anything else is 30', () => {
    assert.equal(analyticsDays('7'), 7);
    assert.equal(analyticsDays('90'), 90);
    assert.equal(analyticsDays('30'), 30);
    for (const v of [undefined, '', 'abc', '45', '7.0', '07', ' 7', '-7', '1e1', ['7', '90'], 7]) assert.equal(analyticsDays(v), 30, String(v));
  });
});

describe('GET /tenants/{id}/analytics', () => {
  let tenantId: string;
  let key: string;
  let today: string;
  const ids: Record<string, string> = {};
  const get = (query = '', k = key) => t.call('GET', `/api/v1/tenants/${tenantId}/analytics${query}`, { key: k });

  before(async () => {
    const a = await t.tenantWithKey({ permissions: ['analytics:read', 'feedback:write'] });
    tenantId = a.tenant.id;
    key = a.key;
    today = localDay(new Date(), 'UTC');
    const ago = (n: number) => addDays(today, -n);
    ids.alpha = await addShop(tenantId, 'Alpha shop');
    ids.beta = await addShop(tenantId, 'Beta shop');
    ids.gamma = await addShop(tenantId, 'Gamma shop');
    ids.closed = await addShop(tenantId, 'Closed shop', true);
    ids.ann = await addEmployee(tenantId, ids.alpha, 'Ann');
    ids.ben = await addEmployee(tenantId, ids.beta, 'Ben');
    ids.cat = await addEmployee(tenantId, ids.alpha, 'Cat'); // active, never scanned
    ids.dan = await addEmployee(tenantId, ids.beta, 'Dan'); // inactive, active 20 days ago
    ids.eve = await addEmployee(tenantId, ids.beta, 'Eve'); // inactive, active 2 days ago
    ids.fay = await addEmployee(tenantId, ids.gamma, 'Fay'); // inactive, never scanned

    await visit(tenantId, ids.ann, ago(0), { rating: 5, google: true, xhs: true });
    ids.annFeedback = await visit(tenantId, ids.ann, ago(0), { rating: 3, feedback: 'slow' });
    await visit(tenantId, ids.ann, ago(3));
    await visit(tenantId, ids.ann, ago(10), { rating: 4, google: true });
    await visit(tenantId, ids.ann, ago(89), { rating: 2, feedback: 'cold room' });
    await visit(tenantId, ids.ann, ago(90), { rating: 5, google: true });
    await visit(tenantId, ids.ann, ago(200), { rating: 1, feedback: 'very old' });
    await visit(tenantId, ids.ben, ago(1));
    await visit(tenantId, ids.dan, ago(20), { rating: 1 });
    await visit(tenantId, ids.eve, ago(2), { rating: 5 });
    await deactivate(tenantId, ids.dan);
    await deactivate(tenantId, ids.eve);
    await deactivate(tenantId, ids.fay);
    // Another tenant's activity never shows.
    const other = await t.createTenant();
    const otherShop = await addShop(other.id, 'Elsewhere');
    await visit(other.id, await addEmployee(other.id, otherShop, 'Zed'), today, { rating: 5, feedback: 'x' });
    await t.rt.flush();
  });

  test('days=7: the exact report, with idle employees and shops as zeros and null rates', async () => {
    const res = await get('?days=7');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const ago = (n: number) => addDays(today, -n);
    const daily: Record<string, unknown>[] = Array.from({ length: 7 }, (_, i) => ({ date: ago(6 - i), ...zeros }));
    daily[6] = { date: today, scans: 2, ratings: 2, positive: 1, negative: 1, reviewClicks: 2, googleClicks: 1, xhsClicks: 1, feedback: 1, averageRating: 4, ratingRate: 1, reviewRate: 1 };
    daily[5] = { date: ago(1), ...zeros, scans: 1, ratingRate: 0 };
    daily[4] = { date: ago(2), ...zeros, scans: 1, ratings: 1, positive: 1, averageRating: 5, ratingRate: 1, reviewRate: 0 };
    daily[3] = { date: ago(3), ...zeros, scans: 1, ratingRate: 0 };
    assert.deepEqual(res.json(), {
      days: 7,
      from: ago(6),
      to: today,
      summary: {
        scans: 5, ratings: 3, positive: 2, negative: 1, reviewClicks: 2, googleClicks: 1, xhsClicks: 1, feedback: 1,
        averageRating: 4.33, ratingRate: 0.6, reviewRate: 0.6667,
        unresolvedFeedback: 3, // today's, 89 days ago and 200 days ago: all time, not the window
      },
      employees: [
        {
          employeeId: ids.ann, name: 'Ann', shopId: ids.alpha, shopName: 'Alpha shop',
          scans: 3, ratings: 2, positive: 1, negative: 1, reviewClicks: 2, googleClicks: 1, xhsClicks: 1, feedback: 1,
          averageRating: 4, ratingRate: 0.6667, reviewRate: 1,
        },
        { employeeId: ids.ben, name: 'Ben', shopId: ids.beta, shopName: 'Beta shop', ...zeros, scans: 1, ratingRate: 0 },
        { employeeId: ids.cat, name: 'Cat', shopId: ids.alpha, shopName: 'Alpha shop', ...zeros },
        {
          employeeId: ids.eve, name: 'Eve', shopId: ids.beta, shopName: 'Beta shop',
          ...zeros, scans: 1, ratings: 1, positive: 1, averageRating: 5, ratingRate: 1, reviewRate: 0,
        },
      ],
      shops: [
        {
          shopId: ids.alpha, name: 'Alpha shop',
          scans: 3, ratings: 2, positive: 1, negative: 1, reviewClicks: 2, googleClicks: 1, xhsClicks: 1, feedback: 1,
          averageRating: 4, ratingRate: 0.6667, reviewRate: 1,
        },
        { shopId: ids.beta, name: 'Beta shop', ...zeros, scans: 2, ratings: 1, positive: 1, averageRating: 5, ratingRate: 0.5, reviewRate: 0 },
        { shopId: ids.gamma, name: 'Gamma shop', ...zeros },
      ],
      daily,
    });
  });

  test('days=30 adds older activity and inactive employees active in the window', async () => {
    const body = (await get('?days=30')).json();
    assert.equal(body.days, 30);
    assert.equal(body.from, addDays(today, -29));
    assert.equal(body.daily.length, 30);
    assert.deepEqual(
      body.employees.map((e: { name: string }) => e.name),
      ['Ann', 'Ben', 'Cat', 'Dan', 'Eve'],
    );
    const ann = body.employees[0];
    assert.deepEqual(
      [ann.scans, ann.ratings, ann.positive, ann.negative, ann.googleClicks, ann.xhsClicks, ann.reviewClicks, ann.averageRating, ann.ratingRate, ann.reviewRate],
      [4, 3, 2, 1, 2, 1, 3, 4, 0.75, 1],
    );
    const dan = body.employees[3];
    assert.deepEqual([dan.scans, dan.ratings, dan.negative, dan.averageRating, dan.reviewRate], [1, 1, 1, 1, 0]);
    assert.equal(body.summary.scans, 7);
    assert.equal(body.summary.averageRating, 3.6); // (5+3+4+1+5)/5
  });

  test('days=90 covers exactly 90 days: 89 days ago is in, 90 days ago is out', async () => {
    const body = (await get('?days=90')).json();
    assert.equal(body.days, 90);
    assert.equal(body.daily.length, 90);
    assert.equal(body.daily[0].date, addDays(today, -89));
    assert.equal(body.daily[89].date, today);
    assert.deepEqual(
      body.daily.map((d: { date: string }) => d.date),
      Array.from({ length: 90 }, (_, i) => addDays(today, i - 89)),
      'consecutive days, oldest first',
    );
    assert.equal(body.daily[0].scans, 1);
    assert.equal(body.daily[0].feedback, 1);
    const ann = body.employees[0];
    assert.deepEqual(
      [ann.scans, ann.ratings, ann.ratingSum, ann.positive, ann.negative, ann.feedback, ann.averageRating, ann.ratingRate, ann.reviewRate],
      [5, 4, undefined, 2, 2, 2, 3.5, 0.8, 0.75],
    );
    assert.equal(body.summary.scans, 8);
    assert.equal(body.summary.unresolvedFeedback, 3);
    // Sums of the daily series equal the summary.
    for (const k of ['scans', 'ratings', 'positive', 'negative', 'googleClicks', 'xhsClicks', 'feedback'] as const) {
      assert.equal(body.daily.reduce((s: number, d: Record<string, number>) => s + d[k], 0), body.summary[k], k);
    }
  });

  test('any other or missing days is 30 (200, not 400)', async () => {
    for (const q of ['', '?days=abc', '?days=45', '?days=', '?days=7.5', '?days=-7', '?days=7&days=90']) {
      const res = await get(q);
      assert.equal(res.statusCode, 200, `${q}: ${res.body}`);
      assert.equal(res.json().days, 30, q);
      assert.equal(res.json().daily.length, 30, q);
    }
    assertError(await get('?days=7&window=9'), 400, 'validation_failed');
  });

  test('new events (once flushed) and a resolved feedback show at once: no stale cached report', async () => {
    const before = (await get('?days=7')).json();
    await visit(tenantId, ids.cat, today, { rating: 4, google: true });
    await t.rt.flush();
    const after = (await get('?days=7')).json();
    assert.equal(after.summary.scans, before.summary.scans + 1);
    const cat = after.employees.find((e: { name: string }) => e.name === 'Cat');
    assert.deepEqual([cat.scans, cat.ratings, cat.googleClicks, cat.averageRating, cat.ratingRate, cat.reviewRate], [1, 1, 1, 4, 1, 1]);

    const res = await t.call('PATCH', `/api/v1/tenants/${tenantId}/feedback`, { key, body: { sessionId: ids.annFeedback, resolved: true } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await get('?days=7')).json().summary.unresolvedFeedback, 2);
    assert.equal((await get('?days=90')).json().summary.unresolvedFeedback, 2);
    await t.call('PATCH', `/api/v1/tenants/${tenantId}/feedback`, { key, body: { sessionId: ids.annFeedback, resolved: false } });
  });

  test('permissions and tenant scope', async () => {
    const noPerm = await t.tenantWithKey({ permissions: ['feedback:read'] });
    await t.rt.db.insert(shops).values({ tenantId: noPerm.tenant.id, id: uuidv7(), name: 'x' });
    assertError(await t.call('GET', `/api/v1/tenants/${noPerm.tenant.id}/analytics`, { key: noPerm.key }), 403, 'forbidden');
    const stranger = await t.tenantWithKey({ permissions: ['analytics:read'] });
    assertError(await get('?days=7', stranger.key), 403, 'forbidden');
    assertError(await t.call('GET', `/api/v1/tenants/${tenantId}/analytics`), 401, 'unauthorized');
    assertError(await t.call('GET', '/api/v1/tenants/not-a-uuid/analytics', { key }), 404, 'not_found');
    const platform = await t.platformKey();
    const res = await get('?days=7', platform);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().summary.scans >= 5, true);
    assertError(await t.call('GET', `/api/v1/tenants/${uuidv7()}/analytics`, { key: platform }), 404, 'not_found');
    // A tenant with nothing at all: all zeros, every rate null, `days` entries.
    const empty = (await t.call('GET', `/api/v1/tenants/${stranger.tenant.id}/analytics?days=90`, { key: stranger.key })).json();
    assert.deepEqual(empty.summary, { ...zeros, unresolvedFeedback: 0 });
    assert.deepEqual(empty.employees, []);
    assert.deepEqual(empty.shops, []);
    assert.equal(empty.daily.length, 90);
    assert.ok(empty.daily.every((d: Record<string, unknown>) => d.scans === 0 && d.averageRating === null && d.ratingRate === null));
  });
});

describe('time zones', () => {
  test("the window ends today in the tenant's zone, and a zone change moves later events only", async () => {
    const { tenant, key } = await t.tenantWithKey({ permissions: ['analytics:read'] });
    await t.rt.db.update(tenants).set({ timezone: 'Pacific/Kiritimati' }).where(eq(tenants.id, tenant.id)); // UTC+14
    const shop = await addShop(tenant.id, 'Atoll');
    const employee = await addEmployee(tenant.id, shop, 'Iri');
    const get = async () => (await t.call('GET', `/api/v1/tenants/${tenant.id}/analytics?days=7`, { key })).json();

    const at = new Date(Date.now() - 2 * 86_400_000);
    const dayBefore = localDay(at, 'Pacific/Kiritimati');
    const first = await get();
    assert.equal(first.to, localDay(new Date(), 'Pacific/Kiritimati'));
    assert.equal(first.from, addDays(first.to, -6));

    await recordFunnelEvent(t.rt, { tenantId: tenant.id, employeeId: employee, type: 'scan', at });
    await t.rt.db.update(tenants).set({ timezone: 'Pacific/Pago_Pago' }).where(eq(tenants.id, tenant.id)); // UTC-11
    await recordFunnelEvent(t.rt, { tenantId: tenant.id, employeeId: employee, type: 'scan', at });
    const dayAfter = localDay(at, 'Pacific/Pago_Pago');
    assert.notEqual(dayBefore, dayAfter, '25 hours apart: never the same date');
    await t.rt.flush();

    const body = await get();
    assert.equal(body.to, localDay(new Date(), 'Pacific/Pago_Pago'), 'the window follows the zone in force now');
    const scansOn = (d: string) => body.daily.find((x: { date: string }) => x.date === d)?.scans;
    assert.equal(scansOn(dayAfter), 1);
    assert.equal(scansOn(dayBefore), 1, 'the earlier event stays on its own day');
    assert.equal(body.daily.reduce((s: number, d: { scans: number }) => s + d.scans, 0), 2);
  });
});
