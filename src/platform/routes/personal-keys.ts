// /api/v1/auth/keys: the signed-in person's own user keys (`oxk_`), for the dashboard's
// "Personal keys". Any credential passes authentication; the service admits sessions only.
// Like the rest of the cookie surface under /api/v1/auth (routes/auth.ts), these are left out of
// the OpenAPI document and agent.json, which describe the Bearer API; the README documents them.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../authenticate.ts';
import { errorResponse } from '../http-errors.ts';
import { apiKeyListItemSchema, createKeyBodySchema } from '../key-schemas.ts';
import { ANY_CREDENTIAL } from '../operations.ts';
import { pageInfo, pageQuery, paginationSchema } from '../pagination.ts';
import { createPersonalKey, listPersonalKeys, revokePersonalKey } from '../personal-keys.ts';
import type { Runtime } from '../runtime.ts';
import { mintedSchema } from './api-keys.ts';

const sessionOnly = errorResponse('Not a dashboard session');

export function personalKeyRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['API keys'];
  const hide = true;

  r.get(
    '/api/v1/auth/keys',
    {
      config: { permission: ANY_CREDENTIAL },
      schema: {
        hide,
        operationId: 'listPersonalKeys',
        tags,
        summary: "List the signed-in user's personal keys",
        description: 'Dashboard sessions only (403 for keys). The caller\'s own `oxk_` user keys, newest first, revoked and expired included.',
        querystring: z.strictObject(pageQuery()),
        response: { 200: z.object({ apiKeys: z.array(apiKeyListItemSchema), total: z.number().int(), pagination: paginationSchema }), 403: sessionOnly },
      },
    },
    async (req) => {
      const { items, total } = await listPersonalKeys(contextOf(req, rt), req.query);
      return { apiKeys: items, ...pageInfo(req.query, total) };
    },
  );

  r.post(
    '/api/v1/auth/keys',
    {
      config: { permission: ANY_CREDENTIAL, secretFields: ['key'] },
      schema: {
        hide,
        operationId: 'createPersonalKey',
        tags,
        summary: 'Create a personal key',
        description:
          "Dashboard sessions only (403 for keys). An `oxk_` key that acts as the signed-in user in their tenant; its permissions never exceed the user's role (and shrink with it). Hourly limit default 1000. The secret is returned once.",
        body: createKeyBodySchema,
        response: { 201: mintedSchema, 403: sessionOnly },
      },
    },
    async (req, reply) => {
      const { expiresAt, ...rest } = req.body;
      const minted = await createPersonalKey(contextOf(req, rt), { ...rest, expiresAt: expiresAt ? new Date(expiresAt) : null });
      return reply.code(201).send(minted);
    },
  );

  r.delete(
    '/api/v1/auth/keys/:keyId',
    {
      config: { permission: ANY_CREDENTIAL },
      schema: {
        hide,
        operationId: 'revokePersonalKey',
        tags,
        summary: 'Revoke a personal key',
        description: "Dashboard sessions only. Only the caller's own user keys (another user's key is 404). Revoking a revoked key is a no-op.",
        params: z.object({ keyId: z.uuid() }),
        response: { 204: z.null().describe('Revoked'), 403: sessionOnly },
      },
    },
    async (req, reply) => {
      await revokePersonalKey(contextOf(req, rt), req.params.keyId);
      return reply.code(204).send(null);
    },
  );
}
