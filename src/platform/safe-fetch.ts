// Outbound HTTP for every URL a tenant or customer can steer (Maps short links, websites,
// favicons, later webhook URLs). Such a URL can point back into our own network (SSRF), so each
// hop is parsed with the WHATWG URL parser (which also normalizes odd IPv4 notations such as
// 2130706433, 0x7f.1 or 127.1), resolved once, every address checked, and the socket connected to
// exactly the address that was checked: a pinned `lookup` means DNS gets no second chance to
// answer differently (rebinding). Endpoints the operator configures (SMTP, LLM) are trusted and do
// not go through here.
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { lookup } from 'node:dns/promises';
import { createRequire } from 'node:module';
import { isIP, type LookupFunction } from 'node:net';

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

// ---------------------------------------------------------------------------------------------
// Address classification

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'unique_local'
  | 'shared' // 100.64.0.0/10, carrier-grade NAT
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved'
  | 'invalid';

// What the test-only `allowPrivate` lets through: the ranges a local test server can live in.
// Unspecified (0.0.0.0 reaches this host on Linux), multicast and reserved stay blocked even then.
const PRIVATE_CLASSES = new Set<AddressClass>(['loopback', 'private', 'link_local', 'unique_local', 'shared']);

type Range<T> = { base: T; bits: number; cls: AddressClass };

// First match wins (broadcast before 240/4). From the IANA special-purpose registries; the few
// globally reachable special ranges (AS112, AMT) are left public on purpose.
const V4: Range<number>[] = (
  [
    ['0.0.0.0', 8, 'unspecified'],
    ['10.0.0.0', 8, 'private'],
    ['100.64.0.0', 10, 'shared'],
    ['127.0.0.0', 8, 'loopback'],
    ['169.254.0.0', 16, 'link_local'],
    ['172.16.0.0', 12, 'private'],
    ['192.0.0.0', 24, 'reserved'],
    ['192.0.2.0', 24, 'documentation'],
    ['192.88.99.0', 24, 'reserved'], // deprecated 6to4 relay anycast
    ['192.168.0.0', 16, 'private'],
    ['198.18.0.0', 15, 'benchmarking'],
    ['198.51.100.0', 24, 'documentation'],
    ['203.0.113.0', 24, 'documentation'],
    ['224.0.0.0', 4, 'multicast'],
    ['255.255.255.255', 32, 'broadcast'],
    ['240.0.0.0', 4, 'reserved'],
  ] as const
).map(([base, bits, cls]) => ({ base: parseV4(base)!, bits, cls }));

// Only global unicast (2000::/3) can be public; inside it these are not. 2002::/16 (6to4) and
// 2001::/32 (Teredo, inside 2001::/23) embed arbitrary IPv4 addresses, so they are refused whole.
const V6: Range<bigint>[] = (
  [
    ['2001:db8::', 32, 'documentation'],
    ['3fff::', 20, 'documentation'],
    ['2001:2::', 48, 'benchmarking'],
    ['2001::', 23, 'reserved'],
    ['2002::', 16, 'reserved'],
  ] as const
).map(([base, bits, cls]) => ({ base: parseV6(base)!, bits, cls }));

const V6_NAMED: Range<bigint>[] = (
  [
    ['::', 128, 'unspecified'],
    ['::1', 128, 'loopback'],
    ['fe80::', 10, 'link_local'],
    ['fc00::', 7, 'unique_local'],
    ['ff00::', 8, 'multicast'],
  ] as const
).map(([base, bits, cls]) => ({ base: parseV6(base)!, bits, cls }));

const GLOBAL_UNICAST = { base: parseV6('2000::')!, bits: 3 };
// Prefixes whose low 32 bits are an IPv4 address that is what really gets reached: IPv4-mapped
// (::ffff:0:0/96, how dual-stack sockets spell IPv4) and the NAT64 well-known prefix (64:ff9b::/96).
const V4_MAPPED = { base: parseV6('::ffff:0:0')!, bits: 96 };
const NAT64 = { base: parseV6('64:ff9b::')!, bits: 96 };

/** Classifies a literal IPv4 or IPv6 address (an IPv6 zone such as `%eth0` is ignored). */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 4) return classifyV4(parseV4(address)!);
  if (family !== 6) return 'invalid';
  const v = parseV6(address.split('%')[0]);
  if (v === null) return 'invalid';
  if (inV6(v, V4_MAPPED) || inV6(v, NAT64)) return classifyV4(Number(v & 0xffffffffn));
  const named = V6_NAMED.find((r) => inV6(v, r));
  if (named) return named.cls;
  if (!inV6(v, GLOBAL_UNICAST)) return 'reserved';
  return V6.find((r) => inV6(v, r))?.cls ?? 'public';
}

export const isPublicAddress = (address: string) => classifyAddress(address) === 'public';

function classifyV4(v: number): AddressClass {
  return V4.find((r) => (v ^ r.base) >>> (32 - r.bits) === 0)?.cls ?? 'public';
}

function inV6(v: bigint, r: { base: bigint; bits: number }): boolean {
  const shift = BigInt(128 - r.bits);
  return v >> shift === r.base >> shift;
}

function parseV4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function parseV6(text: string): bigint | null {
  let s = text.toLowerCase();
  if (s.includes('.')) {
    // A trailing dotted quad (::ffff:1.2.3.4) becomes the last two hex groups.
    const cut = s.lastIndexOf(':');
    const v4 = parseV4(s.slice(cut + 1));
    if (v4 === null) return null;
    s = `${s.slice(0, cut + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Fetching

export type SafeFetchReason =
  | 'invalid_url' // unparseable, not http(s), or carrying credentials
  | 'blocked_address' // a resolved or literal address is not public
  | 'dns_failed' // the resolver failed, answered nothing, or answered a non-address
  | 'too_many_redirects'
  | 'timeout' // the whole fetch, DNS and every hop included, took longer than timeoutMs
  | 'too_large' // the body passed maxBytes
  | 'http_error' // a status that is neither 2xx nor (when allowed) 3xx, or a redirect without Location
  | 'network_error'; // refused, reset, TLS failure, malformed response

export class SafeFetchError extends Error {
  override readonly name = 'SafeFetchError';
  constructor(
    readonly reason: SafeFetchReason,
    message: string,
    /** The URL of the hop that failed, and the status when there was one. */
    readonly url?: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type ResolvedAddress = { address: string; family: number };
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), every answer. */
export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family }));

/** `orgstack/<version> (+<public URL>)`: tells site owners who is fetching and where to look. */
export const orgstackUserAgent = (publicUrl?: string) =>
  publicUrl ? `orgstack/${VERSION} (+${publicUrl})` : `orgstack/${VERSION}`;

export interface SafeFetchOptions {
  method?: 'GET' | 'HEAD';
  /** Extra request headers. Cookie, Authorization, Proxy-Authorization and Host are dropped. */
  headers?: Record<string, string>;
  /** Defaults to `orgstackUserAgent()`; callers pass `orgstackUserAgent(config.publicUrl)`. */
  userAgent?: string;
  /** When false, a 3xx is returned as is (with its Location header) instead of followed. */
  followRedirects?: boolean;
  maxRedirects?: number;
  /** For the whole fetch: DNS, connects, every redirect and the body. */
  timeoutMs?: number;
  maxBytes?: number;
  resolve?: Resolver;
  /** Test-only: lets loopback/private/link-local/unique-local/CGNAT through. Never from input. */
  allowPrivate?: boolean;
}

export interface SafeFetchResponse {
  status: number;
  /** The URL that gave this response, after redirects. */
  url: string;
  /** Each URL that answered with a redirect that was followed, in order. */
  redirects: string[];
  headers: IncomingHttpHeaders;
  contentType: string | null;
  body: Buffer;
}

export const SAFE_FETCH_DEFAULTS = { maxRedirects: 3, timeoutMs: 5000, maxBytes: 1024 * 1024 } as const;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DROPPED_HEADERS = new Set(['cookie', 'cookie2', 'authorization', 'proxy-authorization', 'host']);

export async function safeFetch(input: string | URL, options: SafeFetchOptions = {}): Promise<SafeFetchResponse> {
  const {
    method = 'GET',
    followRedirects = true,
    maxRedirects = SAFE_FETCH_DEFAULTS.maxRedirects,
    timeoutMs = SAFE_FETCH_DEFAULTS.timeoutMs,
    maxBytes = SAFE_FETCH_DEFAULTS.maxBytes,
    resolve = systemResolver,
    allowPrivate = false,
  } = options;
  const headers = requestHeaders(options);
  let url = parseTarget(String(input));
  const redirects: string[] = [];
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new SafeFetchError('timeout', `Fetch took longer than ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    for (;;) {
      const target = await untilAborted(checkedAddress(url, resolve, allowPrivate), deadline.signal);
      const res = await requestPinned(url, target, method, headers, deadline.signal);
      const status = res.statusCode ?? 0;
      if (followRedirects && REDIRECT_STATUSES.has(status)) {
        res.destroy();
        const location = res.headers.location;
        if (!location) throw new SafeFetchError('http_error', `Redirect ${status} without Location`, url.href, status);
        if (redirects.length >= maxRedirects) {
          throw new SafeFetchError('too_many_redirects', `More than ${maxRedirects} redirects`, url.href, status);
        }
        redirects.push(url.href);
        url = parseTarget(location, url);
        continue;
      }
      const acceptable = (status >= 200 && status < 300) || (!followRedirects && status >= 300 && status < 400);
      if (!acceptable) {
        res.destroy();
        throw new SafeFetchError('http_error', `HTTP ${status}`, url.href, status);
      }
      const body = method === 'HEAD' ? (res.resume(), Buffer.alloc(0)) : await readBody(res, maxBytes, url);
      return { status, url: url.href, redirects, headers: res.headers, contentType: res.headers['content-type'] ?? null, body };
    }
  } catch (err) {
    if (err instanceof SafeFetchError) throw err;
    // Aborting destroys the request, which surfaces as an AbortError or a reset stream.
    if (deadline.signal.aborted) throw deadline.signal.reason;
    throw new SafeFetchError('network_error', `Fetch failed: ${(err as Error).message}`, url.href, undefined, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

function requestHeaders(options: SafeFetchOptions): Record<string, string> {
  const headers: Record<string, string> = { accept: '*/*' };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!DROPPED_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  headers['user-agent'] = options.userAgent ?? orgstackUserAgent();
  return headers;
}

function parseTarget(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new SafeFetchError('invalid_url', 'Not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SafeFetchError('invalid_url', `Scheme ${url.protocol} is not allowed, only http and https`, url.href);
  }
  // Credentials in a URL would be sent as Basic auth to whatever host the input names.
  if (url.username || url.password) throw new SafeFetchError('invalid_url', 'URLs with credentials are not allowed');
  return url;
}

/** The URL's host without the brackets of an IPv6 literal. */
export const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Resolves the hop's host once and checks every answer; one bad answer refuses the host. */
async function checkedAddress(url: URL, resolve: Resolver, allowPrivate: boolean): Promise<ResolvedAddress> {
  const host = bareHost(url);
  let answers: ResolvedAddress[];
  if (isIP(host)) {
    answers = [{ address: host, family: isIP(host) }];
  } else {
    try {
      answers = await resolve(host);
    } catch (err) {
      throw new SafeFetchError('dns_failed', `Could not resolve ${host}`, url.href, undefined, { cause: err });
    }
    if (answers.length === 0) throw new SafeFetchError('dns_failed', `No address for ${host}`, url.href);
  }
  for (const { address } of answers) {
    const cls = classifyAddress(address);
    if (cls === 'invalid') throw new SafeFetchError('dns_failed', `Resolver answered a non-address for ${host}`, url.href);
    if (cls !== 'public' && !(allowPrivate && PRIVATE_CLASSES.has(cls))) {
      throw new SafeFetchError('blocked_address', `${host} resolves to a non-public address (${cls})`, url.href);
    }
  }
  return { address: answers[0].address, family: isIP(answers[0].address) };
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * One request to exactly the checked address (no second DNS answer), with an optional body;
 * resolves with the response head. Webhook attempts use it too.
 *
 * `agent`: keep-alive connection reuse, for callers that hold one agent per (origin, checked
 * address) — every socket of such an agent was opened through this pinned lookup to that one
 * address, so a reused socket reaches the same checked address (webhooks/outbound.ts). Without
 * one, each request opens a fresh connection.
 */
export function requestPinned(
  url: URL,
  target: ResolvedAddress,
  method: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  body?: string,
  agent?: http.Agent,
): Promise<IncomingMessage> {
  const host = bareHost(url);
  const secure = url.protocol === 'https:';
  // Node asks for one address, or for all when it races IPv4/IPv6 (autoSelectFamily): both get
  // the checked one. The host name stays the request's host, so Host, SNI and the certificate
  // check all use the name, not the address.
  const pinned: LookupFunction = (_hostname, opts, callback) => {
    if (opts.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      {
        host,
        port: url.port || (secure ? 443 : 80),
        path: url.pathname + url.search,
        method,
        headers,
        lookup: pinned,
        ...(secure && !isIP(host) ? { servername: host } : {}),
        // A fresh connection per hop unless the caller's agent is keyed by the checked address:
        // a socket pooled by a shared agent would skip the lookup (and so the pin).
        agent: agent ?? false,
        signal,
      },
      resolve,
    );
    // Whether the failed request went out on a pooled keep-alive socket (which the peer may have
    // closed while it sat idle): the caller may then try once more on a fresh connection.
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

/** Streams the body and gives up the moment it passes the cap, declared or not. */
async function readBody(res: IncomingMessage, maxBytes: number, url: URL): Promise<Buffer> {
  const tooLarge = () => new SafeFetchError('too_large', `Body larger than ${maxBytes} bytes`, url.href, res.statusCode);
  if (Number(res.headers['content-length']) > maxBytes) {
    res.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      res.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
