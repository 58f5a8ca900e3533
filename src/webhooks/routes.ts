// The webhook operations of /api/v1: endpoints, their secrets, test events, the delivery log,
// and the event catalogue endpoints subscribe to. /api/client has the same through client-routes.ts.
import { z } from 'zod';
import { ANY_CREDENTIAL, defineOperation } from '../platform/operations.ts';
import { pageInfo, pageQuery, paginationSchema } from '../platform/pagination.ts';
import { listDeliveries, replayEvents, retryDelivery } from './deliveries.ts';
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, rotateSecret, sendTestEvent, updateEndpoint } from './endpoints.ts';
import {
  createEndpointBody,
  deliveryQuery,
  deliverySchema,
  endpointSchema,
  MAX_ENDPOINTS_PER_TENANT,
  replayBody,
  rotateBody,
  secretField,
  updateEndpointBody,
} from './schemas.ts';

const tags = ['Webhooks'];
const tenantParams = z.object({ tenantId: z.uuid() });
const endpointParams = tenantParams.extend({ endpointId: z.uuid().describe('The endpoint id') });
const deliveryParams = endpointParams.extend({ deliveryId: z.uuid().describe('The delivery id') });
const one = z.object({ webhook: endpointSchema });
const withSecret = z.object({ webhook: endpointSchema, secret: secretField });
const disabled = { 409: 'The endpoint is disabled' };

export const listWebhooksOperation = defineOperation({
  id: 'listWebhooks',
  method: 'GET',
  path: '/tenants/:tenantId/webhooks',
  permission: 'webhooks:read',
  tags,
  summary: "List a tenant's webhook endpoints",
  description: 'Newest first, with each endpoint’s delivery health. Never shows the signing secrets.',
  input: { params: tenantParams, query: z.strictObject(pageQuery()) },
  output: z.object({ webhooks: z.array(endpointSchema), total: z.number().int(), pagination: paginationSchema }),
  async run(ctx, { params, query }) {
    const { items, total } = await listEndpoints(ctx, params.tenantId, query);
    return { webhooks: items, ...pageInfo(query, total) };
  },
});

export const createWebhookOperation = defineOperation({
  id: 'createWebhook',
  method: 'POST',
  path: '/tenants/:tenantId/webhooks',
  permission: 'webhooks:write',
  tags,
  summary: 'Register a webhook endpoint',
  description: `The receiver must be an https:// URL reaching a public address (checked now and on every attempt). It gets the events written from now on whose type matches \`eventTypes\` (default \`["*"]\`). The signing secret is returned once, in \`secret\`. At most ${MAX_ENDPOINTS_PER_TENANT} endpoints per tenant.`,
  input: { params: tenantParams, body: createEndpointBody },
  output: withSecret,
  status: 201,
  errors: { 409: `The tenant already has ${MAX_ENDPOINTS_PER_TENANT} endpoints` },
  secretFields: ['secret'],
  run: (ctx, { params, body }) => createEndpoint(ctx, params.tenantId, body),
});

export const getWebhookOperation = defineOperation({
  id: 'getWebhook',
  method: 'GET',
  path: '/tenants/:tenantId/webhooks/:endpointId',
  permission: 'webhooks:read',
  tags,
  summary: 'Get a webhook endpoint',
  input: { params: endpointParams },
  output: one,
  run: async (ctx, { params }) => ({ webhook: await getEndpoint(ctx, params.tenantId, params.endpointId) }),
});

export const updateWebhookOperation = defineOperation({
  id: 'updateWebhook',
  method: 'PATCH',
  path: '/tenants/:tenantId/webhooks/:endpointId',
  permission: 'webhooks:write',
  tags,
  summary: 'Edit a webhook endpoint',
  description: 'Disabling ends its waiting deliveries as failed; enabling clears `disabledReason` and replays nothing (see replay).',
  input: { params: endpointParams, body: updateEndpointBody },
  output: one,
  run: async (ctx, { params, body }) => ({ webhook: await updateEndpoint(ctx, params.tenantId, params.endpointId, body) }),
});

export const deleteWebhookOperation = defineOperation({
  id: 'deleteWebhook',
  method: 'DELETE',
  path: '/tenants/:tenantId/webhooks/:endpointId',
  permission: 'webhooks:write',
  tags,
  summary: 'Delete a webhook endpoint and its delivery log',
  input: { params: endpointParams },
  output: z.null().describe('Deleted'),
  status: 204,
  async run(ctx, { params }) {
    await deleteEndpoint(ctx, params.tenantId, params.endpointId);
    return null;
  },
});

export const rotateWebhookSecretOperation = defineOperation({
  id: 'rotateWebhookSecret',
  method: 'POST',
  path: '/tenants/:tenantId/webhooks/:endpointId/rotate-secret',
  permission: 'webhooks:write',
  tags,
  summary: "Rotate a webhook endpoint's signing secret",
  description: 'The new secret is returned once. For `overlapSeconds` (default 86400) every delivery is signed with both secrets (each signature header lists both, new first); then only the new one.',
  input: { params: endpointParams, body: rotateBody.nullish() },
  output: withSecret,
  status: 201,
  secretFields: ['secret'],
  run: (ctx, { params, body }) => rotateSecret(ctx, params.tenantId, params.endpointId, body?.overlapSeconds ?? rotateBody.parse({}).overlapSeconds),
});

export const testWebhookOperation = defineOperation({
  id: 'testWebhook',
  method: 'POST',
  path: '/tenants/:tenantId/webhooks/:endpointId/test',
  permission: 'webhooks:write',
  tags,
  summary: 'Send a test event to one endpoint',
  description: 'Writes a `webhook.test` event and delivers it to this endpoint alone; follow it in the delivery log.',
  input: { params: endpointParams },
  output: z.object({ deliveryId: z.uuid(), eventId: z.string() }),
  status: 201,
  errors: disabled,
  run: (ctx, { params }) => sendTestEvent(ctx, params.tenantId, params.endpointId),
});

export const listWebhookDeliveriesOperation = defineOperation({
  id: 'listWebhookDeliveries',
  method: 'GET',
  path: '/tenants/:tenantId/webhooks/:endpointId/deliveries',
  permission: 'webhooks:read',
  tags,
  summary: "An endpoint's delivery log",
  description: 'Newest first, each delivery with every attempt: time, HTTP status or error class, duration, and the first 1 KB of the answer. Kept 30 days.',
  input: { params: endpointParams, query: z.strictObject({ ...pageQuery(50, 200), ...deliveryQuery }) },
  output: z.object({ deliveries: z.array(deliverySchema), total: z.number().int(), pagination: paginationSchema }),
  async run(ctx, { params, query }) {
    const { items, total } = await listDeliveries(ctx, params.tenantId, params.endpointId, query);
    return { deliveries: items, ...pageInfo(query, total) };
  },
});

export const retryWebhookDeliveryOperation = defineOperation({
  id: 'retryWebhookDelivery',
  method: 'POST',
  path: '/tenants/:tenantId/webhooks/:endpointId/deliveries/:deliveryId/retry',
  permission: 'webhooks:write',
  tags,
  summary: 'Send one delivery again',
  description: 'Now, with the same `webhook-id` and a fresh retry schedule.',
  input: { params: deliveryParams },
  output: z.object({ delivery: deliverySchema }),
  errors: disabled,
  run: async (ctx, { params }) => ({ delivery: await retryDelivery(ctx, params.tenantId, params.endpointId, params.deliveryId) }),
});

export const replayWebhookOperation = defineOperation({
  id: 'replayWebhook',
  method: 'POST',
  path: '/tenants/:tenantId/webhooks/:endpointId/replay',
  permission: 'webhooks:write',
  tags,
  summary: 'Send every event since a time again',
  description: 'Every event of the tenant since `since` (at most 30 days ago) that the endpoint subscribes to now, with the same `webhook-id`s. Answers how many were queued.',
  input: { params: endpointParams, body: replayBody },
  output: z.object({ queued: z.number().int() }),
  errors: disabled,
  run: (ctx, { params, body }) => replayEvents(ctx, params.tenantId, params.endpointId, new Date(body.since)),
});

const eventTypeSchema = z.object({ type: z.string(), description: z.string(), example: z.unknown() });

export const listWebhookEventTypesOperation = defineOperation({
  id: 'listWebhookEventTypes',
  method: 'GET',
  path: '/webhook-event-types',
  permission: ANY_CREDENTIAL,
  tags,
  summary: 'Every event type an endpoint can subscribe to',
  description: 'With a one-line description and an example `data`. Filters name these exactly, `prefix.*`, or `*`.',
  input: {},
  output: z.object({ eventTypes: z.array(eventTypeSchema) }),
  run: async (ctx) => ({
    eventTypes: Object.entries(ctx.rt.eventTypes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, entry]) => ({ type, description: entry.description, example: entry.example })),
  }),
});

export const webhookOperations = [
  listWebhookEventTypesOperation,
  listWebhooksOperation,
  createWebhookOperation,
  getWebhookOperation,
  updateWebhookOperation,
  deleteWebhookOperation,
  rotateWebhookSecretOperation,
  testWebhookOperation,
  listWebhookDeliveriesOperation,
  retryWebhookDeliveryOperation,
  replayWebhookOperation,
];
