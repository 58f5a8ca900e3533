// QR codes of review links: one employee's as an image, a whole shop's as a printable page.
// Both answer with something other than JSON, so they set their own headers; errors stay JSON.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/authenticate.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { PNG_SIZE, QR_FORMATS, employeeQr } from '../qr.ts';
import { QR_SHEET_CSP, renderQrSheet } from '../qr-sheet.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';

const employeeParams = tenantIdParams.extend({ employeeId: z.uuid().describe('The employee id') });
const shopParams = tenantIdParams.extend({ shopId: z.uuid().describe('The shop id') });

const sizeError = `Must be a whole number from ${PNG_SIZE.min} to ${PNG_SIZE.max}`;
const qrQuery = z.strictObject({
  format: z.enum(QR_FORMATS, { error: 'Must be svg or png' }).default('svg').describe('Image format (default svg)'),
  size: z.coerce
    .number({ error: sizeError })
    .int({ error: sizeError })
    .min(PNG_SIZE.min, { error: sizeError })
    .max(PNG_SIZE.max, { error: sizeError })
    .default(PNG_SIZE.default)
    .describe(`Width and height in pixels of the PNG (the SVG's nominal size), ${PNG_SIZE.min}–${PNG_SIZE.max}, default ${PNG_SIZE.default}`),
});

/** The typed reply only accepts what the 200 schema describes (a string); the PNG is bytes. */
const sendBytes = (reply: FastifyReply, body: Buffer) => reply.send(body);

export function qrRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Employees'];

  r.get(
    '/api/v1/tenants/:tenantId/employees/:employeeId/qr',
    {
      config: { permission: 'employees:read' },
      schema: {
        operationId: 'getEmployeeQr',
        tags,
        summary: "Get the QR code of an employee's review link",
        description:
          'The QR (error correction M, 4-module quiet zone) encodes the employee\'s `reviewUrl`. Inactive employees still get theirs, so a code can be reprinted. Served inline with a file name from the employee\'s name; cacheable privately for 5 minutes.',
        params: employeeParams,
        querystring: qrQuery,
        response: {
          200: {
            description: 'The QR code image',
            content: {
              'image/svg+xml': { schema: z.string().describe('An SVG document (format=svg)') },
              'image/png': { schema: z.string().meta({ format: 'binary' }).describe('PNG bytes (format=png)') },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const qr = await employeeQr(contextOf(req, rt), req.params.tenantId, req.params.employeeId, req.query.format, req.query.size);
      reply
        .type(qr.contentType)
        .header('content-disposition', `inline; filename="${qr.filename}"`)
        .header('cache-control', 'private, max-age=300')
        .header('x-content-type-options', 'nosniff')
        // Opened on its own, the SVG is a document of our origin: let it do nothing but render.
        .header('content-security-policy', "default-src 'none'; sandbox");
      return sendBytes(reply, qr.body);
    },
  );

  r.get(
    '/api/v1/tenants/:tenantId/shops/:shopId/qr-sheet',
    {
      config: { permission: 'employees:read' },
      schema: {
        operationId: 'getShopQrSheet',
        tags,
        summary: "A printable sheet of a shop's employee QR codes",
        description:
          "An A4 HTML page with one card per active employee of the shop (by name): the tenant's logo and name, the employee's name, the QR code and a call to action in the tenant's default language. Self-contained (no script, no third-party resource) under a strict Content-Security-Policy; print it from the browser. A shop without active employees gets a page saying so.",
        params: shopParams,
        response: {
          200: {
            description: 'The printable page',
            content: { 'text/html': { schema: z.string().describe('An HTML document') } },
          },
        },
      },
    },
    async (req, reply) => {
      const page = await renderQrSheet(contextOf(req, rt), req.params.tenantId, req.params.shopId);
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', QR_SHEET_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-cache')
        .header('referrer-policy', 'no-referrer')
        .send(page);
    },
  );
}
