// /mcp on the Fastify app: its own scope, with its own error answers (JSON-RPC errors, not a REST
// API's body). In order: Host/Origin (DNS rebinding), Bearer authentication and the hourly limit
// (before the body is read), the body (JSON, at most MCP_BODY_LIMIT, one message — batches are
// refused), then the SDK serves the message. Each POST is audited as what it called:
// `mcp:<tool>` for tools/call, `mcp:<method>` for the rest.
import { Readable } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AnyOperation } from '../platform/operations.ts';
import { ANY_CREDENTIAL } from '../platform/operations.ts';
import { toAppError } from '../platform/http-errors.ts';
import type { Runtime } from '../platform/runtime.ts';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
import type { McpManifest } from '../platform/discovery.ts';
import { authenticateMcp, resourceMetadataUrl } from './auth.ts';
import { createMcpDoor } from './mcp-server.ts';
import { originGuard } from './origin-guard.ts';
import { buildRegistry, type BuiltTool } from './registry.ts';
import { reviewsTools } from './reviews-tools.ts';
import { workTools } from './work-tools.ts';

export const MCP_PATH = '/mcp';
/** One JSON-RPC message; the largest tool argument (an artifact's preview) is 100,000 characters. */
export const MCP_BODY_LIMIT = 512 * 1024;

/** The MCP tools, built from the operations once; also what discovery documents. */
export function mcpTools(operations: AnyOperation[]): Map<string, BuiltTool> {
  return buildRegistry([...workTools, ...reviewsTools], operations);
}

/** The scopes the tools need, as the 401's `scope` lists them. */
export function mcpScopes(tools: Map<string, BuiltTool>): string[] {
  const scopes = new Set<string>();
  for (const t of tools.values()) for (const p of t.plans) if (p.op.permission !== ANY_CREDENTIAL) scopes.add(p.op.permission);
  return [...scopes].sort();
}

/** The revision createMcpHandler serves (the SDK does not export its list of modern revisions). */
const MODERN_REVISION = '2026-07-28';

/** What agent.json and the OpenAPI description say about this server. */
export function mcpManifest(tools: Map<string, BuiltTool>, publicUrl: string): McpManifest {
  return {
    url: `${publicUrl}${MCP_PATH}`,
    transport: 'streamable-http',
    stateless: true,
    protocolVersions: [MODERN_REVISION, ...SUPPORTED_PROTOCOL_VERSIONS.filter((v) => v >= '2025-03-26')],
    auth: {
      oauth: {
        protectedResourceMetadata: resourceMetadataUrl(publicUrl),
        authorizationServerMetadata: `${publicUrl}/.well-known/oauth-authorization-server`,
        scopes: [...mcpScopes(tools), 'offline_access'],
      },
      apiKeys: 'Authorization: Bearer <key> with a user key (oxk_…), tenant key or platform key',
    },
    tools: [...tools.values()].map((t) => ({ name: t.spec.name, description: t.spec.description, readOnly: t.definition.annotations.readOnlyHint })),
    firstCalls: ['workspace action=get', 'orgx_recommend', 'orgx_search type=decision status=pending'],
  };
}

const rpcError = (reply: FastifyReply, status: number, code: number, message: string) =>
  reply.code(status).type('application/json').send({ jsonrpc: '2.0', error: { code, message }, id: null });

export async function mcpRoutes(app: FastifyInstance, rt: Runtime, tools: Map<string, BuiltTool>) {
  const door = createMcpDoor(tools);
  const scopes = mcpScopes(tools).join(' ');
  const guard = originGuard(rt.config.publicUrl);

  await app.register(async (scope) => {
    scope.setErrorHandler((err: FastifyError, request, reply) => {
      const e = toAppError(err, request);
      if (e.headers) reply.headers(e.headers);
      // JSON-RPC's own codes where one fits: a body that is not JSON is a parse error.
      const code = e.status === 400 && e.message === 'Malformed JSON' ? -32700 : e.status >= 500 ? -32603 : -32600;
      return rpcError(reply, e.status, code, e.status === 413 ? `The request body is larger than ${MCP_BODY_LIMIT / 1024} KiB` : e.message);
    });

    // Browser-based clients (the MCP Inspector's direct mode) call cross-origin with a Bearer token
    // and no cookies, so any allowed origin may read the answers; the Origin check still applies.
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('access-control-allow-origin', '*');
      reply.header('access-control-expose-headers', CORS_EXPOSE);
    });

    scope.addHook('onRequest', async (request, reply) => {
      const refused = guard(request);
      if (refused) return rpcError(reply, 403, -32600, refused);
      if (request.method === 'OPTIONS') {
        return reply
          .code(204)
          .header('access-control-allow-methods', 'POST')
          .header('access-control-allow-headers', CORS_ALLOW)
          .header('access-control-max-age', '600')
          .send();
      }
      // A stateless server has no stream to offer (GET) and no session to end (DELETE).
      if (request.method !== 'POST') return reply.code(405).header('allow', 'POST').send(rpcErrorBody('Method not allowed: this server is stateless; send each message as a POST'));
      const principal = await authenticateMcp(request, reply, rt, scopes);
      if (!principal) return reply;
    });

    scope.post(MCP_PATH, { bodyLimit: MCP_BODY_LIMIT, schema: { hide: true } }, async (request, reply) => {
      const body = request.body;
      if (Array.isArray(body)) {
        return rpcError(reply, 400, -32600, 'JSON-RPC batches are not supported: send one message per request');
      }
      if (!body || typeof body !== 'object') return rpcError(reply, 400, -32600, 'The body must be one JSON-RPC message (an object)');
      const message = body as { method?: unknown; params?: { name?: unknown } };
      const facts = { rt, principal: request.principal!, requestId: request.id } as Parameters<typeof door.serve>[2];
      const response = await door.serve(webRequestOf(request), body, facts);
      request.auditAs = facts.audit
        ? { route: `mcp:${facts.audit.tool}`, status: facts.audit.status }
        : { route: typeof message.method === 'string' ? `mcp:${message.method.slice(0, 60)}` : 'mcp:(response)' };
      return sendResponse(reply, response);
    });
    scope.route({ method: ['GET', 'DELETE', 'OPTIONS'], url: MCP_PATH, schema: { hide: true }, handler: async () => undefined });
  });
}

const CORS_ALLOW = 'Authorization, Content-Type, Accept, Mcp-Protocol-Version, Mcp-Session-Id, Mcp-Method, Mcp-Name, Last-Event-ID';
const CORS_EXPOSE = 'WWW-Authenticate, Mcp-Session-Id, Mcp-Protocol-Version, X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After';

const rpcErrorBody = (message: string) => ({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });

/** The headers the SDK's transports read; the rest (authorization included) stay out of it. */
/** The URL the SDK sees; it reads nothing from it. */
const MCP_URL = `http://localhost${MCP_PATH}`;
const SDK_HEADERS = ['accept', 'content-type', 'mcp-protocol-version', 'mcp-session-id', 'mcp-method', 'mcp-name', 'last-event-id'];

/** The web Request the SDK reads: method, URL and its headers (the body is handed over parsed). */
function webRequestOf(request: FastifyRequest): Request {
  const headers: [string, string][] = [];
  for (const name of SDK_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers.push([name, value]);
    else if (Array.isArray(value)) headers.push([name, value.join(', ')]);
  }
  return new Request(MCP_URL, { method: request.method, headers });
}

async function sendResponse(reply: FastifyReply, response: Response) {
  reply.code(response.status);
  response.headers.forEach((value, name) => {
    if (name !== 'content-length') reply.header(name, value);
  });
  if (response.body === null) return reply.send();
  if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    return reply.send(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream));
  }
  // The bytes as the SDK encoded them: no decoding to a string and encoding back.
  return reply.send(Buffer.from(await response.arrayBuffer()));
}
