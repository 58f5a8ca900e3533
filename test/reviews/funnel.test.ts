import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, asc, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/db/index.ts';
import { AppError } from '../../src/platform/errors.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { events, tenants } from '../../src/platform/tables.ts';
import { localDay, recordFunnelEvent, type FunnelEventInput } from '../../src/reviews/funnel.ts';
import { rebuildRollups, RollupWriter } from '../../src/reviews/rollups.ts';
import { employees, funnelDaily, reviewSessions, reviewSettings, shops } from '../../src/reviews/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const DAY = 86_400_000;

// Shops and employees are inserted directly: this file tests the funnel, not their services.
async function addShop(tenantId: string, name = 'Main street') {
  const id = uuidv7();
  await t.rt.db.insert(shops).values({ tenantId, id, name });
  return id;
}
async function addEmployee(tenantId: string, shopId: string, name = 'Ana') {
  const id = uuidv7();
  await t.rt.db.insert(employees).values({ tenantId, id, shopId, name, code: `c${id.replaceAll('-', '').slice(-12)}` });
  return id;
}
async function setup(opts: { timezone?: string } = {}) {
  const tenant = await t.createTenant();
  if (opts.timezone) await t.rt.db.update(tenants).set({ timezone: opts.timezone }).where(eq(tenants.id, tenant.id));
  const shopId = await addShop(tenant.id);
  const employeeId = await addEmployee(tenant.id, shopId);
  const ev = (e: Omit<FunnelEventInput, 'tenantId' | 'employeeId'> & { employeeId?: string }) =>
    recordFunnelEvent(t.rt, { tenantId: tenant.id, employeeId, ...e });
  return { tenantId: tenant.id, shopId, employeeId, ev };
}

const sessionRow = async (tenantId: string, id: string) =>
  (await t.rt.db.select().from(reviewSessions).where(and(eq(reviewSessions.tenantId, tenantId), eq(reviewSessions.id, id))))[0];
const rollupRows = async (tenantId: string) => {
  await t.rt.flush();
  return t.rt.db
    .select()
    .from(funnelDaily)
    .where(eq(funnelDaily.tenantId, tenantId))
    .orderBy(asc(funnelDaily.day), asc(funnelDaily.employeeId), asc(funnelDaily.shopId));
};
const eventsOf = (tenantId: string, type: string) =>
  t.rt.db.select().from(events).where(and(eq(events.tenantId, tenantId), eq(events.type, type))).orderBy(asc(events.seq));

const rejectsWith = async (p: Promise<unknown>, status: number, field?: string) => {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.status, status);
    if (field) assert.ok(err.fieldErrors?.[field], JSON.stringify(err.fieldErrors));
    return true;
  });
};

describe('localDay', () => {
  test('is the calendar date in the IANA zone, and UTC for an unknown zone', () => {
    const at = new Date('2026-03-10T20:30:00Z');
    assert.equal(localDay(at, 'UTC'), '2026-03-10');
    assert.equal(localDay(at, 'Asia/Singapore'), '2026-03-11');
    assert.equal(localDay(at, 'America/Los_Angeles'), '2026-03-10');
    assert.equal(localDay(new Date('2026-03-10T02:00:00Z'), 'America/New_York'), '2026-03-09');
    assert.equal(localDay(at, 'Not/AZone'), '2026-03-10');
  });
});

describe('recordFunnelEvent', () => {
  test('a scan opens a session on the tenant-local day; a reload with the session counts nothing', async () => {
    const { tenantId, shopId, employeeId, ev } = await setup({ timezone: 'Asia/Singapore' });
    const at = new Date('2026-01-10T17:30:00Z'); // 01:30 on the 11th in Singapore
    const first = await ev({ type: 'scan', at });
    assert.deepEqual(Object.keys(first).sort(), ['counted', 'positive', 'rating', 'sessionId']);
    assert.equal(first.counted, true);
    assert.equal(first.rating, null);
    const row = await sessionRow(tenantId, first.sessionId);
    assert.equal(row.scanDay, '2026-01-11');
    assert.equal(row.scannedAt!.toISOString(), at.toISOString());
    assert.equal(row.shopId, shopId);
    assert.equal(row.employeeId, employeeId);

    const reload = await ev({ type: 'scan', sessionId: first.sessionId, at: new Date(at.getTime() + 60_000) });
    assert.deepEqual(reload, { sessionId: first.sessionId, counted: false, rating: null, positive: null });
    // A stale session id (another employee's page, or an unknown one) starts a new visit.
    const other = await ev({ type: 'scan', sessionId: uuidv7(), at });
    assert.notEqual(other.sessionId, first.sessionId);
    assert.equal(other.counted, true);

    const [{ n }] = await queryRows<{ n: number }>(t.rt.db, sql`select count(*)::int as n from review_sessions where tenant_id = ${tenantId}`);
    assert.equal(n, 2);
    const rows = await rollupRows(tenantId);
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0], {
      tenantId, day: '2026-01-11', shopId, employeeId,
      scans: 2, ratings: 0, ratingSum: 0, positive: 0, negative: 0, googleClicks: 0, xhsClicks: 0, feedback: 0,
    });
    assert.equal((await t.rt.db.select().from(events).where(eq(events.tenantId, tenantId))).length, 0, 'a scan writes no event');
  });

  test('a rating counts once: a change moves rating_sum and positive/negative on the first rating day', async () => {
    const { tenantId, shopId, employeeId, ev } = await setup();
    const scanAt = new Date('2026-02-01T23:50:00Z');
    const { sessionId } = await ev({ type: 'scan', at: scanAt });
    const r1 = await ev({ type: 'rating', sessionId, rating: 5, at: new Date('2026-02-01T23:55:00Z') });
    assert.deepEqual(r1, { sessionId, counted: true, rating: 5, positive: true });
    // Changed after midnight: still one rating, counted on the 1st.
    const r2 = await ev({ type: 'rating', sessionId, rating: 2, at: new Date('2026-02-02T00:05:00Z') });
    assert.deepEqual(r2, { sessionId, counted: false, rating: 2, positive: false });
    const same = await ev({ type: 'rating', sessionId, rating: 2, at: new Date('2026-02-02T00:06:00Z') });
    assert.deepEqual(same, { sessionId, counted: false, rating: 2, positive: false });

    const row = await sessionRow(tenantId, sessionId);
    assert.equal(row.rating, 2);
    assert.equal(row.positive, false);
    assert.equal(row.ratingDay, '2026-02-01');
    assert.equal(row.ratedAt!.toISOString(), '2026-02-01T23:55:00.000Z');

    const rated = await eventsOf(tenantId, 'review.rated');
    assert.equal(rated.length, 2, 'the repeat of the same rating writes nothing');
    assert.deepEqual(rated[0].data, { sessionId, employeeId, shopId, rating: 5, positive: true, previousRating: null, ratedAt: '2026-02-01T23:55:00.000Z' });
    assert.deepEqual(rated[1].data, { sessionId, employeeId, shopId, rating: 2, positive: false, previousRating: 5, ratedAt: '2026-02-02T00:05:00.000Z' });

    const rows = await rollupRows(tenantId);
    assert.equal(rows.length, 1);
    assert.deepEqual(
      { scans: rows[0].scans, ratings: rows[0].ratings, ratingSum: rows[0].ratingSum, positive: rows[0].positive, negative: rows[0].negative },
      { scans: 1, ratings: 1, ratingSum: 2, positive: 0, negative: 1 },
    );
  });

  test('positive uses the threshold in force when the rating is given', async () => {
    const { tenantId, ev } = await setup();
    const a = await ev({ type: 'scan' });
    assert.equal((await ev({ type: 'rating', sessionId: a.sessionId, rating: 4 })).positive, true, 'default threshold 4');
    await t.rt.db.update(reviewSettings).set({ ratingThreshold: 5 }).where(eq(reviewSettings.tenantId, tenantId));
    const b = await ev({ type: 'scan' });
    assert.equal((await ev({ type: 'rating', sessionId: b.sessionId, rating: 4 })).positive, false);
    assert.equal((await sessionRow(tenantId, a.sessionId)).positive, true, 'earlier ratings keep their class');
    const [r] = await rollupRows(tenantId);
    assert.equal(r.positive, 1);
    assert.equal(r.negative, 1);
  });

  test('each channel counts once per session; feedback once, keeping the first, with no contact in the event', async () => {
    const { tenantId, shopId, employeeId, ev } = await setup();
    const { sessionId } = await ev({ type: 'scan', at: new Date('2026-03-01T10:00:00Z') });
    await ev({ type: 'rating', sessionId, rating: 1, at: new Date('2026-03-01T10:01:00Z') });
    assert.equal((await ev({ type: 'review_click', sessionId, channel: 'google', at: new Date('2026-03-01T10:02:00Z') })).counted, true);
    assert.equal((await ev({ type: 'review_click', sessionId, channel: 'google', at: new Date('2026-03-01T10:03:00Z') })).counted, false);
    assert.equal((await ev({ type: 'review_click', sessionId, channel: 'xhs', at: new Date('2026-03-02T10:04:00Z') })).counted, true);
    const fb = await ev({ type: 'feedback', sessionId, message: '  Rude at the desk  ', contact: ' me@example.com ', at: new Date('2026-03-02T11:00:00Z') });
    assert.deepEqual(fb, { sessionId, counted: true, rating: 1, positive: false });
    assert.equal((await ev({ type: 'feedback', sessionId, message: 'second try', at: new Date('2026-03-02T12:00:00Z') })).counted, false);

    const row = await sessionRow(tenantId, sessionId);
    assert.equal(row.googleClickedAt!.toISOString(), '2026-03-01T10:02:00.000Z');
    assert.equal(row.googleClickDay, '2026-03-01');
    assert.equal(row.xhsClickDay, '2026-03-02');
    assert.equal(row.feedbackMessage, 'Rude at the desk');
    assert.equal(row.feedbackContact, 'me@example.com');
    assert.equal(row.feedbackDay, '2026-03-02');
    assert.equal(row.feedbackAt!.toISOString(), '2026-03-02T11:00:00.000Z');
    assert.equal(row.resolved, false);

    const clicked = await eventsOf(tenantId, 'review.clicked');
    assert.deepEqual(
      clicked.map((e) => e.data),
      [
        { sessionId, employeeId, shopId, channel: 'google', clickedAt: '2026-03-01T10:02:00.000Z' },
        { sessionId, employeeId, shopId, channel: 'xhs', clickedAt: '2026-03-02T10:04:00.000Z' },
      ],
    );
    const created = await eventsOf(tenantId, 'feedback.created');
    assert.equal(created.length, 1);
    assert.deepEqual(created[0].data, {
      sessionId, employeeId, shopId, rating: 1, positive: false, message: 'Rude at the desk', hasContact: true, createdAt: '2026-03-02T11:00:00.000Z',
    });
    assert.ok(!JSON.stringify(created[0].data).includes('me@example.com'));

    const rows = await rollupRows(tenantId);
    const pick = (r: (typeof rows)[number]) => [r.day, r.scans, r.ratings, r.negative, r.googleClicks, r.xhsClicks, r.feedback];
    assert.deepEqual(rows.map(pick), [
      ['2026-03-01', 1, 1, 1, 1, 0, 0],
      ['2026-03-02', 0, 0, 0, 0, 1, 1],
    ]);
  });

  test('bad input is refused and changes nothing; unknown, foreign or mismatched sessions are 404', async () => {
    const a = await setup();
    const b = await setup();
    const { sessionId } = await a.ev({ type: 'scan' });
    const foreign = await b.ev({ type: 'scan' });
    const colleague = await addEmployee(a.tenantId, a.shopId, 'Bo');

    for (const rating of [0, 6, 2.5, undefined]) await rejectsWith(a.ev({ type: 'rating', sessionId, rating }), 400, 'rating');
    await rejectsWith(a.ev({ type: 'review_click', sessionId, channel: 'facebook' as never }), 400, 'channel');
    await rejectsWith(a.ev({ type: 'feedback', sessionId, message: '   ' }), 400, 'message');
    await rejectsWith(a.ev({ type: 'feedback', sessionId, message: 'x'.repeat(2001) }), 400, 'message');
    await rejectsWith(a.ev({ type: 'feedback', sessionId, message: 'ok', contact: 'c'.repeat(201) }), 400, 'contact');
    await rejectsWith(a.ev({ type: 'unknown' as never, sessionId }), 400, 'type');
    await rejectsWith(a.ev({ type: 'rating', rating: 5 }), 400, 'sessionId');

    await rejectsWith(a.ev({ type: 'rating', sessionId: uuidv7(), rating: 5 }), 404);
    await rejectsWith(a.ev({ type: 'rating', sessionId: 'not-a-uuid', rating: 5 }), 404);
    await rejectsWith(a.ev({ type: 'rating', sessionId: foreign.sessionId, rating: 5 }), 404);
    await rejectsWith(a.ev({ type: 'rating', sessionId, rating: 5, employeeId: colleague }), 404);
    await rejectsWith(a.ev({ type: 'scan', employeeId: uuidv7() }), 404);
    await rejectsWith(a.ev({ type: 'scan', employeeId: b.employeeId }), 404, undefined);
    await rejectsWith(recordFunnelEvent(t.rt, { tenantId: 'nope', employeeId: a.employeeId, type: 'scan' }), 404);

    const row = await sessionRow(a.tenantId, sessionId);
    assert.equal(row.rating, null);
    assert.equal(row.feedbackAt, null);
    assert.equal((await t.rt.db.select().from(events).where(eq(events.tenantId, a.tenantId))).length, 0);
    assert.equal((await rollupRows(a.tenantId))[0].scans, 1);
  });

  test('a time-zone change moves the day boundary for later events only', async () => {
    const { tenantId, ev } = await setup({ timezone: 'Pacific/Kiritimati' }); // UTC+14
    const at = new Date('2026-04-10T12:00:00Z'); // the 11th in Kiritimati, the 10th in Samoa (UTC-11)
    const before = await ev({ type: 'scan', at });
    await ev({ type: 'rating', sessionId: before.sessionId, rating: 5, at });
    await t.rt.db.update(tenants).set({ timezone: 'Pacific/Pago_Pago' }).where(eq(tenants.id, tenantId));
    const afterChange = await ev({ type: 'scan', at });
    // A later stage of the earlier visit counts on the new zone's day.
    await ev({ type: 'review_click', sessionId: before.sessionId, channel: 'google', at });

    const old = await sessionRow(tenantId, before.sessionId);
    assert.equal(old.scanDay, '2026-04-11');
    assert.equal(old.ratingDay, '2026-04-11');
    assert.equal(old.googleClickDay, '2026-04-10');
    assert.equal((await sessionRow(tenantId, afterChange.sessionId)).scanDay, '2026-04-10');

    const rows = await rollupRows(tenantId);
    assert.deepEqual(
      rows.map((r) => [r.day, r.scans, r.ratings, r.googleClicks]),
      [
        ['2026-04-10', 1, 0, 1],
        ['2026-04-11', 1, 1, 0],
      ],
    );
    // The stored days are the truth: a rebuild does not re-bucket with the new zone.
    await rebuildRollups(t.rt.db, tenantId);
    assert.deepEqual(await rollupRows(tenantId), rows);
  });
});

describe('the rollup writer', () => {
  test('concurrent scans of one employee become one row with the exact count, however flushes interleave', async () => {
    const { tenantId, ev } = await setup();
    const at = new Date('2026-05-05T09:00:00Z');
    const flushes: Promise<void>[] = [];
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        await ev({ type: 'scan', at: new Date(at.getTime() + i) });
        if (i % 7 === 0) flushes.push(t.rt.flush());
      }),
    );
    await Promise.all(flushes);
    const rows = await rollupRows(tenantId);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].scans, 60);
    assert.equal(t.rt.rollups.pendingRows, 0);
  });

  test('a failed flush keeps its increments and the next flush writes them once', async () => {
    const { tenantId, shopId, employeeId } = await setup();
    let failures = 1;
    const flaky = new Proxy(t.rt.db, {
      get: (target, prop, receiver) =>
        prop === 'execute' && failures-- > 0
          ? () => Promise.reject(new Error('simulated outage'))
          : Reflect.get(target, prop, receiver),
    }) as Db;
    const writer = new RollupWriter(flaky);
    const key = { tenantId, day: '2026-06-01', shopId, employeeId };
    writer.add(key, { scans: 2, ratings: 1, ratingSum: 4, positive: 1 });
    writer.add(key, { scans: 1 });
    writer.add(key, {}); // nothing to add
    const v0 = writer.version(tenantId);
    await assert.rejects(writer.flush(), /simulated outage/);
    assert.equal(writer.pendingRows, 1);
    assert.equal(writer.version(tenantId), v0, 'nothing was written');
    writer.add(key, { scans: 1 });
    await writer.flush();
    await writer.flush();
    assert.equal(writer.pendingRows, 0);
    assert.ok(writer.version(tenantId) > v0);
    const [row] = await rollupRows(tenantId);
    assert.deepEqual([row.scans, row.ratings, row.ratingSum, row.positive], [4, 1, 4, 1]);
  });

  test('rebuildRollups from the sessions equals the incremental rollups, and repairs lost increments', async () => {
    const { tenantId, shopId, employeeId, ev } = await setup({ timezone: 'Europe/Berlin' });
    const shop2 = await addShop(tenantId, 'Second');
    const e2 = await addEmployee(tenantId, shop2, 'Chen');
    const start = Date.parse('2026-07-01T08:00:00Z');
    for (let i = 0; i < 40; i++) {
      const employee = i % 3 === 0 ? e2 : employeeId;
      const at = (m: number) => new Date(start + (i % 9) * DAY + i * 3_600_000 + m * 60_000);
      const { sessionId } = await ev({ type: 'scan', employeeId: employee, at: at(0) });
      if (i % 5 === 4) continue;
      await ev({ type: 'rating', employeeId: employee, sessionId, rating: (i % 5) + 1, at: at(1) });
      if (i % 4 === 0) await ev({ type: 'rating', employeeId: employee, sessionId, rating: 5 - (i % 5), at: at(2) });
      if (i % 2 === 0) await ev({ type: 'review_click', employeeId: employee, sessionId, channel: 'google', at: at(3) });
      if (i % 3 === 1) await ev({ type: 'review_click', employeeId: employee, sessionId, channel: 'xhs', at: at(4) });
      if (i % 5 === 1) await ev({ type: 'feedback', employeeId: employee, sessionId, message: `note ${i}`, at: at(5) });
      if (i === 7) await t.rt.db.update(tenants).set({ timezone: 'Asia/Tokyo' }).where(eq(tenants.id, tenantId));
    }
    const incremental = await rollupRows(tenantId);
    assert.ok(incremental.length > 5);
    assert.ok(incremental.some((r) => r.shopId === shop2) && incremental.some((r) => r.shopId === shopId));
    const totals = incremental.reduce((s, r) => s + r.scans, 0);
    assert.equal(totals, 40);

    const { rows } = await rebuildRollups(t.rt.db, tenantId);
    assert.equal(rows, incremental.length);
    assert.deepEqual(await rollupRows(tenantId), incremental);

    // Increments lost in a crash: the rebuild restores them from the sessions.
    await t.rt.db.delete(funnelDaily).where(and(eq(funnelDaily.tenantId, tenantId), eq(funnelDaily.employeeId, e2)));
    await t.rt.db.update(funnelDaily).set({ scans: 999 }).where(eq(funnelDaily.tenantId, tenantId));
    await rebuildRollups(t.rt.db, tenantId);
    assert.deepEqual(await rollupRows(tenantId), incremental);
  });
});
