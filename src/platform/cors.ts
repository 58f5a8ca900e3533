// CORS (docs/architecture.md "Running"): Bearer calls are welcome from any origin, without
// credentials — `Access-Control-Allow-Origin: *` and never `Allow-Credentials`, so a browser
// neither sends our session cookie cross-site with them nor lets another page read a cookie
// call's answer. Cookie-authenticated calls are further refused server-side unless they come from
// our own origin (session-cookie.ts), and preflights do not allow the X-CSRF-Token header.
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

const API = '/api/';
const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key';
const EXPOSE_HEADERS = 'X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, Idempotent-Replayed, Location';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** The CORS headers of every /api/ answer. */
export function allowAnyOrigin(reply: FastifyReply, url: string) {
  if (!url.startsWith(API)) return;
  reply.header('access-control-allow-origin', '*');
  reply.header('access-control-expose-headers', EXPOSE_HEADERS);
}

export const corsPlugin = fp(async (app: FastifyInstance) => {
  // Callback form: nothing asynchronous here, so no promise per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    allowAnyOrigin(reply, request.url);
    done(null, payload);
  });

  // A preflight is answered here, before authentication (browsers send it without credentials).
  app.options('/api/*', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('access-control-allow-methods', ALLOW_METHODS);
    reply.header('access-control-allow-headers', ALLOW_HEADERS);
    reply.header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
    return reply.code(204).send();
  });
});
