// Signed-out pages and password changes: sign-in, the reset-password and accept-invite links
// from emails, the forced change on a first sign-in, and the change form in settings.
import { useState } from 'react';
import { api, ApiError } from '../api.ts';
import { Card } from '../layout.tsx';
import { Link, navigate, useLocation, useTitle } from '../router.tsx';
import { useSession, useSignedIn } from '../session.tsx';
import type { SessionUser } from '../types.ts';
import { Async, Button, FormError, TextField, useAsync, useSubmit } from '../ui.tsx';

const MIN_PASSWORD = 10;

export function SignIn({ notice }: { notice?: string }) {
  useTitle('Sign in');
  const { signIn } = useSession();
  const submit = useSubmit();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  return (
    <Card title="Sign in">
      {notice && (
        <p className="alert alert-info" role="status">
          {notice}
        </p>
      )}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          await submit.run(() => signIn(login.trim(), password));
        }}
        noValidate
      >
        <FormError submit={submit} fields={['login', 'password']} />
        <TextField label="Username or email" name="login" autoComplete="username" required value={login} onChange={(e) => setLogin(e.target.value)} errors={submit.fieldError('login')} autoFocus />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          errors={submit.fieldError('password')}
        />
        <Button type="submit" busy={submit.busy}>
          Sign in
        </Button>
      </form>
      <p className="muted small">Forgot your password? Ask an owner of your business to invite you again, or your platform operator to reset it.</p>
    </Card>
  );
}

/** New password + confirmation, checked here first so the obvious mistakes need no round trip. */
function NewPasswordFields({
  value,
  confirm,
  onChange,
  onConfirm,
  errors,
  confirmErrors,
}: {
  value: string;
  confirm: string;
  onChange: (v: string) => void;
  onConfirm: (v: string) => void;
  errors?: string[];
  confirmErrors?: string[];
}) {
  return (
    <>
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        minLength={MIN_PASSWORD}
        required
        hint={`At least ${MIN_PASSWORD} characters.`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        errors={errors}
      />
      <TextField label="Repeat the new password" name="confirmPassword" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => onConfirm(e.target.value)} errors={confirmErrors} />
    </>
  );
}

function localPasswordErrors(password: string, confirm: string): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (password.length < MIN_PASSWORD) errors.newPassword = [`Must be at least ${MIN_PASSWORD} characters`];
  if (password !== confirm) errors.confirmPassword = ['The two passwords differ'];
  return errors;
}

export function ChangePasswordForm({ onDone, requireCurrent = true }: { onDone?: () => void; requireCurrent?: boolean }) {
  const submit = useSubmit();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setDone(false);
        const local = localPasswordErrors(password, confirm);
        if (requireCurrent && !current) local.currentPassword = ['Enter your current password'];
        if (Object.keys(local).length) {
          submit.setError(new ApiError(400, 'validation_failed', 'Validation failed', local));
          return;
        }
        const ok = await submit.run(async () => {
          await api.post('/auth/change-password', { currentPassword: current, newPassword: password });
          return true;
        });
        if (ok) {
          setCurrent('');
          setPassword('');
          setConfirm('');
          setDone(true);
          onDone?.();
        }
      }}
      noValidate
    >
      <FormError submit={submit} fields={['currentPassword', 'newPassword', 'confirmPassword']} />
      {done && (
        <p className="alert alert-success" role="status">
          Password changed. Your other sessions were signed out.
        </p>
      )}
      <TextField
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
        errors={submit.fieldError('currentPassword')}
      />
      <NewPasswordFields
        value={password}
        confirm={confirm}
        onChange={setPassword}
        onConfirm={setConfirm}
        errors={submit.fieldError('newPassword')}
        confirmErrors={submit.fieldError('confirmPassword')}
      />
      <Button type="submit" busy={submit.busy}>
        Change password
      </Button>
    </form>
  );
}

export function ForcedChangePassword() {
  useTitle('Choose a new password');
  const info = useSignedIn();
  const { refresh, signOut } = useSession();
  return (
    <Card title="Choose a new password">
      <p>
        Welcome, <strong>{info.user.username}</strong>. You signed in with a temporary password; choose your own before you continue.
      </p>
      <ChangePasswordForm onDone={() => void refresh()} />
      <p>
        <button type="button" className="btn btn-link" onClick={() => void signOut()}>
          Sign out instead
        </button>
      </p>
    </Card>
  );
}

/** /dashboard/reset-password?token=… and /dashboard/accept-invite?token=… */
export function TokenPage({ purpose }: { purpose: 'reset_password' | 'invite' }) {
  const invite = purpose === 'invite';
  useTitle(invite ? 'Accept invitation' : 'Reset password');
  const { search } = useLocation();
  const token = search.get('token') ?? '';
  const { signedIn } = useSession();
  const submit = useSubmit();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const lookup = useAsync(
    (signal) =>
      token ? api.get<{ purpose: string; username: string }>(`/auth/tokens/${encodeURIComponent(token)}`, { signal }) : Promise.reject(new ApiError(404, 'token_invalid', 'This link has no token.')),
    [token],
  );
  const title = invite ? 'Accept your invitation' : 'Choose a new password';
  const invalid = (
    <>
      <p className="alert alert-error" role="alert">
        This link has expired or was already used.
      </p>
      <p>{invite ? 'Ask the person who invited you to send a new invitation.' : 'Ask your platform operator or a business owner for a new link.'}</p>
      <p>
        <Link to="/dashboard">Go to sign-in</Link>
      </p>
    </>
  );
  return (
    <Card title={title}>
      {lookup.error?.status === 404 || lookup.error?.code === 'token_invalid' ? (
        invalid
      ) : (
        <Async state={lookup}>
          {(t) => (
            <form
              onSubmit={async (e) => {
                e.preventDefault();
                const local = localPasswordErrors(password, confirm);
                if (Object.keys(local).length) {
                  submit.setError(new ApiError(400, 'validation_failed', 'Validation failed', local));
                  return;
                }
                const res = await submit.run(() => api.post<{ user: SessionUser; csrfToken: string }>('/auth/reset-password', { token, newPassword: password }));
                if (res) {
                  await signedIn(res.csrfToken);
                  navigate(res.user.role === 'superadmin' ? '/super' : '/dashboard', { replace: true });
                }
              }}
              noValidate
            >
              <p>
                {invite ? 'You are joining as' : 'Setting a new password for'} <strong>{t.username}</strong>. You will use this username (or your email) to sign in.
              </p>
              {submit.error?.code === 'token_invalid' ? invalid : <FormError submit={submit} fields={['newPassword', 'confirmPassword']} />}
              <input type="text" name="username" autoComplete="username" value={t.username} readOnly hidden />
              <NewPasswordFields
                value={password}
                confirm={confirm}
                onChange={setPassword}
                onConfirm={setConfirm}
                errors={submit.fieldError('newPassword')}
                confirmErrors={submit.fieldError('confirmPassword')}
              />
              <Button type="submit" busy={submit.busy}>
                {invite ? 'Set password and sign in' : 'Save password and sign in'}
              </Button>
            </form>
          )}
        </Async>
      )}
    </Card>
  );
}
