// Data loading with its three states (loading, error with retry, content), and the empty state.
import { useCallback, useEffect, useState, type DependencyList, type ReactNode } from 'react';
import { ApiError } from './api.ts';

// ---------------------------------------------------------------- loading

export interface AsyncState<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
  setData: (update: T | ((old: T | undefined) => T)) => void;
}

export const asApiError = (err: unknown) =>
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
