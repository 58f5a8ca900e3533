// Webhook receivers for tests: a real HTTP server on loopback whose answers a test scripts, that
// verifies every delivery it gets with the `standardwebhooks` package and X-OrgX-Signature.
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';
import type { TestApp } from './app.ts';
import { localServer, type LocalServer } from './local-servers.ts';

export const WEBHOOK_ENV = { WEBHOOK_ALLOW_LOOPBACK: '1', WEBHOOK_RETRY_SCHEDULE: '0,1,1', WEBHOOK_TIMEOUT_MS: '1000' };

export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  json: { id: string; type: string; created: string; workspace_id: string; data: any };
}

export interface Receiver extends LocalServer {
  received: Received[];
  /** What the next request gets (default 204); called with the number of requests so far. */
  answer: (n: number, req: IncomingMessage, res: ServerResponse) => void;
}

export async function receiver(): Promise<Receiver> {
  const r = {} as Receiver;
  r.received = [];
  r.answer = (_n, _req, res) => res.writeHead(204).end();
  const server = await localServer((req, res, body) => {
    r.received.push({ headers: req.headers, body, json: JSON.parse(body) });
    r.answer(r.received.length, req, res);
  });
  return Object.assign(r, server, { url: `${server.url}/hook` });
}

/** Whether one of the delivery's `sha256=` signatures is the HMAC of the body under `secret`. */
export function orgxSignatureValid(secret: string, got: Received): boolean {
  const expected = `sha256=${createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(got.body).digest('hex')}`;
  return String(got.headers['x-orgx-signature']).split(' ').includes(expected);
}

/** Standard Webhooks' own verifier, unmodified: throws when no signature matches. */
export function standardVerify(secret: string, got: Received): unknown {
  return new Webhook(secret).verify(got.body, {
    'webhook-id': String(got.headers['webhook-id']),
    'webhook-timestamp': String(got.headers['webhook-timestamp']),
    'webhook-signature': String(got.headers['webhook-signature']),
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` answers something truthy (or fails with `what` after `ms`). */
export async function until<T>(what: string, check: () => T | Promise<T>, ms = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Registers an endpoint through the API; answers its id and secret. */
export async function registerEndpoint(t: TestApp, tenantId: string, key: string, body: Record<string, unknown>): Promise<{ id: string; secret: string; body: any }> {
  const res = await t.call('POST', `/api/v1/tenants/${tenantId}/webhooks`, { key, body });
  if (res.statusCode !== 201) throw new Error(`register: ${res.statusCode} ${res.body}`);
  const json = res.json();
  return { id: json.webhook.id, secret: json.secret, body: json };
}
