// One delivery attempt: build the body, sign it, and POST it through the SSRF guard (recorder.ts
// writes what happened: the attempt row, the delivery's next step, and the endpoint's health).
import { createRequire } from 'node:module';
import type { Runtime } from '../platform/runtime.ts';
import { cancelPending } from './endpoints.ts';
import { checkedTarget, parseEndpointUrl, postPinned, UrlRefused, type Connections } from './outbound.ts';
import { signatureHeaders } from './signing.ts';

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
export const USER_AGENT = `orgstack-webhooks/${VERSION}`;

/** Responses are read up to 4 KB; the log keeps the first 1 KB. */
const READ_BYTES = 4096;
const LOG_BYTES = 1024;

/** A claimed delivery with what its attempt needs (worker.ts claims it). */
export interface Claimed {
  tenantId: string;
  id: string;
  endpointId: string;
  /** Attempts made before this one (in the current round of the schedule). */
  attempts: number;
  eventId: string;
  type: string;
  createdMs: number;
  data: unknown;
  url: string;
  enabled: boolean;
  secret: string;
  previousSecret: string | null;
}

export interface Outcome {
  status: number | null;
  error: string | null;
  durationMs: number;
  response: string | null;
  retryAfterSeconds: number | null;
}

/** The exact bytes every attempt of this delivery sends ([contract] docs/work-api-contract.md §5). */
export const payloadOf = (d: Claimed) =>
  JSON.stringify({ id: d.eventId, type: d.type, created: new Date(d.createdMs).toISOString(), workspace_id: d.tenantId, data: d.data });

/** `connections`: keep-alive agents per (origin, checked address); without, a fresh connection. */
export async function attempt(rt: Runtime, d: Claimed, connections?: Connections): Promise<Outcome> {
  const body = payloadOf(d);
  const box = rt.webhooks.secrets;
  let secrets: string[];
  try {
    secrets = [box.open(d.secret), ...(d.previousSecret ? [box.open(d.previousSecret)] : [])];
  } catch {
    // Sealed under another ORGSTACK_SECRET (a node configured differently): nothing is sent.
    rt.log.error({ endpointId: d.endpointId }, 'webhook secret cannot be opened: does every node share ORGSTACK_SECRET?');
    return { status: null, error: 'secret_unreadable', durationMs: 0, response: null, retryAfterSeconds: null };
  }
  const headers = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    ...signatureHeaders(secrets, d.eventId, Math.floor(Date.now() / 1000), body),
  };
  const { allowLoopback, timeoutMs } = rt.config.webhooks;
  const started = performance.now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const took = () => Math.round(performance.now() - started);
  try {
    // The guard again on every attempt: DNS may answer differently than at registration.
    const url = parseEndpointUrl(d.url, allowLoopback);
    const target = await Promise.race([
      checkedTarget(url, { allowLoopback, allowPrivate: rt.outbound.allowPrivate, resolve: rt.outbound.resolve }),
      new Promise<never>((_, reject) => deadline.signal.addEventListener('abort', () => reject(new Error('timeout')), { once: true })),
    ]);
    const res = await postPinned(url, target, headers, body, deadline.signal, READ_BYTES, connections?.agentFor(url, target));
    const ok = res.status >= 200 && res.status < 300;
    return {
      status: res.status,
      error: ok ? null : res.status >= 300 && res.status < 400 ? 'redirect' : 'http_error',
      durationMs: took(),
      response: res.body.length > 0 ? res.body.subarray(0, LOG_BYTES).toString('utf8') : null,
      retryAfterSeconds: ok ? null : retryAfter(res.headers['retry-after']),
    };
  } catch (err) {
    const error = deadline.signal.aborted ? 'timeout' : err instanceof UrlRefused ? err.reason : 'network_error';
    return { status: null, error, durationMs: took(), response: null, retryAfterSeconds: null };
  } finally {
    clearTimeout(timer);
  }
}

/** `Retry-After`: seconds or an HTTP date; null when absent or unreadable. */
function retryAfter(value: string | undefined): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, (at - Date.now()) / 1000);
}

/**
 * Seconds until the next attempt after `made` failed attempts, or null when the schedule is spent.
 * The scheduled delay gets ±20 % jitter; a Retry-After longer than that is honoured up to the
 * step after it (so a receiver can slow us down, but not past the schedule's own pace).
 */
export function nextDelay(schedule: readonly number[], made: number, retryAfterSeconds: number | null, random = Math.random): number | null {
  if (made >= schedule.length) return null;
  const scheduled = schedule[made] * (0.8 + 0.4 * random());
  if (retryAfterSeconds === null) return scheduled;
  const cap = Math.max(schedule[made], schedule[made + 1] ?? 0);
  return Math.max(scheduled, Math.min(retryAfterSeconds, cap));
}

/** A delivery whose endpoint was disabled after it was queued ends without an attempt. */
export async function recordDisabled(rt: Runtime, d: Claimed): Promise<void> {
  await cancelPending(rt.database.background, d.tenantId, d.endpointId);
}
