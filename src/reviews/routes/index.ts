// The Reviews module's operations (served on /api/v1) and its public routes (the review page,
// logos). Each file holds one resource.
import type { FastifyInstance } from 'fastify';
import type { AnyOperation } from '../../platform/operations.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { analyticsRoutes } from './analytics.ts';
import { feedbackRoutes } from './feedback.ts';
import { logoUploadRoutes } from './logo.ts';
import { provisioningRoutes } from './provisioning.ts';
import { reviewPageRoutes } from './review-page.ts';
import { qrRoutes } from './qr.ts';
import { settingsRoutes } from './settings.ts';
import { employeeOperations } from './employees.ts';
import { shopRoutes } from './shops.ts';
import { templateRoutes } from './templates.ts';
import { tenantRoutes } from './tenants.ts';

export const reviewsOperations: AnyOperation[] = [...employeeOperations];

export function reviewsRoutes(app: FastifyInstance, rt: Runtime) {
  // TODO(conversion): these still register full /api/v1 paths at the root.
  tenantRoutes(app, rt);
  provisioningRoutes(app, rt);
  settingsRoutes(app, rt);
  logoUploadRoutes(app, rt);
  analyticsRoutes(app, rt);
  feedbackRoutes(app, rt);
  shopRoutes(app, rt);
  qrRoutes(app, rt);
  templateRoutes(app, rt);
  reviewPageRoutes(app, rt);
}
