// /dashboard/users: who can sign in to this business, invitations, roles.
import { useState } from 'react';
import { api } from '../api.ts';
import { ReadOnlyNote, useTenant } from '../dashboard.tsx';
import { PageHeader } from '../layout.tsx';
import { useTitle } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import type { TenantUser } from '../types.ts';
import { Async, Button, ConfirmDialog, Empty, fmtDate, FormError, SelectField, TextField, useAsync, useSubmit } from '../ui.tsx';

const ROLES = [
  { value: 'owner', label: 'Owner', note: 'full access' },
  { value: 'admin', label: 'Admin', note: 'full access' },
  { value: 'member', label: 'Member', note: 'view only' },
];

export function UsersPage() {
  useTitle('Users');
  const { tenant } = useTenant();
  const state = useAsync((signal) => api.get<{ users: TenantUser[] }>(`/tenants/${tenant.id}/users`, { signal }).then((r) => r.users), [tenant.id]);
  const upsert = (u: TenantUser) => state.setData((old) => (old?.some((x) => x.id === u.id) ? old.map((x) => (x.id === u.id ? u : x)) : [...(old ?? []), u]));
  return (
    <>
      <PageHeader title="Users" lead="People who can sign in to this dashboard. Owners and admins manage everything; members can look but not change." />
      <ReadOnlyNote permission="users:write" />
      <Invite onInvited={upsert} />
      <section className="card">
        <h2>Team</h2>
        <Async state={state} label="Loading users…">
          {(users) =>
            users.length === 0 ? (
              <Empty>No users.</Empty>
            ) : (
              <ul className="rows" aria-label="Users">
                {users.map((u) => (
                  <UserRow key={u.id} user={u} onChange={upsert} onRemoved={() => state.setData(users.filter((x) => x.id !== u.id))} />
                ))}
              </ul>
            )
          }
        </Async>
      </section>
    </>
  );
}

function Invite({ onInvited }: { onInvited: (u: TenantUser) => void }) {
  const { tenant } = useTenant();
  const submit = useSubmit();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('member');
  const [sent, setSent] = useState<string | null>(null);
  return (
    <section className="card">
      <h2>Invite someone</h2>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setSent(null);
          const r = await submit.run(() => api.post<{ user: TenantUser }>(`/tenants/${tenant.id}/users`, { email: email.trim(), role }));
          if (r) {
            onInvited(r.user);
            setSent(email.trim());
            setEmail('');
          }
        }}
        noValidate
      >
        <FormError submit={submit} fields={['email', 'role']} />
        <TextField label="Email" type="email" name="email" value={email} onChange={(e) => setEmail(e.target.value)} errors={submit.fieldError('email')} autoComplete="off" required />
        <SelectField label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value)} errors={submit.fieldError('role')}>
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label} ({r.note})
            </option>
          ))}
        </SelectField>
        <Button type="submit" busy={submit.busy}>
          Send invitation
        </Button>
        {sent && (
          <p className="alert alert-success" role="status">
            Invitation sent to {sent}. The link in it lets them choose a password.
          </p>
        )}
      </form>
    </section>
  );
}

function UserRow({ user: u, onChange, onRemoved }: { user: TenantUser; onChange: (u: TenantUser) => void; onRemoved: () => void }) {
  const { tenant } = useTenant();
  const me = useSignedIn().user;
  const submit = useSubmit();
  const [confirm, setConfirm] = useState(false);
  return (
    <li className="row" data-testid="user-row">
      <div className="row-main">
        <strong>{u.username}</strong> {u.id === me.id && <span className="badge">you</span>} {u.pending && <span className="badge badge-warn">invited</span>}
        <div className="muted small">
          {u.email ?? 'no email'} · {u.pending ? `invited ${fmtDate(u.invitedAt)}` : `since ${fmtDate(u.createdAt)}`}
        </div>
        <FormError submit={submit} />
      </div>
      <div className="row-actions">
        <SelectField
          label={<span className="sr-only">Role of {u.username}</span>}
          value={u.role}
          disabled={submit.busy}
          onChange={(e) => {
            const role = e.target.value;
            void submit.run(async () => onChange((await api.patch<{ user: TenantUser }>(`/tenants/${tenant.id}/users/${u.id}`, { role })).user));
          }}
        >
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </SelectField>
        <Button variant="danger" className="btn-small" onClick={() => setConfirm(true)} aria-label={`Remove ${u.username}`}>
          Remove
        </Button>
      </div>
      <ConfirmDialog
        open={confirm}
        title={`Remove ${u.username}?`}
        message="They are signed out at once, and their personal API keys stop working."
        confirmLabel="Remove user"
        onConfirm={async () => {
          await api.del(`/tenants/${tenant.id}/users/${u.id}`);
          onRemoved();
        }}
        onClose={() => setConfirm(false)}
      />
    </li>
  );
}
