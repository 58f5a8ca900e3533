// A tenant's brand from its website (docs/reviews-api-contract.md §4, §7): `<meta name="theme-color">` becomes
// the primary colour, an accent is derived from it, and the favicon is downloaded once, checked
// by its magic bytes (PNG, JPEG, WebP or ICO, at most 256 KB, never SVG) and kept so our own
// origin serves it. Every fetch goes through safeFetch (the URL is tenant-supplied); any failure
// — slow, huge, hostile or simply absent — leaves the defaults, never an error.
import { createHash } from 'node:crypto';
import { SAFE_FETCH_DEFAULTS, safeFetch, SafeFetchError, type SafeFetchOptions } from '../platform/safe-fetch.ts';
import { whyFetchFailed, type Unresolved } from './unresolved.ts';

export const DEFAULT_PRIMARY_COLOR = '#1f6feb';
export const DEFAULT_ACCENT_COLOR = '#f5a623';
export const MAX_LOGO_BYTES = 256 * 1024;

/** Where our origin serves a tenant's stored logo; the version changes with the image, so caches pick up a new one. */
export const logoUrlOf = (publicUrl: string, tenantId: string, logo: Logo) => `${publicUrl}/assets/logos/${tenantId}.${logo.ext}?v=${logo.sha256.slice(0, 8)}`;

/**
 * A tenant's logo URL only when it is ours: an absolute URL under PUBLIC_URL (the trailing slash
 * keeps `https://ours.example.evil.com` out) or a path under /assets/. Anything else would be a
 * request to a third party from a customer's or owner's browser (and the pages' CSP blocks it).
 */
export function ownLogoUrl(logoUrl: string | null, publicUrl: string): string | null {
  if (!logoUrl) return null;
  return logoUrl.startsWith(`${publicUrl}/`) || logoUrl.startsWith('/assets/') ? logoUrl : null;
}
/** Enough for any real page's <head>; a bigger page is not read at all. */
const MAX_PAGE_BYTES = 2 * 1024 * 1024;
/** A site may name several icons; the ones tried after the first are fallbacks. */
const MAX_ICON_ATTEMPTS = 3;

export type Outbound = Pick<SafeFetchOptions, 'resolve' | 'allowPrivate' | 'timeoutMs' | 'userAgent'>;

export interface Logo {
  bytes: Buffer;
  contentType: LogoType['contentType'];
  ext: LogoType['ext'];
  sha256: string;
}

export interface Branding {
  brandPrimaryColor: string;
  brandAccentColor: string;
  logo: Logo | null;
  /** Why a part is missing, for the log. */
  notes: string[];
  /** What the caller is told is missing (provisioning's `unresolved`). */
  unresolved: Unresolved[];
}

// ---------------------------------------------------------------------------------------------
// Colours

/** `#rrggbb` (or `#rgb`, expanded), lower case; anything else (names, rgb(), CSS tricks) → null. */
export function normalizeHexColor(value: string | null | undefined): string | null {
  const v = value?.trim().toLowerCase() ?? '';
  if (/^#[0-9a-f]{6}$/.test(v)) return v;
  if (/^#[0-9a-f]{3}$/.test(v)) return `#${[...v.slice(1)].map((c) => c + c).join('')}`;
  return null;
}

function toHsl(hex: string): [number, number, number] {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return [0, 0, l];
  const s = d / (1 - Math.abs(2 * l - 1));
  let h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  h *= 60;
  return [(h + 360) % 360, s, l];
}

function fromHsl(h: number, s: number, l: number): string {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] =
    h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return `#${[r, g, b].map((v) => Math.round((v + m) * 255).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * An accent that stands apart from the primary on buttons and stars: the complementary hue,
 * kept saturated and mid-light so it reads on white. A grey primary has no hue to complement,
 * so it gets the default accent.
 */
export function deriveAccentColor(primary: string): string {
  const hex = normalizeHexColor(primary);
  if (!hex) return DEFAULT_ACCENT_COLOR;
  const [h, s] = toHsl(hex);
  if (s < 0.12) return DEFAULT_ACCENT_COLOR;
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  return fromHsl((h + 180) % 360, clamp(s, 0.6, 0.9), 0.5);
}

// ---------------------------------------------------------------------------------------------
// HTML

type Tag = Record<string, string>;

/** Icons and theme-color live in <head>; nothing past this is looked at. */
const MAX_PARSED_CHARS = 256 * 1024;

/**
 * The attributes of every `<name …>` tag, lower-cased names, entity-light values. Linear on
 * hostile input: a tag cannot span another `<`, so no start position rescans the page.
 */
function tagsOf(html: string, name: string): Tag[] {
  const out: Tag[] = [];
  // Real <meta>/<link> tags are short; an unterminated quote runs to the tag's end (no rescans).
  const tagRe = new RegExp(`<${name}\\b([^<>]{0,4096})>`, 'gi');
  const attrRe = /([^\s"'<>\/=]+)(?:\s*=\s*(?:"([^"]*)(?:"|$)|'([^']*)(?:'|$)|([^\s"'=<>`]+)))?/g;
  const headEnd = html.search(/<\/head\s*>/i);
  const head = html.slice(0, Math.min(headEnd < 0 ? html.length : headEnd, MAX_PARSED_CHARS));
  for (const m of head.matchAll(tagRe)) {
    const attrs: Tag = {};
    for (const a of m[1].matchAll(attrRe)) {
      const key = a[1].toLowerCase();
      if (!(key in attrs)) attrs[key] = (a[2] ?? a[3] ?? a[4] ?? '').replace(/&amp;/g, '&').trim();
    }
    out.push(attrs);
  }
  return out;
}

/** The page's theme colour: the first `<meta name="theme-color">` without a media query wins. */
export function themeColorOf(html: string): string | null {
  const metas = tagsOf(html, 'meta').filter((t) => t.name?.toLowerCase() === 'theme-color');
  const ordered = [...metas.filter((t) => !t.media), ...metas.filter((t) => t.media)];
  for (const meta of ordered) {
    const color = normalizeHexColor(meta.content);
    if (color) return color;
  }
  return null;
}

const isSvgHint = (t: Tag) => /svg/i.test(t.type ?? '') || /\.svgz?(?:[?#]|$)/i.test(t.href ?? '');

/**
 * Icon URLs to try, best first: `rel=icon` links (largest declared size first; SVG ones
 * skipped), then `apple-touch-icon` (a good square PNG), then `/favicon.ico`.
 */
export function iconCandidatesOf(html: string, pageUrl: string): string[] {
  const base = tagsOf(html, 'base').find((t) => t.href)?.href;
  let baseUrl: URL;
  try {
    baseUrl = new URL(base ?? pageUrl, pageUrl);
  } catch {
    baseUrl = new URL(pageUrl);
  }
  const size = (t: Tag) => Math.max(0, ...(t.sizes ?? '').split(/\s+/).map((s) => Number(/^(\d+)x\d+$/i.exec(s)?.[1] ?? 0)));
  const links = tagsOf(html, 'link').filter((t) => t.href && !isSvgHint(t));
  const rels = (t: Tag) => (t.rel ?? '').toLowerCase().split(/\s+/);
  const icons = links.filter((t) => rels(t).includes('icon')).sort((a, b) => size(b) - size(a));
  const touch = links.filter((t) => rels(t).some((r) => r === 'apple-touch-icon' || r === 'apple-touch-icon-precomposed'));
  const urls: string[] = [];
  for (const t of [...icons, ...touch]) {
    try {
      const u = new URL(t.href, baseUrl);
      if (u.protocol === 'http:' || u.protocol === 'https:') urls.push(u.href);
    } catch {
      // An unparseable href is just not a candidate.
    }
  }
  urls.push(new URL('/favicon.ico', pageUrl).href);
  return [...new Set(urls)];
}

// ---------------------------------------------------------------------------------------------
// Images

export interface LogoType {
  contentType: 'image/png' | 'image/jpeg' | 'image/webp' | 'image/x-icon';
  ext: 'png' | 'jpg' | 'webp' | 'ico';
}

/**
 * The image type by its magic bytes, whatever the server's Content-Type says. SVG (markup that
 * can carry script) and everything else is refused.
 */
export function sniffLogoType(bytes: Buffer): LogoType | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { contentType: 'image/png', ext: 'png' };
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { contentType: 'image/jpeg', ext: 'jpg' };
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') {
    return { contentType: 'image/webp', ext: 'webp' };
  }
  // ICO: reserved 0, type 1, at least one image.
  if (bytes.length >= 6 && bytes.readUInt16LE(0) === 0 && bytes.readUInt16LE(2) === 1 && bytes.readUInt16LE(4) > 0) {
    return { contentType: 'image/x-icon', ext: 'ico' };
  }
  return null;
}

/** Checks bytes as a logo: a known raster type and at most 256 KB. */
export function logoFromBytes(bytes: Buffer): Logo | null {
  if (bytes.length === 0 || bytes.length > MAX_LOGO_BYTES) return null;
  const type = sniffLogoType(bytes);
  if (!type) return null;
  return { bytes, ...type, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The icon attempts share one time budget (one fetch's timeout), so a slow site costs at most two. */
async function fetchLogo(candidates: string[], outbound: Outbound, notes: string[]): Promise<Logo | null> {
  const deadline = Date.now() + (outbound.timeoutMs ?? SAFE_FETCH_DEFAULTS.timeoutMs);
  for (const url of candidates.slice(0, MAX_ICON_ATTEMPTS)) {
    const timeoutMs = deadline - Date.now();
    if (timeoutMs < 50) break;
    try {
      const res = await safeFetch(url, { ...outbound, timeoutMs, maxBytes: MAX_LOGO_BYTES, headers: { accept: 'image/*' } });
      const logo = logoFromBytes(res.body);
      if (logo) return logo;
      notes.push(`icon ${url}: not a PNG, JPEG, WebP or ICO image`);
    } catch (err) {
      notes.push(`icon ${url}: ${describe(err)}`);
    }
  }
  return null;
}

const describe = (err: unknown) => (err instanceof SafeFetchError ? `${err.reason} (${err.message})` : String(err));

/** Fetches the website and its icon. Never throws: what cannot be had stays at the default. */
export async function fetchBranding(websiteUrl: string | null | undefined, outbound: Outbound): Promise<Branding> {
  const notes: string[] = [];
  const unresolved: Unresolved[] = [];
  const defaults = { brandPrimaryColor: DEFAULT_PRIMARY_COLOR, brandAccentColor: DEFAULT_ACCENT_COLOR, logo: null, notes, unresolved };
  if (!websiteUrl) return defaults;
  let html: string;
  let pageUrl: string;
  try {
    const res = await safeFetch(websiteUrl, { ...outbound, maxBytes: MAX_PAGE_BYTES, headers: { accept: 'text/html,application/xhtml+xml' } });
    html = res.body.toString('utf8');
    pageUrl = res.url;
  } catch (err) {
    notes.push(`website: ${describe(err)}`);
    unresolved.push({ field: 'websiteUrl', reason: `The website could not be fetched (${whyFetchFailed(err)}): the default brand colours are used and there is no logo` });
    return defaults;
  }
  const primary = themeColorOf(html);
  if (!primary) {
    notes.push('website: no usable theme-color');
    unresolved.push({ field: 'brandPrimaryColor', reason: 'The website declares no usable theme-color (#rrggbb): the default brand colours are used' });
  }
  const logo = await fetchLogo(iconCandidatesOf(html, pageUrl), outbound, notes);
  if (!logo) {
    unresolved.push({ field: 'logoUrl', reason: 'The website has no icon we could use (a PNG, JPEG, WebP or ICO of at most 256 KB): there is no logo; upload one in the settings' });
  }
  return {
    brandPrimaryColor: primary ?? DEFAULT_PRIMARY_COLOR,
    brandAccentColor: primary ? deriveAccentColor(primary) : DEFAULT_ACCENT_COLOR,
    logo,
    notes,
    unresolved,
  };
}
