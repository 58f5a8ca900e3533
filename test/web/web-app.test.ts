// Serving the dashboard SPA (src/platform/web-app.ts) over HTTP: index.html for every client route
// of /dashboard and /super (never cached), hashed assets cached for a year and sent precompressed,
// the strict CSP and nosniff on all of it, no way out of the build directory, and a 503 with the
// build hint when there is no build. Uses a small fake build so it needs no Vite run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { auditLog } from '../../src/platform/tables.ts';
import { BUILD_HINT, DASHBOARD_CSP, WEB_DIST, webAppRoutes } from '../../src/platform/web-app.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const INDEX = '<!doctype html><html><head><script type="module" src="/dashboard/assets/index-AbC123.js"></script></head><body><div id="root"></div></body></html>';
const JS = 'console.log("dashboard");'.repeat(50);
const CSS = 'body{margin:0}'.repeat(50);

function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orgstack-web-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), INDEX);
  fs.writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), JS);
  fs.writeFileSync(path.join(dir, 'assets', 'index-AbC123.js.br'), zlib.brotliCompressSync(JS));
  fs.writeFileSync(path.join(dir, 'assets', 'index-AbC123.js.gz'), zlib.gzipSync(JS));
  fs.writeFileSync(path.join(dir, 'assets', 'index-XyZ789.css'), CSS);
  fs.writeFileSync(path.join(dir, 'assets', 'index-XyZ789.css.gz'), zlib.gzipSync(CSS));
  // Beside the build: what a path traversal would try to reach.
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for you');
  return dir;
}

function securityHeadersOk(res: { headers: Record<string, unknown> }) {
  assert.equal(res.headers['content-security-policy'], DASHBOARD_CSP);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['x-frame-options'], 'DENY');
}

describe('dashboard static serving', () => {
  let dist: string;
  let app: FastifyInstance;
  before(async () => {
    dist = fakeBuild();
    app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
    webAppRoutes(app, { distDir: dist });
    await app.ready();
  });
  after(async () => {
    await app.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  test('every client route of /dashboard and /super gets index.html, never cached, with the CSP', async () => {
    for (const url of ['/dashboard', '/dashboard/', '/dashboard/employees', '/dashboard/reset-password?token=abc', '/super', '/super/tenants/123', '/dashboard/a/b/c']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8', url);
      assert.equal(res.headers['cache-control'], 'no-cache', url);
      assert.equal(res.body, INDEX, url);
      securityHeadersOk(res);
    }
  });

  test('the CSP allows nothing but our own origin', () => {
    for (const part of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"]) {
      assert.ok(DASHBOARD_CSP.includes(part), part);
    }
    assert.ok(!DASHBOARD_CSP.includes('unsafe'), 'no unsafe-inline or unsafe-eval');
  });

  test('hashed assets: right content type, a year of immutable cache, brotli or gzip as accepted', async () => {
    const plain = await app.inject({ method: 'GET', url: '/dashboard/assets/index-AbC123.js' });
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers.vary, 'accept-encoding');
    assert.equal(plain.body, JS);
    securityHeadersOk(plain);

    const br = await app.inject({ method: 'GET', url: '/dashboard/assets/index-AbC123.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(zlib.brotliDecompressSync(br.rawPayload).toString(), JS);

    const gz = await app.inject({ method: 'GET', url: '/dashboard/assets/index-AbC123.js', headers: { 'accept-encoding': 'gzip, br;q=0' } });
    assert.equal(gz.headers['content-encoding'], 'gzip', 'br;q=0 refuses brotli');
    assert.equal(zlib.gunzipSync(gz.rawPayload).toString(), JS);

    const css = await app.inject({ method: 'GET', url: '/dashboard/assets/index-XyZ789.css', headers: { 'accept-encoding': 'br' } });
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    assert.equal(css.headers['content-encoding'], undefined, 'no .br beside it, and gzip was not accepted');
    assert.equal(css.body, CSS);
  });

  test('HEAD works like GET without a body', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/dashboard/assets/index-AbC123.js' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(res.body, '');
  });

  test('unknown assets and every path traversal → 404, never a file outside assets/ and never index.html', async () => {
    for (const url of [
      '/dashboard/assets/missing-123.js',
      '/dashboard/assets/..%2f..%2f..%2fpackage.json',
      '/dashboard/assets/..%2fsecret.txt',
      '/dashboard/assets/%2e%2e%2fsecret.txt',
      '/dashboard/assets/%2e%2e/%2e%2e/package.json',
      '/dashboard/assets/..%5csecret.txt',
      '/dashboard/assets/index-AbC123.js.br',
      '/dashboard/assets/.hidden',
      '/dashboard/assets/sub/index-AbC123.js',
      '/dashboard/assets/%00index-AbC123.js',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      assert.ok(res.statusCode === 404 || res.statusCode === 400, `${url} → ${res.statusCode}`);
      assert.ok(!res.body.includes('not for you'), url);
      assert.ok(!res.body.includes('"name"'), url);
    }
  });

  test('a missing asset is a plain, uncached 404 (not the app, which would hide a broken deploy)', async () => {
    const res = await app.inject({ method: 'GET', url: '/dashboard/assets/index-Old999.js' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    securityHeadersOk(res);
  });

  test('only GET and HEAD', async () => {
    const res = await app.inject({ method: 'POST', url: '/dashboard/employees', payload: {} });
    assert.equal(res.statusCode, 404);
  });

  test('a build that appears after start is served without a restart', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'orgstack-web-'));
    const late = Fastify({ logger: false });
    webAppRoutes(late, { distDir: empty });
    try {
      const before = await late.inject({ method: 'GET', url: '/dashboard' });
      assert.equal(before.statusCode, 503);
      fs.cpSync(dist, empty, { recursive: true });
      const afterBuild = await late.inject({ method: 'GET', url: '/dashboard' });
      assert.equal(afterBuild.statusCode, 200);
      assert.equal(afterBuild.body, INDEX);
    } finally {
      await late.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('dashboard without a build', () => {
  test('503 with the build hint on pages and assets, and a warning at start', async () => {
    const missing = path.join(os.tmpdir(), `orgstack-no-build-${process.pid}`);
    const warnings: string[] = [];
    const app = Fastify({ logger: false });
    app.log.warn = ((msg: string) => warnings.push(msg)) as typeof app.log.warn;
    webAppRoutes(app, { distDir: missing });
    try {
      assert.deepEqual(warnings, [BUILD_HINT]);
      for (const url of ['/dashboard', '/super/tenants', '/dashboard/assets/index-AbC123.js']) {
        const res = await app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 503, url);
        assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
        assert.equal(res.headers['cache-control'], 'no-store');
        assert.match(res.body, /npm run build:web/);
        securityHeadersOk(res);
      }
    } finally {
      await app.close();
    }
  });
});

describe('the real app', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('serves /dashboard and /super next to the API, unaudited and without auth', async () => {
    const built = fs.existsSync(path.join(WEB_DIST, 'index.html'));
    for (const url of ['/dashboard', '/super', '/dashboard/api-keys']) {
      const res = await t.call('GET', url);
      assert.equal(res.statusCode, built ? 200 : 503, url);
      securityHeadersOk(res);
      if (built) assert.match(res.body, /<div id="root"><\/div>/);
    }
    if (built) {
      const index = (await t.call('GET', '/dashboard')).body;
      const scripts = [...index.matchAll(/(?:src|href)="(\/dashboard\/assets\/[^"]+)"/g)].map((m) => m[1]);
      assert.ok(scripts.length >= 2, 'the page links its script and stylesheet');
      for (const src of scripts) {
        const res = await t.call('GET', src, { headers: { 'accept-encoding': 'br' } });
        assert.equal(res.statusCode, 200, src);
        assert.equal(res.headers['content-encoding'], 'br', src);
        assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      }
    }
    await t.rt.flush();
    const rows = await t.rt.db.select().from(auditLog);
    assert.equal(rows.filter((r) => r.route.startsWith('/dashboard') || r.route.startsWith('/super')).length, 0, 'the app itself is not audited');
    // The API still answers JSON errors under /api, not the app.
    const api = await t.call('GET', '/api/v1/nothing-here');
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().code, 'not_found');
  });
});
