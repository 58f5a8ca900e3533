// Dashboard sessions in HTTP tests: sign in through the API and call it the way the browser does
// (the session cookie, the X-CSRF-Token header on writes), with explicit headers.
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestApp } from './app.ts';

/** The password `t.createUser` gives every user. */
export const PASSWORD = 'correct horse battery staple';

export interface Browser {
  cookie: string;
  csrf: string;
  user: { id: string; username: string; role: string; tenantId: string | null; mustChangePassword: boolean };
}

/** The `orgstack_session` value a response sets ('' when it clears it), or null when it sets none. */
export function sessionCookieFrom(res: LightMyRequestResponse): string | null {
  const raw = res.headers['set-cookie'];
  const all = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
  const mine = all.find((c) => c.startsWith('orgstack_session='));
  return mine === undefined ? null : mine.slice('orgstack_session='.length).split(';')[0];
}

export interface CallOptions {
  browser?: Browser | null;
  /** Send the session's CSRF token (default: on writes with a browser). */
  csrf?: boolean | string;
  body?: unknown;
  headers?: Record<string, string>;
  ip?: string;
}

/** One request as the dashboard makes it. */
export function callAs(t: TestApp, method: InjectOptions['method'], url: string, opts: CallOptions = {}): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  const b = opts.browser;
  if (b) headers.cookie = `orgstack_session=${b.cookie}`;
  const write = !['GET', 'HEAD', 'OPTIONS'].includes(String(method));
  const csrf = opts.csrf ?? write;
  if (b && csrf) headers['x-csrf-token'] = typeof csrf === 'string' ? csrf : b.csrf;
  return t.app.inject({
    method,
    url,
    headers: { ...headers, ...opts.headers },
    ...(opts.ip ? { remoteAddress: opts.ip } : {}),
    ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
  });
}

export function signInRequest(t: TestApp, login: string, password: string, opts: { ip?: string; headers?: Record<string, string> } = {}) {
  return callAs(t, 'POST', '/api/v1/auth/sign-in', { body: { login, password }, ...opts });
}

/** Signs in and returns the browser state; fails the test unless it worked. */
export async function signIn(t: TestApp, login: string, password = PASSWORD, opts: { ip?: string } = {}): Promise<Browser> {
  const res = await signInRequest(t, login, password, opts);
  assert.equal(res.statusCode, 200, res.body);
  const cookie = sessionCookieFrom(res);
  assert.ok(cookie, 'sign-in sets the session cookie');
  const body = res.json();
  return { cookie, csrf: body.csrfToken, user: body.user };
}
