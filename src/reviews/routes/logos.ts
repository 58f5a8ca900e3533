// GET /assets/logos/<tenantId>.<ext>: the tenant's logo, served from our own origin (the bytes
// live in tenant_logos, so every node can answer) so customers' phones never call a third party.
// Public, like the review page that shows it. The `?v=<hash8>` in a tenant's logoUrl changes with
// the image, so a request naming the current version may be cached for a year; any other gets a
// short cache, so a replaced logo shows up soon even under an old URL.
import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { notFound } from '../../platform/errors.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { tenantLogos } from '../tables.ts';

const FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(png|jpg|webp|ico)$/i;

export function logoRoutes(app: FastifyInstance, rt: Runtime) {
  app.get<{ Params: { file: string }; Querystring: { v?: string } }>(
    '/assets/logos/:file',
    { schema: { hide: true } },
    async (req, reply) => {
      const m = FILE.exec(req.params.file);
      if (!m) throw notFound();
      const [logo] = await rt.db.select().from(tenantLogos).where(eq(tenantLogos.tenantId, m[1].toLowerCase())).limit(1);
      if (!logo) throw notFound();
      const etag = `"${logo.sha256}"`;
      const current = typeof req.query.v === 'string' && req.query.v === logo.sha256.slice(0, 8);
      reply
        .header('cache-control', current ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
        .header('etag', etag)
        .header('x-content-type-options', 'nosniff')
        // An image needs nothing else; should a browser ever render this as a document, it can do nothing.
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cross-origin-resource-policy', 'cross-origin');
      if (req.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type(logo.contentType).send(logo.bytes);
    },
  );
}
