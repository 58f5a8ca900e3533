// PUT /api/v1/tenants/{tenantId}/logo: an uploaded or downloaded logo is checked by its bytes,
// stored, served from our origin and named in logoUrl; everything else is a 400 that changes
// nothing.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { tenants } from '../../src/platform/tables.ts';
import { tenantLogos } from '../../src/reviews/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { assertError } from '../helpers/assertions.ts';
import { localServer, PNG_1x1, type LocalServer } from '../helpers/local-servers.ts';
import { callAs, signIn } from '../helpers/sessions.ts';

let t: TestApp;
const servers: LocalServer[] = [];
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await t.close();
});
afterEach(() => {
  t.rt.outbound = { allowPrivate: false };
});

const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const logoUrlOf = (tenantId: string) => `/api/v1/tenants/${tenantId}/logo`;

async function stored(tenantId: string) {
  const [tenant] = await t.rt.db.select().from(tenants).where(eq(tenants.id, tenantId));
  const logos = await t.rt.db.select().from(tenantLogos).where(eq(tenantLogos.tenantId, tenantId));
  return { logoUrl: tenant.logoUrl, logo: logos[0] ?? null };
}

describe('upload', () => {
  test('a PNG (base64, with or without a data: prefix) is stored, named with its version and served from our origin', async () => {
    const { tenant, key } = await t.tenantWithKey();
    const res = await t.call('PUT', logoUrlOf(tenant.id), { key, body: { image: PNG_1x1.toString('base64') } });
    assert.equal(res.statusCode, 200, res.body);
    const { settings } = res.json();
    assert.match(settings.logoUrl, new RegExp(`^http://orgstack\\.test/assets/logos/${tenant.id}\\.png\\?v=[0-9a-f]{8}$`));
    const { logo } = await stored(tenant.id);
    assert.deepEqual(Buffer.from(logo!.bytes), PNG_1x1);
    assert.equal(logo!.contentType, 'image/png');

    const served = await t.call('GET', new URL(settings.logoUrl).pathname + new URL(settings.logoUrl).search);
    assert.equal(served.statusCode, 200);
    assert.equal(served.headers['content-type'], 'image/png');
    assert.deepEqual(served.rawPayload, PNG_1x1);

    // A replacement changes the version; a data: URL prefix is accepted.
    const again = await t.call('PUT', logoUrlOf(tenant.id), { key, body: { image: `data:image/jpeg;base64,${JPEG.toString('base64')}` } });
    assert.equal(again.statusCode, 200, again.body);
    assert.match(again.json().settings.logoUrl, /\.jpg\?v=/);
    assert.equal((await stored(tenant.id)).logo!.contentType, 'image/jpeg');
  });

  test('SVG, oversized, not base64, empty, both or neither → 400 naming the field; nothing changes', async () => {
    const { tenant, key } = await t.tenantWithKey();
    assert.equal((await t.call('PUT', logoUrlOf(tenant.id), { key, body: { image: PNG_1x1.toString('base64') } })).statusCode, 200);
    const before = await stored(tenant.id);
    const big = Buffer.concat([PNG_1x1, Buffer.alloc(256 * 1024)]);
    const cases: [unknown, string, RegExp][] = [
      [{ image: SVG.toString('base64') }, 'image', /SVG is not accepted/],
      [{ image: big.toString('base64') }, 'image', /256 KB/],
      [{ image: 'this is not base64!' }, 'image', /base64/],
      [{ image: '' }, 'image', /base64/],
      [{ image: PNG_1x1.toString('base64'), url: 'https://example.com/logo.png' }, 'image', /either/],
      [{}, 'image', /either/],
      [{ url: 'ftp://example.com/logo.png' }, 'url', /http/],
      [{ image: PNG_1x1.toString('base64'), extra: 1 }, 'extra', /Unknown/],
    ];
    for (const [body, field, message] of cases) {
      const res = await t.call('PUT', logoUrlOf(tenant.id), { key, body });
      const err = assertError(res, 400, 'validation_failed');
      assert.match(err.fieldErrors[field]?.join(' ') ?? '', message, JSON.stringify(body).slice(0, 80));
    }
    assert.deepEqual(await stored(tenant.id), before);
  });

  test('permissions: settings:write, own tenant only; a member session gets 403', async () => {
    const { tenant, key } = await t.tenantWithKey({ permissions: ['settings:read'] });
    assertError(await t.call('PUT', logoUrlOf(tenant.id), { key, body: { image: PNG_1x1.toString('base64') } }), 403, 'forbidden');
    const other = await t.tenantWithKey();
    assertError(await t.call('PUT', logoUrlOf(tenant.id), { key: other.key, body: { image: PNG_1x1.toString('base64') } }), 403, 'forbidden');
    assertError(await t.call('PUT', logoUrlOf(tenant.id), { body: { image: PNG_1x1.toString('base64') } }), 401, 'unauthorized');

    const { username } = await t.createUser({ tenantId: tenant.id, role: 'member' });
    const browser = await signIn(t, username);
    assertError(await callAs(t, 'PUT', logoUrlOf(tenant.id), { browser, body: { image: PNG_1x1.toString('base64') } }), 403, 'forbidden');
    assert.equal((await stored(tenant.id)).logoUrl, null);
  });
});

describe('from a URL', () => {
  test('downloaded once, checked by its bytes (whatever the Content-Type says) and stored', async () => {
    const s = await localServer((req, res) => {
      if (req.url === '/logo.webp') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(PNG_1x1);
      } else if (req.url === '/evil.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(SVG);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    servers.push(s);
    t.rt.outbound = { allowPrivate: true };
    const { tenant, key } = await t.tenantWithKey();

    const ok = await t.call('PUT', logoUrlOf(tenant.id), { key, body: { url: `${s.url}/logo.webp` } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.match(ok.json().settings.logoUrl, /\.png\?v=/);
    assert.equal(s.requests.length, 1);
    const before = await stored(tenant.id);

    const evil = await t.call('PUT', logoUrlOf(tenant.id), { key, body: { url: `${s.url}/evil.png` } });
    assert.match(assertError(evil, 400, 'validation_failed').fieldErrors.url.join(' '), /SVG is not accepted/);
    const missing = await t.call('PUT', logoUrlOf(tenant.id), { key, body: { url: `${s.url}/missing.png` } });
    assert.match(assertError(missing, 400, 'validation_failed').fieldErrors.url.join(' '), /Could not download/);
    assert.deepEqual(await stored(tenant.id), before);
  });

  test('a private address is refused (outbound rules of tenant-supplied URLs)', async () => {
    const s = await localServer((_req, res) => res.end(PNG_1x1));
    servers.push(s);
    const { tenant, key } = await t.tenantWithKey();
    const res = await t.call('PUT', logoUrlOf(tenant.id), { key, body: { url: `${s.url}/logo.png` } });
    assertError(res, 400, 'validation_failed');
    assert.equal(s.requests.length, 0);
    assert.equal((await stored(tenant.id)).logoUrl, null);
  });
});
