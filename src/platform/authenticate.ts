// The front of the request path for every authenticated route: who is calling (a Bearer key, or
// else the dashboard's session cookie → Principal), may they (permission, tenant scope). Runs in
// onRequest, before the body is read, so unauthenticated callers cost almost nothing. Then the
// URL's own check (request-url.ts), for public routes too.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, unauthorized } from './errors.ts';
import { ANY_CREDENTIAL } from './operations.ts';
import { requirePermission, requireTenantAccess, type Principal, type ServiceContext } from './principal.ts';
import { checkRequestUrl } from './request-url.ts';
import type { Runtime } from './runtime.ts';
import { checkCookieRequest, sessionCookieOf } from './session-cookie.ts';
import type { SessionFacts } from './sessions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** Set when the principal is a dashboard session (the cookie authenticated the request). */
    session: SessionFacts | null;
  }
}

/** The Bearer token of the Authorization header; null when there is none or it is not a Bearer token. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

export const authenticatePlugin = fp(async (app: FastifyInstance, { rt }: { rt: Runtime }) => {
  app.decorateRequest('principal', null);
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (permission === undefined) return checkRequestUrl(request);
    const principal = await authenticateCaller(request, rt);
    // After the caller is known (so the audit row names them), before anything reads the params.
    checkRequestUrl(request);
    const tenantId = (request.params as Record<string, string> | undefined)?.tenantId;
    if (tenantId !== undefined) requireTenantAccess(principal, tenantId);
    if (permission !== ANY_CREDENTIAL) requirePermission(principal, permission);
  });
});

/**
 * Who is calling: the principal of the Bearer key (wins) or of the session cookie, admitted by
 * the rate limiter, and set on the request. Throws 401 for a missing or failing credential (a
 * presented one counts as a failed authentication of the address); with `optional`, a request
 * that presents none is simply anonymous (null).
 */
export async function authenticateCaller(request: FastifyRequest, rt: Runtime): Promise<Principal>;
export async function authenticateCaller(request: FastifyRequest, rt: Runtime, opts: { optional: true }): Promise<Principal | null>;
export async function authenticateCaller(request: FastifyRequest, rt: Runtime, opts: { optional?: boolean } = {}): Promise<Principal | null> {
  const ip = request.ip;
  // A Bearer key wins over a cookie: an integration is never subject to the cookie rules.
  const token = bearerToken(request);
  const cookie = token ? null : sessionCookieOf(request);
  if (!token && !cookie && opts.optional) return null;
  rt.authFailures.check(ip);
  let principal: Principal | null = null;
  if (token) {
    principal = await rt.credentials.authenticate(token);
  } else if (cookie) {
    const found = await rt.credentials.authenticateSession(cookie);
    if (found) {
      checkCookieRequest(request, rt.config, cookie);
      if (found.session.mustChangePassword) {
        throw new AppError(403, 'password_change_required', 'Change your password first (POST /api/v1/auth/change-password)');
      }
      principal = found.principal;
      request.session = found.session;
    }
  }
  if (!principal) {
    // Only a presented credential that fails is a guess; a request with none guesses nothing.
    if (token || cookie) rt.authFailures.record(ip);
    throw unauthorized(
      token ? 'The API key is invalid, revoked or expired' : cookie ? 'Your session has ended; sign in again' : 'Send an Authorization: Bearer <key> header',
    );
  }
  request.principal = principal;
  await rt.rateLimits.admit(principal, request);
  return principal;
}

/** The explicit context a route hands to its service function. */
export function contextOf(request: FastifyRequest, rt: Runtime): ServiceContext {
  if (!request.principal) throw new AppError(500, 'internal', 'Route has no principal; did it declare a permission?');
  return { principal: request.principal, requestId: request.id, rt };
}
