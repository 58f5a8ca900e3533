// The dashboard's building blocks: data loading with its three states, labelled form fields with
// their errors, buttons, dialogs, copy-to-clipboard. Plain elements and a little CSS.
import {
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type DependencyList,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  type ButtonHTMLAttributes,
} from 'react';
import { ApiError } from './api.ts';

// ---------------------------------------------------------------- loading

export interface AsyncState<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
  setData: (update: T | ((old: T | undefined) => T)) => void;
}

const asApiError = (err: unknown) =>
  err instanceof ApiError ? err : new ApiError(0, 'client', err instanceof Error ? err.message : 'Something went wrong');

/** Runs `load` when deps change (and on reload); keeps the last data while reloading. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    load(ctrl.signal).then(
      (d) => {
        if (ctrl.signal.aborted) return;
        setData(d);
        setLoading(false);
      },
      (err) => {
        if (ctrl.signal.aborted) return;
        setError(asApiError(err));
        setLoading(false);
      },
    );
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload, setData: setData as AsyncState<T>['setData'] };
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function ErrorBox({ error, onRetry, title }: { error: ApiError | Error | null; onRetry?: () => void; title?: string }) {
  if (!error) return null;
  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <div className="alert alert-error" role="alert">
      {title && <strong>{title} </strong>}
      <span>{error.message}</span>
      {requestId && <small className="muted"> (request {requestId})</small>}
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** Loading → error (with retry) → content; content keeps showing (dimmed) during a reload. */
export function Async<T>({ state, children, label }: { state: AsyncState<T>; children: (data: T) => ReactNode; label?: string }) {
  if (state.data === undefined) {
    if (state.error) return <ErrorBox error={state.error} onRetry={state.reload} />;
    return <Loading label={label} />;
  }
  return (
    <div className={state.loading ? 'reloading' : undefined} aria-busy={state.loading}>
      {state.error && <ErrorBox error={state.error} onRetry={state.reload} />}
      {children(state.data)}
    </div>
  );
}

// ---------------------------------------------------------------- forms

export interface Submit {
  busy: boolean;
  error: ApiError | null;
  /** The messages for one field (dotted paths and their children included). */
  fieldError: (name: string) => string[] | undefined;
  run: <R>(fn: () => Promise<R>) => Promise<R | undefined>;
  clear: () => void;
  setError: (err: ApiError | null) => void;
}

export function useSubmit(): Submit {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async <R,>(fn: () => Promise<R>) => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      if (mounted.current) setError(asApiError(err));
      return undefined;
    } finally {
      if (mounted.current) setBusy(false);
    }
  }, []);
  const fieldError = useCallback(
    (name: string) => {
      if (!error) return undefined;
      const msgs = Object.entries(error.fieldErrors)
        .filter(([k]) => k === name || k.startsWith(name + '.'))
        .flatMap(([, v]) => v);
      return msgs.length ? msgs : undefined;
    },
    [error],
  );
  return { busy, error, fieldError, run, clear: () => setError(null), setError };
}

/**
 * The form-level message: the error sentence, plus any field errors that have no field on this
 * form to show them beside (so nothing the server said is ever hidden).
 */
export function FormError({ submit, fields = [] }: { submit: Submit; fields?: string[] }) {
  const err = submit.error;
  if (!err) return null;
  const orphans = Object.entries(err.fieldErrors).filter(([k]) => !fields.some((f) => k === f || k.startsWith(f + '.')));
  const count = Object.keys(err.fieldErrors).length;
  return (
    <div className="alert alert-error" role="alert">
      <span>{count > 0 ? `${err.message}: please correct ${count === 1 ? 'the field' : `the ${count} fields`} marked below.` : err.message}</span>
      {err.retryAfter ? <span> Try again in {err.retryAfter} s.</span> : null}
      {orphans.length > 0 && (
        <ul>
          {orphans.map(([k, v]) => (
            <li key={k}>
              <code>{k}</code>: {v.join(' ')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

interface FieldShellProps {
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[];
  className?: string;
}

function useFieldIds(errors?: string[], hint?: ReactNode) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', errors?.length ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return { id, describedBy };
}

function FieldMessages({ id, hint, errors }: { id: string; hint?: ReactNode; errors?: string[] }) {
  return (
    <>
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {errors?.length ? (
        <small id={`${id}-err`} className="field-error">
          {errors.join(' ')}
        </small>
      ) : null}
    </>
  );
}

export function TextField({ label, hint, errors, className, ...input }: FieldShellProps & InputHTMLAttributes<HTMLInputElement>) {
  const { id, describedBy } = useFieldIds(errors, hint);
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy} {...input} />
      <FieldMessages id={id} hint={hint} errors={errors} />
    </div>
  );
}

export function TextArea({ label, hint, errors, className, ...input }: FieldShellProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const { id, describedBy } = useFieldIds(errors, hint);
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy} {...input} />
      <FieldMessages id={id} hint={hint} errors={errors} />
    </div>
  );
}

export function SelectField({
  label,
  hint,
  errors,
  className,
  children,
  ...select
}: FieldShellProps & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode }) {
  const { id, describedBy } = useFieldIds(errors, hint);
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy} {...select}>
        {children}
      </select>
      <FieldMessages id={id} hint={hint} errors={errors} />
    </div>
  );
}

/** One <option> per shop, by id, for a shop picker (callers add any "All shops" option first). */
export function ShopOptions({ shops }: { shops: readonly { id: string; name: string }[] }) {
  return shops.map((s) => (
    <option key={s.id} value={s.id}>
      {s.name}
    </option>
  ));
}

export function Checkbox({ label, hint, errors, className, ...input }: FieldShellProps & InputHTMLAttributes<HTMLInputElement>) {
  const { id, describedBy } = useFieldIds(errors, hint);
  return (
    <div className={`check ${className ?? ''}`}>
      <input type="checkbox" id={id} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy} {...input} />
      <label htmlFor={id}>{label}</label>
      <FieldMessages id={id} hint={hint} errors={errors} />
    </div>
  );
}

export function Button({
  busy,
  children,
  variant = 'primary',
  className,
  ...rest
}: { busy?: boolean; variant?: 'primary' | 'secondary' | 'danger' | 'link' } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type="button" className={`btn btn-${variant} ${className ?? ''}`} disabled={busy || rest.disabled} aria-busy={busy || undefined} {...rest}>
      {children}
    </button>
  );
}

// ---------------------------------------------------------------- dialogs and clipboard

/** A modal built on <dialog>: focus moves to its first control and is trapped, Escape closes, focus returns to the opener. */
function Dialog({ open, onClose, title, children }: { open: boolean; onClose: () => void; title: string; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose} onCancel={onClose}>
      {open && (
        <>
          <h2 id={titleId}>{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}

/** Asks before a destructive action; with `typed`, the user must type that word to enable it. */
export function ConfirmDialog({
  open,
  title,
  message,
  confirmLabel,
  typed,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  typed?: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) {
  const submit = useSubmit();
  const [text, setText] = useState('');
  useEffect(() => {
    if (open) {
      setText('');
      submit.clear();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  const ok = !typed || text.trim() === typed;
  return (
    <Dialog open={open} onClose={onClose} title={title}>
      <form
        method="dialog"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!ok) return;
          const done = await submit.run(async () => {
            await onConfirm();
            return true;
          });
          if (done) onClose();
        }}
      >
        <div className="dialog-body">{message}</div>
        {typed && (
          <TextField label={<>Type <code>{typed}</code> to confirm</>} value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
        )}
        <FormError submit={submit} />
        <div className="actions">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" busy={submit.busy} disabled={!ok}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Not a secure context (plain http on a LAN name): fall back to a selected textarea.
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.className = 'offscreen';
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

export function CopyButton({ text, label = 'Copy', className }: { text: string; label?: string; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button type="button" className={`btn btn-secondary btn-small ${className ?? ''}`} onClick={async () => setState((await copyText(text)) ? 'copied' : 'failed')}>
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select and copy' : label}</span>
    </button>
  );
}

/** A secret shown once: a read-only field, a copy button and the warning. */
export function SecretOnce({ label, value, warning, onDone }: { label: string; value: string; warning: ReactNode; onDone?: () => void }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const id = useId();
  return (
    <div className="secret" role="region" aria-labelledby={`${id}-l`}>
      <p className="alert alert-warn">{warning}</p>
      <label id={`${id}-l`} htmlFor={id}>
        {label}
      </label>
      <div className="secret-row">
        <input id={id} ref={ref} readOnly value={value} className="mono" onFocus={(e) => e.currentTarget.select()} data-secret />
        <CopyButton text={value} />
      </div>
      {onDone && (
        <Button variant="secondary" onClick={onDone}>
          I have stored it
        </Button>
      )}
    </div>
  );
}

// ---------------------------------------------------------------- tables

export type SortDir = 'asc' | 'desc';

export interface Column<T> {
  key: string;
  label: string;
  value?: (row: T) => string | number | null;
  render?: (row: T) => ReactNode;
  numeric?: boolean;
}

function cellValue<T>(c: Column<T>, r: T): string | number | null {
  return c.value ? c.value(r) : ((r as Record<string, unknown>)[c.key] as string | number | null);
}

/** A table whose column headers sort it (click or Enter/Space on the header button). */
export function SortableTable<T>({ rows, columns, rowKey, caption, initial }: { rows: T[]; columns: Column<T>[]; rowKey: (r: T) => string; caption: string; initial?: { key: string; dir: SortDir } }) {
  const [sort, setSort] = useState(initial ?? { key: columns[0].key, dir: 'asc' as SortDir });
  const col = columns.find((c) => c.key === sort.key) ?? columns[0];
  const val = (r: T) => cellValue(col, r);
  const sorted = [...rows].sort((a, b) => {
    const x = val(a);
    const y = val(b);
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    const cmp = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return sort.dir === 'asc' ? cmp : -cmp;
  });
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = c.key === sort.key;
              return (
                <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  <button
                    type="button"
                    className="sort"
                    onClick={() => setSort({ key: c.key, dir: active && sort.dir === (c.numeric ? 'desc' : 'asc') ? (c.numeric ? 'asc' : 'desc') : c.numeric ? 'desc' : 'asc' })}
                  >
                    {c.label}
                    <span aria-hidden="true" className="sort-mark">
                      {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'num' : undefined}>
                  {c.render ? c.render(r) : String(cellValue(c, r) ?? '—')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

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
