// QR codes of review links: one employee's as an image, a whole shop's as a printable page.
// Both answer with something other than JSON, so they carry their own headers; errors stay JSON.
import { z } from 'zod';
import { defineOperation, RawResponse } from '../../platform/operations.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';
import { PNG_SIZE, QR_FORMATS, employeeQr } from '../qr.ts';
import { QR_SHEET_CSP, renderQrSheet } from '../qr-sheet.ts';

const tags = ['Employees'];
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

export const getEmployeeQrOperation = defineOperation({
  id: 'getEmployeeQr',
  method: 'GET',
  path: '/tenants/:tenantId/employees/:employeeId/qr',
  permission: 'employees:read',
  tags,
  summary: "Get the QR code of an employee's review link",
  description:
    "The QR (error correction M, 4-module quiet zone) encodes the employee's `reviewUrl`. Inactive employees still get theirs, so a code can be reprinted. Served inline with a file name from the employee's name; cacheable privately for 5 minutes.",
  input: { params: employeeParams, query: qrQuery },
  output: {
    description: 'The QR code image',
    content: {
      'image/svg+xml': { schema: z.string().describe('An SVG document (format=svg)') },
      'image/png': { schema: z.string().meta({ format: 'binary' }).describe('PNG bytes (format=png)') },
    },
  },
  async run(ctx, { params, query }) {
    const qr = await employeeQr(ctx, params.tenantId, params.employeeId, query.format, query.size);
    return new RawResponse(qr.contentType, qr.body, {
      'content-disposition': `inline; filename="${qr.filename}"`,
      'cache-control': 'private, max-age=300',
      'x-content-type-options': 'nosniff',
      // Opened on its own, the SVG is a document of our origin: let it do nothing but render.
      'content-security-policy': "default-src 'none'; sandbox",
    });
  },
});

export const getShopQrSheetOperation = defineOperation({
  id: 'getShopQrSheet',
  method: 'GET',
  path: '/tenants/:tenantId/shops/:shopId/qr-sheet',
  permission: 'employees:read',
  tags,
  summary: "A printable sheet of a shop's employee QR codes",
  description:
    "An A4 HTML page with one card per active employee of the shop (by name): the tenant's logo and name, the employee's name, the QR code and a call to action in the tenant's default language. Self-contained (no script, no third-party resource) under a strict Content-Security-Policy; print it from the browser. A shop without active employees gets a page saying so.",
  input: { params: shopParams },
  output: {
    description: 'The printable page',
    content: { 'text/html': { schema: z.string().describe('An HTML document') } },
  },
  async run(ctx, { params }) {
    const page = await renderQrSheet(ctx, params.tenantId, params.shopId);
    return new RawResponse('text/html; charset=utf-8', page, {
      'content-security-policy': QR_SHEET_CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-cache',
      'referrer-policy': 'no-referrer',
    });
  },
});

export const qrOperations = [getEmployeeQrOperation, getShopQrSheetOperation];
