// The platform's operations on /api/v1 (keys, audit, users, the operators' platform calls) and
// its routes there that are not operations (the dashboard's cookie sign-in surface).
import type { FastifyInstance } from 'fastify';
import type { AnyOperation } from '../operations.ts';
import type { Runtime } from '../runtime.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { personalKeyRoutes } from './personal-keys.ts';
import { platformRoutes as operatorRoutes } from './platform.ts';
import { userRoutes } from './users.ts';

export const platformOperations: AnyOperation[] = [];

export function platformRoutes(_scope: FastifyInstance, _rt: Runtime) {}

// TODO(conversion): registered at the root with full paths until converted.
export function platformLegacyRoutes(app: FastifyInstance, rt: Runtime) {
  apiKeyRoutes(app, rt);
  auditRoutes(app, rt);
  operatorRoutes(app, rt);
  authRoutes(app, rt);
  personalKeyRoutes(app, rt);
  userRoutes(app, rt);
}
