// The dashboard's logo upload (or fetch from a URL); the stored logo is served by logos.ts.
import { z } from 'zod';
import { defineOperation } from '../../platform/operations.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';
import { setLogo } from '../logo-upload.ts';
import { logoBodySchema, settingsSchema } from '../settings-schemas.ts';

export const setLogoOperation = defineOperation({
  id: 'setLogo',
  method: 'PUT',
  path: '/tenants/:tenantId/logo',
  permission: 'settings:write',
  tags: ['Settings'],
  summary: "Set a tenant's logo",
  description:
    'Upload the image (base64 in `image`) or name an address to download it from (`url`). PNG, JPEG, WebP or ICO, at most 256 KB, checked by its bytes; SVG is refused. The logo is stored and served from our own origin; `logoUrl` in the settings names it. `PATCH …/settings {"logoUrl": null}` removes it.',
  input: { params: tenantIdParams, body: logoBodySchema },
  output: z.object({ settings: settingsSchema }),
  async run(ctx, { params, body }) {
    const source = body.image !== undefined ? { image: body.image } : { url: body.url! };
    return { settings: await setLogo(ctx, params.tenantId, source) };
  },
});

export const logoOperations = [setLogoOperation];
