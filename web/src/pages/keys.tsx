// API key management, shared by /dashboard/api-keys (tenant keys) and /super/api-keys (platform
// keys): create with a name, permissions, hourly limit and expiry → the secret shown once; list;
// roll; revoke with confirmation.
import { useState } from 'react';
import { api, listAll } from '../api.ts';
import type { ApiKey } from '../types.ts';
import { Async, Button, Checkbox, ConfirmDialog, Empty, fmtAgo, fmtDate, FormError, SecretOnce, TextField, useAsync, useSubmit } from '../ui.tsx';

interface Minted {
  apiKey: ApiKey;
  key: string | null;
}

export function KeyManager({
  basePath,
  permissions,
  defaultLimit,
  kindLabel,
  listTitle = 'Keys',
  canRoll = true,
}: {
  basePath: string;
  permissions: readonly string[];
  defaultLimit: number;
  kindLabel: string;
  listTitle?: string;
  /** Personal keys have no roll: a person revokes and creates. */
  canRoll?: boolean;
}) {
  const state = useAsync(() => listAll<ApiKey>(basePath, 'apiKeys'), [basePath]);
  const [shown, setShown] = useState<{ key: string; name: string | null; rolled: boolean } | null>(null);
  const upsert = (changed: ApiKey[]) =>
    state.setData((old) => {
      const rest = (old ?? []).filter((k) => !changed.some((c) => c.id === k.id));
      return [...changed, ...rest].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    });
  return (
    <>
      {shown ? (
        <section className="card" aria-live="polite">
          <h2>{shown.rolled ? 'Your new key' : 'Your key'}{shown.name ? `: ${shown.name}` : ''}</h2>
          <SecretOnce
            label="API key"
            value={shown.key}
            warning={
              <>
                <strong>Copy this key now.</strong> It is shown only this once; we store only its hash. If you lose it, revoke it and create a new one.
                {shown.rolled && ' The old key keeps working for 24 hours, then expires.'}
              </>
            }
            onDone={() => setShown(null)}
          />
        </section>
      ) : (
        <CreateKey
          basePath={basePath}
          permissions={permissions}
          defaultLimit={defaultLimit}
          kindLabel={kindLabel}
          onCreated={(m) => {
            upsert([m.apiKey]);
            if (m.key) setShown({ key: m.key, name: m.apiKey.name, rolled: false });
          }}
        />
      )}
      <section className="card">
        <h2>{listTitle}</h2>
        <Async state={state} label="Loading keys…">
          {(keys) =>
            keys.length === 0 ? (
              <Empty>No keys yet.</Empty>
            ) : (
              <KeyTable
                keys={keys}
                basePath={basePath}
                allPermissions={permissions}
                canRoll={canRoll}
                onChange={upsert}
                onRolled={(m, previous) => {
                  upsert([m.apiKey, previous]);
                  if (m.key) setShown({ key: m.key, name: m.apiKey.name, rolled: true });
                }}
              />
            )
          }
        </Async>
      </section>
    </>
  );
}

function CreateKey({
  basePath,
  permissions,
  defaultLimit,
  kindLabel,
  onCreated,
}: {
  basePath: string;
  permissions: readonly string[];
  defaultLimit: number;
  kindLabel: string;
  onCreated: (m: Minted) => void;
}) {
  const submit = useSubmit();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set(permissions));
  const [limit, setLimit] = useState(String(defaultLimit));
  const [expires, setExpires] = useState('');
  const all = chosen.size === permissions.length;
  const toggle = (p: string, on: boolean) =>
    setChosen((s) => {
      const n = new Set(s);
      if (on) n.add(p);
      else n.delete(p);
      return n;
    });
  return (
    <section className="card">
      <h2>Create {kindLabel}</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const body: Record<string, unknown> = { name: name.trim() || null };
          // All boxes ticked = "every permission of the scope", including ones added later.
          if (!all) body.permissions = [...chosen];
          body.hourlyLimit = limit.trim() === '' ? undefined : Number(limit);
          if (expires) body.expiresAt = new Date(`${expires}T23:59:59`).toISOString();
          const m = await submit.run(() => api.post<Minted>(basePath, body));
          if (m) {
            onCreated(m);
            setName('');
            setExpires('');
            setChosen(new Set(permissions));
            setLimit(String(defaultLimit));
          }
        }}
        noValidate
      >
        <FormError submit={submit} fields={['name', 'permissions', 'hourlyLimit', 'expiresAt']} />
        <div className="form-grid">
          <TextField label="Name" name="name" value={name} onChange={(e) => setName(e.target.value)} errors={submit.fieldError('name')} hint="What will use it, e.g. CRM sync" autoComplete="off" />
          <TextField
            label="Hourly limit"
            name="hourlyLimit"
            type="number"
            inputMode="numeric"
            min={1}
            value={limit}
            onChange={(e) => setLimit(e.target.value)}
            errors={submit.fieldError('hourlyLimit')}
            hint="Requests per hour (UTC hour)"
          />
          <TextField label="Expires on (optional)" name="expiresAt" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} errors={submit.fieldError('expiresAt')} hint="Leave empty for no expiry" />
        </div>
        <fieldset className="perms" aria-describedby="perm-hint">
          <legend>Permissions</legend>
          <p id="perm-hint" className="hint">
            {all ? 'All permissions: the key also gains permissions that future versions add.' : `${chosen.size} of ${permissions.length} selected.`}{' '}
            <button type="button" className="btn btn-link" onClick={() => setChosen(all ? new Set() : new Set(permissions))}>
              {all ? 'Clear all' : 'Select all'}
            </button>
          </p>
          <div className="perm-grid">
            {permissions.map((p) => (
              <Checkbox key={p} label={<code>{p}</code>} checked={chosen.has(p)} onChange={(e) => toggle(p, e.target.checked)} name="permissions" value={p} />
            ))}
          </div>
          {submit.fieldError('permissions') && <small className="field-error">{submit.fieldError('permissions')!.join(' ')}</small>}
        </fieldset>
        <Button type="submit" busy={submit.busy} disabled={chosen.size === 0}>
          Create key
        </Button>
      </form>
    </section>
  );
}

function status(k: ApiKey): { label: string; tone: string } {
  if (k.revokedAt) return { label: 'revoked', tone: 'badge-muted' };
  if (k.expiresAt && new Date(k.expiresAt).getTime() <= Date.now()) return { label: 'expired', tone: 'badge-muted' };
  if (k.expiresAt) return { label: `expires ${fmtDate(k.expiresAt)}`, tone: 'badge-warn' };
  return { label: 'active', tone: 'badge-ok' };
}

function KeyTable({
  keys,
  basePath,
  allPermissions,
  canRoll,
  onChange,
  onRolled,
}: {
  keys: ApiKey[];
  basePath: string;
  allPermissions: readonly string[];
  canRoll: boolean;
  onChange: (k: ApiKey[]) => void;
  onRolled: (m: Minted, previous: ApiKey) => void;
}) {
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [rolling, setRolling] = useState<ApiKey | null>(null);
  const permissionsLabel = (p: string[]) => (allPermissions.every((x) => p.includes(x)) ? 'all' : p.join(', '));
  return (
    <>
      <div className="table-wrap">
        <table className="stack">
          <caption className="sr-only">API keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Permissions</th>
              <th scope="col" className="num">
                Limit / h
              </th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => {
              const st = status(k);
              const live = st.label !== 'revoked' && st.label !== 'expired';
              return (
                <tr key={k.id} data-testid="key-row" data-prefix={k.prefix}>
                  <td className="wrap" data-title="">
                    {k.name ?? <span className="muted">unnamed</span>}
                  </td>
                  <td className="mono small" data-label="Key">
                    {k.prefix}…
                  </td>
                  <td className="small perms-cell" data-label="Permissions">
                    {permissionsLabel(k.permissions)}
                  </td>
                  <td className="num" data-label="Limit / h">
                    {k.requestsThisHour !== undefined ? `${k.requestsThisHour} / ` : ''}
                    {k.hourlyLimit.toLocaleString()}
                  </td>
                  <td className="small" data-label="Created">
                    {fmtDate(k.createdAt)}
                  </td>
                  <td className="small" data-label="Last used">
                    {fmtAgo(k.lastUsedAt)}
                  </td>
                  <td data-label="Status">
                    <span className={`badge ${st.tone}`}>{st.label}</span>
                  </td>
                  <td className="row-actions" data-actions="">
                    {live && (
                      <>
                        {canRoll && (
                          <Button variant="secondary" className="btn-small" onClick={() => setRolling(k)} aria-label={`Roll ${k.name ?? k.prefix}`}>
                            Roll
                          </Button>
                        )}
                        <Button variant="danger" className="btn-small" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name ?? k.prefix}`}>
                          Revoke
                        </Button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke ${revoking?.name ?? revoking?.prefix ?? ''}?`}
        message={
          <p>
            Every request with <code>{revoking?.prefix}…</code> will be refused within seconds. This cannot be undone.
          </p>
        }
        confirmLabel="Revoke key"
        onConfirm={async () => {
          const k = revoking!;
          await api.del(`${basePath}/${k.id}`);
          onChange([{ ...k, revokedAt: new Date().toISOString() }]);
        }}
        onClose={() => setRevoking(null)}
      />
      <ConfirmDialog
        open={rolling !== null}
        title={`Roll ${rolling?.name ?? rolling?.prefix ?? ''}?`}
        message={<p>You get a new key with the same permissions and limit. The old key keeps working for 24 hours so you can switch over, then expires.</p>}
        confirmLabel="Roll key"
        onConfirm={async () => {
          const r = await api.post<Minted & { previous: ApiKey }>(`${basePath}/${rolling!.id}/roll`, {});
          onRolled(r, r.previous);
        }}
        onClose={() => setRolling(null)}
      />
    </>
  );
}
