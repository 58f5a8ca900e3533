// Forms: submitting with busy and error state, labelled fields with their hints and errors, buttons.
import { useCallback, useEffect, useId, useRef, useState, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import type { ApiError } from './api.ts';
import { asApiError } from './ui-async.tsx';

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
