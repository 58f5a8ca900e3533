// Review templates: the suggested review texts a customer may copy, per language.
import { z } from 'zod';
import { defineOperation } from '../../platform/operations.ts';
import { pageInfo, pageQuery, paginationSchema } from '../../platform/pagination.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';
import { booleanQuery, createTemplateBodySchema, languageTagSchema, templateSchema, updateTemplateBodySchema } from '../template-schemas.ts';
import { createTemplate, deleteTemplate, listTemplates, updateTemplate } from '../templates.ts';

const tags = ['Templates'];
const templateParams = tenantIdParams.extend({ templateId: z.uuid().describe('The template id') });
const templateResponse = z.object({ template: templateSchema });

export const listTemplatesOperation = defineOperation({
  id: 'listTemplates',
  method: 'GET',
  path: '/tenants/:tenantId/templates',
  permission: 'templates:read',
  tags,
  summary: "List a tenant's review templates",
  description: 'Ordered by language, then `sortOrder`.',
  input: {
    params: tenantIdParams,
    query: z.strictObject({
      ...pageQuery(),
      language: languageTagSchema.optional().describe('Only this language (BCP 47)'),
      active: booleanQuery.optional().describe('Only active (true) or inactive (false) templates'),
    }),
  },
  output: z.object({ templates: z.array(templateSchema), total: z.number().int(), pagination: paginationSchema }),
  async run(ctx, { params, query }) {
    const { limit, offset, language, active } = query;
    const { items, total } = await listTemplates(ctx, params.tenantId, { language, active }, { limit, offset });
    return { templates: items, ...pageInfo({ limit, offset }, total) };
  },
});

export const createTemplateOperation = defineOperation({
  id: 'createTemplate',
  method: 'POST',
  path: '/tenants/:tenantId/templates',
  permission: 'templates:write',
  tags,
  summary: 'Create a review template',
  input: { params: tenantIdParams, body: createTemplateBodySchema },
  output: templateResponse,
  status: 201,
  run: async (ctx, { params, body }) => ({ template: await createTemplate(ctx, params.tenantId, body) }),
});

export const updateTemplateOperation = defineOperation({
  id: 'updateTemplate',
  method: 'PATCH',
  path: '/tenants/:tenantId/templates/:templateId',
  permission: 'templates:write',
  tags,
  summary: 'Update a review template',
  description: 'Edit the text, move it to another language, reorder it, or switch it off (`active: false`).',
  input: { params: templateParams, body: updateTemplateBodySchema },
  output: templateResponse,
  run: async (ctx, { params, body }) => ({ template: await updateTemplate(ctx, params.tenantId, params.templateId, body) }),
});

export const deleteTemplateOperation = defineOperation({
  id: 'deleteTemplate',
  method: 'DELETE',
  path: '/tenants/:tenantId/templates/:templateId',
  permission: 'templates:write',
  tags,
  summary: 'Delete a review template',
  input: { params: templateParams },
  output: z.null().describe('Deleted'),
  status: 204,
  async run(ctx, { params }) {
    await deleteTemplate(ctx, params.tenantId, params.templateId);
    return null;
  },
});

export const templateOperations = [listTemplatesOperation, createTemplateOperation, updateTemplateOperation, deleteTemplateOperation];
