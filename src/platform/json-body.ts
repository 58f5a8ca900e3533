// JSON request bodies, parsed as Fastify does, minus one thing PostgreSQL cannot store: the NUL
// character. Text columns (and jsonb) reject it, so a `\u0000` anywhere in a body would reach the
// database only to fail there as a 500; here it is a 400 naming the body, before any work.
import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.ts';

/** `\u0000` as a JSON escape: preceded by an even number of backslashes (`\\u0000` is text). */
const NUL_ESCAPE = /(?<!\\)(?:\\\\)*\\u0000/i;

export function rejectNulCharacters(app: FastifyInstance) {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body: string, done) => {
    if (NUL_ESCAPE.test(body)) return done(badRequest({ body: ['Text must not contain the NUL character (\\u0000)'] }), undefined);
    parse(request, body, done);
  });
}
