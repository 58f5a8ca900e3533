// QR codes of review links, through HTTP: an employee's as SVG or PNG (decoded back to the
// reviewUrl), and a shop's printable sheet (cards, order, language, logo, escaping, CSP), with
// every refusal: bad query, unknown or foreign ids, missing key or permission.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { TENANT_PERMISSIONS } from '../../src/platform/permissions.ts';
import { tenants } from '../../src/platform/tables.ts';
import { employees } from '../../src/reviews/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError, withoutRequestId, type Res } from '../helpers/assertions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const PUBLIC_URL = 'http://orgstack.test'; // the test app's PUBLIC_URL
const MISSING_ID = '00000000-0000-7000-8000-000000000000';
const XSS = '<script>alert(1)</script>';

const qrUrl = (tenantId: string, employeeId: string, query = '') => `/api/v1/tenants/${tenantId}/employees/${employeeId}/qr${query}`;
const sheetUrl = (tenantId: string, shopId: string) => `/api/v1/tenants/${tenantId}/shops/${shopId}/qr-sheet`;

async function addShop(tenantId: string, key: string, name: string) {
  const res = await t.call('POST', `/api/v1/tenants/${tenantId}/shops`, { key, body: { name } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().shop as { id: string; name: string };
}

async function addEmployee(tenantId: string, key: string, shopId: string, name: string) {
  const res = await t.call('POST', `/api/v1/tenants/${tenantId}/employees`, { key, body: { shopId, name } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().employee as { id: string; name: string; code: string; reviewUrl: string };
}

async function deactivate(tenantId: string, key: string, employeeId: string) {
  const res = await t.call('PATCH', `/api/v1/tenants/${tenantId}/employees/${employeeId}`, { key, body: { active: false } });
  assert.equal(res.statusCode, 200, res.body);
}

/** A tenant with a key, one shop and one employee in it. */
async function setup(opts: { tenantName?: string; employeeName?: string } = {}) {
  const a = await t.tenantWithKey({ name: opts.tenantName });
  const shop = await addShop(a.tenant.id, a.key, 'Riverside');
  const employee = await addEmployee(a.tenant.id, a.key, shop.id, opts.employeeName ?? 'Mei Lin');
  return { ...a, shop, employee };
}

const setTenant = (id: string, changes: Partial<typeof tenants.$inferInsert>) => t.rt.db.update(tenants).set(changes).where(eq(tenants.id, id));

// jsqr is CommonJS with an ES-style `default`; under NodeNext that is where its types put the function.
const jsQR = jsqr.default;

/** What a phone camera would read from RGBA pixels. */
function decode(data: Uint8ClampedArray, width: number, height: number): string | null {
  return jsQR(data, width, height)?.data ?? null;
}

function decodePng(bytes: Buffer): string | null {
  const png = PNG.sync.read(bytes);
  return decode(new Uint8ClampedArray(png.data), png.width, png.height);
}

/**
 * Rasterizes the SVG the qrcode library writes (a white square, then one path of 1-unit-wide
 * horizontal strokes `M x y h n m dx dy …` centred on y + 0.5) and decodes it, so the test reads
 * the SVG the way a printer would, not by trusting the library.
 */
function decodeSvg(svg: string): string | null {
  const [, w, h] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg) ?? [];
  const d = /<path stroke="#000000" d="([^"]+)"/.exec(svg)?.[1];
  assert.ok(w && h && d, 'a viewBox and a dark path');
  const size = Number(w);
  assert.equal(Number(h), size);
  const dark = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, cmd, args] of d.matchAll(/([MmHh])([^MmHh]*)/g)) {
    const n = args.trim().split(/[\s,]+/).filter(Boolean).map(Number);
    if (cmd === 'M') [x, y] = n;
    else if (cmd === 'm') [x, y] = [x + n[0], y + n[1]];
    else {
      const end = cmd === 'h' ? x + n[0] : n[0];
      for (let c = x; c < end; c++) dark.add(`${c},${Math.floor(y)}`);
      x = end;
    }
  }
  const scale = 6;
  const px = size * scale;
  const data = new Uint8ClampedArray(px * px * 4).fill(255);
  for (let r = 0; r < px; r++) {
    for (let c = 0; c < px; c++) {
      if (!dark.has(`${Math.floor(c / scale)},${Math.floor(r / scale)}`)) continue;
      data.fill(0, (r * px + c) * 4, (r * px + c) * 4 + 3);
    }
  }
  return decode(data, px, px);
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(bytes: Buffer) {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('GET /tenants/{tenantId}/employees/{employeeId}/qr', () => {
  test('default SVG: headers, a valid <svg> with paths, decoding to the reviewUrl', async () => {
    const a = await setup();
    const res = await t.call('GET', qrUrl(a.tenant.id, a.employee.id), { key: a.key });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'image/svg+xml; charset=utf-8');
    assert.equal(res.headers['content-disposition'], 'inline; filename="mei-lin-qr.svg"');
    assert.equal(res.headers['cache-control'], 'private, max-age=300');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers['x-request-id']), /^req_/);
    const svg = res.body;
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="512" height="512" viewBox="0 0 \d+ \d+"[^>]*>/);
    assert.ok(svg.endsWith('</svg>'));
    assert.match(svg, /<path [^>]*d="M[^"]+"\/>/);
    assert.doesNotMatch(svg, /<script|on\w+=|style=|href/i);
    assert.equal(decodeSvg(svg), a.employee.reviewUrl);
    assert.equal(a.employee.reviewUrl, `${PUBLIC_URL}/r/${a.employee.code}`);
    // The quiet zone: the first dark module is 4 modules in.
    assert.match(svg, /d="M4 4\.5h7/);

    const explicit = await t.call('GET', qrUrl(a.tenant.id, a.employee.id, '?format=svg&size=200'), { key: a.key });
    assert.equal(explicit.statusCode, 200);
    assert.match(explicit.body, /^<svg [^>]*width="200" height="200"/);
    assert.equal(decodeSvg(explicit.body), a.employee.reviewUrl);
  });

  test('PNG: signature, the requested size (default 512), decoding to the reviewUrl', async () => {
    const a = await setup();
    for (const [query, size] of [['?format=png', 512], ['?format=png&size=128', 128], ['?size=2048&format=png', 2048], ['?format=png&size=777', 777]] as const) {
      const res = await t.call('GET', qrUrl(a.tenant.id, a.employee.id, query), { key: a.key });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'image/png');
      assert.equal(res.headers['content-disposition'], 'inline; filename="mei-lin-qr.png"');
      assert.equal(res.headers['cache-control'], 'private, max-age=300');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      const bytes = res.rawPayload;
      assert.equal(Number(res.headers['content-length']), bytes.length);
      assert.deepEqual(pngSize(bytes), { width: size, height: size }, query);
      assert.equal(decodePng(bytes), a.employee.reviewUrl, query);
    }
  });

  test('an inactive employee still gets their QR; a platform key may fetch any tenant’s', async () => {
    const a = await setup();
    await deactivate(a.tenant.id, a.key, a.employee.id);
    const res = await t.call('GET', qrUrl(a.tenant.id, a.employee.id, '?format=png'), { key: a.key });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(decodePng(res.rawPayload), a.employee.reviewUrl);

    const platform = await t.call('GET', qrUrl(a.tenant.id, a.employee.id), { key: await t.platformKey() });
    assert.equal(platform.statusCode, 200, platform.body);
    assert.equal(decodeSvg(platform.body), a.employee.reviewUrl);
  });

  test('file names are ASCII slugs of the name; a name without Latin letters uses the code', async () => {
    const a = await setup();
    const cases: [string, (code: string) => string][] = [
      ['Zoë O’Brien-Núñez', () => 'zoe-o-brien-nunez'],
      [XSS, () => 'script-alert-1-script'],
      ['a"b\\c;\r\nd', () => 'a-b-c-d'],
      ['王芳', (code) => `employee-${code}`],
      ['  ---  ', (code) => `employee-${code}`],
      ['x'.repeat(150), () => 'x'.repeat(60)],
    ];
    for (const [name, slug] of cases) {
      // The API trims names and refuses blank ones; the hostile ones go straight into the row.
      const e = await addEmployee(a.tenant.id, a.key, a.shop.id, 'placeholder');
      await t.rt.db.update(employees).set({ name }).where(eq(employees.id, e.id));
      const res = await t.call('GET', qrUrl(a.tenant.id, e.id, '?format=png'), { key: a.key });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-disposition'], `inline; filename="${slug(e.code)}-qr.png"`, name);
    }
  });

  test('a bad format or size → 400 with fieldErrors naming it', async () => {
    const a = await setup();
    for (const query of ['?format=jpg', '?format=SVG', '?format=', '?format=png&format=svg']) {
      const body = assertError(await t.call('GET', qrUrl(a.tenant.id, a.employee.id, query), { key: a.key }), 400, 'validation_failed');
      assert.deepEqual(Object.keys(body.fieldErrors), ['format'], query);
    }
    for (const query of ['?size=127', '?size=2049', '?size=abc', '?size=512.5', '?format=png&size=-1', '?size=']) {
      const body = assertError(await t.call('GET', qrUrl(a.tenant.id, a.employee.id, query), { key: a.key }), 400, 'validation_failed');
      assert.deepEqual(body.fieldErrors, { size: ['Must be a whole number from 128 to 2048'] }, query);
    }
    const unknown = assertError(await t.call('GET', qrUrl(a.tenant.id, a.employee.id, '?width=300'), { key: a.key }), 400, 'validation_failed');
    assert.deepEqual(unknown.fieldErrors, { width: ['Unknown field'] });
  });

  test("unknown, malformed or another tenant's employee → the same 404", async () => {
    const a = await setup();
    const b = await setup();
    const unknown = await t.call('GET', qrUrl(a.tenant.id, MISSING_ID), { key: a.key });
    assertError(unknown, 404, 'not_found');
    const foreign = await t.call('GET', qrUrl(a.tenant.id, b.employee.id), { key: a.key });
    assertError(foreign, 404, 'not_found');
    assert.equal(withoutRequestId(foreign), withoutRequestId(unknown));
    assertError(await t.call('GET', qrUrl(a.tenant.id, 'not-a-uuid'), { key: a.key }), 404, 'not_found');
    // A platform key on a tenant that does not exist.
    assertError(await t.call('GET', qrUrl(MISSING_ID, a.employee.id), { key: await t.platformKey() }), 404, 'not_found');
  });

  test("no key → 401; a key without employees:read → 403; another tenant's path → 403", async () => {
    const a = await setup();
    const b = await setup();
    assertError(await t.call('GET', qrUrl(a.tenant.id, a.employee.id)), 401, 'unauthorized');
    const limited = await t.tenantWithKey({ permissions: TENANT_PERMISSIONS.filter((p) => p !== 'employees:read') });
    const shop = await addShop(limited.tenant.id, limited.key, 'Main');
    const e = await addEmployee(limited.tenant.id, limited.key, shop.id, 'Kim');
    const denied = assertError(await t.call('GET', qrUrl(limited.tenant.id, e.id), { key: limited.key }), 403, 'forbidden');
    assert.match(denied.error, /employees:read/);
    assertError(await t.call('GET', qrUrl(b.tenant.id, b.employee.id), { key: a.key }), 403, 'forbidden');
  });
});

/** The cards of a sheet, in order: employee name (as escaped in the page) and the card's markup. */
function cardsOf(page: string) {
  return [...page.matchAll(/<article class="card">([\s\S]*?)<\/article>/g)].map((m) => ({
    name: /<div class="employee">([^<]*)<\/div>/.exec(m[1])?.[1],
    markup: m[1],
    svg: /<svg[\s\S]*?<\/svg>/.exec(m[1])?.[0] ?? '',
  }));
}

function assertSheetHeaders(res: Res) {
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  // The one <style> element, and nothing else, is allowed: its hash is in the header.
  const styles = [...res.body.matchAll(/<style>([\s\S]*?)<\/style>/g)];
  assert.equal(styles.length, 1);
  const hash = createHash('sha256').update(styles[0][1], 'utf8').digest('base64');
  assert.equal(
    res.headers['content-security-policy'],
    `default-src 'none'; style-src 'sha256-${hash}'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'`,
  );
  // Self-contained: no script, no inline style attribute, no resource from anywhere else.
  assert.doesNotMatch(res.body, /<script|<link|<[^>]*\s(?:style|on\w+)=|@import|url\(/i);
  for (const [, ref] of res.body.matchAll(/\s(?:src|href)="([^"]*)"/g)) {
    assert.ok(ref.startsWith(`${PUBLIC_URL}/`) || ref.startsWith('/assets/'), `${ref} is ours`);
  }
}

describe('GET /tenants/{tenantId}/shops/{shopId}/qr-sheet', () => {
  test('one card per active employee of the shop, by name, six to a page, each QR decoding to its reviewUrl', async () => {
    const a = await setup({ tenantName: 'Bright Smile Dental', employeeName: 'Zed' });
    const names = ['amy', 'Bob', 'émile', 'Carla', 'dan', 'Ana 10', 'Ana 9'];
    const staff = [a.employee];
    for (const n of names) staff.push(await addEmployee(a.tenant.id, a.key, a.shop.id, n));
    const gone = await addEmployee(a.tenant.id, a.key, a.shop.id, 'Gone Person');
    await deactivate(a.tenant.id, a.key, gone.id);
    const other = await addShop(a.tenant.id, a.key, 'Hillside');
    await addEmployee(a.tenant.id, a.key, other.id, 'Elsewhere');

    const res = await t.call('GET', sheetUrl(a.tenant.id, a.shop.id), { key: a.key });
    assertSheetHeaders(res);
    assert.match(res.headers['cache-control'] as string, /^private/);
    const page = res.body;
    assert.match(page, /^<!doctype html>\n<html lang="en">/);
    assert.match(page, /<title>Review QR codes — Riverside<\/title>/);
    assert.match(page, /@page \{ size: A4 portrait; margin: 10mm; \}/);
    assert.match(page, /break-inside: avoid/);

    const cards = cardsOf(page);
    assert.deepEqual(
      cards.map((c) => c.name),
      ['amy', 'Ana 9', 'Ana 10', 'Bob', 'Carla', 'dan', 'émile', 'Zed'],
    );
    assert.doesNotMatch(page, /Gone Person|Elsewhere/);
    for (const card of cards) {
      const employee = staff.find((e) => e.name === card.name)!;
      assert.equal(decodeSvg(card.svg), employee.reviewUrl, card.name);
      assert.match(card.markup, /<span class="tenant">Bright Smile Dental<\/span>/);
      assert.match(card.markup, /<div class="cta">Scan to rate your visit<\/div>/);
      assert.doesNotMatch(card.markup, /<img/, 'no logo set');
    }
    const sheets = [...page.matchAll(/<section class="sheet">([\s\S]*?)<\/section>/g)].map((m) => cardsOf(m[1]).length);
    assert.deepEqual(sheets, [6, 2]);
  });

  test("in the tenant's default language", async () => {
    const a = await setup({ employeeName: '王芳' });
    await setTenant(a.tenant.id, { defaultLanguage: 'zh-CN' });
    const res = await t.call('GET', sheetUrl(a.tenant.id, a.shop.id), { key: a.key });
    assertSheetHeaders(res);
    assert.match(res.body, /<html lang="zh-CN">/);
    assert.match(res.body, /<title>评价二维码 — Riverside<\/title>/);
    const [card] = cardsOf(res.body);
    assert.equal(card.name, '王芳');
    assert.match(card.markup, /<div class="cta">扫码评价本次服务<\/div>/);

    // A language the pages do not have falls back to English.
    await setTenant(a.tenant.id, { defaultLanguage: 'fr' });
    const fr = await t.call('GET', sheetUrl(a.tenant.id, a.shop.id), { key: a.key });
    assert.match(fr.body, /<html lang="en">/);
    assert.match(fr.body, /Scan to rate your visit/);
  });

  test('the logo only when it is served from our own origin', async () => {
    const a = await setup();
    const cases: [string | null, boolean][] = [
      [`${PUBLIC_URL}/assets/logos/${a.tenant.id}.png?v=0123abcd`, true],
      [`/assets/logos/${a.tenant.id}.png`, true],
      ['https://cdn.example.com/logo.png', false],
      [`${PUBLIC_URL}.evil.example/assets/logo.png`, false],
      ['//evil.example/assets/logo.png', false],
      ['data:image/png;base64,AAAA', false],
      [null, false],
    ];
    for (const [logoUrl, shown] of cases) {
      await setTenant(a.tenant.id, { logoUrl });
      const res = await t.call('GET', sheetUrl(a.tenant.id, a.shop.id), { key: a.key });
      assertSheetHeaders(res);
      const [card] = cardsOf(res.body);
      if (shown) assert.ok(card.markup.includes(`<img src="${logoUrl!.replaceAll('&', '&amp;')}" alt="">`), String(logoUrl));
      else assert.doesNotMatch(res.body, /<img/, String(logoUrl));
    }
  });

  test('names holding markup render as text', async () => {
    const a = await setup({ tenantName: XSS, employeeName: XSS });
    const renamed = await t.call('PATCH', `/api/v1/tenants/${a.tenant.id}/shops/${a.shop.id}`, { key: a.key, body: { name: `"><img src=x onerror=alert(1)>` } });
    assert.equal(renamed.statusCode, 200, renamed.body);
    const res = await t.call('GET', sheetUrl(a.tenant.id, a.shop.id), { key: a.key });
    assertSheetHeaders(res);
    assert.doesNotMatch(res.body, /<script>|<img src=x/);
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt;';
    const [card] = cardsOf(res.body);
    assert.equal(card.name, escaped);
    assert.ok(card.markup.includes(`<span class="tenant">${escaped}</span>`));
    assert.ok(res.body.includes('<title>Review QR codes — &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</title>'));
  });

  test('a shop without active employees → 200, a page saying so', async () => {
    const a = await setup();
    await deactivate(a.tenant.id, a.key, a.employee.id);
    const res = await t.call('GET', sheetUrl(a.tenant.id, a.shop.id), { key: a.key });
    assertSheetHeaders(res);
    assert.equal(cardsOf(res.body).length, 0);
    assert.doesNotMatch(res.body, /<section class="sheet">/);
    assert.match(res.body, /This shop has no active employees yet/);
  });

  test("unknown, malformed, deleted or another tenant's shop → the same 404", async () => {
    const a = await setup();
    const b = await setup();
    const unknown = await t.call('GET', sheetUrl(a.tenant.id, MISSING_ID), { key: a.key });
    assertError(unknown, 404, 'not_found');
    const foreign = await t.call('GET', sheetUrl(a.tenant.id, b.shop.id), { key: a.key });
    assertError(foreign, 404, 'not_found');
    assert.equal(withoutRequestId(foreign), withoutRequestId(unknown));
    assertError(await t.call('GET', sheetUrl(a.tenant.id, 'nope'), { key: a.key }), 404, 'not_found');

    const spare = await addShop(a.tenant.id, a.key, 'Spare');
    assert.equal((await t.call('GET', sheetUrl(a.tenant.id, spare.id), { key: a.key })).statusCode, 200);
    const del = await t.call('DELETE', `/api/v1/tenants/${a.tenant.id}/shops/${spare.id}`, { key: a.key });
    assert.equal(del.statusCode, 204, del.body);
    assertError(await t.call('GET', sheetUrl(a.tenant.id, spare.id), { key: a.key }), 404, 'not_found');
    assertError(await t.call('GET', sheetUrl(MISSING_ID, a.shop.id), { key: await t.platformKey() }), 404, 'not_found');
  });

  test("no key → 401; a key without employees:read → 403; another tenant's path → 403", async () => {
    const a = await setup();
    const b = await setup();
    assertError(await t.call('GET', sheetUrl(a.tenant.id, a.shop.id)), 401, 'unauthorized');
    const limited = await t.tenantWithKey({ permissions: TENANT_PERMISSIONS.filter((p) => p !== 'employees:read') });
    const shop = await addShop(limited.tenant.id, limited.key, 'Main');
    const denied = assertError(await t.call('GET', sheetUrl(limited.tenant.id, shop.id), { key: limited.key }), 403, 'forbidden');
    assert.match(denied.error, /employees:read/);
    assertError(await t.call('GET', sheetUrl(b.tenant.id, b.shop.id), { key: a.key }), 403, 'forbidden');
    const platform = await t.call('GET', sheetUrl(a.tenant.id, a.shop.id), { key: await t.platformKey() });
    assertSheetHeaders(platform);
    assert.equal(cardsOf(platform.body).length, 1);
  });
});
