// Demo data (src/reviews/demo-data.ts and `orgstack demo`): the tenant is provisioned like
// POST /tenants in demo mode, and its 90 days of activity are plausible and exactly what the
// analytics and feedback APIs report, counted here straight from review_sessions. The CLI runs
// as a real process against a real database, as in test/platform/cli.test.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { count, eq, sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Db } from '../../src/db/index.ts';
import { AppError } from '../../src/platform/errors.ts';
import { requestId } from '../../src/platform/ids.ts';
import { ALL_PERMISSIONS, TENANT_PERMISSIONS } from '../../src/platform/permissions.ts';
import type { Principal, ServiceContext } from '../../src/platform/principal.ts';
import { events, mailOutbox, tenants, users } from '../../src/platform/tables.ts';
import { verifyPassword } from '../../src/platform/secrets.ts';
import { createDemoTenant, DEFAULT_DEMO_NAME, type DemoTenant } from '../../src/reviews/demo-data.ts';
import { reviewSessions } from '../../src/reviews/tables.ts';
import { libraryTemplates } from '../../src/reviews/template-library.ts';
import { root, spawnServer, startTestApp, type TestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';

let t: TestApp;
let key: string;
let demo: DemoTenant;

const platformPrincipal: Principal = {
  kind: 'platform_key',
  credentialId: 'test-operator',
  tenantId: null,
  userId: null,
  keyPrefix: null,
  permissions: new Set(ALL_PERMISSIONS),
  hourlyLimit: 0,
  human: true,
};
const ctxOf = (principal: Principal): ServiceContext => ({ rt: t.rt, requestId: requestId(), principal });

const HAN = /\p{Script=Han}/u;

before(async () => {
  t = await startTestApp();
  key = await t.platformKey();
  demo = await createDemoTenant(ctxOf(platformPrincipal), { seed: 42 });
});
after(() => t.close());

const get = async (url: string) => {
  const res = await t.call('GET', `/api/v1/tenants/${demo.tenantId}${url}`, { key });
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  return res.json();
};

describe('createDemoTenant: the tenant, as POST /tenants makes it in demo mode', () => {
  test('tenant, login user with a temporary password to change, templates, Trial; no mail', async () => {
    assert.equal(demo.name, DEFAULT_DEMO_NAME);
    assert.equal(demo.slug, 'harbour-lane-salon');
    assert.equal(demo.loginUsername, 'harbour-lane-salon');
    assert.equal(demo.dashboardUrl, 'http://orgstack.test/dashboard');
    assert.match(demo.temporaryPassword, /^[A-Za-z0-9]{5}(?:-[A-Za-z0-9]{5}){3}$/);

    const { tenant } = await get('');
    assert.equal(tenant.name, 'Harbour Lane Salon');
    assert.equal(tenant.vertical, 'beauty');
    assert.equal(tenant.plan, 'trial');
    assert.equal(tenant.xhsHandle, 'harbourlanesalon');
    assert.match(tenant.googleMapsUrl, /^https:\/\/www\.google\.com\/maps\/search\//);
    assert.equal((await get('/settings')).settings.timezone, 'Asia/Singapore');

    const [user] = await t.rt.db.select().from(users).where(eq(users.tenantId, demo.tenantId));
    assert.equal(user.username, demo.loginUsername);
    assert.equal(user.role, 'owner');
    assert.equal(user.email, null);
    assert.equal(user.mustChangePassword, true);
    assert.equal(await verifyPassword(demo.temporaryPassword, user.passwordHash), true);
    assert.ok(!user.passwordHash!.includes(demo.temporaryPassword));

    const { templates, total } = await get('/templates?limit=100');
    assert.equal(total, 20);
    for (const language of ['en', 'zh-CN'] as const) {
      assert.deepEqual(
        templates.filter((x: { language: string }) => x.language === language).map((x: { body: string }) => x.body),
        [...libraryTemplates('beauty', language)],
      );
    }

    assert.equal((await t.rt.db.select({ n: count() }).from(mailOutbox).where(eq(mailOutbox.tenantId, demo.tenantId)))[0].n, 0);
    const types = (await t.rt.db.select({ type: events.type }).from(events).where(eq(events.tenantId, demo.tenantId))).map((e) => e.type);
    assert.ok(types.includes('tenant.provisioned'));
    assert.equal(types.filter((x) => x === 'employee.created').length, 12);
    assert.ok(!types.some((x) => x.startsWith('review.') || x.startsWith('feedback.')), 'the imported history announces nothing');
  });

  test('every module with a demo hook added its part (Work: the board and the inbox), in the same tenant', async () => {
    const work = demo.modules.work;
    assert.ok(work, 'the Work module seeded its demo');
    assert.equal(work.counts.initiatives, 3);
    assert.equal(work.counts.pendingDecisions, 3);
    const live = await t.call('GET', `/api/client/live/initiatives?workspace_id=${demo.tenantId}`, { key });
    assert.equal(live.statusCode, 200, live.body);
    assert.equal(live.json().total, 3);
    const pending = await t.call('GET', `/api/client/decisions?status=pending&workspace_id=${demo.tenantId}`, { key });
    assert.equal(pending.json().total, 3);
    assert.match(demo.reviewPageUrl, /^http:\/\/orgstack\.test\/r\/\S+$/);
  });

  test('two shops and 12 employees (7 + 5) with English and Chinese names', async () => {
    const { shops, total } = await get('/shops');
    assert.equal(total, 2);
    assert.deepEqual(shops.map((s: { name: string }) => s.name), ['Harbour Lane Salon', 'Harbour Lane Salon — Riverside']);
    assert.deepEqual(shops.map((s: { isDefault: boolean }) => s.isDefault), [true, false]);
    assert.ok(shops.every((s: { address: string | null; xhsHandle: string | null }) => s.address && s.xhsHandle));

    const { employees } = await get('/employees');
    assert.equal(employees.length, 12);
    assert.equal(demo.employees, 12);
    assert.equal(new Set(employees.map((e: { name: string }) => e.name)).size, 12);
    assert.equal(employees.filter((e: { name: string }) => HAN.test(e.name)).length, 6);
    assert.equal(employees.filter((e: { name: string }) => /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(e.name)).length, 6);
    assert.equal(employees.filter((e: { shopId: string }) => e.shopId === shops[0].id).length, 7);
    assert.equal(employees.filter((e: { shopId: string }) => e.shopId === shops[1].id).length, 5);
  });
});

interface Counts {
  scans: number;
  ratings: number;
  rating_sum: number;
  positive: number;
  negative: number;
  google: number;
  xhs: number;
  feedback: number;
}

/** Funnel counts per key straight from the sessions, each stage on its own day, like analytics. */
async function sessionCounts(db: Db, tenantId: string, from: string, to: string, by: 'employee_id' | 'shop_id' | 'day' | 'all') {
  const rows = await queryRows<Counts & { k: string }>(
    db,
    sql`with stages as (
          select scan_day as day, employee_id, shop_id, 1 as scans, 0 as ratings, 0 as rating_sum, 0 as positive, 0 as negative, 0 as google, 0 as xhs, 0 as feedback
            from review_sessions where tenant_id = ${tenantId} and scan_day is not null
          union all
          select rating_day, employee_id, shop_id, 0, 1, rating, case when positive then 1 else 0 end, case when positive then 0 else 1 end, 0, 0, 0
            from review_sessions where tenant_id = ${tenantId} and rating_day is not null
          union all
          select google_click_day, employee_id, shop_id, 0, 0, 0, 0, 0, 1, 0, 0 from review_sessions where tenant_id = ${tenantId} and google_click_day is not null
          union all
          select xhs_click_day, employee_id, shop_id, 0, 0, 0, 0, 0, 0, 1, 0 from review_sessions where tenant_id = ${tenantId} and xhs_click_day is not null
          union all
          select feedback_day, employee_id, shop_id, 0, 0, 0, 0, 0, 0, 0, 1 from review_sessions where tenant_id = ${tenantId} and feedback_day is not null
        )
        select (case ${by} when 'employee_id' then employee_id::text when 'shop_id' then shop_id::text when 'day' then day::text else 'all' end) as k,
               sum(scans)::int as scans, sum(ratings)::int as ratings, sum(rating_sum)::int as rating_sum, sum(positive)::int as positive,
               sum(negative)::int as negative, sum(google)::int as google, sum(xhs)::int as xhs, sum(feedback)::int as feedback
          from stages where day between ${from}::date and ${to}::date
         group by 1`,
  );
  return new Map(rows.map((r) => [r.k, r]));
}

const metricsOf = (c: Counts) => ({
  scans: c.scans,
  ratings: c.ratings,
  positive: c.positive,
  negative: c.negative,
  googleClicks: c.google,
  xhsClicks: c.xhs,
  reviewClicks: c.google + c.xhs,
  feedback: c.feedback,
  averageRating: c.ratings ? Math.round((c.rating_sum / c.ratings) * 100) / 100 : null,
});
const pickMetrics = (m: Record<string, unknown>) =>
  Object.fromEntries(['scans', 'ratings', 'positive', 'negative', 'googleClicks', 'xhsClicks', 'reviewClicks', 'feedback', 'averageRating'].map((k) => [k, m[k]]));

describe('createDemoTenant: 90 days of activity', () => {
  test('GET /analytics?days=90 equals the counts of review_sessions: totals, per employee, per shop, per day', async () => {
    const report = await get('/analytics?days=90');
    assert.equal(report.days, 90);
    const { from, to } = report;
    const db = t.rt.db;

    const [all] = [...(await sessionCounts(db, demo.tenantId, from, to, 'all')).values()];
    assert.deepEqual(pickMetrics(report.summary), metricsOf(all));
    // Every session lies in the window (unless the tenant's day rolled over since it was made).
    if (to === demo.to) {
      assert.equal(report.summary.scans, demo.sessions);
      assert.equal(report.summary.feedback, demo.feedback);
      assert.equal(from, demo.from);
    }
    const [{ unresolved }] = await queryRows<{ unresolved: number }>(
      db,
      sql`select count(*)::int as unresolved from review_sessions where tenant_id = ${demo.tenantId} and feedback_at is not null and not resolved`,
    );
    assert.equal(report.summary.unresolvedFeedback, unresolved);

    const perEmployee = await sessionCounts(db, demo.tenantId, from, to, 'employee_id');
    assert.equal(report.employees.length, 12);
    for (const e of report.employees) assert.deepEqual(pickMetrics(e), metricsOf(perEmployee.get(e.employeeId)!), e.name);
    const perShop = await sessionCounts(db, demo.tenantId, from, to, 'shop_id');
    assert.equal(report.shops.length, 2);
    for (const s of report.shops) assert.deepEqual(pickMetrics(s), metricsOf(perShop.get(s.shopId)!), s.name);
    const perDay = await sessionCounts(db, demo.tenantId, from, to, 'day');
    assert.equal(report.daily.length, 90);
    for (const d of report.daily) {
      const c = perDay.get(d.date);
      if (c) assert.deepEqual(pickMetrics(d), metricsOf(c), d.date);
      else assert.equal(d.scans, 0, d.date);
    }
  });

  test('plausible: most visits rate, mostly 4–5 stars, most happy raters click, weekends busier, a gentle upward trend, staff differ', async () => {
    const { summary, daily, employees } = await get('/analytics?days=90');
    assert.ok(summary.scans >= 1500 && summary.scans <= 3500, `scans ${summary.scans}`);
    assert.ok(summary.ratingRate >= 0.7 && summary.ratingRate <= 0.9, `rating rate ${summary.ratingRate}`);
    assert.ok(summary.averageRating >= 4.1 && summary.averageRating <= 4.7, `average ${summary.averageRating}`);
    assert.ok(summary.negative >= summary.ratings * 0.05 && summary.negative <= summary.ratings * 0.25, `negative ${summary.negative}`);
    assert.ok(summary.googleClicks > summary.xhsClicks && summary.xhsClicks > 0);
    assert.ok(summary.feedback > 0 && summary.feedback < summary.negative);
    assert.ok(summary.unresolvedFeedback > 0 && summary.unresolvedFeedback < summary.feedback);

    const byWeekday = [0, 0, 0, 0, 0, 0, 0];
    for (const d of daily) byWeekday[new Date(`${d.date}T12:00:00Z`).getUTCDay()] += d.scans;
    const weekend = byWeekday[0] + byWeekday[6];
    const midweek = byWeekday[2] + byWeekday[3];
    assert.ok(weekend > 1.5 * midweek, `weekend ${weekend} vs Tue+Wed ${midweek}`);
    const sum = (ds: { scans: number }[]) => ds.reduce((a, d) => a + d.scans, 0);
    assert.ok(sum(daily.slice(60)) > 1.1 * sum(daily.slice(0, 30)), 'the last 30 days beat the first 30');

    const scans = employees.map((e: { scans: number }) => e.scans);
    assert.ok(Math.min(...scans) > 0);
    assert.ok(Math.max(...scans) > 1.5 * Math.min(...scans), `per-employee spread ${scans}`);
    const ratings = employees.map((e: { averageRating: number }) => e.averageRating);
    assert.ok(Math.max(...ratings) - Math.min(...ratings) >= 0.2, `average ratings differ ${ratings}`);
  });

  test('every row is consistent: local business hours, *_day is the tenant-local date, stages in order, per the threshold, nothing in the future', async () => {
    const [row] = await queryRows<Record<string, number>>(
      t.rt.db,
      sql`select count(*)::int as sessions,
                 count(*) filter (where extract(hour from s.scanned_at at time zone t.timezone) not between 10 and 19)::int as outside_hours,
                 count(*) filter (where s.scan_day <> (s.scanned_at at time zone t.timezone)::date
                                     or s.rating_day <> (s.rated_at at time zone t.timezone)::date
                                     or s.google_click_day <> (s.google_clicked_at at time zone t.timezone)::date
                                     or s.xhs_click_day <> (s.xhs_clicked_at at time zone t.timezone)::date
                                     or s.feedback_day <> (s.feedback_at at time zone t.timezone)::date
                                     or (s.rated_at is null) <> (s.rating_day is null)
                                     or (s.google_clicked_at is null) <> (s.google_click_day is null)
                                     or (s.xhs_clicked_at is null) <> (s.xhs_click_day is null)
                                     or (s.feedback_at is null) <> (s.feedback_day is null))::int as wrong_day,
                 count(*) filter (where s.rated_at < s.scanned_at or s.google_clicked_at < s.rated_at or s.xhs_clicked_at < s.rated_at
                                     or s.feedback_at < s.rated_at or s.resolved_at < s.feedback_at
                                     or ((s.google_clicked_at is not null or s.xhs_clicked_at is not null or s.feedback_at is not null) and s.rated_at is null))::int as out_of_order,
                 count(*) filter (where s.positive <> (s.rating >= rs.rating_threshold) or (s.rating is null) <> (s.positive is null))::int as wrong_class,
                 count(*) filter (where s.feedback_at is not null and s.positive)::int as positive_feedback,
                 count(*) filter (where s.resolved <> (s.resolved_at is not null) or (s.resolved and s.feedback_at is null))::int as wrong_resolved,
                 count(*) filter (where greatest(s.scanned_at, s.rated_at, s.google_clicked_at, s.xhs_clicked_at, s.feedback_at, s.resolved_at) > now())::int as future,
                 count(*) filter (where s.created_at <> s.scanned_at)::int as created_apart,
                 count(*) filter (where s.positive)::int as positive,
                 count(*) filter (where s.positive and (s.google_clicked_at is not null or s.xhs_clicked_at is not null))::int as positive_clicked,
                 count(*) filter (where not s.positive)::int as negative,
                 count(*) filter (where not s.positive and (s.google_clicked_at is not null or s.xhs_clicked_at is not null))::int as negative_clicked
            from review_sessions s join tenants t on t.id = s.tenant_id join review_settings rs on rs.tenant_id = s.tenant_id
           where s.tenant_id = ${demo.tenantId}`,
    );
    assert.equal(row.sessions, demo.sessions);
    for (const k of ['outside_hours', 'wrong_day', 'out_of_order', 'wrong_class', 'positive_feedback', 'wrong_resolved', 'future', 'created_apart']) {
      assert.equal(row[k], 0, k);
    }
    assert.ok(row.positive_clicked > 0.65 * row.positive, `positive raters clicking: ${row.positive_clicked}/${row.positive}`);
    assert.ok(row.negative_clicked > 0 && row.negative_clicked < 0.2 * row.negative, `negative raters clicking: ${row.negative_clicked}/${row.negative}`);
  });

  test('GET /feedback lists it all, newest first: English and Chinese, some with contact, some resolved', async () => {
    const body = await get('/feedback?limit=500');
    assert.equal(body.total, demo.feedback);
    assert.equal(body.feedback.length, demo.feedback);
    const [{ n }] = await t.rt.db
      .select({ n: count() })
      .from(reviewSessions)
      .where(sql`${reviewSessions.tenantId} = ${demo.tenantId} and ${reviewSessions.feedbackAt} is not null`);
    assert.equal(body.total, n);
    const items: { message: string; contact: string | null; resolved: boolean; resolvedAt: string | null; rating: number; createdAt: string }[] = body.feedback;
    const times = items.map((f) => f.createdAt);
    assert.deepEqual(times, [...times].sort().reverse());
    assert.ok(items.every((f) => f.message.length > 5 && f.message.length < 120 && f.rating >= 1 && f.rating <= 3));
    assert.ok(items.some((f) => HAN.test(f.message)) && items.some((f) => /^[A-Z][a-z]/.test(f.message)), 'both languages');
    const withContact = items.filter((f) => f.contact !== null).length;
    assert.ok(withContact > 0 && withContact < items.length, `${withContact} with contact`);
    const resolved = items.filter((f) => f.resolved);
    assert.ok(resolved.length > 0 && resolved.length < items.length);
    assert.ok(resolved.every((f) => f.resolvedAt && f.resolvedAt > f.createdAt));
    assert.equal((await get('/feedback?resolved=false&limit=1')).total, items.length - resolved.length);
  });
});

describe('createDemoTenant: seeds and refusals', () => {
  /** Everything about the visits except their generated ids. */
  const activity = async (tenantId: string) =>
    queryRows<Record<string, unknown>>(
      t.rt.db,
      sql`select e.name as employee, sh.name as shop, s.scanned_at::text, s.scan_day::text, s.rating, s.positive, s.rated_at::text,
                 s.google_clicked_at::text, s.xhs_clicked_at::text, s.feedback_message, s.feedback_contact, s.feedback_at::text,
                 s.resolved, s.resolved_at::text
            from review_sessions s
            join employees e on e.tenant_id = s.tenant_id and e.id = s.employee_id
            join shops sh on sh.tenant_id = s.tenant_id and sh.id = s.shop_id
           where s.tenant_id = ${tenantId}
           order by s.scanned_at, e.name`,
    );

  test('the same seed (and end time) gives the same staff and activity; another seed differs; each run is a new tenant', async () => {
    const now = new Date();
    const ctx = ctxOf(platformPrincipal);
    const a = await createDemoTenant(ctx, { seed: 7, now, name: 'Same Seed Studio' });
    const b = await createDemoTenant(ctx, { seed: 7, now, name: 'Same Seed Studio' });
    const c = await createDemoTenant(ctx, { seed: 8, now, name: 'Same Seed Studio' });
    assert.deepEqual([a.slug, b.slug, c.slug], ['same-seed-studio', 'same-seed-studio-2', 'same-seed-studio-3']);
    assert.equal(new Set([a.temporaryPassword, b.temporaryPassword, c.temporaryPassword]).size, 3, 'passwords are never seeded');
    assert.equal(a.sessions, b.sessions);
    const [ra, rb, rc] = await Promise.all([activity(a.tenantId), activity(b.tenantId), activity(c.tenantId)]);
    assert.ok(ra.length > 1000);
    assert.deepEqual(rb, ra);
    assert.notDeepEqual(rc, ra);
    const names = async (id: string) =>
      (await queryRows<{ name: string }>(t.rt.db, sql`select name from employees where tenant_id = ${id} order by name`)).map((r) => r.name);
    assert.deepEqual(await names(b.tenantId), await names(a.tenantId));
    assert.notDeepEqual(await names(c.tenantId), await names(a.tenantId));
  });

  test('a tenant credential (even with every tenant permission) is refused with 403, and nothing is created', async () => {
    const own = await t.createTenant();
    const before = (await t.rt.db.select({ n: count() }).from(tenants))[0].n;
    const principal: Principal = { ...platformPrincipal, kind: 'tenant_key', tenantId: own.id, permissions: new Set(TENANT_PERMISSIONS) };
    await assert.rejects(createDemoTenant(ctxOf(principal), { name: 'Not Allowed Salon' }), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, 403);
      assert.equal(err.code, 'forbidden');
      return true;
    });
    assert.equal((await t.rt.db.select({ n: count() }).from(tenants))[0].n, before);
  });

  test('a failure after provisioning deletes the half-made tenant again and rethrows', async () => {
    const db = t.rt.db;
    const before = (await db.select({ n: count() }).from(tenants))[0].n;
    // The bulk insert of the visits fails, as a full disk or a lost connection would make it.
    await db.execute(sql`create function demo_test_fail() returns trigger language plpgsql as $$ begin raise exception 'disk full (test)'; end $$`);
    await db.execute(sql`create trigger demo_test_fail before insert on review_sessions for each statement execute function demo_test_fail()`);
    try {
      await assert.rejects(createDemoTenant(ctxOf(platformPrincipal), { name: 'Doomed Salon' }), (err: unknown) => {
        const messages: string[] = [];
        for (let e = err; e instanceof Error; e = e.cause) messages.push(e.message);
        assert.ok(messages.some((m) => m.includes('disk full (test)')), messages.join(' / '));
        return true;
      });
    } finally {
      await db.execute(sql`drop trigger demo_test_fail on review_sessions`);
      await db.execute(sql`drop function demo_test_fail()`);
    }
    assert.equal((await db.select({ n: count() }).from(tenants))[0].n, before);
    assert.equal((await db.select({ n: count() }).from(users).where(eq(users.username, 'doomed-salon')))[0].n, 0);
    const [{ n: employees }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from employees where name like '% — Riverside'`);
    assert.equal(employees, 0);
    const deleted = await queryRows<{ slug: string }>(db, sql`select data->'tenant'->>'slug' as slug from events where type = 'tenant.deleted'`);
    assert.deepEqual(deleted.map((d) => d.slug), ['doomed-salon'], 'subscribers that saw it provisioned see it go');
  });

  test("a failure in a module's demo (Work) deletes the whole tenant too, its Work rows with it", async () => {
    const db = t.rt.db;
    const before = (await db.select({ n: count() }).from(tenants))[0].n;
    await db.execute(sql`create function demo_work_fail() returns trigger language plpgsql as $$ begin raise exception 'work demo broke (test)'; end $$`);
    await db.execute(sql`create trigger demo_work_fail before insert on decisions for each statement execute function demo_work_fail()`);
    try {
      await assert.rejects(createDemoTenant(ctxOf(platformPrincipal), { name: 'Half Work Salon' }), (err: unknown) => {
        const messages: string[] = [];
        for (let e = err; e instanceof Error; e = e.cause) messages.push(e.message);
        assert.ok(messages.some((m) => m.includes('work demo broke (test)')), messages.join(' / '));
        return true;
      });
    } finally {
      await db.execute(sql`drop trigger demo_work_fail on decisions`);
      await db.execute(sql`drop function demo_work_fail()`);
    }
    assert.equal((await db.select({ n: count() }).from(tenants))[0].n, before);
    const [{ n }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from initiatives where title = 'Spring colour campaign' and tenant_id not in (select id from tenants)`);
    assert.equal(n, 0, 'no Work row outlives its tenant');
    const deleted = await queryRows<{ slug: string }>(db, sql`select data->'tenant'->>'slug' as slug from events where type = 'tenant.deleted'`);
    assert.ok(deleted.some((d) => d.slug === 'half-work-salon'));
  });

  test('an invalid name is a 400 naming the field, and nothing is created', async () => {
    const before = (await t.rt.db.select({ n: count() }).from(tenants))[0].n;
    await assert.rejects(createDemoTenant(ctxOf(platformPrincipal), { name: ' x ' }), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, 400);
      assert.deepEqual(err.fieldErrors, { name: ['Must be at least 2 characters'] });
      return true;
    });
    assert.equal((await t.rt.db.select({ n: count() }).from(tenants))[0].n, before);
  });
});

// ---------------------------------------------------------------------------------------------
// `orgstack demo`, the real process

describe('orgstack demo (CLI)', () => {
  let dataDir: string;
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orgstack-demo-'));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** On PostgreSQL the CLI shares this file's database (beside the app); else its own data directory. */
  const env = (): Record<string, string> => ({
    DATA_DIR: dataDir,
    DATABASE_URL: onPostgres ? t.testDb.url! : '',
    PUBLIC_URL: 'http://demo.example',
    LOG_LEVEL: 'warn',
  });

  function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
        cwd: root,
        env: { ...process.env, ...env() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    });
  }

  /** The CLI's database, opened only while no CLI runs (the embedded directory has one owner). */
  async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (onPostgres) return fn(t.rt.db);
    const database = await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
    try {
      return await fn(database.db);
    } finally {
      await database.close();
    }
  }
  const tenantCount = () => withDb(async (db) => (await db.select({ n: count() }).from(tenants))[0].n);

  test('demo --name --seed prints the tenant, the dashboard and the sign-in once; the tenant exists afterwards', async (tc) => {
    const r = await cli(['demo', '--name', 'Orchid Nail Studio', '--seed', '3']);
    assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    tc.diagnostic(`orgstack demo took ${r.ms} ms (process start, migrations of a fresh database, demo data)`);
    const out = r.stdout;
    assert.match(out, /Created the demo tenant "Orchid Nail Studio" \(beauty, time zone Asia\/Singapore, seed 3\)/);
    const field = (name: string) => new RegExp(`^\\s+${name}\\s+(\\S+)$`, 'm').exec(out)?.[1] ?? '';
    const [slug, id, username, password] = ['slug', 'id', 'username', 'password'].map(field);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const visits = Number(/([\d,]+) review visits/.exec(out)![1].replace(/,/g, ''));
    assert.equal(slug, 'orchid-nail-studio');
    assert.equal(username, slug);
    assert.match(out, /dashboard\s+http:\/\/demo\.example\/dashboard\n/);
    assert.match(out, /work board\s+http:\/\/demo\.example\/dashboard\/initiatives\n/);
    assert.match(out, /decisions\s+http:\/\/demo\.example\/dashboard\/decisions\n/);
    assert.match(out, /review page\s+http:\/\/demo\.example\/r\/\S+ /);
    assert.match(out, /API docs\s+http:\/\/demo\.example\/docs\n/);
    assert.doesNotMatch(out, /PUBLIC_URL is not set/);
    assert.match(out, /^\s+work\s+3 initiatives, .*; 3 decisions waiting in the inbox$/m);
    assert.match(out, /2 shops, 12 employees/);
    assert.match(password, /^[A-Za-z0-9]{5}(?:-[A-Za-z0-9]{5}){3}$/);
    assert.equal(out.split(password).length - 1, 1, 'the password is printed once');
    assert.match(out, /shown ONCE/);
    assert.match(out, /The password must be changed at first sign-in\./);
    assert.equal(r.stderr, '');

    await withDb(async (db) => {
      const [tenant] = await db.select().from(tenants).where(eq(tenants.id, id));
      assert.equal(tenant.slug, slug);
      assert.equal(tenant.name, 'Orchid Nail Studio');
      const [user] = await db.select().from(users).where(eq(users.username, username));
      assert.equal(user.tenantId, id);
      assert.equal(user.mustChangePassword, true);
      assert.equal(await verifyPassword(password, user.passwordHash), true);
      const [{ n }] = await db.select({ n: count() }).from(reviewSessions).where(eq(reviewSessions.tenantId, id));
      assert.equal(n, visits);
      const [{ rollups }] = await queryRows<{ rollups: number }>(db, sql`select coalesce(sum(scans), 0)::int as rollups from funnel_daily where tenant_id = ${id}`);
      assert.equal(rollups, visits, 'the rollups were rebuilt from the sessions');
      const [{ employees }] = await queryRows<{ employees: number }>(db, sql`select count(*)::int as employees from employees where tenant_id = ${id}`);
      assert.equal(employees, 12);
    });
  });

  test('bad usage exits 2, a bad name 1, each with a message, no credentials and nothing created', async () => {
    const before = await tenantCount();
    const cases: [string[], number, RegExp][] = [
      [['demo', '--seed', 'abc'], 2, /The seed must be a whole number from 0 to 4294967295, not "abc"/],
      [['demo', '--seed', '99999999999'], 2, /The seed must be a whole number/],
      [['demo', '--bogus'], 2, /Unknown option '--bogus'/],
      [['demo', '--name', 'x'], 1, /name: Must be at least 2 characters/],
    ];
    for (const [args, code, message] of cases) {
      const r = await cli(args);
      assert.equal(r.code, code, `${args.join(' ')} → ${r.code}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.doesNotMatch(r.stdout, /password/);
    }
    assert.equal(await tenantCount(), before);
  });

  test('embedded database: refused while a server holds it, with the usual message, and nothing created', async (ctx) => {
    if (onPostgres) return ctx.skip('PostgreSQL: the CLI runs beside servers (the tests above did)');
    const before = await tenantCount();
    const server = await spawnServer({ DATA_DIR: dataDir, DATABASE_URL: '' });
    try {
      const busy = await cli(['demo']);
      assert.equal(busy.code, 2, busy.stderr);
      assert.match(busy.stderr, new RegExp(`held by a running orgstack server \\(pid ${server.child.pid}\\)`));
      assert.equal(busy.stdout, '');
    } finally {
      assert.equal(await server.stop(), 0);
    }
    assert.equal(await tenantCount(), before);
  });
});
