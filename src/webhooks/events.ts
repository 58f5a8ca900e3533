// The one event type the webhooks module writes: the test an integrator sends to one endpoint
// (POST …/webhooks/{endpointId}/test). Fan-out never hands it to other endpoints.
import { z } from 'zod';
import { eventType, type EventCatalogue } from '../platform/events.ts';

export const TEST_EVENT = 'webhook.test';

export const webhooksEvents = {
  [TEST_EVENT]: eventType({
    description: 'A test sent to one endpoint from its settings (never delivered to other endpoints)',
    data: z.strictObject({ endpointId: z.uuid(), message: z.string() }),
    example: { endpointId: '0193b5d4-1000-7a00-8000-000000000001', message: 'A test event from orgstack' },
  }),
} satisfies EventCatalogue;
