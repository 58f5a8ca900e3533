// The webhook operations of /api/client (the OrgX conventions: snake_case, `{ ok, data }`, the
// workspace of the credential or `workspace_id`), calling the same services as /api/v1.
import { z } from 'zod';
import { okData, okList, workPageQuery, workspaceIdField, workspaceQuery } from '../platform/client-schemas.ts';
import { AppError } from '../platform/errors.ts';
import { defineWorkspaceOperation } from '../platform/operations.ts';
import { pageInfo } from '../platform/pagination.ts';
import { listDeliveries, replayEvents, retryDelivery } from './deliveries.ts';
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, rotateSecret, sendTestEvent, updateEndpoint } from './endpoints.ts';
import {
  clientDeliverySchema,
  clientEndpointSchema,
  DELIVERY_STATUSES,
  descriptionField,
  eventTypesField,
  MAX_ENDPOINTS_PER_TENANT,
  overlapField,
  secretField,
  sinceField,
  toSnake,
  urlField,
  type Delivery,
  type Endpoint,
} from './schemas.ts';

const tags = ['Work: Webhooks'];
const workspace_id = workspaceIdField;
const endpointParams = z.object({ endpointId: z.uuid().describe('The endpoint id') });
const deliveryParams = endpointParams.extend({ deliveryId: z.uuid().describe('The delivery id') });
const disabled = { 409: 'The endpoint is disabled' };

const endpointOut = (e: Endpoint) => toSnake(e) as z.output<typeof clientEndpointSchema>;
const deliveryOut = (d: Delivery) => toSnake(d) as z.output<typeof clientDeliverySchema>;

/** The services name fields in camelCase; this surface answers with its own names. */
async function snakeFields<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AppError && err.fieldErrors) {
      const fields = Object.fromEntries(Object.entries(err.fieldErrors).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
      throw new AppError(err.status, err.code, err.message, fields, err.headers);
    }
    throw err;
  }
}

export const listClientWebhooksOperation = defineWorkspaceOperation({
  id: 'listWorkspaceWebhooks',
  method: 'GET',
  path: '/webhooks',
  permission: 'webhooks:read',
  tags,
  summary: "List the workspace's webhook endpoints",
  input: {
    query: workspaceQuery.extend({
      ...workPageQuery,
    }),
  },
  output: okList(clientEndpointSchema),
  async run(ctx, { query }) {
    const { items, total } = await listEndpoints(ctx, ctx.workspaceId, query);
    return { ok: true as const, data: items.map(endpointOut), ...pageInfo(query, total) };
  },
});

export const createClientWebhookOperation = defineWorkspaceOperation({
  id: 'createWorkspaceWebhook',
  method: 'POST',
  path: '/webhooks',
  permission: 'webhooks:write',
  tags,
  summary: 'Register a webhook endpoint',
  description: 'As POST /api/v1/tenants/{tenantId}/webhooks; the signing secret is returned once, in `secret`.',
  input: {
    query: workspaceQuery,
    body: z
      .object({ url: urlField, description: descriptionField.default(''), event_types: eventTypesField.default(['*']), enabled: z.boolean().default(true), workspace_id })
      .meta({ id: 'WorkCreateWebhookRequest', example: { url: 'https://example.com/hooks/orgx', event_types: ['decision.*', 'agent.completed'] } }),
  },
  output: okData(clientEndpointSchema).extend({ secret: secretField }),
  status: 201,
  errors: { 409: `The workspace already has ${MAX_ENDPOINTS_PER_TENANT} endpoints` },
  secretFields: ['secret'],
  async run(ctx, { body }) {
    const { webhook, secret } = await snakeFields(createEndpoint(ctx, ctx.workspaceId, { url: body.url, description: body.description, eventTypes: body.event_types, enabled: body.enabled }));
    return { ok: true as const, data: endpointOut(webhook), secret };
  },
});

export const getClientWebhookOperation = defineWorkspaceOperation({
  id: 'getWorkspaceWebhook',
  method: 'GET',
  path: '/webhooks/:endpointId',
  permission: 'webhooks:read',
  tags,
  summary: 'Get a webhook endpoint',
  input: { params: endpointParams, query: workspaceQuery },
  output: okData(clientEndpointSchema),
  run: async (ctx, { params }) => ({ ok: true as const, data: endpointOut(await getEndpoint(ctx, ctx.workspaceId, params.endpointId)) }),
});

export const updateClientWebhookOperation = defineWorkspaceOperation({
  id: 'updateWorkspaceWebhook',
  method: 'PATCH',
  path: '/webhooks/:endpointId',
  permission: 'webhooks:write',
  tags,
  summary: 'Edit a webhook endpoint',
  input: {
    params: endpointParams,
    query: workspaceQuery,
    body: z
      .object({ url: urlField.optional(), description: descriptionField.optional(), event_types: eventTypesField.optional(), enabled: z.boolean().optional(), workspace_id })
      .meta({ id: 'WorkUpdateWebhookRequest', example: { event_types: ['*'], enabled: true } }),
  },
  output: okData(clientEndpointSchema),
  async run(ctx, { params, body }) {
    const changes = { url: body.url, description: body.description, eventTypes: body.event_types, enabled: body.enabled };
    return { ok: true as const, data: endpointOut(await snakeFields(updateEndpoint(ctx, ctx.workspaceId, params.endpointId, changes))) };
  },
});

export const deleteClientWebhookOperation = defineWorkspaceOperation({
  id: 'deleteWorkspaceWebhook',
  method: 'DELETE',
  path: '/webhooks/:endpointId',
  permission: 'webhooks:write',
  tags,
  summary: 'Delete a webhook endpoint and its delivery log',
  input: { params: endpointParams, query: workspaceQuery },
  output: okData(z.object({ id: z.uuid(), deleted: z.literal(true) })),
  async run(ctx, { params }) {
    await deleteEndpoint(ctx, ctx.workspaceId, params.endpointId);
    return { ok: true as const, data: { id: params.endpointId, deleted: true as const } };
  },
});

export const rotateClientWebhookSecretOperation = defineWorkspaceOperation({
  id: 'rotateWorkspaceWebhookSecret',
  method: 'POST',
  path: '/webhooks/:endpointId/rotate-secret',
  permission: 'webhooks:write',
  tags,
  summary: "Rotate a webhook endpoint's signing secret",
  description: 'The new secret is returned once; for `overlap_seconds` (default 86400) deliveries carry signatures from both.',
  input: { params: endpointParams, query: workspaceQuery, body: z.object({ overlap_seconds: overlapField, workspace_id }).meta({ id: 'WorkRotateWebhookSecretRequest', example: { overlap_seconds: 3600 } }).nullish() },
  output: okData(clientEndpointSchema).extend({ secret: secretField }),
  status: 201,
  secretFields: ['secret'],
  async run(ctx, { params, body }) {
    const { webhook, secret } = await rotateSecret(ctx, ctx.workspaceId, params.endpointId, body?.overlap_seconds ?? overlapField.parse(undefined));
    return { ok: true as const, data: endpointOut(webhook), secret };
  },
});

export const testClientWebhookOperation = defineWorkspaceOperation({
  id: 'testWorkspaceWebhook',
  method: 'POST',
  path: '/webhooks/:endpointId/test',
  permission: 'webhooks:write',
  tags,
  summary: 'Send a test event to one endpoint',
  input: { params: endpointParams, query: workspaceQuery },
  output: okData(z.object({ delivery_id: z.uuid(), event_id: z.string() })),
  status: 201,
  errors: disabled,
  async run(ctx, { params }) {
    const { deliveryId, eventId } = await sendTestEvent(ctx, ctx.workspaceId, params.endpointId);
    return { ok: true as const, data: { delivery_id: deliveryId, event_id: eventId } };
  },
});

export const listClientWebhookDeliveriesOperation = defineWorkspaceOperation({
  id: 'listWorkspaceWebhookDeliveries',
  method: 'GET',
  path: '/webhooks/:endpointId/deliveries',
  permission: 'webhooks:read',
  tags,
  summary: "An endpoint's delivery log",
  description: 'Newest first, each delivery with every attempt. Kept 30 days.',
  input: {
    params: endpointParams,
    query: workspaceQuery.extend({
      ...workPageQuery,
      status: z.enum(DELIVERY_STATUSES).optional(),
      event_type: z.string().max(100).optional(),
    }),
  },
  output: okList(clientDeliverySchema),
  async run(ctx, { params, query }) {
    const { items, total } = await listDeliveries(ctx, ctx.workspaceId, params.endpointId, { ...query, eventType: query.event_type });
    return { ok: true as const, data: items.map(deliveryOut), ...pageInfo(query, total) };
  },
});

export const retryClientWebhookDeliveryOperation = defineWorkspaceOperation({
  id: 'retryWorkspaceWebhookDelivery',
  method: 'POST',
  path: '/webhooks/:endpointId/deliveries/:deliveryId/retry',
  permission: 'webhooks:write',
  tags,
  summary: 'Send one delivery again',
  input: { params: deliveryParams, query: workspaceQuery },
  output: okData(clientDeliverySchema),
  errors: disabled,
  run: async (ctx, { params }) => ({ ok: true as const, data: deliveryOut(await retryDelivery(ctx, ctx.workspaceId, params.endpointId, params.deliveryId)) }),
});

export const replayClientWebhookOperation = defineWorkspaceOperation({
  id: 'replayWorkspaceWebhook',
  method: 'POST',
  path: '/webhooks/:endpointId/replay',
  permission: 'webhooks:write',
  tags,
  summary: 'Send every event since a time again',
  input: { params: endpointParams, query: workspaceQuery, body: z.object({ since: sinceField, workspace_id }).meta({ id: 'WorkReplayWebhookRequest', example: { since: '2026-11-02T10:15:00Z' } }) },
  output: okData(z.object({ queued: z.number().int() })),
  errors: disabled,
  run: async (ctx, { params, body }) => ({ ok: true as const, data: await replayEvents(ctx, ctx.workspaceId, params.endpointId, new Date(body.since)) }),
});

export const clientWebhookOperations = [
  listClientWebhooksOperation,
  createClientWebhookOperation,
  getClientWebhookOperation,
  updateClientWebhookOperation,
  deleteClientWebhookOperation,
  rotateClientWebhookSecretOperation,
  testClientWebhookOperation,
  listClientWebhookDeliveriesOperation,
  retryClientWebhookDeliveryOperation,
  replayClientWebhookOperation,
];
