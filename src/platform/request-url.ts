// The URL of a request, checked once at the edge for every route (both APIs, pages, assets), so
// no path parameter or query value that cannot be valid ever reaches a service or SQL:
// - a malformed percent-escape (`%zz`, `%E0%A4%A`) or escapes that are not UTF-8: 400;
// - a path parameter holding a control character (NUL, which PostgreSQL text cannot store, or
//   any other: no id, code or token has one) or longer than any id we issue: 404, like any
//   other id that names nothing (docs/reviews-api-contract.md §2);
// - a query parameter holding NUL: 400 naming the parameter.
// The router (find-my-way) cannot route a path that does not decode, and Fastify would answer
// with its own body before any hook ran (no request id, no audit row). So `rewriteUrl` hands the
// router a decodable path — each malformed escape replaced by U+FFFD — and remembers the request;
// the request then takes the normal path (request id, authentication, audit row with the route)
// and `checkRequestUrl`, called by authenticate.ts once the caller is known, refuses it.
import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { AppError, badRequest, notFound, type FieldErrors } from './errors.ts';

/** Longer than any id, code, slug or token this server issues (UUIDs are 36, link tokens 43). */
export const MAX_PATH_PARAM = 200;

const CONTROL = /[\u0000-\u001f\u007f]/;
const REPLACEMENT = '%EF%BF%BD';
/** Requests whose path arrived with malformed escapes (rewritten so the router can route them). */
const malformed = new WeakSet<IncomingMessage>();

const decodes = (text: string, decode: (s: string) => string) => {
  try {
    decode(text);
    return true;
  } catch {
    return false;
  }
};

/** Fastify's `rewriteUrl`: the URL unchanged, unless its path does not decode (then see above). */
export function rewriteUrl(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!path.includes('%') || decodes(path, decodeURI)) return url;
  const repaired = path.replace(/(?:%[0-9A-Fa-f]{2})+|%/g, (run) => (decodes(run, decodeURIComponent) ? run : REPLACEMENT));
  // Anything the repair cannot fix is left to the router's bad-URL answer (app.ts).
  if (!decodes(repaired, decodeURI)) return url;
  malformed.add(req);
  return repaired + (q === -1 ? '' : url.slice(q));
}

export const malformedUrl = () =>
  new AppError(400, 'validation_failed', 'The URL is malformed: a percent-escape (%XX) is incomplete or not UTF-8', {
    url: ['Malformed percent-encoding'],
  });

/** Throws the answer for a URL that cannot be valid; returns for every other. */
export function checkRequestUrl(request: FastifyRequest): void {
  if (malformed.has(request.raw)) throw malformedUrl();
  const params = request.params as Record<string, unknown> | undefined;
  if (params) {
    for (const name in params) {
      const value = params[name];
      if (typeof value !== 'string') continue;
      // `*` is the rest of a page's path (the dashboard's), not an id: only control characters count.
      if (CONTROL.test(value) || (name !== '*' && value.length > MAX_PATH_PARAM)) throw notFound();
    }
  }
  const q = request.url.indexOf('?');
  if (q !== -1) {
    const errors = queryErrors(request.url.slice(q + 1));
    if (errors) throw badRequest(errors, 'The query string is malformed');
  }
}

/** A parameter's name as a field: itself when it is plain, else `query` (nothing odd is echoed). */
const fieldName = (name: string | null) => (name !== null && /^[\w.[\]-]{1,64}$/.test(name) ? name : 'query');

function decodeQueryPart(part: string): string | null {
  try {
    return decodeURIComponent(part.replaceAll('+', ' '));
  } catch {
    return null;
  }
}

/** Every parameter of a raw query string that does not decode or holds NUL, or null. */
function queryErrors(query: string): FieldErrors | null {
  if (!query.includes('%') && !CONTROL.test(query)) return null;
  let errors: FieldErrors | null = null;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const name = decodeQueryPart(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeQueryPart(pair.slice(eq + 1));
    let problem: string | null = null;
    if (name === null || value === null) problem = 'Malformed percent-encoding';
    else if (CONTROL.test(name)) problem = 'A parameter name must not contain control characters';
    else if (value.includes('\0')) problem = 'Must not contain the NUL character (%00)';
    if (!problem) continue;
    const list = ((errors ??= {})[fieldName(name !== null && !CONTROL.test(name) ? name : null)] ??= []);
    if (!list.includes(problem)) list.push(problem);
  }
  return errors;
}
