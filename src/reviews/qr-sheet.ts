// The printable QR sheet of a shop: one card per active employee (logo, business name, employee
// name, QR, a call to action in the tenant's default language), six to an A4 page with dashed
// cut lines. A self-contained page: one <style> element allowed by its hash, no script, no
// third-party resource, so it can be sent under a CSP that allows nothing else.
import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { notFound } from '../platform/errors.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { tenants } from '../platform/tables.ts';
import { ownLogoUrl } from './branding.ts';
import { reviewUrlOf } from './employees.ts';
import { html, Raw } from './pages/html.ts';
import { pageLanguageOf, stringsFor, type Strings } from './pages/strings/index.ts';
import { qrSvg } from './qr.ts';
import { employees, shops } from './tables.ts';

/** 2 × 3 cards of 95 × 90 mm fill the 190 × 277 mm inside A4's 10 mm margins with room to spare. */
const CARDS_PER_PAGE = 6;

// Constant, so its CSP hash is computed once. The cut lines are outlines centred on each card's
// edge: neighbouring cards draw the same line instead of two parallel ones. The QR box is 54 mm
// including its 4-module quiet zone, so the code itself stays above 4 cm.
const STYLE = `
@page { size: A4 portrait; margin: 10mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; padding: 8mm 0; background: #e8e8e8; color: #111;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
.intro { width: 190mm; margin: 0 auto 6mm; }
.intro h1 { margin: 0 0 2mm; font-size: 16pt; }
.intro p { margin: 0; color: #444; font-size: 11pt; }
.sheet { width: 190mm; margin: 0 auto 8mm; background: #fff; display: grid;
  grid-template-columns: repeat(2, 95mm); grid-auto-rows: 90mm; break-after: page; page-break-after: always; }
.sheet:last-of-type { break-after: auto; page-break-after: auto; }
.card { outline: 0.25mm dashed #8c8c8c; outline-offset: -0.125mm; padding: 4mm; overflow: hidden;
  display: flex; flex-direction: column; align-items: center; justify-content: space-between; text-align: center;
  break-inside: avoid; page-break-inside: avoid; }
.brand { display: flex; align-items: center; justify-content: center; gap: 2.5mm; height: 10mm; max-width: 100%; }
.brand img { max-height: 10mm; max-width: 20mm; object-fit: contain; }
.tenant { font-size: 12pt; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.qr { width: 54mm; height: 54mm; flex: none; }
.qr svg { display: block; width: 100%; height: 100%; }
.employee { max-width: 100%; font-size: 15pt; font-weight: 700; line-height: 1.2; overflow-wrap: anywhere;
  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 3; line-clamp: 3; overflow: hidden; }
.cta { font-size: 10.5pt; color: #333; }
.empty { width: 190mm; margin: 0 auto; padding: 10mm; background: #fff; font-size: 13pt; }
@media print {
  body { padding: 0; background: none; }
  .intro { display: none; }
  .sheet { margin: 0; }
}
`;

/** The value for the page's CSP `style-src`: exactly the one <style> element above. */
export const QR_SHEET_STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;
export const QR_SHEET_CSP = [
  "default-src 'none'",
  `style-src ${QR_SHEET_STYLE_HASH}`,
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

interface SheetData {
  tenantName: string;
  logoUrl: string | null;
  shopName: string;
  strings: Strings;
  employees: { name: string; reviewUrl: string; svg: string }[];
}

/**
 * The sheet of one live shop (employees:read); another tenant's, unknown or deleted shop is a
 * 404. A shop without active employees gets a page that says so.
 */
export async function renderQrSheet(ctx: ServiceContext, tenantId: string, shopId: string): Promise<string> {
  const t = authorizeTenant(ctx, tenantId, 'employees:read');
  if (!isUuid(shopId)) throw notFound();
  const s = shopId.toLowerCase();
  const db = ctx.rt.db;
  const [[shop], staff] = await Promise.all([
    db
      .select({ shopName: shops.name, tenantName: tenants.name, logoUrl: tenants.logoUrl, defaultLanguage: tenants.defaultLanguage })
      .from(shops)
      .innerJoin(tenants, eq(tenants.id, shops.tenantId))
      .where(and(eq(shops.tenantId, t), eq(shops.id, s), isNull(shops.deletedAt))),
    db
      .select({ id: employees.id, name: employees.name, code: employees.code })
      .from(employees)
      .where(and(eq(employees.tenantId, t), eq(employees.shopId, s), eq(employees.active, true))),
  ]);
  if (!shop) throw notFound();

  const publicUrl = ctx.rt.config.publicUrl;
  const strings = stringsFor(pageLanguageOf(shop.defaultLanguage) ?? 'en');
  // Sorted here, not in SQL: the database's collation differs between installs (and PGlite),
  // the order of a printed sheet should not.
  const collator = new Intl.Collator(strings.lang, { sensitivity: 'base', numeric: true });
  const ordered = [...staff].sort((a, b) => collator.compare(a.name, b.name) || a.id.localeCompare(b.id));
  const cards = await Promise.all(
    ordered.map(async (e) => {
      const reviewUrl = reviewUrlOf(publicUrl, e.code);
      return { name: e.name, reviewUrl, svg: await qrSvg(reviewUrl) };
    }),
  );
  return sheetHtml({ tenantName: shop.tenantName, logoUrl: ownLogoUrl(shop.logoUrl, publicUrl), shopName: shop.shopName, strings, employees: cards });
}

function card(d: SheetData, e: SheetData['employees'][number]): Raw {
  return html`<article class="card">
<div class="brand">${d.logoUrl ? html`<img src="${d.logoUrl}" alt="">` : ''}<span class="tenant">${d.tenantName}</span></div>
<div class="qr" role="img" aria-label="${e.reviewUrl}">${new Raw(e.svg)}</div>
<div class="employee">${e.name}</div>
<div class="cta">${d.strings.qrCallToAction}</div>
</article>
`;
}

export function sheetHtml(d: SheetData): string {
  const s = d.strings;
  const pages: Raw[] = [];
  for (let i = 0; i < d.employees.length; i += CARDS_PER_PAGE) {
    pages.push(html`<section class="sheet">
${d.employees.slice(i, i + CARDS_PER_PAGE).map((e) => card(d, e))}</section>
`);
  }
  const body = pages.length
    ? html`<header class="intro"><h1>${s.qrSheetTitle(d.shopName)}</h1><p>${s.qrPrintHint}</p></header>
${pages}`
    : html`<main class="empty"><h1>${s.qrSheetTitle(d.shopName)}</h1><p>${s.qrSheetEmpty}</p></main>`;
  return html`<!doctype html>
<html lang="${s.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${s.qrSheetTitle(d.shopName)}</title>
<style>${new Raw(STYLE)}</style>
</head>
<body>
${body}
</body>
</html>
`.value;
}
