// Every authenticated route declares `config.permission`. This plugin reads those declarations as
// routes are added: it completes their OpenAPI schema (security, permission, error responses)
// and keeps the list of operations that agent.json publishes, so neither can drift.
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { errorResponse, WORK_PREFIX, workErrorResponse, workUnauthorizedBodySchema } from './http-errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission the route needs; `ANY_CREDENTIAL` for "any valid credential". Unset = public. */
    permission?: string;
  }
}

export const ANY_CREDENTIAL = '*';

export interface Operation {
  id: string;
  method: string;
  path: string;
  permission: string | null;
  summary: string;
}

const ERROR_RESPONSES: Record<number, string> = {
  400: 'Validation failed; see fieldErrors',
  401: 'Missing or invalid Bearer key',
  403: 'The key lacks the permission, or belongs to another tenant',
  404: 'Not found in this tenant',
  429: 'Hourly rate limit exceeded; see Retry-After',
  500: 'Server error; retry with backoff',
};

/** The same statuses in the words of the Work API (/api/client). */
const WORK_ERROR_RESPONSES: Record<number, string> = {
  400: 'Validation failed (see error.details.fields), or a platform credential without workspace_id (workspace_required)',
  401: 'Missing or invalid credential (the simple OrgX body)',
  403: 'The credential lacks the permission',
  404: 'Not found in this workspace',
  429: 'Hourly rate limit exceeded; see Retry-After',
  500: 'Server error; retry with backoff',
};

/** `/api/v1/tenants/:tenantId` → `/api/v1/tenants/{tenantId}` */
export const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

export const operationsPlugin = fp(async (app: FastifyInstance, opts: { operations: Operation[] }) => {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as (Record<string, unknown> & { response?: Record<number, unknown> }) | undefined;
    if (!schema?.operationId || schema.hide) return;
    const permission = route.config?.permission ?? null;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      opts.operations.push({
        id: schema.operationId as string,
        method,
        path: openApiPath(route.url),
        permission: permission === ANY_CREDENTIAL ? null : permission,
        summary: (schema.summary as string) ?? '',
      });
    }
    // Fastify adds a HEAD twin of every GET that shares this schema object: complete it once.
    if (permission === null || schema.security) return;
    schema.security = [{ bearerAuth: [] }];
    const needs = permission === ANY_CREDENTIAL ? 'Any valid key.' : `Requires the \`${permission}\` permission.`;
    schema.description = [schema.description, needs].filter(Boolean).join('\n\n');
    schema.response ??= {};
    // Each surface documents its own error body (the Work API's is the OrgX shape, 401 simple).
    const work = route.url.startsWith(WORK_PREFIX);
    for (const [code, description] of Object.entries(work ? WORK_ERROR_RESPONSES : ERROR_RESPONSES)) {
      const n = Number(code);
      schema.response[n] ??= !work ? errorResponse(description) : n === 401 ? workUnauthorizedBodySchema.describe(description) : workErrorResponse(description);
    }
  });
});
