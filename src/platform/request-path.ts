// What every response carries and leaves behind: the request id, the X-RateLimit-* headers on
// the authenticated surfaces, one audit row there (written in batches by AuditLog), a log line.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isUuid } from './principal.ts';
import type { Runtime } from './runtime.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The path itself carries a secret (a link's token): log the route template instead. */
    secretInPath?: boolean;
  }
  interface FastifyRequest {
    /**
     * What the audit row names when the URL alone does not say what was called: one POST /mcp is
     * one tool call, audited as `mcp:<tool>` with the status its result stands for.
     */
    auditAs: { route: string; status?: number } | null;
  }
}

const AUDITED = /^\/(api\/|mcp(\/|$|\?))/;
const NOT_AUDITED = new Set(['/api/v1/openapi']);

const isAudited = (request: FastifyRequest, url: string) => {
  // A CORS preflight is the browser asking permission, not a call (cors.ts answers it).
  if (request.method === 'OPTIONS') return false;
  const path = url.split('?')[0];
  return AUDITED.test(url) && !NOT_AUDITED.has(path);
};

/** Audited requests whose row is not written yet: exactly one of onResponse and 'close' writes it. */
const awaitingRow = new WeakSet<FastifyRequest>();

function audit(rt: Runtime, request: FastifyRequest, reply: FastifyReply, status: number) {
  if (!awaitingRow.delete(request)) return;
  const p = request.principal;
  const pathTenant = (request.params as Record<string, string> | undefined)?.tenantId;
  rt.audit.record({
    at: new Date(Date.now() - reply.elapsedTime),
    requestId: request.id,
    method: request.method,
    route: request.auditAs?.route ?? request.routeOptions.url ?? '(no route)',
    status: request.auditAs?.status ?? status,
    durationMs: Math.round(reply.elapsedTime),
    principalKind: p?.kind ?? null,
    principalId: p?.credentialId ?? null,
    keyPrefix: p?.keyPrefix ?? null,
    userId: p?.userId ?? null,
    tenantId: p?.tenantId ?? (pathTenant && isUuid(pathTenant) ? pathTenant.toLowerCase() : null),
    ip: request.ip,
    userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
  });
}

/**
 * The start of every request: its id header, and for the audited surfaces the promise of one
 * audit row. Also called for a request the router could not take (unroutable.ts), which no hook
 * sees, with the path of its URL: its row is then written when the answer is flushed.
 */
export function beginRequest(rt: Runtime, request: FastifyRequest, reply: FastifyReply, url = request.url) {
  reply.header('x-request-id', request.id);
  rt.requests.track(reply.raw);
  if (!isAudited(request, url)) return;
  awaitingRow.add(request);
  // Fastify skips onResponse when the client hangs up before the response is flushed; such a
  // request may still have been admitted (and changed data), so it is audited here: with its
  // status if the answer was written, else with nginx's 499 "client closed". One row either way.
  reply.raw.once('close', () => audit(rt, request, reply, reply.raw.writableEnded ? reply.statusCode : 499));
}

/** The X-RateLimit-* headers of an admitted request. */
export function rateLimitHeaders(request: FastifyRequest, reply: FastifyReply) {
  const rl = request.rateLimit;
  if (rl) {
    reply.header('x-ratelimit-limit', rl.limit);
    reply.header('x-ratelimit-remaining', rl.remaining);
    reply.header('x-ratelimit-reset', rl.reset);
  }
}

export const requestPathPlugin = fp(async (app: FastifyInstance, { rt }: { rt: Runtime }) => {
  app.decorateRequest('rateLimit', null);
  app.decorateRequest('auditAs', null);
  app.addHook('onSend', async (request, reply) => rateLimitHeaders(request, reply));
  app.addHook('onRequest', async (request, reply) => beginRequest(rt, request, reply));

  const logRequests = ['info', 'debug', 'trace'].includes(rt.config.logLevel);
  app.addHook('onResponse', async (request, reply) => {
    audit(rt, request, reply, reply.statusCode);
    if (logRequests) {
      request.log.info(
        {
          method: request.method,
          path: request.routeOptions.config.secretInPath ? request.routeOptions.url : request.url.split('?')[0],
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
    }
  });
});
