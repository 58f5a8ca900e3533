// The two APIs every module's operations are served on. `/api/v1` speaks the platform's own
// conventions (camelCase, `{ error, code, requestId }`); `/api/client` is the OrgX-compatible
// surface (snake_case, `{ ok, data }`, the OrgX error body, a workspace per call): see
// docs/work-api-contract.md.
import type { FastifyInstance } from 'fastify';
import type { Api } from './api.ts';
import { errorBodySchema, renderError, renderWorkError, workErrorBodySchema, workUnauthorizedBodySchema } from './http-errors.ts';
import { resolveWorkspace, type WorkspaceContext } from './workspace.ts';

export const V1_PREFIX = '/api/v1';
export const CLIENT_PREFIX = '/api/client';

export const v1Api: Api = {
  prefix: V1_PREFIX,
  renderError,
  errorSchema: (_status, description) => errorBodySchema.describe(description),
  standardErrors: {
    400: 'Validation failed; see fieldErrors',
    401: 'Missing or invalid Bearer key',
    403: 'The key lacks the permission, or belongs to another tenant',
    404: 'Not found in this tenant',
    429: 'Hourly rate limit exceeded; see Retry-After',
    500: 'Server error; retry with backoff',
  },
  context: (base) => base,
};

export const clientApi: Api<WorkspaceContext> = {
  prefix: CLIENT_PREFIX,
  renderError: renderWorkError,
  errorSchema: (status, description) => (status === 401 ? workUnauthorizedBodySchema : workErrorBodySchema).describe(description),
  standardErrors: {
    400: 'Validation failed (see error.details.fields; a field sent under two names with different values is named there too), or a platform credential without workspace_id (workspace_required)',
    401: 'Missing or invalid credential (the simple OrgX body)',
    403: 'The credential lacks the permission',
    404: 'Not found in this workspace',
    429: 'Hourly rate limit exceeded; see Retry-After',
    500: 'Server error; retry with backoff',
  },
  // The workspace is an input every operation here declares: `workspace_id` in the query, or in
  // the body of a POST (the query wins when both are sent).
  async context(base, input) {
    const query = input.query as { workspace_id?: string } | undefined;
    const body = input.body as { workspace_id?: string } | null | undefined;
    return { ...base, workspaceId: await resolveWorkspace(base, query?.workspace_id ?? body?.workspace_id) };
  },
  // Clients of the contract send extra fields: accepted, aliased, and named in `warnings`.
  readsLeniently: true,
  hooks: echoOrgxVersion,
};

/**
 * `OrgX-Version` (reserved for pinning a contract date) is echoed on every /api/client response.
 * No behaviour depends on it yet, so any value is accepted; what is echoed is reduced to
 * characters a date or version can contain, so a header can never carry anything else back.
 */
function echoOrgxVersion(scope: FastifyInstance) {
  scope.addHook('onSend', (request, reply, payload, done) => {
    const raw = request.headers['orgx-version'];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.replace(/[^0-9A-Za-z._:+-]/g, '').slice(0, 64);
    if (value) reply.header('orgx-version', value);
    done(null, payload);
  });
}
