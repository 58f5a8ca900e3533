// The dashboard's only door to the server: the same /api/v1 routes every integration calls,
// authenticated by the session cookie. Writes carry the CSRF token; every error body becomes an
// ApiError whose message (and field errors) the page shows.

export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: FieldErrors = {},
    readonly requestId: string | null = null,
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

type Listener = (err: ApiError) => void;
let onAuthError: Listener = () => {};
/** Called when a non-auth call answers 401 (the session ended) or 403 password_change_required. */
export const setAuthErrorListener = (fn: Listener) => {
  onAuthError = fn;
};

export const BASE = '/api/v1';

const FALLBACK: Record<number, string> = {
  401: 'You are signed out. Sign in again.',
  403: 'You do not have permission to do that.',
  404: 'Not found. It may have been deleted.',
  409: 'That conflicts with the current state. Reload and try again.',
  413: 'That is too large.',
  429: 'Too many requests. Wait a moment and try again.',
};

async function errorOf(res: Response): Promise<ApiError> {
  let body: { error?: unknown; code?: unknown; fieldErrors?: unknown; requestId?: unknown } = {};
  try {
    body = await res.json();
  } catch {
    // Not our JSON (a proxy's page, an empty body): the status says enough.
  }
  // The Work API (/api/client) nests its error: { error: { code, message, request_id, details: { fields } } }.
  if (body.error && typeof body.error === 'object') {
    const e = body.error as { code?: unknown; message?: unknown; request_id?: unknown; details?: { fields?: unknown } };
    body = { error: e.message, code: e.code, fieldErrors: e.details?.fields, requestId: e.request_id };
  }
  const retry = Number(res.headers.get('retry-after'));
  const message =
    typeof body.error === 'string' && body.error ? body.error : (FALLBACK[res.status] ?? `The server answered ${res.status}. Try again.`);
  return new ApiError(
    res.status,
    typeof body.code === 'string' ? body.code : 'http_error',
    message,
    body.fieldErrors && typeof body.fieldErrors === 'object' ? (body.fieldErrors as FieldErrors) : {},
    typeof body.requestId === 'string' ? body.requestId : res.headers.get('x-request-id'),
    Number.isFinite(retry) && retry > 0 ? retry : null,
  );
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Return the raw Response (for CSV and other non-JSON bodies). */
  raw?: boolean;
}

export function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  return send<T>(BASE, method, path, body, opts);
}

async function send<T>(base: string, method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(base + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  if (!res.ok) {
    const err = await errorOf(res);
    // The sign-in surface answers 401 as part of its job; personal keys (/auth/keys) and connected
    // apps (/auth/connected-apps) are ordinary calls.
    const authCall = base === BASE && path.startsWith('/auth/') && !path.startsWith('/auth/keys') && !path.startsWith('/auth/connected-apps');
    if (!authCall && (err.status === 401 || err.code === 'password_change_required')) onAuthError(err);
    throw err;
  }
  if (opts.raw) return res as T;
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T = void>(path: string) => request<T>('DELETE', path),
};

/** The Work API (/api/client): the same session cookie and CSRF token, its own error shape. */
const CLIENT_BASE = '/api/client';
export const client = {
  get: <T>(path: string, opts?: RequestOptions) => send<T>(CLIENT_BASE, 'GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown) => send<T>(CLIENT_BASE, 'POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => send<T>(CLIENT_BASE, 'PATCH', path, body),
  del: <T = unknown>(path: string) => send<T>(CLIENT_BASE, 'DELETE', path),
};

/** `?a=1&b=2` from the defined values, or '' when there are none. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Every item of a paginated list (at most `max`), 500 per request. */
export async function listAll<T>(path: string, key: string, max = 5000): Promise<T[]> {
  const out: T[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let offset = 0; offset < max; offset += 500) {
    const page = await api.get<Record<string, unknown> & { pagination?: { has_more: boolean } }>(`${path}${sep}limit=500&offset=${offset}`);
    out.push(...((page[key] as T[]) ?? []));
    if (!page.pagination?.has_more) break;
  }
  return out;
}
