// The Reviews module's operations (served on /api/v1) and its public routes (the review page,
// logos). Each file holds one resource.
import type { FastifyInstance } from 'fastify';
import type { AnyOperation } from '../../platform/operations.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { analyticsOperations } from './analytics.ts';
import { employeeOperations } from './employees.ts';
import { feedbackOperations } from './feedback.ts';
import { logoOperations } from './logo.ts';
import { logoRoutes } from './logos.ts';
import { provisioningOperations } from './provisioning.ts';
import { qrOperations } from './qr.ts';
import { reviewPageRoutes } from './review-page.ts';
import { settingsOperations } from './settings.ts';
import { shopOperations } from './shops.ts';
import { templateOperations } from './templates.ts';

/** In the order they are published (OpenAPI, agent.json). */
export const reviewsOperations: AnyOperation[] = [
  ...provisioningOperations,
  ...settingsOperations,
  ...logoOperations,
  ...analyticsOperations,
  ...feedbackOperations,
  ...shopOperations,
  ...employeeOperations,
  ...qrOperations,
  ...templateOperations,
];

/** The public routes: the customer's review page and the logos it shows. */
export function reviewsRoutes(app: FastifyInstance, rt: Runtime) {
  logoRoutes(app, rt);
  reviewPageRoutes(app, rt);
}
