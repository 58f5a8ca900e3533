import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/authenticate.ts';
import { pageInfo, pageQuery, paginationSchema } from '../../platform/pagination.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { booleanQuery, createTemplateBodySchema, languageTagSchema, templateSchema, updateTemplateBodySchema } from '../resource-schemas.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';
import { createTemplate, deleteTemplate, listTemplates, updateTemplate } from '../templates.ts';

const templateParams = tenantIdParams.extend({ templateId: z.uuid().describe('The template id') });
const templateResponse = z.object({ template: templateSchema });

export function templateRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Templates'];

  r.get(
    '/api/v1/tenants/:tenantId/templates',
    {
      config: { permission: 'templates:read' },
      schema: {
        operationId: 'listTemplates',
        tags,
        summary: "List a tenant's review templates",
        description: 'Ordered by language, then `sortOrder`.',
        params: tenantIdParams,
        querystring: z.strictObject({
          ...pageQuery(),
          language: languageTagSchema.optional().describe('Only this language (BCP 47)'),
          active: booleanQuery.optional().describe('Only active (true) or inactive (false) templates'),
        }),
        response: { 200: z.object({ templates: z.array(templateSchema), total: z.number().int(), pagination: paginationSchema }) },
      },
    },
    async (req) => {
      const { limit, offset, language, active } = req.query;
      const { items, total } = await listTemplates(contextOf(req, rt), req.params.tenantId, { language, active }, { limit, offset });
      return { templates: items, ...pageInfo({ limit, offset }, total) };
    },
  );

  r.post(
    '/api/v1/tenants/:tenantId/templates',
    {
      config: { permission: 'templates:write' },
      schema: {
        operationId: 'createTemplate',
        tags,
        summary: 'Create a review template',
        params: tenantIdParams,
        body: createTemplateBodySchema,
        response: { 201: templateResponse },
      },
    },
    async (req, reply) => reply.code(201).send({ template: await createTemplate(contextOf(req, rt), req.params.tenantId, req.body) }),
  );

  r.patch(
    '/api/v1/tenants/:tenantId/templates/:templateId',
    {
      config: { permission: 'templates:write' },
      schema: {
        operationId: 'updateTemplate',
        tags,
        summary: 'Update a review template',
        description: 'Edit the text, move it to another language, reorder it, or switch it off (`active: false`).',
        params: templateParams,
        body: updateTemplateBodySchema,
        response: { 200: templateResponse },
      },
    },
    async (req) => ({ template: await updateTemplate(contextOf(req, rt), req.params.tenantId, req.params.templateId, req.body) }),
  );

  r.delete(
    '/api/v1/tenants/:tenantId/templates/:templateId',
    {
      config: { permission: 'templates:write' },
      schema: {
        operationId: 'deleteTemplate',
        tags,
        summary: 'Delete a review template',
        params: templateParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (req, reply) => {
      await deleteTemplate(contextOf(req, rt), req.params.tenantId, req.params.templateId);
      return reply.code(204).send(null);
    },
  );
}
