// The platform's operations on /api/v1 (tenants, keys, audit, the operators' platform calls, personal
// keys, users) and its routes there that are not operations (the dashboard's cookie sign-in
// surface).
import type { FastifyInstance } from 'fastify';
import type { AnyOperation } from '../operations.ts';
import type { Runtime } from '../runtime.ts';
import { apiKeyOperations } from './api-keys.ts';
import { auditOperations } from './audit.ts';
import { authRoutes } from './auth.ts';
import { personalKeyOperations } from './personal-keys.ts';
import { platformConsoleOperations } from './platform.ts';
import { tenantOperations } from './tenants.ts';
import { userOperations } from './users.ts';

/** In the order they are published (OpenAPI, agent.json): tenants first. */
export const platformOperations: AnyOperation[] = [
  ...tenantOperations,
  ...apiKeyOperations,
  ...auditOperations,
  ...platformConsoleOperations,
  ...personalKeyOperations,
  ...userOperations,
];

/** The platform's routes of the /api/v1 scope that are not operations: cookie sign-in. */
export function platformRoutes(scope: FastifyInstance, rt: Runtime) {
  authRoutes(scope, rt);
}
