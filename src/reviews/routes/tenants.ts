// Moved: tenant operations are the platform's (src/platform/routes/tenants.ts).
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../platform/runtime.ts';

export function tenantRoutes(_app: FastifyInstance, _rt: Runtime) {}
