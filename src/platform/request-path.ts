// What every response of the authenticated surfaces carries and leaves behind: the request id,
// the X-RateLimit-* headers, and one audit row (written in batches by AuditLog).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isUuid } from './principal.ts';
import type { Runtime } from './runtime.ts';

const AUDITED = /^\/(api\/|mcp(\/|$|\?))/;
const NOT_AUDITED = new Set(['/api/v1/openapi']);

const isAudited = (request: FastifyRequest) => {
  const path = request.url.split('?')[0];
  return AUDITED.test(request.url) && !NOT_AUDITED.has(path);
};

export const requestPathPlugin = fp(async (app: FastifyInstance, { rt }: { rt: Runtime }) => {
  app.decorateRequest('rateLimit', null);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.addHook('onSend', async (request, reply) => {
    const rl = request.rateLimit;
    if (rl) {
      reply.header('x-ratelimit-limit', rl.limit);
      reply.header('x-ratelimit-remaining', rl.remaining);
      reply.header('x-ratelimit-reset', rl.reset);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!isAudited(request)) return;
    const p = request.principal;
    const pathTenant = (request.params as Record<string, string> | undefined)?.tenantId;
    rt.audit.record({
      at: new Date(Date.now() - reply.elapsedTime),
      requestId: request.id,
      method: request.method,
      route: request.routeOptions.url ?? '(no route)',
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime),
      principalKind: p?.kind ?? null,
      principalId: p?.credentialId ?? null,
      keyPrefix: p?.keyPrefix ?? null,
      userId: p?.userId ?? null,
      tenantId: p?.tenantId ?? (pathTenant && isUuid(pathTenant) ? pathTenant.toLowerCase() : null),
      ip: request.ip,
      userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
    });
  });
});
