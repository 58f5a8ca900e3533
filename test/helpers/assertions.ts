// Assertions every HTTP test uses: the one error body of /api/v1 and its request id.
import assert from 'node:assert/strict';

export type Res = { statusCode: number; json(): any; body: string; headers: Record<string, unknown> };

/**
 * Status, stable code, human message, and a requestId equal to the x-request-id header — in the
 * shape of the surface that answered (the Work API's structured body, see assertWorkError).
 */
export function assertError(res: Res, status: number, code: string): any {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  if (typeof body.error === 'object') return assertWorkError(res, status, code);
  assert.equal(body.code, code);
  assert.equal(typeof body.error, 'string');
  assert.match(body.requestId, /^req_/);
  assert.equal(res.headers['x-request-id'], body.requestId);
  return body;
}

/** The human message of an error body of either surface. */
export const errorMessage = (body: any): string => (typeof body.error === 'object' ? body.error.message : body.error);

/** The Work API (/api/client) error: `{ error: { code, message, status, request_id, details? } }`. */
export function assertWorkError(res: Res, status: number, code: string): any {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['error'], res.body);
  const e = body.error;
  assert.deepEqual(Object.keys(e).filter((k) => k !== 'details'), ['code', 'message', 'status', 'request_id'], res.body);
  assert.equal(e.code, code, res.body);
  assert.equal(e.status, status);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0);
  assert.match(e.request_id, /^req_/);
  assert.equal(res.headers['x-request-id'], e.request_id);
  return body;
}

/** The body with its request id blanked: what must be byte-identical between two 404s. */
export const withoutRequestId = (res: Res) => res.body.replace(res.json().requestId, 'req_');
