// Discovery for people and agents: the OpenAPI 3.1 document (generated from the same zod
// schemas the routes validate with), /docs rendered from it, and /.well-known/agent.json built
// from the same operation list, so none of them can drift from the routes.
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { createRequire } from 'node:module';
import { KEY_PREFIX, DEFAULT_HOURLY_LIMIT } from './key-format.ts';
import { ALL_PERMISSIONS } from './permissions.ts';
import type { Capability } from './operations.ts';
import type { Runtime } from './runtime.ts';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string; description: string };
export const VERSION = pkg.version;

const API_DESCRIPTION = `orgstack is a self-hostable, API-first platform for service businesses.

**Authentication.** Every operation except discovery needs \`Authorization: Bearer <key>\`. Keys:
tenant keys \`${KEY_PREFIX.tenant}…\` (one tenant), platform keys \`${KEY_PREFIX.platform}…\` (all tenants),
user keys \`${KEY_PREFIX.user}…\` (a person's key, limited by their role). A key is shown once at creation.
The dashboard calls the same operations with its session cookie instead (same-origin only, with an
\`X-CSRF-Token\` header on writes).

**Errors.** One body for every error of \`/api/v1\`: \`{ error, code, requestId, fieldErrors? }\`; \`x-request-id\` on every response.

**Work API.** \`/api/client\` follows the OrgX contract: \`{ ok, data }\` envelopes, snake_case, errors as
\`{ error: { code, message, status, request_id, details? } }\` except 401 (\`{ error: "Unauthorized", message }\`),
\`OrgX-Version\` echoed. It acts in the caller's workspace (tenant); platform keys name one with \`workspace_id\`
(query parameter, or body field on POST), else 400 \`workspace_required\`.

**Rate limits.** Each key has an hourly bucket aligned to the top of the UTC hour; every authenticated
response carries \`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\`, \`X-RateLimit-Reset\`; a 429 adds \`Retry-After\`.

**Idempotency.** Send \`Idempotency-Key\` (≤ 255 characters) on a POST or PATCH to make a retry safe:
the same key and body replays the first response with \`Idempotent-Replayed: true\`.`;

/** "orgstack" in the dashboard's colour, for the API reference's top bar. */
const WORDMARK =
  '<svg xmlns="http://www.w3.org/2000/svg" width="150" height="36" viewBox="0 0 150 36">' +
  '<rect width="150" height="36" rx="8" fill="#ffffff"/>' +
  '<text x="12" y="25" font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif" font-size="20" font-weight="700" fill="#0f5f58">orgstack</text></svg>';

/** The MCP server as discovery describes it (the app builds it from src/mcp; the platform only publishes it). */
export interface McpManifest {
  url: string;
  transport: 'streamable-http';
  stateless: true;
  protocolVersions: string[];
  auth: { oauth: { protectedResourceMetadata: string; authorizationServerMetadata: string; scopes: string[] }; apiKeys: string };
  tools: { name: string; description: string; readOnly: boolean }[];
  firstCalls: string[];
}

function mcpParagraph(mcp: McpManifest | null): string {
  if (!mcp) return '';
  return `\n\n**MCP.** An MCP server (Streamable HTTP, stateless) at \`${mcp.url}\` exposes these operations as tools to AI clients: ${mcp.tools.map((t) => `\`${t.name}\``).join(', ')}. Authorization: OAuth 2.1 (discovery from the 401's \`WWW-Authenticate\`, metadata at \`${mcp.auth.oauth.protectedResourceMetadata}\`), or any API key above as \`Authorization: Bearer\`. First calls: ${mcp.firstCalls.map((c) => `\`${c}\``).join(' → ')}.`;
}

export async function registerDiscovery(app: FastifyInstance, rt: Runtime, operations: Capability[], mcp: McpManifest | null = null) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'orgstack API',
        version: VERSION,
        description: API_DESCRIPTION + mcpParagraph(mcp),
        license: { name: 'Proprietary', identifier: 'LicenseRef-orgstack' },
        contact: { name: 'orgstack', url: rt.config.publicUrl },
      },
      servers: [{ url: rt.config.publicUrl }],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: `${KEY_PREFIX.tenant}… | ${KEY_PREFIX.platform}… | ${KEY_PREFIX.user}…`,
            description: 'An orgstack API key. Mint one in the dashboard or with `orgstack keys create`.',
          },
        },
      },
      tags: [
        { name: 'Tenants', description: 'The businesses using orgstack' },
        { name: 'API keys', description: 'Bearer keys with permissions and hourly limits' },
        { name: 'Audit', description: 'Every authenticated request, as recorded' },
        { name: 'Users', description: "A tenant's people: invitations, roles, removal" },
        { name: 'Settings', description: "A tenant's review-page behaviour and brand" },
        { name: 'Shops', description: 'Locations, each with its own Google Maps and Xiaohongshu listing' },
        { name: 'Employees', description: 'People with a personal review link and QR code' },
        { name: 'Templates', description: 'Suggested review texts customers may copy' },
        { name: 'Feedback', description: 'Private feedback left on the review page' },
        { name: 'Analytics', description: 'The review funnel per employee, shop and day' },
        { name: 'Work: Live', description: 'The OrgX-compatible live views of a workspace (/api/client)' },
        { name: 'Work: Initiatives', description: 'The top of the work hierarchy: initiative → workstream → milestone → task' },
        { name: 'Work: Workstreams', description: "Parallel lines of an initiative's work, ordered by their dependencies" },
        { name: 'Work: Milestones', description: 'Checkpoints of an initiative or one of its workstreams' },
        { name: 'Work: Tasks', description: 'Units of work; completing one drives the cascade' },
        { name: 'Work: Decisions', description: 'Approval points agents raise and people resolve' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (doc) => dropUnusedSchemas(markOptionalBodies(jsonSchemaTransformObject(doc))),
  });

  app.get('/api/v1/openapi', { schema: { hide: true } }, async () => app.swagger());

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
    // The product's name in the tab and its wordmark in the top bar (linking home), not Swagger's.
    theme: { title: 'orgstack API reference' },
    logo: { type: 'image/svg+xml', content: Buffer.from(WORDMARK), href: '/', target: '_self' },
    transformSpecificationClone: true,
  });

  app.get('/.well-known/agent.json', { schema: { hide: true } }, async () => agentManifest(rt, operations, mcp));
}

type OpenApiDoc = ReturnType<typeof jsonSchemaTransformObject>;
/** The parts of the generated document the two passes below touch. */
interface DocParts {
  paths?: Record<string, Record<string, { requestBody?: { required?: boolean; content?: Record<string, { schema?: { anyOf?: unknown[] } }> } }>>;
  components?: { schemas?: Record<string, unknown> };
}

/**
 * Fastify validates a missing body as `null`, so a route whose body may be omitted declares it
 * `.nullish()`; @fastify/swagger still marks every body required. Say what the route accepts:
 * such a body is optional, and when sent it is the object schema.
 */
function markOptionalBodies(doc: OpenApiDoc): OpenApiDoc {
  for (const item of Object.values((doc as DocParts).paths ?? {})) {
    for (const op of Object.values(item)) {
      const body = op?.requestBody;
      if (!body?.content) continue;
      for (const media of Object.values(body.content)) {
        const anyOf = media.schema?.anyOf;
        if (!anyOf || anyOf.length !== 2) continue;
        const rest = anyOf.filter((s) => (s as { type?: unknown }).type !== 'null');
        if (rest.length !== 1) continue;
        media.schema = rest[0] as { anyOf?: unknown[] };
        body.required = false;
      }
    }
  }
  return doc;
}

/**
 * The zod registry yields every named schema twice (an input and an output variant); keep only
 * those the operations reference, directly or through other schemas, so the document has no
 * dead components.
 */
function dropUnusedSchemas(doc: OpenApiDoc): OpenApiDoc {
  const parts = doc as DocParts;
  const schemas = parts.components?.schemas;
  if (!schemas) return doc;
  const refsIn = (value: unknown) => [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
  const used = new Set<string>();
  const queue = refsIn({ ...parts, components: { ...parts.components, schemas: {} } });
  while (queue.length) {
    const name = queue.pop()!;
    if (used.has(name) || !(name in schemas)) continue;
    used.add(name);
    queue.push(...refsIn(schemas[name]));
  }
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  return doc;
}

export function agentManifest(rt: Runtime, operations: Capability[], mcp: McpManifest | null = null) {
  const base = rt.config.publicUrl;
  return {
    name: 'orgstack',
    description: pkg.description,
    version: VERSION,
    api: { reviews: `${base}/api/v1`, work: `${base}/api/client` },
    openapi: `${base}/api/v1/openapi`,
    docs: `${base}/docs`,
    auth: {
      type: 'bearer',
      header: 'Authorization: Bearer <key>',
      keyPrefixes: { tenant: KEY_PREFIX.tenant, platform: KEY_PREFIX.platform, user: KEY_PREFIX.user },
      obtainKeys: {
        tenant: `${base}/dashboard/api-keys`,
        platform: `${base}/super/api-keys`,
        cli: 'orgstack keys create --tenant <id|slug>',
      },
    },
    permissions: ALL_PERMISSIONS,
    rateLimits: {
      window: 'hour (aligned to the top of the UTC hour)',
      defaults: {
        tenantKey: DEFAULT_HOURLY_LIMIT.tenant,
        platformKey: DEFAULT_HOURLY_LIMIT.platform,
        userKey: DEFAULT_HOURLY_LIMIT.user,
      },
      headers: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After'],
    },
    capabilities: operations.map((o) => ({
      id: o.id,
      method: o.method,
      path: o.path,
      permission: o.permission,
      summary: o.summary,
    })),
    mcp,
    contact: { url: base },
  };
}
