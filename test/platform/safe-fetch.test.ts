import assert from 'node:assert/strict';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import {
  classifyAddress,
  isPublicAddress,
  orgstackUserAgent,
  safeFetch,
  SafeFetchError,
  type AddressClass,
  type Resolver,
} from '../../src/platform/safe-fetch.ts';

// A real server on 127.0.0.1 that records what reached it. Every server is closed after the file,
// open connections included, so a stalled handler cannot keep the process alive.
type TestServer = { port: number; requests: IncomingMessage[]; close(): Promise<void> };
const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(handler: (req: IncomingMessage, res: ServerResponse, port: number) => void): Promise<TestServer> {
  const requests: IncomingMessage[] = [];
  let port = 0;
  const server = http.createServer((req, res) => {
    requests.push(req);
    handler(req, res, port);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const s: TestServer = {
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(s);
  return s;
}

/** A resolver from a fixed table that records every name it was asked for. */
function hosts(table: Record<string, string | string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    const entry = table[hostname];
    if (!entry) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return [entry].flat().map((address) => ({ address, family: isIP(address) }));
  };
  return Object.assign(resolve, { asked });
}

const neverCalled: Resolver = async (hostname) => assert.fail(`resolver must not be called (asked for ${hostname})`);

async function rejectsWith(promise: Promise<unknown>, reason: string, status?: number): Promise<SafeFetchError> {
  const err = await promise.then(
    () => assert.fail(`expected ${reason}, but the fetch succeeded`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SafeFetchError, `expected SafeFetchError, got ${String(err)}`);
  assert.equal(err.reason, reason, err.message);
  if (status !== undefined) assert.equal(err.status, status);
  return err;
}

describe('classifyAddress', () => {
  const table: [string, AddressClass][] = [
    // public
    ['93.184.216.34', 'public'],
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['11.0.0.0', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['192.169.0.1', 'public'],
    ['198.17.255.255', 'public'],
    ['198.20.0.0', 'public'],
    ['223.255.255.255', 'public'],
    ['2606:4700::1', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['::ffff:93.184.216.34', 'public'],
    ['64:ff9b::808:808', 'public'], // NAT64 of 8.8.8.8
    // IPv4, not public
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['169.254.169.254', 'link_local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.88.99.1', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    // IPv6, not public
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link_local'],
    ['FE80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf:ffff::1', 'link_local'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456:789a::1', 'unique_local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001:2::1', 'benchmarking'],
    ['2001::1', 'reserved'], // Teredo
    ['2002:7f00:1::1', 'reserved'], // 6to4 wrapping 127.0.0.1
    ['fec0::1', 'reserved'], // old site-local
    ['100::1', 'reserved'], // discard-only
    ['::127.0.0.1', 'reserved'], // IPv4-compatible, deprecated
    ['::ffff:0:7f00:1', 'reserved'], // SIIT IPv4-translated
    ['64:ff9b:1::1', 'reserved'], // local-use NAT64
    // IPv4-mapped and NAT64: judged by the IPv4 address inside
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::FFFF:7F00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link_local'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:100.64.0.1', 'shared'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    // not an address at all
    ['localhost', 'invalid'],
    ['', 'invalid'],
    ['127.1', 'invalid'],
    ['2130706433', 'invalid'],
    ['999.1.1.1', 'invalid'],
    ['1.2.3.4.5', 'invalid'],
    ['::ffff:1.2.3.4.5', 'invalid'],
    ['[::1]', 'invalid'],
  ];
  for (const [address, expected] of table) {
    test(`${address || '(empty)'} → ${expected}`, () => {
      assert.equal(classifyAddress(address), expected);
      assert.equal(isPublicAddress(address), expected === 'public');
    });
  }
});

describe('safeFetch: URLs', () => {
  test('non-http schemes are rejected before any lookup', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/x', 'javascript:alert(1)', 'data:text/plain,hi', 'gopher://example.com/', 'ws://example.com/']) {
      const err = await rejectsWith(safeFetch(url, { resolve: neverCalled }), 'invalid_url');
      assert.match(err.message, /scheme/i);
    }
  });

  test('unparseable URLs and URLs with credentials are rejected', async () => {
    for (const url of ['', 'not a url', 'http://', '//example.com/', 'http://exa mple.com/']) {
      await rejectsWith(safeFetch(url, { resolve: neverCalled }), 'invalid_url');
    }
    await rejectsWith(safeFetch('http://user:secret@example.com/', { resolve: neverCalled }), 'invalid_url');
    await rejectsWith(safeFetch('http://user@example.com/', { resolve: neverCalled }), 'invalid_url');
  });

  test('literal-IP hosts, odd IPv4 notations and mapped IPv6 are blocked without connecting', async () => {
    const s = await serve((_req, res) => res.end('reached'));
    const urls = [
      `http://127.0.0.1:${s.port}/`,
      `http://2130706433:${s.port}/`,
      `http://0x7f.1:${s.port}/`,
      `http://127.1:${s.port}/`,
      `http://0177.0.0.1:${s.port}/`,
      `http://0x7f000001:${s.port}/`,
      `http://0.0.0.0:${s.port}/`,
      `http://[::1]:${s.port}/`,
      `http://[::]:${s.port}/`,
      `http://[::ffff:127.0.0.1]:${s.port}/`,
      `http://[::ffff:7f00:1]:${s.port}/`,
      `http://[0:0:0:0:0:ffff:7f00:1]:${s.port}/`,
      `https://10.0.0.1/`,
      `http://169.254.169.254/latest/meta-data/`,
      `http://[fd00::1]/`,
      `http://100.64.0.1/`,
    ];
    for (const url of urls) {
      const err = await rejectsWith(safeFetch(url, { resolve: neverCalled }), 'blocked_address');
      assert.ok(err.url, url);
    }
    assert.equal(s.requests.length, 0);
  });
});

describe('safeFetch: the address guard with allowPrivate off', () => {
  test('a name resolving to 127.0.0.1 is refused before any connection', async () => {
    const s = await serve((_req, res) => res.end('reached'));
    const resolve = hosts({ 'shop.test': '127.0.0.1' });
    await rejectsWith(safeFetch(`http://shop.test:${s.port}/`, { resolve }), 'blocked_address');
    assert.deepEqual(resolve.asked, ['shop.test']);
    assert.equal(s.requests.length, 0);
    // The same request with the test escape hatch does reach it: the refusal above was the guard.
    const res = await safeFetch(`http://shop.test:${s.port}/`, { resolve, allowPrivate: true });
    assert.equal(res.body.toString(), 'reached');
    assert.equal(s.requests.length, 1);
  });

  test('names resolving to private, CGNAT, metadata and IPv6 internal addresses are refused', async () => {
    for (const address of ['10.0.0.1', '192.168.0.10', '100.64.1.1', '169.254.169.254', '::1', 'fd00::5', '::ffff:127.0.0.1', '0.0.0.0']) {
      const err = await rejectsWith(safeFetch('http://internal.test/', { resolve: hosts({ 'internal.test': address }) }), 'blocked_address');
      assert.equal(err.url, 'http://internal.test/');
    }
  });

  test('one non-public answer among public ones refuses the host', async () => {
    const resolve = hosts({ 'mixed.test': ['93.184.216.34', '127.0.0.1'] });
    await rejectsWith(safeFetch('http://mixed.test/', { resolve }), 'blocked_address');
  });

  test('the system resolver is checked too: localhost is refused', async () => {
    const s = await serve((_req, res) => res.end('reached'));
    await rejectsWith(safeFetch(`http://localhost:${s.port}/`), 'blocked_address');
    assert.equal(s.requests.length, 0);
  });

  test('resolver failures, empty answers and non-addresses → dns_failed', async () => {
    await rejectsWith(safeFetch('http://nowhere.test/', { resolve: hosts({}) }), 'dns_failed');
    await rejectsWith(safeFetch('http://empty.test/', { resolve: async () => [] }), 'dns_failed');
    await rejectsWith(safeFetch('http://odd.test/', { resolve: async () => [{ address: 'example.com', family: 4 }] }), 'dns_failed');
  });

  test('allowPrivate still refuses unspecified, multicast and reserved addresses', async () => {
    for (const address of ['0.0.0.0', '::', '224.0.0.1', '240.0.0.1', '192.0.2.1']) {
      await rejectsWith(safeFetch('http://odd.test/', { resolve: hosts({ 'odd.test': address }), allowPrivate: true }), 'blocked_address');
    }
  });
});

describe('safeFetch: fetching (local servers, allowPrivate on)', () => {
  test('returns status, final url, headers, content type and body; connects to the resolved address', async () => {
    const s = await serve((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('x-test', 'yes');
      res.end('<title>hi</title>');
    });
    const resolve = hosts({ 'site.test': '127.0.0.1' });
    const res = await safeFetch(`http://site.test:${s.port}/page?q=1#frag`, { resolve, allowPrivate: true });
    assert.equal(res.status, 200);
    assert.equal(res.url, `http://site.test:${s.port}/page?q=1#frag`);
    assert.deepEqual(res.redirects, []);
    assert.equal(res.contentType, 'text/html; charset=utf-8');
    assert.equal(res.headers['x-test'], 'yes');
    assert.ok(Buffer.isBuffer(res.body));
    assert.equal(res.body.toString(), '<title>hi</title>');
    // site.test exists only in our resolver: the connection went to the pinned address, once.
    assert.deepEqual(resolve.asked, ['site.test']);
    const [req] = s.requests;
    assert.equal(req.url, '/page?q=1');
    assert.equal(req.headers.host, `site.test:${s.port}`);
  });

  test('sends the orgstack User-Agent and never cookies or credentials', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    const resolve = hosts({ 'site.test': '127.0.0.1' });
    const url = `http://site.test:${s.port}/`;
    await safeFetch(url, { resolve, allowPrivate: true });
    assert.match(s.requests[0].headers['user-agent']!, /^orgstack\/\d+\.\d+\.\d+/);

    const userAgent = orgstackUserAgent('https://orgstack.example');
    assert.match(userAgent, /^orgstack\/\d+\.\d+\.\d+ \(\+https:\/\/orgstack\.example\)$/);
    await safeFetch(url, {
      resolve,
      allowPrivate: true,
      userAgent,
      headers: { Accept: 'text/html', Cookie: 'sid=1', Authorization: 'Bearer x', 'Proxy-Authorization': 'x', Host: 'evil.test' },
    });
    const h = s.requests[1].headers;
    assert.equal(h['user-agent'], userAgent);
    assert.equal(h.accept, 'text/html');
    assert.equal(h.cookie, undefined);
    assert.equal(h.authorization, undefined);
    assert.equal(h['proxy-authorization'], undefined);
    assert.equal(h.host, `site.test:${s.port}`);
  });

  test('HEAD returns the headers and an empty body', async () => {
    const s = await serve((_req, res) => {
      res.setHeader('content-type', 'image/png');
      res.end('not sent for HEAD');
    });
    const res = await safeFetch(`http://site.test:${s.port}/favicon.ico`, {
      method: 'HEAD',
      resolve: hosts({ 'site.test': '127.0.0.1' }),
      allowPrivate: true,
    });
    assert.equal(res.status, 200);
    assert.equal(res.contentType, 'image/png');
    assert.equal(res.body.length, 0);
    assert.equal(s.requests[0].method, 'HEAD');
  });

  // /hop/n redirects to hop n+1 on the next host (a.test → b.test → …), /end answers.
  async function chainServer(hops: number) {
    const names = ['a.test', 'b.test', 'c.test', 'd.test', 'e.test', 'f.test'];
    const s = await serve((req, res, port) => {
      const n = Number(/^\/hop\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1);
      if (n < 0) return res.end(`end at ${req.headers.host}`);
      const next = n + 1 < hops ? `/hop/${n + 1}` : '/end';
      // Alternate absolute Locations (to the next host) and relative ones (same host).
      const location = n % 2 === 0 ? `http://${names[n + 1]}:${port}${next}` : next;
      res.writeHead(n % 2 === 0 ? 302 : 301, { location, 'set-cookie': 'sid=1' }).end();
    });
    const resolve = hosts(Object.fromEntries(names.map((name) => [name, '127.0.0.1'])));
    return { s, resolve, url: `http://a.test:${s.port}/hop/0` };
  }

  test('follows a chain of 3 redirects to the end, re-resolving every host', async () => {
    const { s, resolve, url } = await chainServer(3);
    const res = await safeFetch(url, { resolve, allowPrivate: true });
    assert.equal(res.status, 200);
    assert.equal(res.url, `http://d.test:${s.port}/end`);
    assert.equal(res.body.toString(), `end at d.test:${s.port}`);
    assert.deepEqual(res.redirects, [
      `http://a.test:${s.port}/hop/0`,
      `http://b.test:${s.port}/hop/1`,
      `http://b.test:${s.port}/hop/2`,
    ]);
    assert.deepEqual(resolve.asked, ['a.test', 'b.test', 'b.test', 'd.test']);
    // A Set-Cookie on one hop is not sent back on the next.
    assert.ok(s.requests.every((r) => r.headers.cookie === undefined));
  });

  test('a 4th redirect → too_many_redirects, and it is not followed', async () => {
    const { s, resolve, url } = await chainServer(4);
    const err = await rejectsWith(safeFetch(url, { resolve, allowPrivate: true }), 'too_many_redirects', 301);
    assert.equal(err.url, `http://d.test:${s.port}/hop/3`);
    assert.equal(s.requests.length, 4);
  });

  test('maxRedirects lowers the limit; 0 allows none', async () => {
    const { resolve, url } = await chainServer(2);
    await rejectsWith(safeFetch(url, { resolve, allowPrivate: true, maxRedirects: 1 }), 'too_many_redirects');
    await rejectsWith(safeFetch(url, { resolve, allowPrivate: true, maxRedirects: 0 }), 'too_many_redirects');
    const res = await safeFetch(url, { resolve, allowPrivate: true, maxRedirects: 2 });
    assert.equal(res.redirects.length, 2);
  });

  test('followRedirects: false returns the 3xx with its Location', async () => {
    const { s, resolve, url } = await chainServer(3);
    const res = await safeFetch(url, { resolve, allowPrivate: true, followRedirects: false });
    assert.equal(res.status, 302);
    assert.equal(res.url, url);
    assert.equal(res.headers.location, `http://b.test:${s.port}/hop/1`);
    assert.deepEqual(res.redirects, []);
    assert.equal(s.requests.length, 1);
  });

  test('every hop is re-checked: a redirect to a blocked address is refused before connecting', async () => {
    const target = await serve((_req, res) => res.end('reached'));
    const locations = [
      `http://zero.test:${target.port}/`, // the resolver says 0.0.0.0, which reaches this host
      `http://0.0.0.0:${target.port}/`,
      `http://[::]:${target.port}/`,
      `http://0:${target.port}/`,
    ];
    const s = await serve((req, res) => res.writeHead(302, { location: locations[Number(req.url!.slice(1))] }).end());
    const resolve = hosts({ 'start.test': '127.0.0.1', 'zero.test': '0.0.0.0' });
    for (let i = 0; i < locations.length; i++) {
      const err = await rejectsWith(safeFetch(`http://start.test:${s.port}/${i}`, { resolve, allowPrivate: true }), 'blocked_address');
      assert.equal(err.url, new URL(locations[i]).href);
    }
    assert.equal(s.requests.length, locations.length);
    assert.equal(target.requests.length, 0);
  });

  test('every hop is re-checked: a redirect to another scheme is refused', async () => {
    const locations = ['file:///etc/passwd', 'ftp://example.com/', 'javascript:alert(1)', 'http://user:pw@site.test/'];
    const s = await serve((req, res) => res.writeHead(302, { location: locations[Number(req.url!.slice(1))] }).end());
    const resolve = hosts({ 'start.test': '127.0.0.1' });
    for (let i = 0; i < locations.length; i++) {
      await rejectsWith(safeFetch(`http://start.test:${s.port}/${i}`, { resolve, allowPrivate: true }), 'invalid_url');
    }
    assert.deepEqual(resolve.asked, locations.map(() => 'start.test'));
  });

  test('error statuses and a redirect without Location → http_error with the status', async () => {
    const s = await serve((req, res) => {
      const status = Number(req.url!.slice(1));
      res.writeHead(status).end('nope');
    });
    const resolve = hosts({ 'site.test': '127.0.0.1' });
    for (const status of [404, 500, 302, 304]) {
      await rejectsWith(safeFetch(`http://site.test:${s.port}/${status}`, { resolve, allowPrivate: true }), 'http_error', status);
    }
  });

  test('a refused connection → network_error', async () => {
    const s = await serve((_req, res) => res.end());
    await s.close();
    await rejectsWith(safeFetch(`http://site.test:${s.port}/`, { resolve: hosts({ 'site.test': '127.0.0.1' }), allowPrivate: true }), 'network_error');
  });

  test('https goes through the pinned address too (a plain-http server fails the TLS handshake)', async () => {
    const s = await serve((_req, res) => res.end('plain'));
    const resolve = hosts({ 'tls.test': '127.0.0.1' });
    await rejectsWith(safeFetch(`https://tls.test:${s.port}/`, { resolve, allowPrivate: true }), 'network_error');
    assert.deepEqual(resolve.asked, ['tls.test']);
  });

  test('a server that never answers → timeout after timeoutMs', async () => {
    const s = await serve(() => {});
    const started = Date.now();
    await rejectsWith(safeFetch(`http://slow.test:${s.port}/`, { resolve: hosts({ 'slow.test': '127.0.0.1' }), allowPrivate: true, timeoutMs: 300 }), 'timeout');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 250 && elapsed < 3000, `took ${elapsed} ms`);
    assert.equal(s.requests.length, 1);
  });

  test('the timeout covers the whole fetch: a body that trickles forever → timeout', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const tick = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(tick));
    });
    const started = Date.now();
    await rejectsWith(safeFetch(`http://drip.test:${s.port}/`, { resolve: hosts({ 'drip.test': '127.0.0.1' }), allowPrivate: true, timeoutMs: 300 }), 'timeout');
    assert.ok(Date.now() - started < 3000);
  });

  test('a resolver that never answers → timeout', async () => {
    const hang: Resolver = () => new Promise(() => {});
    await rejectsWith(safeFetch('http://hang.test/', { resolve: hang, timeoutMs: 300 }), 'timeout');
  });

  test('a declared Content-Length over maxBytes → too_large', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(1024) });
      res.end(Buffer.alloc(1024, 'x'));
    });
    const resolve = hosts({ 'big.test': '127.0.0.1' });
    await rejectsWith(safeFetch(`http://big.test:${s.port}/`, { resolve, allowPrivate: true, maxBytes: 1023 }), 'too_large', 200);
    const res = await safeFetch(`http://big.test:${s.port}/`, { resolve, allowPrivate: true, maxBytes: 1024 });
    assert.equal(res.body.length, 1024);
  });

  test('an undeclared huge body → too_large, aborted while streaming', async () => {
    const total = 64 * 1024 * 1024;
    let written = 0;
    let closed!: () => void;
    const serverDone = new Promise<void>((resolve) => (closed = resolve));
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }); // chunked: no length
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', closed);
      pump();
    });
    await rejectsWith(
      safeFetch(`http://huge.test:${s.port}/`, { resolve: hosts({ 'huge.test': '127.0.0.1' }), allowPrivate: true, maxBytes: 100_000 }),
      'too_large',
    );
    await serverDone;
    assert.ok(written < total, `server wrote all ${written} bytes: the client did not stop reading`);
  });
});
