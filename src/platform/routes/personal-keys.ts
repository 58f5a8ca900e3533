// /api/v1/auth/keys: the signed-in person's own user keys (`oxk_`), for the dashboard's
// "Personal keys". Any credential passes authentication; the service admits sessions only.
// Like the rest of the cookie surface under /api/v1/auth (routes/auth.ts), these are served but
// left out of the OpenAPI document and agent.json, which describe the Bearer API; the README
// documents them.
import { z } from 'zod';
import { apiKeyListSchema, createKeyBodySchema, createKeyInput, mintedSchema } from '../key-schemas.ts';
import { ANY_CREDENTIAL, defineOperation } from '../operations.ts';
import { pageInfo, pageQuery } from '../pagination.ts';
import { createPersonalKey, listPersonalKeys, revokePersonalKey } from '../personal-keys.ts';

const tags = ['API keys'];
const sessionOnly = 'Not a dashboard session';

export const listPersonalKeysOperation = defineOperation({
  id: 'listPersonalKeys',
  method: 'GET',
  path: '/auth/keys',
  permission: ANY_CREDENTIAL,
  hidden: true,
  tags,
  summary: "List the signed-in user's personal keys",
  description: 'Dashboard sessions only (403 for keys). The caller\'s own `oxk_` user keys, newest first, revoked and expired included.',
  input: { query: z.strictObject(pageQuery()) },
  output: apiKeyListSchema,
  errors: { 403: sessionOnly },
  async run(ctx, { query }) {
    const { items, total } = await listPersonalKeys(ctx, query);
    return { apiKeys: items, ...pageInfo(query, total) };
  },
});

export const createPersonalKeyOperation = defineOperation({
  id: 'createPersonalKey',
  method: 'POST',
  path: '/auth/keys',
  permission: ANY_CREDENTIAL,
  hidden: true,
  tags,
  summary: 'Create a personal key',
  description:
    "Dashboard sessions only (403 for keys). An `oxk_` key that acts as the signed-in user in their tenant; its permissions never exceed the user's role (and shrink with it). Hourly limit default 1000. The secret is returned once.",
  input: { body: createKeyBodySchema },
  output: mintedSchema,
  status: 201,
  errors: { 403: sessionOnly },
  secretFields: ['key'],
  run: (ctx, { body }) => createPersonalKey(ctx, createKeyInput(body)),
});

export const revokePersonalKeyOperation = defineOperation({
  id: 'revokePersonalKey',
  method: 'DELETE',
  path: '/auth/keys/:keyId',
  permission: ANY_CREDENTIAL,
  hidden: true,
  tags,
  summary: 'Revoke a personal key',
  description: "Dashboard sessions only. Only the caller's own user keys (another user's key is 404). Revoking a revoked key is a no-op.",
  input: { params: z.object({ keyId: z.uuid() }) },
  output: z.null().describe('Revoked'),
  status: 204,
  errors: { 403: sessionOnly },
  async run(ctx, { params }) {
    await revokePersonalKey(ctx, params.keyId);
    return null;
  },
});

export const personalKeyOperations = [listPersonalKeysOperation, createPersonalKeyOperation, revokePersonalKeyOperation];
