// Renders every failure as the JSON error body of the surface that was called: the v1 shape on
// /api/v1 (and everything else), the OrgX shape on /api/client (each API sets its own renderer in
// its scope, see api.ts). No stack ever leaves.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { databaseFailure } from '../db/index.ts';
import { AppError, badRequest, notFound, type FieldErrors } from './errors.ts';

export const errorBodySchema = z
  .object({
    error: z.string().describe('A human sentence'),
    code: z.string().describe('A stable machine code'),
    requestId: z.string().describe('Equal to the x-request-id header'),
    fieldErrors: z.record(z.string(), z.array(z.string())).optional().describe('400 only: field path → messages'),
  })
  .meta({ id: 'Error' });

/** A documented error response of a route (for codes beyond the standard set). */
export const errorResponse = (description: string) => errorBodySchema.describe(description);

/** The OrgX error shape of /api/client (docs/work-api-contract.md §2). */
export const workErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('A stable machine code'),
      message: z.string().describe('A human sentence'),
      status: z.number().int().describe('The HTTP status'),
      request_id: z.string().describe('Equal to the x-request-id header'),
      details: z
        .object({ fields: z.record(z.string(), z.array(z.string())) })
        .optional()
        .describe('Validation errors only: field path → messages'),
    }),
  })
  .meta({ id: 'WorkError' });

/** The OrgX contract keeps a simple body for 401 on /api/client. */
export const workUnauthorizedBodySchema = z
  .object({ error: z.literal('Unauthorized'), message: z.string().describe('Starts with "Valid API key required."') })
  .meta({ id: 'WorkUnauthorized' });

/** A documented error response of a /api/client route. */
export const workErrorResponse = (description: string) => workErrorBodySchema.describe(description);

/** The error body of /api/v1 and of every route outside an API: `{ error, code, requestId, fieldErrors? }`. */
export function renderError(request: FastifyRequest, reply: FastifyReply, err: AppError) {
  if (err.headers) reply.headers(err.headers);
  return reply.code(err.status).send({
    error: err.message,
    code: err.code,
    requestId: request.id,
    ...(err.fieldErrors ? { fieldErrors: err.fieldErrors } : {}),
  });
}

/** The OrgX error body of /api/client; the contract keeps a simple body for 401. */
export function renderWorkError(request: FastifyRequest, reply: FastifyReply, err: AppError) {
  if (err.headers) reply.headers(err.headers);
  reply.code(err.status);
  if (err.status === 401) return reply.send({ error: 'Unauthorized', message: `Valid API key required. ${err.message}` });
  return reply.send({
    error: {
      code: err.code,
      message: err.message,
      status: err.status,
      request_id: request.id,
      ...(err.fieldErrors ? { details: { fields: err.fieldErrors } } : {}),
    },
  });
}

/** Zod issues → `fieldErrors`, every offending field at once, unknown fields named. */
function fieldErrorsOf(error: { validation: { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }[] }, context: string): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.validation) {
    const base = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (issue.keyword === 'unrecognized_keys') {
      for (const key of (issue.params.keys as string[]) ?? []) (out[base ? `${base}.${key}` : key] ??= []).push('Unknown field');
      continue;
    }
    const field = base || context;
    (out[field] ??= []).push(issue.message ?? 'Invalid value');
  }
  return out;
}

/** Maps framework and library errors onto AppErrors; anything unexpected is a logged 500. */
export function toAppError(err: FastifyError, request: FastifyRequest): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    // A path parameter that does not parse (a malformed UUID) is simply not found.
    if (err.validationContext === 'params') return notFound();
    return badRequest(fieldErrorsOf(err, err.validationContext ?? 'body'));
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(413, 'payload_too_large', 'The request body is larger than 1 MiB');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError(415, 'unsupported_media_type', 'Send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest({ body: ['The body is empty; send a JSON object'] });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return badRequest({ body: ['The body is not valid JSON'] }, 'Malformed JSON');
  }
  if (err instanceof SyntaxError && err.statusCode === 400) return badRequest({ body: ['The body is not valid JSON'] }, 'Malformed JSON');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError(err.statusCode, err.statusCode === 404 ? 'not_found' : 'validation_failed', err.message);
  }
  const failure = databaseFailure(err);
  if (failure) {
    // Not the request's fault and not a bug: the client should come back shortly (README, "When the database fails").
    request.log.warn({ code: (err as { code?: string }).code, failure }, 'database failure; answered 503');
    return failure === 'busy'
      ? new AppError(503, 'database_busy', 'The database is busy; retry shortly', undefined, { 'retry-after': '1' })
      : new AppError(503, 'database_unavailable', 'The database is unreachable; retry shortly', undefined, { 'retry-after': '2' });
  }
  request.log.error({ err }, 'unhandled error');
  return new AppError(500, 'internal', 'Internal server error; retry with backoff');
}

/** The unknown-route message; the path is not repeated (it may hold anything a client sent). */
export const noRouteMessage = (method: string) => `No route for ${method} at this path; the routes are listed at /api/v1/openapi`;

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => renderError(request, reply, toAppError(err, request)));
  app.setNotFoundHandler((request, reply) =>
    renderError(request, reply, new AppError(404, 'not_found', noRouteMessage(request.method))),
  );
}
