// GET /favicon.ico: the product's icon (a white star on blue, 16, 32 and 48 px in one ICO file),
// which browsers ask for on every origin they visit, pages that name no icon of their own
// included. Without it, the request would be a 404 (or, for an SPA fallback, HTML). The file is
// fixed for a release, so it may be cached for a day and revalidated by its ETag.
// (The review page names the tenant's logo as its icon when there is one: pages/review-page.ts.)
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';

const ICON = fs.readFileSync(new URL('./favicon.ico', import.meta.url));
const ETAG = `"${createHash('sha256').update(ICON).digest('hex').slice(0, 16)}"`;

export function faviconRoutes(app: FastifyInstance) {
  app.get('/favicon.ico', { schema: { hide: true } }, async (request, reply) => {
    reply
      .header('cache-control', 'public, max-age=86400')
      .header('etag', ETAG)
      .header('x-content-type-options', 'nosniff')
      // An image needs nothing else; should a browser ever render it as a document, it can do nothing.
      .header('content-security-policy', "default-src 'none'; sandbox");
    if (request.headers['if-none-match'] === ETAG) return reply.code(304).send();
    return reply.type('image/x-icon').send(ICON);
  });
}
