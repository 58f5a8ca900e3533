// Every route of the Reviews module (/api/v1). Each file registers one resource's routes.
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../platform/runtime.ts';
import { analyticsRoutes } from './analytics.ts';
import { feedbackRoutes } from './feedback.ts';
import { logoUploadRoutes } from './logo.ts';
import { provisioningRoutes } from './provisioning.ts';
import { reviewPageRoutes } from './review-page.ts';
import { qrRoutes } from './qr.ts';
import { settingsRoutes } from './settings.ts';
import { employeeRoutes } from './employees.ts';
import { shopRoutes } from './shops.ts';
import { templateRoutes } from './templates.ts';
import { tenantRoutes } from './tenants.ts';

export function reviewsRoutes(app: FastifyInstance, rt: Runtime) {
  tenantRoutes(app, rt);
  provisioningRoutes(app, rt);
  settingsRoutes(app, rt);
  logoUploadRoutes(app, rt);
  analyticsRoutes(app, rt);
  feedbackRoutes(app, rt);
  shopRoutes(app, rt);
  employeeRoutes(app, rt);
  qrRoutes(app, rt);
  templateRoutes(app, rt);
  reviewPageRoutes(app, rt);
}
