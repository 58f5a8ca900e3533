// Assertions every HTTP test uses: the one error body of /api/v1 and its request id.
import assert from 'node:assert/strict';

export type Res = { statusCode: number; json(): any; body: string; headers: Record<string, unknown> };

/** Status, stable code, human message, and a requestId equal to the x-request-id header. */
export function assertError(res: Res, status: number, code: string): any {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.equal(body.code, code);
  assert.equal(typeof body.error, 'string');
  assert.match(body.requestId, /^req_/);
  assert.equal(res.headers['x-request-id'], body.requestId);
  return body;
}

/** The body with its request id blanked: what must be byte-identical between two 404s. */
export const withoutRequestId = (res: Res) => res.body.replace(res.json().requestId, 'req_');
