// The wire shapes of webhook endpoints and deliveries: camelCase on /api/v1, snake_case on
// /api/client (the OrgX conventions, docs/work-api-contract.md §2). Requests are strict on
// /api/v1 and, like every /api/client request, tolerant of extra fields there.
import { z } from 'zod';
import { MAX_URL_LENGTH } from './outbound.ts';

export const MAX_ENDPOINTS_PER_TENANT = 20;
export const MAX_EVENT_TYPES = 100;
export const DEFAULT_OVERLAP_SECONDS = 86_400;
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;

const at = '2026-11-02T10:15:00.000Z';
const time = z.string().describe('ISO time');

export const endpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()).describe('Exact types, `prefix.*`, or `["*"]` for every type'),
    enabled: z.boolean(),
    createdAt: time,
    updatedAt: time,
    lastSuccessAt: time.nullable(),
    lastFailureAt: time.nullable(),
    failingSince: time.nullable().describe('Since when every attempt failed; null after a success'),
    disabledReason: z.enum(['gone', 'failing']).nullable().describe('Why the server disabled the endpoint (410 Gone, or 5 days of failures)'),
    previousSecretExpiresAt: time.nullable().describe('During a rotation: until when the previous secret also signs'),
  })
  .meta({
    id: 'WebhookEndpoint',
    example: {
      id: '0193b5d4-1000-7a00-8000-000000000001',
      url: 'https://example.com/hooks/orgstack',
      description: 'Order system',
      eventTypes: ['decision.*', 'employee.created'],
      enabled: true,
      createdAt: at,
      updatedAt: at,
      lastSuccessAt: at,
      lastFailureAt: null,
      failingSince: null,
      disabledReason: null,
      previousSecretExpiresAt: null,
    },
  });
export type Endpoint = z.output<typeof endpointSchema>;

export const urlField = z.string().trim().max(MAX_URL_LENGTH, `Must be at most ${MAX_URL_LENGTH} characters`).describe('The receiver: https://, public address');
export const descriptionField = z.string().trim().max(500, 'Must be at most 500 characters');
export const eventTypesField = z
  .array(z.string().max(100))
  .min(1, 'Name at least one event type, or "*"')
  .max(MAX_EVENT_TYPES, `At most ${MAX_EVENT_TYPES}`)
  .describe('Event types of GET /api/v1/webhook-event-types, `prefix.*`, or `*`');

export const createEndpointBody = z
  .strictObject({ url: urlField, description: descriptionField.default(''), eventTypes: eventTypesField.default(['*']), enabled: z.boolean().default(true) })
  .meta({ id: 'CreateWebhookRequest', example: { url: 'https://example.com/hooks/orgstack', description: 'Order system', eventTypes: ['decision.*', 'employee.created'] } });
export const updateEndpointBody = z
  .strictObject({ url: urlField.optional(), description: descriptionField.optional(), eventTypes: eventTypesField.optional(), enabled: z.boolean().optional() })
  .meta({ id: 'UpdateWebhookRequest', example: { eventTypes: ['*'], enabled: true } });
export const overlapField = z.number().int().min(0, 'Must be 0 or more').max(30 * 86_400, 'At most 30 days').default(DEFAULT_OVERLAP_SECONDS).describe('How long the old secret keeps signing (default 86400)');
export const rotateBody = z.strictObject({ overlapSeconds: overlapField }).meta({ id: 'RotateWebhookSecretRequest', example: { overlapSeconds: 3600 } });
export const sinceField = z.iso.datetime({ offset: true, message: 'Must be an ISO time like 2026-11-02T10:15:00Z' }).describe('Send again every event since then');
export const replayBody = z.strictObject({ since: sinceField }).meta({ id: 'ReplayWebhookRequest', example: { since: '2026-11-02T10:15:00Z' } });

export type CreateEndpoint = z.output<typeof createEndpointBody>;
export type UpdateEndpoint = z.output<typeof updateEndpointBody>;

export const secretField = z.string().nullable().describe('The signing secret `whsec_…`, shown exactly once (null when an idempotent request is replayed)');

export const attemptSchema = z.object({
  at: time,
  status: z.number().int().nullable().describe("The receiver's HTTP status; null when none came back"),
  error: z.string().nullable().describe('timeout, network_error, blocked_address, dns_failed, invalid_url, redirect, http_error, secret_unreadable'),
  durationMs: z.number().int(),
  response: z.string().nullable().describe('The first 1 KB of the response body'),
});

export const deliverySchema = z
  .object({
    id: z.uuid(),
    endpointId: z.uuid(),
    eventId: z.string().describe('Also the `webhook-id` header of every attempt'),
    eventType: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attemptCount: z.number().int(),
    nextAttemptAt: time.nullable(),
    deliveredAt: time.nullable(),
    createdAt: time,
    attempts: z.array(attemptSchema).describe('Oldest first'),
  })
  .meta({ id: 'WebhookDelivery' });
export type Delivery = z.output<typeof deliverySchema>;

export const deliveryQuery = {
  status: z.enum(DELIVERY_STATUSES).optional().describe('Only deliveries in this status'),
  eventType: z.string().max(100).optional().describe('Only this event type (or `prefix.*`)'),
};

/** snake_case twins for /api/client. */
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export function toSnake<T extends object>(value: T): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [snake(k), Array.isArray(v) ? v.map((x) => (x && typeof x === 'object' ? toSnake(x) : x)) : v]),
  );
}

export const clientEndpointSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string(),
  event_types: z.array(z.string()),
  enabled: z.boolean(),
  created_at: time,
  updated_at: time,
  last_success_at: time.nullable(),
  last_failure_at: time.nullable(),
  failing_since: time.nullable(),
  disabled_reason: z.enum(['gone', 'failing']).nullable(),
  previous_secret_expires_at: time.nullable(),
}).meta({ id: 'WorkWebhookEndpoint' });

export const clientDeliverySchema = z.object({
  id: z.uuid(),
  endpoint_id: z.uuid(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempt_count: z.number().int(),
  next_attempt_at: time.nullable(),
  delivered_at: time.nullable(),
  created_at: time,
  attempts: z.array(z.object({ at: time, status: z.number().int().nullable(), error: z.string().nullable(), duration_ms: z.number().int(), response: z.string().nullable() })),
}).meta({ id: 'WorkWebhookDelivery' });
