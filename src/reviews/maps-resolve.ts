// Listing short links (docs/reviews-api-contract.md §7): a maps.app.goo.gl / goo.gl/maps link hides the place's
// CID, an xhslink.com link hides the Xiaohongshu profile. Both are resolved by reading redirect
// Locations one hop at a time through safeFetch (followRedirects: false, every hop re-checked), at
// most 3 redirects, stopping at the first Location that already carries the answer — the final
// Google page itself (large, often a consent wall) is never downloaded. Failure is not an error:
// the URL is kept and the derived field stays null.
import { SAFE_FETCH_DEFAULTS, safeFetch } from '../platform/safe-fetch.ts';
import type { Outbound } from './branding.ts';
import { googlePlaceCidOf, isMapsShortLink, parseXhsInput } from '../platform/listing-urls.ts';
import { whyFetchFailed, type Unresolved } from './unresolved.ts';

const MAX_REDIRECTS = 3;
/** A redirect's body is a line of HTML at most; nothing here needs more. */
const MAX_HOP_BYTES = 64 * 1024;

/** The value found, or why none was: a hop failed (`failed`), or the redirects ended without it. */
type Followed<T> = { value: T } | { value: null; failed: string | null };

/**
 * Follows redirects from `start` until `extract` finds a value in a URL, or until a hop answers
 * without a redirect, fails, or passes the limit. All hops share one timeout budget.
 */
export async function resolveThroughRedirects<T>(start: string, extract: (url: string) => T | null, outbound: Outbound): Promise<Followed<T>> {
  const deadline = Date.now() + (outbound.timeoutMs ?? SAFE_FETCH_DEFAULTS.timeoutMs);
  let url = start;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const timeoutMs = deadline - Date.now();
    if (timeoutMs < 50) return { value: null, failed: 'it did not answer in time' };
    let location: string | undefined;
    try {
      const res = await safeFetch(url, { ...outbound, timeoutMs, followRedirects: false, maxBytes: MAX_HOP_BYTES });
      location = res.status >= 300 && res.status < 400 ? res.headers.location : undefined;
      if (!location && res.status >= 400) return { value: null, failed: `it answered HTTP ${res.status}` };
    } catch (err) {
      return { value: null, failed: whyFetchFailed(err) };
    }
    if (!location) return { value: null, failed: null };
    try {
      url = new URL(location, url).href;
    } catch {
      return { value: null, failed: 'it redirects to an invalid address' };
    }
    const found = extract(url);
    if (found !== null) return { value: found };
  }
  return { value: null, failed: `it redirects more than ${MAX_REDIRECTS} times` };
}

export interface MapsListing {
  googleMapsUrl: string;
  googlePlaceCid: string | null;
  /** Why there is no CID, when there is none. */
  unresolved: Unresolved | null;
}

const NO_CID = 'the review button opens the Maps listing instead of the write-review form. Give the place\'s share link (maps.app.goo.gl/…) or a URL with its CID';

/** The Maps URL as given, and its CID: read directly, or from the redirects of a short link. */
export async function resolveMapsUrl(mapsUrl: string, outbound: Outbound): Promise<MapsListing> {
  const googleMapsUrl = mapsUrl.trim();
  const direct = googlePlaceCidOf(googleMapsUrl);
  if (direct) return { googleMapsUrl, googlePlaceCid: direct, unresolved: null };
  if (!isMapsShortLink(googleMapsUrl)) {
    return { googleMapsUrl, googlePlaceCid: null, unresolved: { field: 'googlePlaceCid', reason: `The Maps URL names no single place (no CID in it): ${NO_CID}` } };
  }
  const followed = await resolveThroughRedirects(googleMapsUrl, googlePlaceCidOf, outbound);
  if (followed.value !== null) return { googleMapsUrl, googlePlaceCid: followed.value, unresolved: null };
  const unresolved: Unresolved = followed.failed
    ? { field: 'mapsUrl', reason: `The Maps short link could not be followed (${followed.failed}): it is kept as given, and ${NO_CID}` }
    : { field: 'googlePlaceCid', reason: `The Maps short link led to no place id (CID): ${NO_CID}` };
  return { googleMapsUrl, googlePlaceCid: null, unresolved };
}

const handleOf = (url: string) => {
  const parsed = parseXhsInput(url);
  return parsed && 'handle' in parsed ? parsed.handle : null;
};

/** The Xiaohongshu handle of `@handle`, a profile URL, or an xhslink.com link (resolved), and why not. */
export async function resolveXhsHandle(xhsInput: string, outbound: Outbound): Promise<{ handle: string | null; unresolved: Unresolved | null }> {
  const parsed = parseXhsInput(xhsInput);
  if (!parsed) return { handle: null, unresolved: { field: 'xhsInput', reason: 'Not a Xiaohongshu profile, link or @handle: the shop has no Xiaohongshu button' } };
  if ('handle' in parsed) return { handle: parsed.handle, unresolved: null };
  const followed = await resolveThroughRedirects(parsed.shortLink, handleOf, outbound);
  if (followed.value !== null) return { handle: followed.value, unresolved: null };
  const why = followed.failed ? `could not be followed (${followed.failed})` : 'led to no profile';
  return { handle: null, unresolved: { field: 'xhsInput', reason: `The Xiaohongshu short link ${why}: the shop has no Xiaohongshu button until a handle is set` } };
}
