// Who is signed in: GET /api/v1/auth/session on start, sign-in / sign-out, and the reaction to a
// session that ends while the app is open (any call answering 401 shows sign-in again).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setAuthErrorListener, setCsrfToken } from './api.ts';
import type { SessionInfo, SessionUser } from './types.ts';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; notice?: string }
  | { status: 'error'; error: ApiError }
  | { status: 'signed-in'; info: SessionInfo };

interface SessionApi {
  state: SessionState;
  refresh: () => Promise<void>;
  signIn: (login: string, password: string) => Promise<void>;
  /** After reset-password / accept-invite, which sign the user in themselves. */
  signedIn: (csrfToken: string) => Promise<void>;
  signOut: (everywhere?: boolean) => Promise<void>;
}

const Ctx = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const info = await api.get<SessionInfo>('/auth/session');
      setCsrfToken(info.csrfToken);
      setState({ status: 'signed-in', info });
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'client', String(err));
      setCsrfToken(null);
      if (e.status === 401) setState({ status: 'signed-out' });
      else if (e.status === 404)
        setState({ status: 'error', error: new ApiError(404, 'not_found', 'Sign-in is not available on this server yet (no /api/v1/auth routes).') });
      else setState({ status: 'error', error: e });
    }
  }, []);

  useEffect(() => {
    void refresh();
    setAuthErrorListener((err) => {
      if (err.status === 401) {
        setCsrfToken(null);
        setState({ status: 'signed-out', notice: 'Your session has ended. Sign in again.' });
      } else {
        void refresh();
      }
    });
  }, [refresh]);

  const signedIn = useCallback(
    async (csrfToken: string) => {
      setCsrfToken(csrfToken);
      await refresh();
    },
    [refresh],
  );

  const signIn = useCallback(
    async (login: string, password: string) => {
      const res = await api.post<{ user: SessionUser; csrfToken: string }>('/auth/sign-in', { login, password });
      await signedIn(res.csrfToken);
    },
    [signedIn],
  );

  const signOut = useCallback(async (everywhere = false) => {
    try {
      await api.post(everywhere ? '/auth/sign-out-everywhere' : '/auth/sign-out');
    } finally {
      setCsrfToken(null);
      setState({ status: 'signed-out', notice: everywhere ? 'Signed out on every device.' : 'Signed out.' });
    }
  }, []);

  const value = useMemo(() => ({ state, refresh, signIn, signedIn, signOut }), [state, refresh, signIn, signedIn, signOut]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionApi {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in session (only call below the sign-in gate). */
export function useSignedIn(): SessionInfo {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useSignedIn without a session');
  return state.info;
}

export const can = (info: SessionInfo, permission: string) => info.permissions.includes(permission);
