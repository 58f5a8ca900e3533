// Wire schemas of API keys (shared by every surface that manages keys: tenant, platform and
// personal keys).
import { z } from 'zod';
import type { CreateKeyBody } from './keys.ts';
import { paginationSchema } from './pagination.ts';
import { ALL_PERMISSIONS } from './permissions.ts';

/** How long a rolled key keeps working beside its replacement unless the caller says otherwise. */
export const DEFAULT_ROLL_OVERLAP_SECONDS = 24 * 3600;

const apiKeyExample = {
  id: '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60',
  kind: 'tenant',
  tenantId: '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f61',
  name: 'CRM sync',
  prefix: 'orgstack_sk_tnt_Ab3dEf9h',
  permissions: ['employees:read', 'feedback:read'],
  hourlyLimit: 1000,
  createdAt: '2026-11-01T09:30:00.000Z',
  lastUsedAt: null,
  expiresAt: null,
  revokedAt: null,
};

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['tenant', 'platform', 'user']),
    tenantId: z.uuid().nullable().describe('null for platform keys'),
    name: z.string().nullable(),
    prefix: z.string().describe('Kind prefix plus the first 8 characters; identifies the key in lists'),
    permissions: z.array(z.string()),
    hourlyLimit: z.number().int(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable().describe('Updated at most about once a minute'),
    expiresAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ApiKey', example: apiKeyExample });

/** A key in a list: the key plus its use this hour (not part of the creation response). */
export const apiKeyListItemSchema = apiKeySchema
  .extend({
    requestsThisHour: z
      .number()
      .int()
      .min(0)
      .describe('Requests counted in the current UTC hour (0 when unused); requests other nodes have not flushed yet show within seconds'),
  })
  .meta({ id: 'ApiKeyListItem', example: { ...apiKeyExample, lastUsedAt: '2026-11-22T10:14:03.000Z', requestsThisHour: 42 } });

export const createKeyBodySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).nullable().optional(),
    permissions: z
      .array(z.string())
      .min(1)
      .nullable()
      .optional()
      .describe(`Omit for every permission of the key's scope (and those added later). Known: ${ALL_PERMISSIONS.join(', ')}`),
    hourlyLimit: z.number().int().min(1).optional().describe('Default 1000, never above your own limit'),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .meta({ id: 'CreateApiKeyRequest', example: { name: 'CRM sync', permissions: ['employees:read', 'feedback:read'] } });

export const rollKeyBodySchema = z
  .strictObject({
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 24 * 3600)
      .default(DEFAULT_ROLL_OVERLAP_SECONDS)
      .describe('How long the old key keeps working (default 24 h, at most 30 days)'),
  })
  .meta({ id: 'RollApiKeyRequest', example: { overlapSeconds: 3600 } });

/** A page of keys, as every key list answers it. */
export const apiKeyListSchema = z.object({ apiKeys: z.array(apiKeyListItemSchema), total: z.number().int(), pagination: paginationSchema });

/** A freshly minted key (tenant, platform or personal): the same answer on every key route. */
export const mintedSchema = z.object({
  apiKey: apiKeySchema,
  key: z.string().nullable().describe('The secret, shown exactly once (null when an idempotent request is replayed)'),
});

/** A rolled key: the new key and its secret, and the old key (now expiring). */
export const rolledSchema = mintedSchema.extend({ previous: apiKeySchema });

/** The creation body as the services take it (an expiry as a Date). */
export const createKeyInput = ({ expiresAt, ...rest }: z.output<typeof createKeyBodySchema>): CreateKeyBody => ({
  ...rest,
  expiresAt: expiresAt ? new Date(expiresAt) : null,
});
