// Formatting numbers and dates, and saving a file the API answered with.
import { useState } from 'react';
import type { ApiError } from './api.ts';
import { asApiError } from './ui-async.tsx';

// ---------------------------------------------------------------- formatting

export const fmtNumber = (n: number) => n.toLocaleString();
export const fmtPct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
export const fmtRating = (r: number | null) => (r === null ? '—' : r.toFixed(2));
export const fmtDate = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }) : '—');
export const fmtDateTime = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : '—';

export function fmtAgo(iso: string | null): string {
  if (!iso) return 'never';
  const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/**
 * A page's file export (a "Download CSV" button): its failure is kept for an ErrorBox rather than
 * thrown, so the page stays as it was and says what went wrong.
 */
export function useDownload(): { error: ApiError | null; run: (download: () => Promise<void>) => Promise<void> } {
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (download: () => Promise<void>) => {
    setError(null);
    try {
      await download();
    } catch (err) {
      setError(asApiError(err));
    }
  };
  return { error, run };
}

/**
 * Saves a file the API answered with (a CSV export) under the name its Content-Disposition gives.
 * The bytes are kept as they came (a CSV's byte-order mark tells spreadsheets it is UTF-8).
 */
export async function downloadResponse(res: Response, fallbackName: string) {
  const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = named?.[1] ?? fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
