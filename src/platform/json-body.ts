// JSON request bodies, parsed as Fastify does, with what the database and the contracts need:
// - JSON is UTF-8 (RFC 8259): a `charset` other than UTF-8 is a 415, and bytes that are not UTF-8
//   a 400 (never decoded into U+FFFD in silence);
// - the NUL character (`\u0000`) is a 400 naming each field that holds it: PostgreSQL text and
//   jsonb cannot store it, so it would otherwise reach the database only to fail there as a 500;
// - an empty body is no body: an operation whose fields are all optional takes it as `{}` (all
//   defaults, as an empty POST means to its callers; see `emptyBodyDefaults`), any other gets a
//   400 for its missing fields.
import type { FastifyInstance } from 'fastify';
import { AppError, badRequest, type FieldErrors } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * What no body at all means to an operation that takes one (set by api.ts): `{}` when its
     * fields are all optional, else a 400 saying the body is missing.
     */
    emptyBody?: 'defaults' | 'refused';
  }
}

/** `\u0000` as a JSON escape: preceded by an even number of backslashes (`\\u0000` is text). */
const NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/i;
const NUL_MESSAGE = 'Text must not contain the NUL character (\\u0000)';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The `charset` parameter of a Content-Type, lower-cased and unquoted, or null. */
function charsetOf(contentType: string | undefined): string | null {
  const match = /;\s*charset\s*=\s*("?)([^";\s]*)\1/i.exec(contentType ?? '');
  return match ? match[2].toLowerCase() : null;
}

/** Dotted paths (`items.0.name`, as fieldErrors name fields) of every string or key holding NUL. */
function nulPaths(value: unknown, path: string, out: string[]): string[] {
  if (typeof value === 'string') {
    if (value.includes('\0')) out.push(path || 'body');
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => nulPaths(item, path ? `${path}.${i}` : String(i), out));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      // A key with NUL is itself the offence; it is not echoed, its parent is named.
      if (key.includes('\0')) out.push(path || 'body');
      else nulPaths(item, path ? `${path}.${key}` : key, out);
    }
  }
  return out;
}

export function jsonBodies(app: FastifyInstance) {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw: Buffer, done) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
      return done(new AppError(415, 'unsupported_media_type', 'Send the body as application/json in UTF-8 (charset=utf-8, or no charset)'), undefined);
    }
    let text: string;
    try {
      text = utf8.decode(raw);
    } catch {
      return done(badRequest({ body: ['The body is not valid UTF-8'] }, 'Malformed JSON'), undefined);
    }
    if (text.trim() === '') return done(null, undefined);
    parse(request, text, (err, body) => {
      if (err) return done(err, undefined);
      const withNul = NUL_ESCAPE.test(text) ? nulPaths(body, '', []) : [];
      if (withNul.length > 0) {
        const fieldErrors: FieldErrors = {};
        for (const path of withNul) fieldErrors[path] = [NUL_MESSAGE];
        return done(badRequest(fieldErrors), undefined);
      }
      done(null, body);
    });
  });
}

/**
 * No body at all (none sent, or an empty one): `{}` for an operation whose fields are all
 * optional, a 400 for one that needs fields. Registered before the idempotency plugin, so a retry
 * of an empty POST and one of `{}` are the same request.
 */
export function emptyBodies(app: FastifyInstance) {
  // Callback form (nothing asynchronous: no promise per request); a throw reaches the error handler.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body === undefined) {
      const meaning = request.routeOptions.config.emptyBody;
      if (meaning === 'defaults') request.body = {};
      else if (meaning === 'refused') return done(badRequest({ body: ['The body is empty; send a JSON object'] }));
    }
    done();
  });
}
