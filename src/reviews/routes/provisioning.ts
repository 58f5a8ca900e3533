import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { contextOf } from '../../platform/authenticate.ts';
import { errorResponse } from '../../platform/http-errors.ts';
import { orgstackUserAgent } from '../../platform/safe-fetch.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { provisionRequestSchema, provisionResponseSchema } from '../provision-schema.ts';
import { provisionTenant } from '../provisioning.ts';
import { logoRoutes } from './logos.ts';

/** POST /api/v1/tenants, and the public route that serves the logos it stores. */
export function provisioningRoutes(app: FastifyInstance, rt: Runtime) {
  logoRoutes(app, rt);
  const r = app.withTypeProvider<ZodTypeProvider>();
  if (rt.outbound.allowPrivate) rt.log.warn('ALLOW_PRIVATE_FETCH is on: tenant-supplied URLs may reach private addresses (tests only)');

  r.post(
    '/api/v1/tenants',
    {
      // The demo password is shown once: an idempotent replay returns it as null.
      config: { permission: 'tenants:write', secretFields: ['temporaryPassword'] },
      schema: {
        operationId: 'provisionTenant',
        tags: ['Tenants'],
        summary: 'Provision a tenant',
        description: [
          'Platform keys only. Atomically creates the tenant, its default shop (carrying the Maps/Xiaohongshu listing), a login user (username from the slug, role `owner`), 10 templates per language (en, zh-CN) for the vertical, and Trial billing (plan `trial`, 14 days). If any part fails nothing remains, and a retry with the same body succeeds.',
          'Before that, outside the transaction: a Maps short link is resolved for `googlePlaceCid`; `websiteUrl` is fetched once for `<meta name="theme-color">` (→ `brandPrimaryColor`, with a derived `brandAccentColor`) and its icon (PNG, JPEG, WebP or ICO, ≤ 256 KB, never SVG), which is then served from our own origin as `logoUrl`. Only public addresses are fetched, with a few seconds\' timeout and a size cap; a slow, failing or hostile site never fails provisioning — the field keeps its default. For vertical `other`, the templates are written from `businessDescription` by the configured LLM, or by a built-in generator.',
          '`ownerEmail` set → mode `owner`: a single-use reset-password link (valid 72 h) is emailed, `temporaryPassword` is null. Otherwise mode `demo`: a generated password is returned once in `temporaryPassword` and must be changed at first sign-in.',
        ].join('\n\n'),
        body: provisionRequestSchema,
        response: { 201: provisionResponseSchema, 409: errorResponse('The explicit slug is taken') },
      },
    },
    async (req, reply) => {
      const outbound = { userAgent: orgstackUserAgent(rt.config.publicUrl), ...rt.outbound };
      const created = await provisionTenant(contextOf(req, rt), req.body, { outbound, mailer: rt.mailer, llm: rt.config.llm });
      return reply.code(201).header('location', `/api/v1/tenants/${created.id}`).send(created);
    },
  );
}
