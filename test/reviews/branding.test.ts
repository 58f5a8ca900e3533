// Website branding at provisioning (docs/reviews-api-contract.md §4, §7): theme-color → brand colours, the
// favicon checked and served from our origin, and every way a site can be slow, huge or hostile
// (SSRF) ending in a 201 without branding — never in a request to a place we must not reach.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { tenants } from '../../src/platform/tables.ts';
import {
  DEFAULT_ACCENT_COLOR,
  DEFAULT_PRIMARY_COLOR,
  deriveAccentColor,
  iconCandidatesOf,
  logoFromBytes,
  MAX_LOGO_BYTES,
  normalizeHexColor,
  sniffLogoType,
  themeColorOf,
} from '../../src/reviews/branding.ts';
import { tenantLogos } from '../../src/reviews/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { hosts, localServer, PNG_1x1, type LocalServer } from '../helpers/local-servers.ts';

let t: TestApp;
let platformKey: string;
const servers: LocalServer[] = [];
before(async () => {
  t = await startTestApp();
  platformKey = await t.platformKey();
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await t.close();
});
afterEach(() => {
  t.rt.outbound = { allowPrivate: false };
});

async function site(handler: Parameters<typeof localServer>[0]): Promise<LocalServer> {
  const s = await localServer(handler);
  servers.push(s);
  return s;
}

let n = 0;
async function provisionWith(websiteUrl: string) {
  const res = await t.call('POST', '/api/v1/tenants', {
    key: platformKey,
    body: { name: `Brand Test ${++n}`, vertical: 'retail', xhsInput: '@brand', websiteUrl },
  });
  assert.equal(res.statusCode, 201, res.body);
  const [row] = await t.rt.db.select().from(tenants).where(eq(tenants.id, res.json().id));
  return row;
}

function assertNoBranding(row: typeof tenants.$inferSelect) {
  assert.equal(row.brandPrimaryColor, DEFAULT_PRIMARY_COLOR);
  assert.equal(row.brandAccentColor, DEFAULT_ACCENT_COLOR);
  assert.equal(row.logoUrl, null);
}

const page = (head: string) => `<!doctype html><html><head><title>Shop</title>${head}</head><body>Hello</body></html>`;
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x1a, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
const ICO = Buffer.from([0, 0, 1, 0, 1, 0, 16, 16, 0, 0]);

describe('branding rules', () => {
  test('colours: #rrggbb and #rgb only, lower-cased', () => {
    assert.equal(normalizeHexColor('#0F766E'), '#0f766e');
    assert.equal(normalizeHexColor(' #abc '), '#aabbcc');
    for (const bad of ['red', 'rgb(1,2,3)', '#12345', '#1234567', 'red; background:url(x)', '#0f766e; x', '', null, undefined]) {
      assert.equal(normalizeHexColor(bad), null, String(bad));
    }
  });

  test('the accent is the complementary hue, saturated and mid-light; greys get the default accent', () => {
    assert.equal(deriveAccentColor('#0f766e'), '#e21d2c'); // teal → red
    assert.equal(deriveAccentColor('#ff0000'), '#0df2f2'); // red → cyan
    assert.equal(deriveAccentColor('#1f6feb'), '#ea9615'); // the default blue → an amber like the default accent
    assert.equal(deriveAccentColor('#0F766E'), '#e21d2c');
    assert.equal(deriveAccentColor('#777777'), DEFAULT_ACCENT_COLOR);
    assert.equal(deriveAccentColor('#ffffff'), DEFAULT_ACCENT_COLOR);
    assert.equal(deriveAccentColor('nonsense'), DEFAULT_ACCENT_COLOR);
  });

  test('theme-color: attribute order and quoting do not matter; media-specific ones come last; invalid ones are skipped', () => {
    assert.equal(themeColorOf(page('<meta content="#0F766E" name="theme-color">')), '#0f766e');
    assert.equal(themeColorOf(page("<META NAME='Theme-Color' CONTENT='#123'>")), '#112233');
    assert.equal(themeColorOf(page('<meta name=theme-color content=#abcdef>')), '#abcdef');
    assert.equal(
      themeColorOf(page('<meta name="theme-color" media="(prefers-color-scheme: dark)" content="#000000"><meta name="theme-color" content="#ffffff">')),
      '#ffffff',
    );
    assert.equal(themeColorOf(page('<meta name="theme-color" content="red; background:url(x)"><meta name="theme-color" content="#010203">')), '#010203');
    assert.equal(themeColorOf(page('<meta name="description" content="#0f766e">')), null);
  });

  test('icon candidates: rel=icon (largest first, SVG skipped), apple-touch-icon, then /favicon.ico, all absolute', () => {
    const html = page(
      '<link rel="icon" type="image/svg+xml" href="/logo.svg">' +
        '<link rel="shortcut icon" href="small.png" sizes="16x16">' +
        '<link rel="icon" href="//cdn.example/big.png" sizes="192x192">' +
        '<link rel="apple-touch-icon" href="/touch.png">' +
        '<link rel="stylesheet" href="/site.css">' +
        '<link rel="icon" href="javascript:alert(1)">',
    );
    assert.deepEqual(iconCandidatesOf(html, 'https://shop.example/en/home'), [
      'https://cdn.example/big.png',
      'https://shop.example/en/small.png',
      'https://shop.example/touch.png',
      'https://shop.example/favicon.ico',
    ]);
    assert.deepEqual(iconCandidatesOf(page('<base href="https://static.example/a/"><link rel=icon href=i.png>'), 'https://shop.example/'), [
      'https://static.example/a/i.png',
      'https://shop.example/favicon.ico',
    ]);
  });

  test('hostile markup (unclosed tags, unterminated quotes, megabytes of attributes) is parsed in linear time', () => {
    const hostile = [
      '<meta'.repeat(400_000),
      `<meta ${'a="x '.repeat(50_000)}`,
      `<link ${'rel=icon '.repeat(200_000)}>`,
      `<head>${'<link rel="icon" href="/x.png">'.repeat(20_000)}`,
    ];
    for (const html of hostile) {
      const started = performance.now();
      themeColorOf(html);
      iconCandidatesOf(html, 'https://shop.example/');
      assert.ok(performance.now() - started < 1000, `${html.slice(0, 20)}… took ${performance.now() - started} ms`);
    }
    // Tags after </head> are not looked at.
    assert.equal(themeColorOf('<head></head><body><meta name="theme-color" content="#0f766e"></body>'), null);
  });

  test('logos by magic bytes: PNG, JPEG, WebP, ICO accepted; SVG, HTML, empty and > 256 KB refused', () => {
    assert.deepEqual(sniffLogoType(PNG_1x1), { contentType: 'image/png', ext: 'png' });
    assert.deepEqual(sniffLogoType(JPEG), { contentType: 'image/jpeg', ext: 'jpg' });
    assert.deepEqual(sniffLogoType(WEBP), { contentType: 'image/webp', ext: 'webp' });
    assert.deepEqual(sniffLogoType(ICO), { contentType: 'image/x-icon', ext: 'ico' });
    assert.equal(sniffLogoType(SVG), null);
    assert.equal(sniffLogoType(Buffer.from('<!doctype html><html>')), null);
    assert.equal(logoFromBytes(Buffer.alloc(0)), null);
    const big = Buffer.concat([PNG_1x1, Buffer.alloc(MAX_LOGO_BYTES)]);
    assert.equal(logoFromBytes(big), null);
    assert.equal(logoFromBytes(big.subarray(0, MAX_LOGO_BYTES))?.contentType, 'image/png');
  });
});

describe('provisioning with a website', () => {
  test('theme-color and a PNG favicon → brand colours and a logo served from our own origin', async () => {
    const s = await site((req, res) => {
      if (req.url === '/') {
        return res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(page('<meta name="theme-color" content="#0f766e"><link rel="icon" href="/favicon.png">'));
      }
      if (req.url === '/favicon.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG_1x1);
      res.writeHead(404).end();
    });
    t.rt.outbound = { resolve: hosts({ 'brand.test': '127.0.0.1' }), allowPrivate: true };
    const row = await provisionWith(`http://brand.test:${s.port}/`);
    assert.equal(row.websiteUrl, `http://brand.test:${s.port}/`);
    assert.equal(row.brandPrimaryColor, '#0f766e');
    assert.equal(row.brandAccentColor, deriveAccentColor('#0f766e'));
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(PNG_1x1).digest('hex');
    assert.equal(row.logoUrl, `http://orgstack.test/assets/logos/${row.id}.png?v=${sha.slice(0, 8)}`);
    assert.deepEqual(s.requests.map((r) => r.url), ['/', '/favicon.png']);
    assert.match(String(s.requests[0].headers['user-agent']), /^orgstack\/\S+ \(\+http:\/\/orgstack\.test\)$/);

    const [stored] = await t.rt.db.select().from(tenantLogos).where(eq(tenantLogos.tenantId, row.id));
    assert.equal(stored.contentType, 'image/png');
    assert.equal(stored.sha256, sha);
    assert.ok(stored.bytes.equals(PNG_1x1));

    // GET of the logoUrl's path: the same bytes, the right type, long cache, nosniff, no auth.
    const path = new URL(row.logoUrl!).pathname + new URL(row.logoUrl!).search;
    const logo = await t.app.inject({ method: 'GET', url: path });
    assert.equal(logo.statusCode, 200);
    assert.equal(logo.headers['content-type'], 'image/png');
    assert.ok(logo.rawPayload.equals(PNG_1x1));
    assert.equal(logo.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(logo.headers['x-content-type-options'], 'nosniff');
    assert.equal(logo.headers.etag, `"${sha}"`);

    // An old or missing version is cached briefly only; the ETag revalidates.
    const stale = await t.app.inject({ method: 'GET', url: `/assets/logos/${row.id}.png?v=00000000` });
    assert.equal(stale.headers['cache-control'], 'public, max-age=300');
    const revalidated = await t.app.inject({ method: 'GET', url: `/assets/logos/${row.id}.png`, headers: { 'if-none-match': `"${sha}"` } });
    assert.equal(revalidated.statusCode, 304);
    assert.equal(revalidated.rawPayload.length, 0);
  });

  test('logo route: unknown tenant, a malformed name, a tenant without logo → 404', async () => {
    const noLogo = await t.createTenant();
    for (const url of [
      '/assets/logos/0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60.png',
      `/assets/logos/${noLogo.id}.png`,
      '/assets/logos/not-a-uuid.png',
      `/assets/logos/${noLogo.id}.svg`,
      '/assets/logos/..%2F..%2Fetc%2Fpasswd',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().code, 'not_found');
    }
  });

  test('a JPEG apple-touch-icon is used when there is no rel=icon', async () => {
    const s = await site((req, res) => {
      if (req.url === '/') return res.writeHead(200).end(page('<link rel="apple-touch-icon" href="/touch.jpg">'));
      if (req.url === '/touch.jpg') return res.writeHead(200).end(JPEG);
      res.writeHead(404).end();
    });
    t.rt.outbound = { resolve: hosts({ 'jpeg.test': '127.0.0.1' }), allowPrivate: true };
    const row = await provisionWith(`http://jpeg.test:${s.port}/`);
    assert.match(row.logoUrl!, new RegExp(`/assets/logos/${row.id}\\.jpg\\?v=[0-9a-f]{8}$`));
    assert.equal(row.brandPrimaryColor, DEFAULT_PRIMARY_COLOR, 'no theme-color: the default colours');
    const logo = await t.app.inject({ method: 'GET', url: new URL(row.logoUrl!).pathname });
    assert.equal(logo.headers['content-type'], 'image/jpeg');
  });

  test('an SVG favicon (declared, or disguised as PNG) → logo null; the colour still applies', async () => {
    const s = await site((req, res) => {
      if (req.url === '/') {
        return res
          .writeHead(200)
          .end(page('<meta name="theme-color" content="#336699"><link rel="icon" type="image/svg+xml" href="/icon.svg"><link rel="icon" href="/fake.png">'));
      }
      if (req.url === '/icon.svg') return res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(SVG);
      if (req.url === '/fake.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(SVG);
      if (req.url === '/favicon.ico') return res.writeHead(200, { 'content-type': 'image/x-icon' }).end(SVG);
      res.writeHead(404).end();
    });
    t.rt.outbound = { resolve: hosts({ 'svg.test': '127.0.0.1' }), allowPrivate: true };
    const row = await provisionWith(`http://svg.test:${s.port}/`);
    assert.equal(row.logoUrl, null);
    assert.equal(row.brandPrimaryColor, '#336699');
    assert.ok(!s.requests.some((r) => r.url === '/icon.svg'), 'a declared SVG is not even fetched');
    assert.deepEqual((await t.rt.db.select().from(tenantLogos).where(eq(tenantLogos.tenantId, row.id))).length, 0);
  });

  test('a favicon over 256 KB → logo null', async () => {
    const s = await site((req, res) => {
      if (req.url === '/') return res.writeHead(200).end(page('<link rel="icon" href="/huge.png">'));
      if (req.url === '/huge.png') return res.writeHead(200).end(Buffer.concat([PNG_1x1, Buffer.alloc(MAX_LOGO_BYTES)]));
      res.writeHead(404).end();
    });
    t.rt.outbound = { resolve: hosts({ 'huge-icon.test': '127.0.0.1' }), allowPrivate: true };
    assert.equal((await provisionWith(`http://huge-icon.test:${s.port}/`)).logoUrl, null);
  });

  test('an invalid theme-color ("red; background:url(x)") → the default colours', async () => {
    const s = await site((_req, res) => res.writeHead(200).end(page('<meta name="theme-color" content="red; background:url(x)">')));
    t.rt.outbound = { resolve: hosts({ 'css.test': '127.0.0.1' }), allowPrivate: true };
    assertNoBranding(await provisionWith(`http://css.test:${s.port}/`));
  });

  test('a site that never answers → 201 without branding, within the timeout', async () => {
    const s = await site(() => {
      // Never respond.
    });
    t.rt.outbound = { resolve: hosts({ 'slow.test': '127.0.0.1' }), allowPrivate: true, timeoutMs: 300 };
    const started = Date.now();
    assertNoBranding(await provisionWith(`http://slow.test:${s.port}/`));
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    assert.equal(s.requests.length, 1);
  });

  test('a site that sends 50 MB (declared, or streamed without a length) → 201 without branding', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const s = await site((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(50 * 1024 * 1024) });
        return res.write(page('<meta name="theme-color" content="#0f766e">'));
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write(page('<meta name="theme-color" content="#0f766e">'));
      const pump = () => {
        while (sent < 50 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => {});
      pump();
    });
    t.rt.outbound = { resolve: hosts({ 'big.test': '127.0.0.1' }), allowPrivate: true };
    assertNoBranding(await provisionWith(`http://big.test:${s.port}/declared`));
    assertNoBranding(await provisionWith(`http://big.test:${s.port}/streamed`));
    assert.ok(sent < 20 * 1024 * 1024, `the download stopped early (${sent} bytes were written)`);
  });
});

describe('provisioning with a hostile website (SSRF), allowPrivate off', () => {
  let target: LocalServer;
  before(async () => {
    target = await site((_req, res) =>
      res.writeHead(200).end(page('<meta name="theme-color" content="#0f766e"><link rel="icon" href="/favicon.png">')),
    );
  });

  const literals = () => [
    `http://127.0.0.1:${target.port}/`,
    `http://localhost:${target.port}/`,
    'http://10.0.0.1/',
    `http://[::1]:${target.port}/`,
    `http://[::ffff:127.0.0.1]:${target.port}/`,
    'http://169.254.169.254/latest/meta-data/',
    `http://2130706433:${target.port}/`, // 127.0.0.1 in decimal
    `http://0.0.0.0:${target.port}/`,
  ];

  test('websites at loopback, private, link-local and IPv4-mapped addresses are refused: 201, no branding, no request', async () => {
    t.rt.outbound = { allowPrivate: false };
    for (const url of literals()) assertNoBranding(await provisionWith(url));
    assert.equal(target.requests.length, 0);
  });

  test('a public-looking name that resolves to 127.0.0.1 is refused', async () => {
    const resolve = hosts({ 'innocent.example': '127.0.0.1', 'metadata.example': '169.254.169.254' });
    t.rt.outbound = { resolve, allowPrivate: false };
    assertNoBranding(await provisionWith(`http://innocent.example:${target.port}/`));
    assertNoBranding(await provisionWith('http://metadata.example/'));
    assert.deepEqual(resolve.asked, ['innocent.example', 'metadata.example']);
    assert.equal(target.requests.length, 0);
  });

  test('a redirect (of the page, or of its icon) to a blocked address is refused at that hop', async () => {
    // The first hop must be reachable, so this runs with the test-only allowance; the redirect
    // targets (0.0.0.0, ::) stay blocked even then.
    const redirecting = await site((req, res) => {
      if (req.url === '/page') return res.writeHead(302, { location: `http://0.0.0.0:${target.port}/` }).end();
      if (req.url === '/page6') return res.writeHead(302, { location: `http://[::]:${target.port}/` }).end();
      if (req.url === '/has-icon') {
        return res.writeHead(200).end(page(`<meta name="theme-color" content="#445566"><link rel="icon" href="http://zero.test:${target.port}/favicon.png">`));
      }
      res.writeHead(404).end();
    });
    t.rt.outbound = { resolve: hosts({ 'redirect.test': '127.0.0.1', 'zero.test': '0.0.0.0' }), allowPrivate: true };
    assertNoBranding(await provisionWith(`http://redirect.test:${redirecting.port}/page`));
    assertNoBranding(await provisionWith(`http://redirect.test:${redirecting.port}/page6`));
    const row = await provisionWith(`http://redirect.test:${redirecting.port}/has-icon`);
    assert.equal(row.brandPrimaryColor, '#445566');
    assert.equal(row.logoUrl, null);
    assert.equal(target.requests.length, 0);
  });
});
