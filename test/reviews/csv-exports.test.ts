// `?format=csv` on GET /tenants/{id}/analytics and /feedback: headers, the BOM, RFC 4180
// quoting, formula neutralization, filters, and that JSON stays exactly what it was.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { uuidv7 } from '../../src/platform/ids.ts';
import { ALL_PERMISSIONS } from '../../src/platform/permissions.ts';
import { addDays } from '../../src/reviews/analytics.ts';
import { feedbackCsv } from '../../src/reviews/exports.ts';
import { localDay, recordFunnelEvent } from '../../src/reviews/funnel.ts';
import { tenants } from '../../src/platform/tables.ts';
import { employees, shops } from '../../src/reviews/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError, type Res } from '../helpers/assertions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const BOM = [0xef, 0xbb, 0xbf];
const METRICS = ['scans', 'ratings', 'positive', 'negative', 'reviewClicks', 'googleClicks', 'xhsClicks', 'feedback', 'averageRating', 'ratingRate', 'reviewRate'];

/** A strict RFC 4180 reader (CRLF records, quoted fields with "" and embedded line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        assert.ok(q >= 0, 'an unterminated quoted field');
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') field += text[i++];
      assert.ok(!field.includes('"'), `a bare quote in an unquoted field: ${field}`);
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    assert.equal(text.slice(i, i + 2), '\r\n', `records end with CRLF (at ${i})`);
    i += 2;
    rows.push(row);
    row = [];
    if (i === text.length) return rows;
  }
}

/** The CSV of a response: its headers checked, the BOM checked and removed, then parsed. */
function csvOf(res: Res & { rawPayload: Buffer }, filename: string | RegExp): string[][] {
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
  const disposition = String(res.headers['content-disposition']);
  if (typeof filename === 'string') assert.equal(disposition, `attachment; filename="${filename}"`);
  else assert.match(disposition, filename);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.deepEqual([...res.rawPayload.subarray(0, 3)], BOM, 'a UTF-8 byte-order mark first');
  const text = res.rawPayload.subarray(3).toString('utf8');
  assert.ok(!text.startsWith('\uFEFF'), 'one BOM only');
  const rows = parseCsv(text);
  const width = rows[0].length;
  assert.ok(rows.every((r) => r.length === width), 'rectangular');
  return rows;
}

/** What a JSON value becomes in a cell: text that a spreadsheet would run gets an apostrophe. */
const cellOf = (v: unknown) => (v === null ? '' : typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v));

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

describe('?format=csv', () => {
  let tenantId: string;
  let slug: string;
  let key: string;
  const ids: Record<string, string> = {};
  const now = Date.now();
  const analytics = (query: string, k = key) => t.call('GET', `/api/v1/tenants/${tenantId}/analytics${query}`, { key: k });
  const feedbackList = (query: string, k = key) => t.call('GET', `/api/v1/tenants/${tenantId}/feedback${query}`, { key: k });

  before(async () => {
    const a = await t.tenantWithKey({ permissions: ['analytics:read', 'feedback:read', 'feedback:write'] });
    tenantId = a.tenant.id;
    slug = a.tenant.slug;
    key = a.key;
    ids.shanghai = await addShop(tenantId, '上海店');
    ids.quoted = await addShop(tenantId, 'Alpha, "Main" St');
    ids.tab = await addShop(tenantId, '\tTabbed shop');
    ids.wang = await addEmployee(tenantId, ids.shanghai, '王小明');
    ids.formula = await addEmployee(tenantId, ids.quoted, '@SUM(A1:A9)');
    ids.plain = await addEmployee(tenantId, ids.tab, 'Pat');
    const ago = (h: number) => new Date(now - h * 3_600_000);
    ids.f1 = await feedback(tenantId, ids.wang, ago(5), '服务很好，但是等太久了', { rating: 2, contact: '=HYPERLINK("http://evil.example","点我")' });
    ids.f2 = await feedback(tenantId, ids.formula, ago(4), 'Line one\nLine two, with "quotes"', { contact: '+65 5555 0000' });
    ids.f3 = await feedback(tenantId, ids.plain, ago(3), '-2+3 stars at most', { rating: 1 });
    ids.f4 = await feedback(tenantId, ids.wang, ago(2), 'plain text');
    // A review visit without feedback never exports as feedback; another tenant's never shows.
    await recordFunnelEvent(t.rt, { tenantId, employeeId: ids.plain, type: 'scan' });
    const other = await t.tenantWithKey({ permissions: ['feedback:read'] });
    const otherShop = await addShop(other.tenant.id, 'Elsewhere');
    await feedback(other.tenant.id, await addEmployee(other.tenant.id, otherShop, 'Olga'), ago(1), 'not yours');
    const resolved = await t.call('PATCH', `/api/v1/tenants/${tenantId}/feedback`, { key, body: { sessionId: ids.f3, resolved: true } });
    assert.equal(resolved.statusCode, 200, resolved.body);
    await t.rt.flush();
  });

  describe('analytics', () => {
    test('rows=employees (default): one row per employee, the JSON rows cell for cell, named after the slug', async () => {
      const json = (await analytics('?days=7')).json();
      const res = await analytics('?days=7&format=csv');
      const rows = csvOf(res, `analytics-${slug}-7d-${json.to}.csv`);
      assert.deepEqual(rows[0], ['employeeId', 'name', 'shopId', 'shopName', ...METRICS]);
      const expected = json.employees.map((e: Record<string, unknown>) => [e.employeeId, e.name, e.shopId, e.shopName, ...METRICS.map((m) => e[m])].map(cellOf));
      assert.equal(expected.length, 3);
      assert.deepEqual(rows.slice(1), expected);
      // Chinese text survives byte for byte; the formula and the tab are text now; the shop with
      // a comma and quotes was quoted on the wire.
      assert.deepEqual(rows.find((r) => r[0] === ids.wang)!.slice(1, 4), ['王小明', ids.shanghai, '上海店']);
      assert.deepEqual(rows.find((r) => r[0] === ids.plain)!.slice(1, 4), ['Pat', ids.tab, "'\tTabbed shop"]);
      assert.ok(res.body.includes(`'@SUM(A1:A9),${ids.quoted},"Alpha, ""Main"" St",`), res.body);
      const wang = rows.find((r) => r[0] === ids.wang)!;
      assert.deepEqual(wang.slice(4, 12), ['2', '1', '0', '1', '0', '0', '0', '2']);
      assert.deepEqual(wang.slice(12), ['2', '0.5', '0'], 'averageRating, ratingRate, reviewRate');
    });

    test('rows=shops and rows=daily: one table each, the JSON rows cell for cell; `days` and the file name follow', async () => {
      const json = (await analytics('?days=30')).json();
      const shopsCsv = csvOf(await analytics('?format=csv&rows=shops'), `analytics-${slug}-30d-${json.to}-shops.csv`);
      assert.deepEqual(shopsCsv[0], ['shopId', 'name', ...METRICS]);
      assert.deepEqual(
        shopsCsv.slice(1),
        json.shops.map((s: Record<string, unknown>) => [s.shopId, s.name, ...METRICS.map((m) => s[m])].map(cellOf)),
      );
      assert.ok(shopsCsv.some((r) => r[1] === 'Alpha, "Main" St'));

      const json90 = (await analytics('?days=90')).json();
      const daily = csvOf(await analytics('?days=90&rows=daily&format=csv'), `analytics-${slug}-90d-${json90.to}-daily.csv`);
      assert.deepEqual(daily[0], ['date', ...METRICS]);
      assert.equal(daily.length, 1 + 90);
      assert.deepEqual(daily.slice(1), json90.daily.map((d: Record<string, unknown>) => [d.date, ...METRICS.map((m) => cellOf(d[m]))]));
      assert.equal(daily[90][0], json90.to);
      assert.equal(daily[1][0], addDays(json90.to, -89));
      assert.equal(daily[1][9], '', 'a null averageRating is an empty cell');
    });

    test('JSON stays the default and unchanged: no format and format=json give the same bytes', async () => {
      const plain = await analytics('?days=7');
      const json = await analytics('?days=7&format=json');
      assert.equal(json.statusCode, 200);
      assert.equal(json.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(plain.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(json.body, plain.body);
      assert.equal(json.headers['content-disposition'], undefined);
      assert.deepEqual(Object.keys(json.json()), ['days', 'from', 'to', 'summary', 'employees', 'shops', 'daily']);
    });

    test('bad format or rows → 400 naming the field; rows without format=csv → 400', async () => {
      for (const q of ['?format=xlsx', '?format=CSV', '?format=', '?format=csv&format=json']) {
        const body = assertError(await analytics(q), 400, 'validation_failed');
        assert.deepEqual(Object.keys(body.fieldErrors), ['format'], q);
      }
      assert.deepEqual(assertError(await analytics('?format=xlsx'), 400, 'validation_failed').fieldErrors.format, ['Must be json or csv']);
      const badRows = assertError(await analytics('?format=csv&rows=weeks'), 400, 'validation_failed');
      assert.deepEqual(badRows.fieldErrors, { rows: ['Must be employees, shops or daily'] });
      const both = assertError(await analytics('?format=xlsx&rows=weeks'), 400, 'validation_failed');
      assert.deepEqual(Object.keys(both.fieldErrors).sort(), ['format', 'rows']);
      assert.deepEqual(assertError(await analytics('?rows=shops'), 400, 'validation_failed').fieldErrors, { rows: ['Only with format=csv'] });
      assert.deepEqual(assertError(await analytics('?format=json&rows=shops'), 400, 'validation_failed').fieldErrors, { rows: ['Only with format=csv'] });
    });

    test('permissions and tenant scope apply to the CSV too (errors stay JSON)', async () => {
      const noPerm = await t.tenantWithKey({ permissions: ['feedback:read'] });
      const denied = await t.call('GET', `/api/v1/tenants/${noPerm.tenant.id}/analytics?format=csv`, { key: noPerm.key });
      assertError(denied, 403, 'forbidden');
      assert.match(String(denied.headers['content-type']), /^application\/json/);
      const stranger = await t.tenantWithKey({ permissions: ['analytics:read'] });
      assertError(await analytics('?format=csv', stranger.key), 403, 'forbidden');
      assertError(await t.call('GET', `/api/v1/tenants/${tenantId}/analytics?format=csv`), 401, 'unauthorized');
      const platform = await t.platformKey();
      assertError(await t.call('GET', `/api/v1/tenants/${uuidv7()}/analytics?format=csv`, { key: platform }), 404, 'not_found');
      const rows = csvOf(await analytics('?format=csv', platform), /^attachment; filename="analytics-[a-z0-9-]+-30d-\d{4}-\d{2}-\d{2}\.csv"$/);
      assert.equal(rows.length, 1 + 3);
    });
  });

  describe('feedback', () => {
    const HEADER = ['createdAt', 'shopName', 'employeeName', 'rating', 'message', 'contact', 'resolved', 'resolvedAt', 'sessionId'];
    let today: string;
    before(() => {
      today = localDay(new Date(), 'UTC');
    });

    test('every feedback, newest first, not one page: the JSON items cell for cell', async () => {
      const json = (await feedbackList('')).json();
      const res = await feedbackList('?format=csv&limit=1&offset=2');
      const rows = csvOf(res, `feedback-${slug}-${today}.csv`);
      assert.deepEqual(rows[0], HEADER);
      assert.deepEqual(rows.slice(1).map((r) => r[8]), [ids.f4, ids.f3, ids.f2, ids.f1], 'limit and offset do not apply; newest first');
      assert.equal(json.total, 4);
      assert.deepEqual(
        rows.slice(1),
        json.feedback.map((f: Record<string, unknown>) =>
          [f.createdAt, f.shopName, f.employeeName, f.rating, f.message, f.contact, f.resolved, f.resolvedAt, f.sessionId].map(cellOf),
        ),
      );
    });

    test('quoting, formula neutralization and Chinese text, exactly', async () => {
      const res = await feedbackList('?format=csv');
      const rows = csvOf(res, `feedback-${slug}-${today}.csv`);
      const bySession = new Map(rows.slice(1).map((r) => [r[8], r]));
      const f1 = bySession.get(ids.f1)!;
      assert.deepEqual(f1.slice(1, 8), ['上海店', '王小明', '2', '服务很好，但是等太久了', `'=HYPERLINK("http://evil.example","点我")`, 'false', '']);
      const f2 = bySession.get(ids.f2)!;
      assert.deepEqual(f2.slice(1, 8), ['Alpha, "Main" St', "'@SUM(A1:A9)", '', 'Line one\nLine two, with "quotes"', "'+65 5555 0000", 'false', '']);
      const f3 = bySession.get(ids.f3)!;
      assert.deepEqual(f3.slice(1, 7), ["'\tTabbed shop", 'Pat', '1', "'-2+3 stars at most", '', 'true']);
      assert.ok(Math.abs(Date.parse(f3[7]) - Date.now()) < 60_000, 'resolvedAt');
      assert.equal(f3[0], new Date(Date.parse(f3[0])).toISOString(), 'ISO timestamps, as in JSON');
      // On the wire: the quotes doubled, the comma and the line break inside one quoted field.
      assert.ok(res.body.includes(`,"Alpha, ""Main"" St",'@SUM(A1:A9),,"Line one\nLine two, with ""quotes""",'+65 5555 0000,false,,${ids.f2}\r\n`), res.body);
      assert.ok(res.body.includes(`,"'=HYPERLINK(""http://evil.example"",""点我"")",false,,${ids.f1}\r\n`), res.body);
      assert.ok(!/(^|,)[=+@\t-]/m.test(res.body), 'no cell on the wire starts a formula');
    });

    test('the filters apply: resolved, shopId, employeeId', async () => {
      const sessions = async (q: string) => csvOf(await feedbackList(`?format=csv${q}`), `feedback-${slug}-${today}.csv`).slice(1).map((r) => r[8]);
      assert.deepEqual(await sessions('&resolved=true'), [ids.f3]);
      assert.deepEqual(await sessions('&resolved=false'), [ids.f4, ids.f2, ids.f1]);
      assert.deepEqual(await sessions(`&shopId=${ids.shanghai}`), [ids.f4, ids.f1]);
      assert.deepEqual(await sessions(`&employeeId=${ids.formula}`), [ids.f2]);
      assert.deepEqual(await sessions(`&shopId=${ids.shanghai}&resolved=true`), []);
      // No match: the header row alone.
      const empty = csvOf(await feedbackList(`?format=csv&employeeId=${uuidv7()}`), `feedback-${slug}-${today}.csv`);
      assert.deepEqual(empty, [HEADER]);
    });

    test("the file name uses today in the tenant's time zone; JSON stays the default and unchanged", async () => {
      const plain = await feedbackList('?limit=2');
      const json = await feedbackList('?limit=2&format=json');
      assert.equal(json.statusCode, 200);
      assert.equal(json.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(json.body, plain.body);
      assert.deepEqual(Object.keys(json.json()), ['feedback', 'total', 'pagination']);
      assert.equal(json.json().feedback.length, 2);

      const { tenant, key: k } = await t.tenantWithKey({ permissions: ['feedback:read'] });
      // Kiritimati is UTC+14: its today is UTC's tomorrow for most of the day.
      await t.rt.db.update(tenants).set({ timezone: 'Pacific/Kiritimati' }).where(eq(tenants.id, tenant.id));
      csvOf(await t.call('GET', `/api/v1/tenants/${tenant.id}/feedback?format=csv`, { key: k }), `feedback-${tenant.slug}-${localDay(new Date(), 'Pacific/Kiritimati')}.csv`);
    });

    test('bad format → 400 naming it; permissions and tenant scope apply', async () => {
      const body = assertError(await feedbackList('?format=pdf'), 400, 'validation_failed');
      assert.deepEqual(body.fieldErrors, { format: ['Must be json or csv'] });
      const both = assertError(await feedbackList('?format=pdf&resolved=maybe'), 400, 'validation_failed');
      assert.deepEqual(Object.keys(both.fieldErrors).sort(), ['format', 'resolved']);
      const noPerm = await t.tenantWithKey({ permissions: ['analytics:read'] });
      assertError(await t.call('GET', `/api/v1/tenants/${noPerm.tenant.id}/feedback?format=csv`, { key: noPerm.key }), 403, 'forbidden');
      const stranger = await t.tenantWithKey({ permissions: ['feedback:read'] });
      assertError(await feedbackList('?format=csv', stranger.key), 403, 'forbidden');
      const platform = await t.platformKey();
      assertError(await t.call('GET', `/api/v1/tenants/${uuidv7()}/feedback?format=csv`, { key: platform }), 404, 'not_found');
      assert.equal(csvOf(await feedbackList('?format=csv', platform), `feedback-${slug}-${today}.csv`).length, 1 + 4);
    });

    test('an export beyond its row cap holds the newest rows and says it is truncated', async () => {
      const principal = {
        kind: 'platform_key' as const,
        credentialId: 'test',
        tenantId: null,
        userId: null,
        keyPrefix: null,
        permissions: new Set(ALL_PERMISSIONS),
        hourlyLimit: 1000,
        human: false,
      };
      const ctx = { rt: t.rt, requestId: 'req_test', principal };
      const capped = await feedbackCsv(ctx, tenantId, {}, 2);
      assert.equal(capped.truncated, true);
      const rows = parseCsv(capped.body.slice(1));
      assert.deepEqual(rows.slice(1).map((r) => r[8]), [ids.f4, ids.f3]);
      const exact = await feedbackCsv(ctx, tenantId, {}, 4);
      assert.equal(exact.truncated, false);
      assert.equal(parseCsv(exact.body.slice(1)).length, 1 + 4);
      assert.equal(capped.filename, exact.filename);
    });
  });
});
