// Mounts the authorization server in Fastify: oidc-provider (a Koa app) answers its own paths —
// Fastify hands it the raw request and steps aside (`reply.hijack()`) — and our pages answer the
// interaction paths. Bodies of those routes are read by Fastify as plain text (bounded) and given
// to oidc-provider as such, which lets the edge check what oidc-provider would otherwise assume:
// `resource` on every token request (RFC 8707, as MCP requires) and the redirect-URI rule at
// registration — and then replayed to oidc-provider as the request's stream (replayed()).
// Also the two metadata documents clients discover everything from.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MinuteCounter } from '../platform/minute-counter.ts';
import type { Runtime } from '../platform/runtime.ts';
import { AccessTokenCache } from './access-tokens.ts';
import { interactionRoutes } from './interaction.ts';
import { createOAuthServer, INTERACTION_PATH, OAUTH_ROUTES, type OAuthServer } from './provider.ts';
import { allowedRedirectUri, isLoopbackRedirect } from './redirect-uris.ts';
import { PERMISSION_SCOPES, SCOPES } from './scopes.ts';

/** oidc-provider's own limit for a request body. */
const BODY_LIMIT = 56 * 1024;

const hidden = { schema: { hide: true } };

/** RFC 9728 protected-resource metadata of `<PUBLIC_URL>/mcp`. */
export function protectedResourceMetadata(rt: Runtime, server: OAuthServer) {
  return {
    resource: server.resource,
    authorization_servers: [rt.config.publicUrl],
    scopes_supported: [...SCOPES],
    bearer_methods_supported: ['header'],
    resource_name: 'orgstack MCP',
    resource_documentation: `${rt.config.publicUrl}/docs`,
  };
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  return reply.code(status).header('cache-control', 'no-store').header('access-control-allow-origin', '*').send({ error, error_description: description });
}

export async function mountOAuth(app: FastifyInstance, rt: Runtime): Promise<OAuthServer> {
  rt.oauthTokens = new AccessTokenCache(rt);
  const server = createOAuthServer(rt);
  const callback = server.provider.callback();
  const publicUrl = new URL(rt.config.publicUrl);
  // Registration is open to anyone, as MCP clients need; OAUTH_REGISTRATIONS_PER_MINUTE per
  // address (and node) only keeps one address from filling the clients table.
  const registrations = new MinuteCounter(rt.config.oauthRegistrationsPerMinute);

  /** Hands the request to oidc-provider, as if addressed to PUBLIC_URL, at `path` when given. */
  const toProvider = (path?: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.raw;
    raw.headers.host = publicUrl.host;
    raw.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
    delete raw.headers['x-forwarded-host'];
    if (path) raw.url = path + (raw.url?.includes('?') ? raw.url.slice(raw.url.indexOf('?')) : '');
    reply.hijack();
    await callback(typeof request.body === 'string' ? replayed(raw, request.body) : raw, reply.raw);
  };

  // Discovery. RFC 8414's document is oidc-provider's own metadata, served at its path.
  app.get('/.well-known/oauth-authorization-server', hidden, toProvider('/.well-known/openid-configuration'));
  app.get('/.well-known/openid-configuration', hidden, toProvider());
  for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
    app.get(path, hidden, async (_request, reply) =>
      reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=300').send(protectedResourceMetadata(rt, server)),
    );
  }
  app.get(OAUTH_ROUTES.jwks, hidden, toProvider());
  app.get(OAUTH_ROUTES.authorization, hidden, async (request, reply) => {
    const raw = request.raw;
    const at = raw.url?.indexOf('?') ?? -1;
    if (at >= 0) raw.url = raw.url!.slice(0, at + 1) + normalizedAuthorization(raw.url!.slice(at + 1));
    return toProvider()(request, reply);
  });
  app.get(`${OAUTH_ROUTES.authorization}/:uid`, hidden, toProvider());

  const pages = interactionRoutes(rt, server);
  app.get(`${INTERACTION_PATH}/:uid`, hidden, pages.show);

  // The POST routes: their bodies read here as text, within oidc-provider's limit.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(['application/x-www-form-urlencoded', 'application/json'], { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );

    scope.post(OAUTH_ROUTES.authorization, hidden, async (request, reply) => {
      if (typeof request.body === 'string') request.body = normalizedAuthorization(request.body);
      return toProvider()(request, reply);
    });
    scope.post(OAUTH_ROUTES.revocation, hidden, toProvider());
    scope.post(OAUTH_ROUTES.token, hidden, async (request, reply) => {
      const params = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
      const grantType = params.get('grant_type');
      // Checked before oidc-provider sees the request, which would spend the code first.
      if ((grantType === 'authorization_code' || grantType === 'refresh_token') && params.getAll('resource').join(' ') !== server.resource) {
        return oauthError(reply, 400, 'invalid_target', `the "resource" parameter is required and must be ${server.resource}`);
      }
      return toProvider()(request, reply);
    });
    scope.post(OAUTH_ROUTES.registration, hidden, async (request, reply) => {
      const retryAfter = registrations.retryAfter(request.ip);
      if (retryAfter) {
        reply.header('retry-after', String(retryAfter));
        return oauthError(reply, 429, 'rate_limited', `at most ${rt.config.oauthRegistrationsPerMinute} registrations a minute from one address; try again in ${retryAfter} s`);
      }
      registrations.add(request.ip);
      let metadata: unknown;
      try {
        metadata = JSON.parse(typeof request.body === 'string' ? request.body : '');
      } catch {
        return oauthError(reply, 400, 'invalid_client_metadata', 'the body must be a JSON object');
      }
      if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
        return oauthError(reply, 400, 'invalid_client_metadata', 'the body must be a JSON object');
      }
      const m = metadata as Record<string, unknown>;
      const uris = Array.isArray(m.redirect_uris) ? m.redirect_uris : [];
      const refused = uris.find((u) => typeof u !== 'string' || !allowedRedirectUri(u));
      if (refused !== undefined) {
        return oauthError(reply, 400, 'invalid_redirect_uri', `redirect URIs must be https:// or http:// on a loopback host (127.0.0.1, localhost, [::1]); refused: ${String(refused).slice(0, 200)}`);
      }
      // RFC 8252: a loopback redirect matches on any port. oidc-provider does that for native
      // clients, which is what a client redirecting to its own machine is.
      if (uris.some((u) => isLoopbackRedirect(u as string))) {
        m.application_type = 'native';
        request.body = JSON.stringify(m);
      }
      return toProvider()(request, reply);
    });

    scope.post(`${INTERACTION_PATH}/:uid/sign-in`, hidden, async (request, reply) => pages.signIn(withForm(request), reply));
    scope.post(`${INTERACTION_PATH}/:uid/consent`, hidden, async (request, reply) => pages.consent(withForm(request), reply));
  });

  for (const path of [OAUTH_ROUTES.token, OAUTH_ROUTES.registration, OAUTH_ROUTES.revocation, '/.well-known/oauth-authorization-server']) {
    app.options(path, hidden, toProvider(path === '/.well-known/oauth-authorization-server' ? '/.well-known/openid-configuration' : undefined));
  }
  return server;
}

/**
 * An authorization request as this server reads it, before oidc-provider sees it:
 * - no `scope` at all (some MCP clients send none) asks for every permission scope, which the
 *   consent page then lists — the person sees and approves exactly that;
 * - oidc-provider follows OpenID Connect, which drops `offline_access` unless the request has
 *   `prompt=consent`; this server asks for consent on every authorization anyway, so a request for
 *   offline_access (as MCP clients send it, usually without a prompt) is marked as what it gets.
 */
function normalizedAuthorization(query: string): string {
  const params = new URLSearchParams(query);
  if (!params.get('scope')?.trim()) params.set('scope', PERMISSION_SCOPES.join(' '));
  const scopes = params.get('scope')!.split(' ');
  const prompt = new Set((params.get('prompt') ?? '').split(' ').filter(Boolean));
  if (scopes.includes('offline_access') && !prompt.has('consent') && !prompt.has('none')) {
    prompt.add('consent');
    params.set('prompt', [...prompt].join(' '));
  }
  return params.toString();
}

/**
 * The request again, with `body` as its (unread) stream: Fastify has read the original one, and
 * oidc-provider reads the body itself from the request it is given.
 */
function replayed(raw: IncomingMessage, body: string): IncomingMessage {
  const bytes = Buffer.from(body);
  const req = Readable.from([bytes], { objectMode: false }) as Readable & Record<string, unknown>;
  Object.assign(req, {
    headers: { ...raw.headers, 'content-length': String(bytes.length) },
    rawHeaders: raw.rawHeaders,
    method: raw.method,
    url: raw.url,
    socket: raw.socket,
    connection: raw.socket,
    httpVersion: raw.httpVersion,
    httpVersionMajor: raw.httpVersionMajor,
    httpVersionMinor: raw.httpVersionMinor,
  });
  return req as unknown as IncomingMessage;
}

/** The interaction forms: urlencoded text → fields (the first value of each). */
function withForm(request: FastifyRequest): FastifyRequest {
  const form: Record<string, string> = {};
  if (typeof request.body === 'string' && request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(request.body)) if (!(k in form)) form[k] = v;
  }
  request.body = form;
  return request;
}
