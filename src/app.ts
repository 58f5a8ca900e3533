// Builds the Fastify app: platform plugins first (errors, operations, auth, the request path,
// idempotency), then discovery, then each module's routes.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import type { Database } from './db/index.ts';
import { authenticatePlugin } from './platform/authenticate.ts';
import { corsPlugin } from './platform/cors.ts';
import { registerDiscovery } from './platform/discovery.ts';
import { healthRoutes } from './platform/health.ts';
import { registerErrorHandling } from './platform/http-errors.ts';
import { rejectNulCharacters } from './platform/json-body.ts';
import { requestId } from './platform/ids.ts';
import { idempotencyPlugin } from './platform/idempotency.ts';
import { operationsPlugin, type Operation } from './platform/operations.ts';
import { requestPathPlugin } from './platform/request-path.ts';
import { createRuntime, type Runtime } from './platform/runtime.ts';
import { apiKeyRoutes } from './platform/routes/api-keys.ts';
import { webAppRoutes } from './platform/web-app.ts';
import { auditRoutes } from './platform/routes/audit.ts';
import { authRoutes } from './platform/routes/auth.ts';
import { personalKeyRoutes } from './platform/routes/personal-keys.ts';
import { platformRoutes } from './platform/routes/platform.ts';
import { userRoutes } from './platform/routes/users.ts';
import { reviewsRoutes } from './reviews/routes/index.ts';
import { workRoutes } from './work/routes/index.ts';

export interface BuiltApp {
  app: FastifyInstance;
  rt: Runtime;
  operations: Operation[];
}

export async function buildApp(config: Config, database: Database): Promise<BuiltApp> {
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
    // A hop count is valid at runtime (proxy-addr) though Fastify's types omit it.
    trustProxy: config.trustProxy as boolean | string,
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: any other body type is a 415, not a string handed to a JSON schema.
  app.removeContentTypeParser('text/plain');
  rejectNulCharacters(app);

  const rt = await createRuntime(config, database, app.log);
  app.decorate('rt', rt);
  const operations: Operation[] = [];

  registerErrorHandling(app);
  await app.register(operationsPlugin, { operations });
  await app.register(requestPathPlugin, { rt });
  await app.register(corsPlugin);
  await app.register(authenticatePlugin, { rt });
  await app.register(idempotencyPlugin, { rt });
  await registerDiscovery(app, rt, operations);

  healthRoutes(app, rt);
  apiKeyRoutes(app, rt);
  auditRoutes(app, rt);
  platformRoutes(app, rt);
  authRoutes(app, rt);
  personalKeyRoutes(app, rt);
  userRoutes(app, rt);
  reviewsRoutes(app, rt);
  workRoutes(app, rt);
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
