// Listing short links (docs/reviews-api-contract.md §7): a maps.app.goo.gl / goo.gl/maps link hides the place's
// CID, an xhslink.com link hides the Xiaohongshu profile. Both are resolved by reading redirect
// Locations one hop at a time through safeFetch (followRedirects: false, every hop re-checked), at
// most 3 redirects, stopping at the first Location that already carries the answer — the final
// Google page itself (large, often a consent wall) is never downloaded. Failure is not an error:
// the URL is kept and the derived field stays null.
import { SAFE_FETCH_DEFAULTS, safeFetch } from '../platform/safe-fetch.ts';
import type { Outbound } from './branding.ts';
import { googlePlaceCidOf, isMapsShortLink, parseXhsInput } from '../platform/listing-urls.ts';

const MAX_REDIRECTS = 3;
/** A redirect's body is a line of HTML at most; nothing here needs more. */
const MAX_HOP_BYTES = 64 * 1024;

/**
 * Follows redirects from `start` until `extract` finds a value in a URL, or until a hop answers
 * without a redirect, fails, or passes the limit. All hops share one timeout budget.
 */
export async function resolveThroughRedirects<T>(
  start: string,
  extract: (url: string) => T | null,
  outbound: Outbound,
): Promise<T | null> {
  const deadline = Date.now() + (outbound.timeoutMs ?? SAFE_FETCH_DEFAULTS.timeoutMs);
  let url = start;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const timeoutMs = deadline - Date.now();
    if (timeoutMs < 50) return null;
    let location: string | undefined;
    try {
      const res = await safeFetch(url, { ...outbound, timeoutMs, followRedirects: false, maxBytes: MAX_HOP_BYTES });
      location = res.status >= 300 && res.status < 400 ? res.headers.location : undefined;
    } catch {
      return null;
    }
    if (!location) return null;
    try {
      url = new URL(location, url).href;
    } catch {
      return null;
    }
    const found = extract(url);
    if (found !== null) return found;
  }
  return null;
}

export interface MapsListing {
  googleMapsUrl: string;
  googlePlaceCid: string | null;
}

/** The Maps URL as given, and its CID: read directly, or from the redirects of a short link. */
export async function resolveMapsUrl(mapsUrl: string, outbound: Outbound): Promise<MapsListing> {
  const googleMapsUrl = mapsUrl.trim();
  const direct = googlePlaceCidOf(googleMapsUrl);
  if (direct || !isMapsShortLink(googleMapsUrl)) return { googleMapsUrl, googlePlaceCid: direct };
  return { googleMapsUrl, googlePlaceCid: await resolveThroughRedirects(googleMapsUrl, googlePlaceCidOf, outbound) };
}

const handleOf = (url: string) => {
  const parsed = parseXhsInput(url);
  return parsed && 'handle' in parsed ? parsed.handle : null;
};

/** The Xiaohongshu handle of `@handle`, a profile URL, or an xhslink.com link (resolved). */
export async function resolveXhsHandle(xhsInput: string, outbound: Outbound): Promise<string | null> {
  const parsed = parseXhsInput(xhsInput);
  if (!parsed) return null;
  if ('handle' in parsed) return parsed.handle;
  return resolveThroughRedirects(parsed.shortLink, handleOf, outbound);
}
