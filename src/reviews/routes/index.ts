// Every route of the Reviews module (/api/v1). Each file registers one resource's routes.
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../platform/runtime.ts';
import { tenantRoutes } from './tenants.ts';

export function reviewsRoutes(app: FastifyInstance, rt: Runtime) {
  tenantRoutes(app, rt);
}
