// Webhooks as the platform sees them: the endpoint and delivery operations on both APIs, the
// `webhook.test` event, and each node's delivery worker.
import type { Module } from '../platform/module.ts';
import type { Runtime } from '../platform/runtime.ts';
import { resolveServerSecret } from '../platform/server-secret.ts';
import { clientWebhookOperations } from './client-routes.ts';
import { purgeDeliveries } from './deliveries.ts';
import { webhooksEvents } from './events.ts';
import { webhookOperations } from './routes.ts';
import { SecretBox } from './signing.ts';
import { WebhookWorker } from './worker.ts';

declare module '../platform/runtime.ts' {
  interface Runtime {
    webhooks: {
      /** Seals and opens endpoint secrets with the server secret (the same on every node). */
      secrets: SecretBox;
      /**
       * This node's delivery worker. Every node runs one; deliveries are claimed in the database
       * (SKIP LOCKED, with a lease), so each attempt is made by one node. Its concurrency limits
       * (WEBHOOK_CONCURRENCY, WEBHOOK_ENDPOINT_CONCURRENCY) are per node.
       */
      worker: WebhookWorker;
    };
  }
}

export const webhooksModule: Module = {
  name: 'webhooks',
  events: webhooksEvents,
  v1: webhookOperations,
  client: clientWebhookOperations,
  async start(rt: Runtime) {
    if (rt.config.webhooks.allowLoopback) rt.log.warn('WEBHOOK_ALLOW_LOOPBACK is on: webhook endpoints may be http:// loopback URLs (development only)');
    rt.webhooks = { secrets: new SecretBox(rt.config.secret ?? resolveServerSecret(rt.config).secret), worker: new WebhookWorker(rt) };
    await rt.webhooks.worker.start();
  },
  stop: (rt) => rt.webhooks.worker.stop(),
  purge: (rt) => purgeDeliveries({ rt }),
};
