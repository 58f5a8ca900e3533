// CSV downloads of the API (`?format=csv`): one rectangular table per file, RFC 4180, opened
// by spreadsheets as intended — including text typed by anonymous customers.
import { z } from 'zod';
import { RawResponse } from './operations.ts';

export type CsvCell = string | number | boolean | null | undefined;

export interface CsvFile {
  /** Already safe for a quoted Content-Disposition filename (see csvFilename). */
  filename: string;
  body: string;
  /** More rows matched than an export holds. */
  truncated?: boolean;
}

/**
 * Excel reads a CSV without a byte-order mark in the machine's legacy code page, turning
 * Chinese (or any non-ASCII) text into mojibake; with it, as UTF-8. Other readers skip it.
 */
const BOM = '\uFEFF';

/**
 * Spreadsheets run a cell that starts with one of these as a formula (CSV injection:
 * `=HYPERLINK(...)`, `@SUM(...)`, DDE payloads). A leading apostrophe makes it plain text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  // Only text can be hostile: numbers such as -1 stay numbers.
  if (typeof v === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The header row, then the rows, each line ended by CRLF, behind a UTF-8 BOM. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map(cell).join(',')];
  for (const r of rows) lines.push(r.map(cell).join(','));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/** A file name from its parts: only letters, digits, dot, dash and underscore survive. */
export function csvFilename(...parts: (string | number)[]): string {
  return `${parts.map((p) => String(p).replace(/[^A-Za-z0-9._-]+/g, '_')).join('-')}.csv`;
}

/**
 * A CSV download as an operation's answer. Exports hold personal data (feedback contacts), so
 * no cache keeps them; errors before this point stay JSON.
 */
export function csvDownload(file: CsvFile): RawResponse {
  return new RawResponse('text/csv; charset=utf-8', file.body, {
    'content-disposition': `attachment; filename="${file.filename}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(file.truncated ? { 'x-export-truncated': 'true' } : {}),
  });
}

export const EXPORT_FORMATS = ['json', 'csv'] as const;

/** `?format=` of a list or report that can also be downloaded: its JSON, or the same data as CSV. */
export const exportFormatQuery = z
  .enum(EXPORT_FORMATS, { error: 'Must be json or csv' })
  .default('json')
  .describe('json (default) or csv: a download for spreadsheets (UTF-8 with a byte-order mark; text that could run as a formula starts with an apostrophe)');

/** The `text/csv` entry of a route's 200 response in OpenAPI, beside its JSON. */
export const csvResponse = (what: string) => ({
  schema: z.string().describe(`${what}. UTF-8 with a byte-order mark, a header row, CRLF line ends (RFC 4180)`),
});
