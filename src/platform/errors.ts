// One error type for every module. Routes and services throw AppError; the error handler renders
// it in the shape of the surface that was called (Reviews v1 or the Work API).

export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'tenant_suspended'
  | 'not_found'
  | 'conflict'
  | 'idempotency_in_progress'
  | 'idempotency_mismatch'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal'
  // the node is overloaded or its database is unreachable (503, with Retry-After)
  | 'audit_backlog'
  | 'database_unavailable'
  | 'database_busy'
  // accounts and sessions
  | 'invalid_credentials'
  | 'password_change_required'
  | 'csrf_failed'
  | 'origin_not_allowed'
  | 'token_invalid'
  | 'last_owner'
  | (string & {});

export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (fieldErrors: FieldErrors, message = 'Validation failed') =>
  new AppError(400, 'validation_failed', message, fieldErrors);
export const unauthorized = (message = 'Missing or invalid API key') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'This key lacks the permission for this request') =>
  new AppError(403, 'forbidden', message);
/** Identical for "missing" and "belongs to another tenant", so ids cannot be probed. */
export const notFound = () => new AppError(404, 'not_found', 'Resource not found');
export const conflict = (message: string) => new AppError(409, 'conflict', message);
export const tenantSuspended = () => new AppError(403, 'tenant_suspended', 'This tenant is suspended');
