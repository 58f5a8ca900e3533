// QR codes of employees' review links (docs/reviews-api-contract.md §5), as SVG for print shops and as PNG for
// anything that only takes pixels. Error correction M survives a scuffed or partly covered
// sticker without making the code dense; the quiet zone keeps phones locking on when the code is
// printed on a busy background.
import QRCode from 'qrcode';
import type { ServiceContext } from '../platform/principal.ts';
import { getEmployee } from './employees.ts';

/** Modules of white around the code: the 4 ISO/IEC 18004 asks for, whatever the code is printed on. */
export const QR_QUIET_ZONE = 4;
export const QR_FORMATS = ['svg', 'png'] as const;
export type QrFormat = (typeof QR_FORMATS)[number];
export const PNG_SIZE = { min: 128, max: 2048, default: 512 } as const;

const base = { errorCorrectionLevel: 'M', margin: QR_QUIET_ZONE } as const;

/**
 * The QR of `text` as a standalone SVG document (only `<svg>` and two `<path>`s; no script, no
 * style attribute, so it may also be inlined into a page under a strict CSP). `size` sets its
 * nominal width and height in pixels; without it the SVG scales to its container.
 */
export async function qrSvg(text: string, size?: number): Promise<string> {
  const svg = await QRCode.toString(text, { ...base, type: 'svg', ...(size ? { width: size } : {}) });
  return svg.trim();
}

/** The QR of `text` as a PNG exactly `size` pixels square. */
export function qrPng(text: string, size: number = PNG_SIZE.default): Promise<Buffer> {
  return QRCode.toBuffer(text, { ...base, type: 'png', width: size });
}

/**
 * A file-name-safe ASCII form of a name: accents dropped, anything else a hyphen. A name with no
 * Latin letters at all (e.g. 王芳) falls back to the employee's code so downloads stay distinct.
 */
export function fileSlug(name: string, fallback: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || fallback;
}

export interface QrFile {
  body: Buffer;
  contentType: string;
  filename: string;
}

/**
 * An employee's QR (employees:read). Another tenant's or an unknown employee is a 404; an inactive
 * employee still gets theirs, so an owner can reprint before reactivating someone.
 */
export async function employeeQr(ctx: ServiceContext, tenantId: string, employeeId: string, format: QrFormat, size: number): Promise<QrFile> {
  const employee = await getEmployee(ctx, tenantId, employeeId);
  const filename = `${fileSlug(employee.name, `employee-${employee.code}`)}-qr.${format}`;
  if (format === 'png') return { body: await qrPng(employee.reviewUrl, size), contentType: 'image/png', filename };
  return { body: Buffer.from(await qrSvg(employee.reviewUrl, size), 'utf8'), contentType: 'image/svg+xml; charset=utf-8', filename };
}
