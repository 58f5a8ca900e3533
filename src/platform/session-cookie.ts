// The session cookie on the wire, and the two rules that make a cookie safe to accept: a call
// authenticated by the cookie must come from our own origin, and a state-changing one must also
// carry the session's CSRF token in X-CSRF-Token (a cross-site form or script cannot read it).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { cookieValue } from './cookies.ts';
import { AppError } from './errors.ts';
import { secretsEqual } from './secrets.ts';
import { csrfTokenOf } from './sessions.ts';

export const SESSION_COOKIE = 'orgstack_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session cookie's value, or null when the request carries none. */
export function sessionCookieOf(request: FastifyRequest): string | null {
  return cookieValue(request.headers.cookie, SESSION_COOKIE) || null;
}

/** `Secure` when PUBLIC_URL is https (or the request itself arrived over https). */
const isSecure = (request: FastifyRequest, config: Config) => config.publicUrl.startsWith('https:') || request.protocol === 'https';

function cookie(request: FastifyRequest, config: Config, value: string, maxAgeSeconds: number): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`];
  if (isSecure(request, config)) parts.push('Secure');
  return parts.join('; ');
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, config: Config, token: string, expiresAt: Date) {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  reply.header('set-cookie', cookie(request, config, token, maxAge));
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, config: Config) {
  reply.header('set-cookie', cookie(request, config, '', 0));
}

/**
 * Our own origin: PUBLIC_URL's, or the origin the request was addressed to (its Host, as the
 * browser sent it). A cross-site page cannot make a browser send our cookie with its own host in
 * Host, so the second form is as safe and keeps a dashboard opened at 127.0.0.1 instead of
 * localhost working.
 */
function isOwnOrigin(origin: string, request: FastifyRequest, config: Config): boolean {
  if (origin === new URL(config.publicUrl).origin) return true;
  const host = request.headers.host;
  return host !== undefined && origin === `${request.protocol}://${host}`;
}

/** 403 origin_not_allowed when a browser says the call comes from another site. */
export function checkOrigin(request: FastifyRequest, config: Config): void {
  const origin = request.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, request, config)) {
    throw new AppError(403, 'origin_not_allowed', "Cookie-authenticated calls are accepted only from this server's own origin; use a Bearer key from elsewhere");
  }
}

/**
 * The origin and CSRF rules for a request authenticated by the session cookie `token`:
 * 403 origin_not_allowed for another site's Origin, 403 csrf_failed for a write without the
 * session's token. Bearer calls never come here.
 */
export function checkCookieRequest(request: FastifyRequest, config: Config, token: string): void {
  checkOrigin(request, config);
  if (SAFE_METHODS.has(request.method)) return;
  const header = request.headers[CSRF_HEADER];
  const presented = Array.isArray(header) ? header[0] : header;
  if (!presented || !secretsEqual(presented, csrfTokenOf(token))) {
    throw new AppError(403, 'csrf_failed', "Send the session's CSRF token in the X-CSRF-Token header (it comes with the session)");
  }
}
