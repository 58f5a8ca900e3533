// PUT /api/v1/tenants/{tenantId}/logo: the dashboard's logo upload (or fetch from a URL).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/authenticate.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { websiteUrlSchema } from '../../platform/listing-urls.ts';
import { setLogo } from '../logo-upload.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';
import { settingsSchema } from './settings.ts';

const logoBodySchema = z
  .strictObject({
    image: z.string().max(400_000, 'Must be at most 256 KB').optional().describe('The image file, base64-encoded (a data: URL prefix is allowed)'),
    url: websiteUrlSchema.optional().describe('An http(s) address the server downloads the image from, once'),
  })
  .refine((b) => (b.image === undefined) !== (b.url === undefined), { message: 'Send either image or url', path: ['image'] })
  .meta({ id: 'SetLogoRequest', example: { url: 'https://brightsmile.example/logo.png' } });

export function logoUploadRoutes(app: FastifyInstance, rt: Runtime) {
  app.withTypeProvider<ZodTypeProvider>().put(
    '/api/v1/tenants/:tenantId/logo',
    {
      config: { permission: 'settings:write' },
      schema: {
        operationId: 'setLogo',
        tags: ['Settings'],
        summary: "Set a tenant's logo",
        description:
          'Upload the image (base64 in `image`) or name an address to download it from (`url`). PNG, JPEG, WebP or ICO, at most 256 KB, checked by its bytes; SVG is refused. The logo is stored and served from our own origin; `logoUrl` in the settings names it. `PATCH …/settings {"logoUrl": null}` removes it.',
        params: tenantIdParams,
        body: logoBodySchema,
        response: { 200: z.object({ settings: settingsSchema }) },
      },
    },
    async (req) => {
      const source = req.body.image !== undefined ? { image: req.body.image } : { url: req.body.url! };
      return { settings: await setLogo(contextOf(req, rt), req.params.tenantId, source) };
    },
  );
}
