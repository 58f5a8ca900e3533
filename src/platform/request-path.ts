// What every response carries and leaves behind: the request id, the X-RateLimit-* headers on
// the authenticated surfaces, one audit row there (written in batches by AuditLog), a log line.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isUuid } from './principal.ts';
import type { Runtime } from './runtime.ts';
import { AppError } from './errors.ts';

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

const auditBacklog = () =>
  new AppError(503, 'audit_backlog', 'The audit log is behind; retry shortly', undefined, { 'retry-after': '1' });

const clientGone = () => new AppError(499, 'client_closed', 'The client closed the connection before its request was read');

const isAudited = (request: FastifyRequest, url: string) => {
  // A CORS preflight is the browser asking permission, not a call (cors.ts answers it).
  if (request.method === 'OPTIONS') return false;
  const path = url.split('?')[0];
  return AUDITED.test(url) && !NOT_AUDITED.has(path);
};

/** The audit row of a request, from what is known of it when the row is written. */
function auditRow(rt: Runtime, request: FastifyRequest, reply: FastifyReply) {
  const p = request.principal;
  const pathTenant = (request.params as Record<string, string> | undefined)?.tenantId;
  // nginx's 499 "client closed": the client left before its answer was written.
  const status = rt.audit.isAbandoned(request) ? 499 : reply.statusCode;
  return {
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
  };
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
  rt.audit.begin(request, () => auditRow(rt, request, reply));
  // Fastify skips onResponse when the client hangs up before the response is flushed, yet the
  // request goes on (it may be admitted and change data after the hang-up). So its row waits for
  // the handling to end — the answer being sent into the closed socket (onSend below) — and names
  // whoever it was admitted as. A finished answer (also a hijacked one) is recorded right here.
  reply.raw.once('close', () => (reply.raw.writableEnded ? rt.audit.end(request) : rt.audit.abandon(request)));
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
  // These hooks do no asynchronous work, so they take Fastify's callback form: an async hook costs
  // a promise and a turn of the microtask queue on every request.
  app.addHook('onSend', (request, reply, payload, done) => {
    rateLimitHeaders(request, reply);
    // The answer of a request whose client already left: its handling is over, write its row.
    if (rt.audit.isAbandoned(request)) rt.audit.end(request);
    done(null, payload);
  });
  app.addHook('onRequest', (request, reply, done) => {
    // Back-pressure, never loss: while the audit buffer is over its bound (the database is down
    // or slower than the traffic), audited requests are refused before they are admitted.
    if (rt.audit.backlogged && isAudited(request, request.url)) return done(auditBacklog());
    beginRequest(rt, request, reply);
    done();
  });

  // Fastify reads a body by waiting for its stream to end. A client that hangs up while an
  // asynchronous onRequest hook runs (authentication) leaves a destroyed stream that never ends,
  // and the request would wait for its body forever: it ends here, its audit row saying 499.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    if (request.raw.destroyed && !request.raw.readableEnded) return done(clientGone());
    done(null, payload);
  });

  const logRequests = ['info', 'debug', 'trace'].includes(rt.config.logLevel);
  app.addHook('onResponse', (request, reply, done) => {
    rt.audit.end(request);
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
    done();
  });
});
