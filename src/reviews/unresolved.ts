// What provisioning could not fetch or resolve (the website, its colour and icon, a Maps or
// Xiaohongshu short link, the place's CID): reported to the caller in the response's
// `unresolved` list, so an operator knows what to fix, instead of only in the server's log.
// Reasons are plain sentences built from the failure's kind, never a raw error text (which may
// name internal addresses).
import { SafeFetchError, type SafeFetchReason } from '../platform/safe-fetch.ts';

export const UNRESOLVED_FIELDS = ['websiteUrl', 'brandPrimaryColor', 'logoUrl', 'mapsUrl', 'googlePlaceCid', 'xhsInput'] as const;

export interface Unresolved {
  /** The request or tenant field concerned. */
  field: (typeof UNRESOLVED_FIELDS)[number];
  /** What went wrong and what was done instead. */
  reason: string;
}

const WHY: Record<SafeFetchReason, string> = {
  invalid_url: 'the address is not a valid public http(s) URL',
  blocked_address: 'it points to a private or local network address, which is never fetched',
  dns_failed: 'its host name could not be resolved',
  too_many_redirects: 'it redirects more than 3 times',
  timeout: 'it did not answer in time',
  too_large: 'it sent more than the size limit',
  http_error: 'it answered with an error status',
  network_error: 'the connection failed',
};

/** Why a fetch failed, in words (the HTTP status when there was one). */
export function whyFetchFailed(err: unknown): string {
  if (!(err instanceof SafeFetchError)) return 'it could not be fetched';
  return err.reason === 'http_error' && err.status ? `it answered HTTP ${err.status}` : WHY[err.reason];
}
