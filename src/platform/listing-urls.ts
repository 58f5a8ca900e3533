// The business's public listings: Google Maps URLs (→ place CID), Xiaohongshu profiles
// (→ handle) and websites. One set of rules for provisioning, settings and shops.
import { z } from 'zod';

const GOOGLE_TLD = /^(?:www\.)?google\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$/;
const MAPS_TLD = /^maps\.google\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$/;

function parseHttpUrl(value: string): URL | null {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** A Google Maps URL: maps.app.goo.gl, goo.gl/maps, google.*\/maps, maps.google.*. */
export function isGoogleMapsUrl(value: string): boolean {
  const url = parseHttpUrl(value);
  if (!url || url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  if (host === 'maps.app.goo.gl') return true;
  if (host === 'goo.gl') return url.pathname.startsWith('/maps');
  if (MAPS_TLD.test(host)) return true;
  return GOOGLE_TLD.test(host) && url.pathname.startsWith('/maps');
}

/** Short links must be resolved (by following redirects) before a CID can be read. */
export function isMapsShortLink(value: string): boolean {
  const url = parseHttpUrl(value);
  return !!url && (url.hostname === 'maps.app.goo.gl' || url.hostname === 'goo.gl');
}

/**
 * The place's CID, or null (always for a short link, which must be resolved first): a `cid=` parameter, or the second half of a `0x…:0x…` feature id (hex →
 * decimal), wherever it appears in the URL (`ftid=`, `data=…!1s0x…:0x…`, the path).
 */
export function googlePlaceCidOf(value: string): string | null {
  const url = parseHttpUrl(value);
  if (!url) return null;
  const cid = url.searchParams.get('cid');
  if (cid && /^\d{1,20}$/.test(cid)) return cid;
  const feature = /0x[0-9a-f]{1,16}:0x([0-9a-f]{1,16})/i.exec(decodeURIComponent(url.href));
  return feature ? BigInt(`0x${feature[1]}`).toString(10) : null;
}

const XHS_HANDLE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * A Xiaohongshu profile from what people paste: `@handle`, a profile URL
 * (xiaohongshu.com/user/profile/<id>) or an xhslink.com short link (kept as given; it can only
 * be resolved by fetching it).
 */
export function parseXhsInput(value: string): { handle: string } | { shortLink: string } | null {
  const v = value.trim();
  if (v.startsWith('@')) return XHS_HANDLE.test(v.slice(1)) ? { handle: v.slice(1) } : null;
  const url = parseHttpUrl(v);
  if (!url) return XHS_HANDLE.test(v) ? { handle: v } : null;
  const host = url.hostname.toLowerCase();
  if (host === 'xhslink.com' || host.endsWith('.xhslink.com')) return { shortLink: url.href };
  if (host === 'xiaohongshu.com' || host.endsWith('.xiaohongshu.com')) {
    const m = /\/user\/profile\/([A-Za-z0-9]+)/.exec(url.pathname);
    return m ? { handle: m[1] } : null;
  }
  return null;
}

const PLACE_ID = /^[A-Za-z0-9_-]{10,300}$/;

/** Where a shop's Google button leads: the write-review form when the Place ID is known, else its Maps listing. */
export function googleReviewUrl(shop: { googlePlaceId: string | null; googlePlaceCid: string | null; googleMapsUrl: string | null }): string | null {
  if (shop.googlePlaceId && PLACE_ID.test(shop.googlePlaceId)) return `https://search.google.com/local/writereview?placeid=${shop.googlePlaceId}`;
  if (shop.googlePlaceCid && /^\d{1,20}$/.test(shop.googlePlaceCid)) return `https://maps.google.com/?cid=${shop.googlePlaceCid}`;
  const url = shop.googleMapsUrl ? parseHttpUrl(shop.googleMapsUrl) : null;
  return url && !url.username && !url.password ? url.href : null;
}

/** Where a shop's Xiaohongshu button leads: the handle's profile, or an xhslink.com short link kept as given. */
export function xhsProfileUrl(handle: string | null): string | null {
  if (!handle) return null;
  if (XHS_HANDLE.test(handle)) return `https://www.xiaohongshu.com/user/profile/${handle}`;
  const url = parseHttpUrl(handle);
  return url && /(^|\.)xhslink\.com$/.test(url.hostname) ? url.href : null;
}

export const colorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Must be a colour like #1f6feb').transform((c) => c.toLowerCase());

export const websiteUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => parseHttpUrl(v) !== null, 'Must be an http(s) URL');

export const mapsUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine(isGoogleMapsUrl, 'Must be a Google Maps URL (maps.app.goo.gl, goo.gl/maps, google.com/maps or maps.google.com)');

export const xhsInputSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => parseXhsInput(v) !== null, 'Must be a Xiaohongshu profile URL, an xhslink.com link or an @handle');
