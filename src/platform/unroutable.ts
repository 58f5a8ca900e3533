// The answer to a request the router cannot take at all (Fastify's "framework errors": a URL
// that does not decode and that request-url.ts could not repair, a path parameter past the
// router's limit). No hook runs for such a request, so this does their work: the request id,
// CORS, the caller identified when they present a credential (a valid key is counted and named
// in the audit row, a bad one is a 401 as anywhere), one audit row, and the error body of the API
// the URL points into — never Fastify's own body, never the URL echoed back.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CLIENT_PREFIX } from './apis.ts';
import { authenticateCaller } from './authenticate.ts';
import { allowAnyOrigin } from './cors.ts';
import { AppError, notFound } from './errors.ts';
import { renderError, renderWorkError, toAppError } from './http-errors.ts';
import { beginRequest, rateLimitHeaders } from './request-path.ts';
import type { Runtime } from './runtime.ts';

const CLIENT_API = new RegExp(`^${CLIENT_PREFIX}([/?]|$)`);

export async function answerUnroutable(rt: Runtime, err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // An absolute-form target (`GET http://host/api/v1/… HTTP/1.1`) is judged by its path.
  const path = request.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  beginRequest(rt, request, reply, path);
  allowAnyOrigin(reply, path);
  let answer: AppError =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? notFound()
      : err.code === 'FST_ERR_BAD_URL'
        ? new AppError(400, 'validation_failed', 'The URL is malformed', { url: ['Not a valid request target'] })
        : toAppError(err, request);
  try {
    // Identified only when a credential is presented: to count the request and name it in the row.
    await authenticateCaller(request, rt, { optional: true });
  } catch (failed) {
    answer = toAppError(failed as FastifyError, request);
  }
  rateLimitHeaders(request, reply);
  const render = CLIENT_API.test(path) ? renderWorkError : renderError;
  return render(request, reply, answer);
}
