// GET /favicon.ico through HTTP: a real ICO image (not a 404, not the dashboard's HTML), cached
// for a day and revalidated by its ETag; HEAD answers like GET without the body.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('GET /favicon.ico', () => {
  test('200 image/x-icon: an ICO holding 16, 32 and 48 px images, with a day of cache and an ETag', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/favicon.ico' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'image/x-icon');
    assert.equal(res.headers['cache-control'], 'public, max-age=86400');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers.etag), /^"[0-9a-f]{16}"$/);
    const ico = res.rawPayload;
    assert.equal(Number(res.headers['content-length']), ico.length);
    // ICONDIR: reserved 0, type 1 (icon), 3 images; each entry points at a PNG of its size.
    assert.deepEqual([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)], [0, 1, 3]);
    const sizes: number[] = [];
    for (let n = 0; n < 3; n++) {
      const e = 6 + 16 * n;
      const [w, h, length, offset] = [ico.readUInt8(e), ico.readUInt8(e + 1), ico.readUInt32LE(e + 8), ico.readUInt32LE(e + 12)];
      const png = PNG.sync.read(ico.subarray(offset, offset + length));
      assert.deepEqual([png.width, png.height], [w, h]);
      // Not blank: the centre pixel is the white star, a corner is transparent.
      const at = (x: number, y: number) => [...png.data.subarray((y * w + x) * 4, (y * w + x) * 4 + 4)];
      assert.deepEqual(at(w / 2, h / 2), [255, 255, 255, 255]);
      assert.equal(at(0, 0)[3], 0);
      sizes.push(w);
    }
    assert.deepEqual(sizes, [16, 32, 48]);
    assert.doesNotMatch(ico.subarray(0, 64).toString('latin1'), /<html|<!doctype/i);
  });

  test('a matching If-None-Match is a 304 without a body; HEAD answers the headers only', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/favicon.ico' });
    const again = await t.app.inject({ method: 'GET', url: '/favicon.ico', headers: { 'if-none-match': String(first.headers.etag) } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.rawPayload.length, 0);
    assert.equal(again.headers.etag, first.headers.etag);
    const stale = await t.app.inject({ method: 'GET', url: '/favicon.ico', headers: { 'if-none-match': '"0000000000000000"' } });
    assert.equal(stale.statusCode, 200);
    const head = await t.app.inject({ method: 'HEAD', url: '/favicon.ico' });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['content-type'], 'image/x-icon');
    assert.equal(head.rawPayload.length, 0);
  });
});
