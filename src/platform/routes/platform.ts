// /api/v1/platform/*: what the operator's console (/super) needs beyond the tenant routes —
// platform API keys, usage per credential per hour, the audit log across tenants.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../authenticate.ts';
import { errorResponse } from '../http-errors.ts';
import { apiKeyListItemSchema, apiKeySchema, createKeyBodySchema, DEFAULT_ROLL_OVERLAP_SECONDS, rollKeyBodySchema } from '../key-schemas.ts';
import { pageInfo, pageQuery, paginationSchema } from '../pagination.ts';
import { createPlatformKey, listPlatformKeys, platformAudit, revokePlatformKey, rollPlatformKey, usage } from '../platform-console.ts';
import type { Runtime } from '../runtime.ts';
import { auditEntrySchema } from './audit.ts';
import { mintedSchema } from './api-keys.ts';

const keyParams = z.object({ keyId: z.uuid() });

const usageRowSchema = z
  .object({
    credentialId: z.string().describe('The key id, or the user id for dashboard sessions'),
    kind: z.string().describe('platform, tenant, user or session'),
    prefix: z.string().nullable(),
    name: z.string().nullable().describe("The key's name or the user's username"),
    tenantId: z.uuid().nullable(),
    tenantName: z.string().nullable(),
    windowStart: z.iso.datetime().describe('The UTC hour'),
    requests: z.number().int(),
    hourlyLimit: z.number().int().nullable().describe('null for sessions (their limit follows the role)'),
  })
  .meta({ id: 'UsageRow' });

export function platformRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Platform'];
  const platformOnly = errorResponse('A tenant credential (platform credentials only)');

  r.get(
    '/api/v1/platform/api-keys',
    {
      config: { permission: 'keys:read' },
      schema: {
        operationId: 'listPlatformKeys',
        tags,
        summary: 'List platform API keys',
        description: "Newest first, revoked and expired keys included. Platform credentials only. `requestsThisHour` is each key's count in the current UTC hour (its rate-limit window).",
        querystring: z.strictObject(pageQuery()),
        response: { 200: z.object({ apiKeys: z.array(apiKeyListItemSchema), total: z.number().int(), pagination: paginationSchema }), 403: platformOnly },
      },
    },
    async (req) => {
      const { items, total } = await listPlatformKeys(contextOf(req, rt), req.query);
      return { apiKeys: items, ...pageInfo(req.query, total) };
    },
  );

  r.post(
    '/api/v1/platform/api-keys',
    {
      config: { permission: 'keys:write', secretFields: ['key'] },
      schema: {
        operationId: 'createPlatformKey',
        tags,
        summary: 'Create a platform API key',
        description: "Default hourly limit 5000 and every permission; never more than the caller's own. The key is returned once, in `key`.",
        body: createKeyBodySchema,
        response: { 201: mintedSchema, 403: platformOnly },
      },
    },
    async (req, reply) => {
      const { expiresAt, ...rest } = req.body;
      const minted = await createPlatformKey(contextOf(req, rt), { ...rest, expiresAt: expiresAt ? new Date(expiresAt) : null });
      return reply.code(201).send(minted);
    },
  );

  r.delete(
    '/api/v1/platform/api-keys/:keyId',
    {
      config: { permission: 'keys:write' },
      schema: {
        operationId: 'revokePlatformKey',
        tags,
        summary: 'Revoke a platform API key',
        description: 'Takes effect on every node within seconds. Revoking a revoked key is a no-op.',
        params: keyParams,
        response: { 204: z.null().describe('Revoked'), 403: platformOnly },
      },
    },
    async (req, reply) => {
      await revokePlatformKey(contextOf(req, rt), req.params.keyId);
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/api/v1/platform/api-keys/:keyId/roll',
    {
      config: { permission: 'keys:write', secretFields: ['key'] },
      schema: {
        operationId: 'rollPlatformKey',
        tags,
        summary: 'Roll (rotate) a platform API key',
        description: 'A new key with the same settings; the old one keeps working for `overlapSeconds` (default 24 h).',
        params: keyParams,
        body: rollKeyBodySchema.nullish(),
        response: { 201: mintedSchema.extend({ previous: apiKeySchema }), 403: platformOnly, 409: errorResponse('The key is revoked') },
      },
    },
    async (req, reply) => {
      const rolled = await rollPlatformKey(contextOf(req, rt), req.params.keyId, req.body?.overlapSeconds ?? DEFAULT_ROLL_OVERLAP_SECONDS);
      return reply.code(201).send(rolled);
    },
  );

  r.get(
    '/api/v1/platform/usage',
    {
      config: { permission: 'audit:read' },
      schema: {
        operationId: 'getUsage',
        tags,
        summary: 'Requests per credential per hour',
        description: 'From the rate-limit windows, newest hour first (at most 1000 rows). Platform credentials only.',
        querystring: z.strictObject({
          hours: z.coerce.number().int().min(1).max(24 * 31).default(24).describe('How many hours back, this one included (default 24)'),
          tenantId: z.uuid().optional().describe("Only this tenant's credentials"),
        }),
        response: { 200: z.object({ usage: z.array(usageRowSchema) }), 403: platformOnly },
      },
    },
    async (req) => ({ usage: await usage(contextOf(req, rt), req.query) }),
  );

  r.get(
    '/api/v1/platform/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        operationId: 'listPlatformAudit',
        tags,
        summary: 'The audit log across all tenants',
        description: 'Every audited request, newest first. Platform credentials only.',
        querystring: z.strictObject({
          ...pageQuery(),
          from: z.iso.datetime({ offset: true }).optional().describe('Earliest time, inclusive'),
          to: z.iso.datetime({ offset: true }).optional().describe('Latest time, inclusive'),
          keyId: z.uuid().optional().describe('Only requests made with this credential'),
          tenantId: z.uuid().optional().describe('Only requests on this tenant'),
          status: z.coerce.number().int().min(100).max(599).optional().describe('Only this HTTP status'),
        }),
        response: { 200: z.object({ audit: z.array(auditEntrySchema), total: z.number().int(), pagination: paginationSchema }), 403: platformOnly },
      },
    },
    async (req) => {
      const { limit, offset, from, to, keyId, tenantId, status } = req.query;
      const filter = { keyId, tenantId, status, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
      const { items, total } = await platformAudit(contextOf(req, rt), filter, { limit, offset });
      return { audit: items, ...pageInfo({ limit, offset }, total) };
    },
  );
}
