// Builds the Fastify app: platform plugins first (errors, auth, the request path, idempotency),
// then discovery, then the two APIs — each a scoped plugin serving the platform's and every
// module's operations — and the modules' public pages.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { compiledSerializerCompiler } from './platform/compiled-serializer.ts';
import type { Config } from './config.ts';
import type { Database } from './db/index.ts';
import { authenticatePlugin } from './platform/authenticate.ts';
import { corsPlugin } from './platform/cors.ts';
import { registerDiscovery } from './platform/discovery.ts';
import { healthRoutes } from './platform/health.ts';
import { landingPageRoutes } from './platform/landing-page.ts';
import { registerErrorHandling } from './platform/http-errors.ts';
import { emptyBodies, jsonBodies } from './platform/json-body.ts';
import { answerOversizedBodies } from './platform/oversized-body.ts';
import { rewriteUrl } from './platform/request-url.ts';
import { answerUnroutable } from './platform/unroutable.ts';
import { requestId } from './platform/ids.ts';
import { idempotencyPlugin } from './platform/idempotency.ts';
import { mountApi } from './platform/api.ts';
import { clientApi, v1Api } from './platform/apis.ts';
import type { Module } from './platform/module.ts';
import type { Capability } from './platform/operations.ts';
import { requestPathPlugin } from './platform/request-path.ts';
import { createRuntime, type Runtime } from './platform/runtime.ts';
import { platformOperations, platformRoutes } from './platform/routes/index.ts';
import { faviconRoutes } from './platform/favicon.ts';
import { webAppRoutes } from './platform/web-app.ts';
import { MODULES } from './modules.ts';
import { mcpManifest, mcpRoutes, mcpTools } from './mcp/routes.ts';
import { mountOAuth } from './oauth/routes.ts';
import { connectedAppOperations } from './oauth/connected-apps-routes.ts';

export interface BuiltApp {
  app: FastifyInstance;
  rt: Runtime;
  /** Every published operation, as agent.json lists it. */
  operations: Capability[];
}

/**
 * TRUST_PROXY for Fastify. A hop count becomes "trust the n nearest hops": Fastify 5 takes a bare
 * number as trusting nothing (it cannot check the peer), so request.ip would stay the proxy's.
 */
function trustProxyOption(trust: Config['trustProxy']): boolean | string | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return trust;
  return (_address, hop) => hop < trust;
}

export async function buildApp(config: Config, database: Database, modules: readonly Module[] = MODULES): Promise<BuiltApp> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Secrets never reach the log, whatever a future log line includes.
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'], censor: '[redacted]' },
    },
    // One log line per request (written by the request-path plugin) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: () => requestId(),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    trustProxy: trustProxyOption(config.trustProxy),
    // Over-long path parameters are routed and then refused as not found (request-url.ts), so
    // they get a request id, an audit row and the API's own body; the router never cuts them.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 64 * 1024 },
    // A path whose escapes do not decode is repaired for routing and refused after it (request-url.ts).
    rewriteUrl: (req) => rewriteUrl(req),
    // What the router still cannot take gets the same treatment without the hooks (unroutable.ts).
    frameworkErrors: (err, request, reply) =>
      void answerUnroutable(rt, err, request, reply).catch((failed: unknown) => {
        request.log.error({ err: failed }, 'answering an unroutable request failed');
        if (!reply.sent) reply.raw.destroy();
      }),
  });
  app.setValidatorCompiler(validatorCompiler);
  // Answers are written by serializers compiled from the zod response schemas (compiled-serializer.ts).
  app.setSerializerCompiler(compiledSerializerCompiler);
  // JSON only: any other body type is a 415, not a string handed to a JSON schema.
  app.removeContentTypeParser('text/plain');
  jsonBodies(app);
  answerOversizedBodies(app);

  const rt: Runtime = await createRuntime(config, database, app.log, modules);
  app.decorate('rt', rt);
  const operations: Capability[] = [];

  registerErrorHandling(app);
  await app.register(requestPathPlugin, { rt });
  await app.register(corsPlugin);
  await app.register(authenticatePlugin, { rt });
  emptyBodies(app);
  await app.register(idempotencyPlugin, { rt });
  const v1 = [...platformOperations, ...connectedAppOperations, ...modules.flatMap((m) => m.v1 ?? [])];
  const client = modules.flatMap((m) => m.client ?? []);
  // MCP tools are generated from the same operations (src/mcp), built once here.
  const tools = mcpTools([...v1, ...client]);
  await registerDiscovery(app, rt, operations, mcpManifest(tools, config.publicUrl));

  healthRoutes(app, rt);
  landingPageRoutes(app, rt);
  await mountApi(app, rt, v1Api, { operations: v1, routes: platformRoutes }, operations);
  await mountApi(app, rt, clientApi, { operations: client }, operations);
  await mcpRoutes(app, rt, tools);
  for (const m of modules) m.routes?.(app, rt);
  // The OAuth authorization server for MCP clients (src/oauth): discovery, its endpoints, its pages.
  await mountOAuth(app, rt);
  faviconRoutes(app);
  webAppRoutes(app);

  app.addHook('onClose', async () => rt.stop());
  await app.ready();
  return { app, rt, operations };
}

declare module 'fastify' {
  interface FastifyInstance {
    rt: Runtime;
  }
}
