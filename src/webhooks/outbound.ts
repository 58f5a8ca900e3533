// The SSRF guard for webhook URLs, at registration and again on every attempt, and the one POST
// an attempt makes. Address classes and the resolver come from src/platform/safe-fetch.ts; the
// POST connects to exactly the address that was checked (a pinned lookup, so DNS gets no second
// answer), follows no redirect, and reads at most a few kilobytes of the answer.
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { bareHost, classifyAddress, requestPinned, systemResolver, type ResolvedAddress, type Resolver } from '../platform/safe-fetch.ts';

export const MAX_URL_LENGTH = 2048;

export interface GuardOptions {
  /** WEBHOOK_ALLOW_LOOPBACK: http:// and https:// receivers on this machine's loopback (development, tests). */
  allowLoopback: boolean;
  /** Test-only ALLOW_PRIVATE_FETCH: private ranges too. */
  allowPrivate?: boolean;
  resolve?: Resolver;
}

/** Why a URL is refused: its message is what `fieldErrors.url` shows. */
export class UrlRefused extends Error {
  constructor(
    /** invalid_url | blocked_address | dns_failed */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const PRIVATE = new Set(['private', 'link_local', 'unique_local', 'shared']);

/** Parses and checks a receiver URL without resolving it (the part that needs no network). */
export function parseEndpointUrl(raw: string, allowLoopback: boolean): URL {
  if (raw.length > MAX_URL_LENGTH) throw new UrlRefused('invalid_url', `Must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefused('invalid_url', 'Must be an absolute https:// URL');
  }
  if (url.protocol !== 'https:' && !(allowLoopback && url.protocol === 'http:')) throw new UrlRefused('invalid_url', 'Must be an https:// URL');
  if (url.username || url.password) throw new UrlRefused('invalid_url', 'Must not carry credentials');
  if (url.hash) throw new UrlRefused('invalid_url', 'Must not have a #fragment');
  return url;
}

/** Resolves the URL's host once and checks every address; answers the one to connect to. */
export async function checkedTarget(url: URL, options: GuardOptions): Promise<ResolvedAddress> {
  const host = bareHost(url);
  let answers: ResolvedAddress[];
  if (isIP(host)) answers = [{ address: host, family: isIP(host) }];
  else {
    try {
      answers = await (options.resolve ?? systemResolver)(host);
    } catch {
      throw new UrlRefused('dns_failed', `Could not resolve ${host}`);
    }
    if (answers.length === 0) throw new UrlRefused('dns_failed', `No address for ${host}`);
  }
  const classes = answers.map((a) => classifyAddress(a.address));
  if (classes.includes('invalid')) throw new UrlRefused('dns_failed', `The resolver answered a non-address for ${host}`);
  const allowed = (cls: string) =>
    cls === 'public' || (options.allowLoopback && cls === 'loopback') || (options.allowPrivate === true && (cls === 'loopback' || PRIVATE.has(cls)));
  const refused = classes.find((cls) => !allowed(cls));
  if (refused) throw new UrlRefused('blocked_address', `Must reach a public address (${host} is ${refused.replace('_', '-')})`);
  // http:// is only for loopback receivers, whatever else the switches allow.
  if (url.protocol === 'http:' && !classes.every((cls) => cls === 'loopback')) throw new UrlRefused('invalid_url', 'Must be an https:// URL');
  return { address: answers[0].address, family: isIP(answers[0].address) };
}

export interface PostResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** At most maxBytes of the body; the rest is never read. */
  body: Buffer;
}

/** How long an idle keep-alive connection is kept: below the 5 s most servers keep theirs. */
const IDLE_SOCKET_MS = 4000;
/** An agent unused this long is closed and forgotten. */
const IDLE_AGENT_MS = 60_000;

/**
 * Keep-alive connections for webhook attempts: one agent per (origin, checked address), so a
 * pooled socket only ever reaches the address that was checked for this attempt. Each attempt
 * still resolves and checks the URL (checkedTarget); if DNS now answers another (allowed)
 * address, that attempt uses another agent and a new connection, opened through the pinned
 * lookup. Redirects are never followed (one request per attempt); TLS checks the host name.
 */
export class Connections {
  private agents = new Map<string, { agent: http.Agent; used: number }>();

  /** @param maxSockets connections per agent: the per-endpoint concurrency limit */
  constructor(private readonly maxSockets: number) {}

  agentFor(url: URL, target: ResolvedAddress): http.Agent {
    const key = `${url.protocol}//${url.host}|${target.address}`;
    let entry = this.agents.get(key);
    if (!entry) {
      const options = { keepAlive: true, maxSockets: this.maxSockets, maxFreeSockets: this.maxSockets, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' as const };
      entry = { agent: url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options), used: 0 };
      this.agents.set(key, entry);
    }
    entry.used = Date.now();
    return entry.agent;
  }

  /** Closes the agents nobody used for a while (called from the worker's poll). */
  sweep(now = Date.now()): void {
    for (const [key, entry] of this.agents) {
      if (now - entry.used > IDLE_AGENT_MS) {
        entry.agent.destroy();
        this.agents.delete(key);
      }
    }
  }

  close(): void {
    for (const entry of this.agents.values()) entry.agent.destroy();
    this.agents.clear();
  }
}

/**
 * POSTs `body` to `url` on the checked address; rejects on timeout (reason 'timeout') or network
 * failure. With `agent`, the connection is kept for the next attempt when the answer was read to
 * its end within `maxBytes`; a request that failed on a pooled connection the peer had closed is
 * sent once more on a fresh one.
 */
export async function postPinned(url: URL, target: ResolvedAddress, headers: Record<string, string>, body: string, signal: AbortSignal, maxBytes: number, agent?: http.Agent): Promise<PostResult> {
  const sent = { ...headers, 'content-length': String(Buffer.byteLength(body)) };
  let res: http.IncomingMessage;
  try {
    res = await requestPinned(url, target, 'POST', sent, signal, body, agent);
  } catch (err) {
    if (!agent || signal.aborted || !(err as { reusedSocket?: boolean }).reusedSocket) throw err;
    res = await requestPinned(url, target, 'POST', sent, signal, body);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) break;
    }
  } catch (err) {
    if (size === 0) throw err;
  } finally {
    // A body read to its end leaves the socket to the agent; anything else closes it.
    if (!res.complete) res.destroy();
  }
  return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).subarray(0, maxBytes) };
}
