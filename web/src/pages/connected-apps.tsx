// /dashboard/connected-apps: the AI clients (MCP) the signed-in person connected with OAuth —
// which app, in which business, with what permissions, when last used — and disconnecting one,
// which ends its tokens on every node within seconds.
import { useState } from 'react';
import type { ConnectedApp } from '../../../src/oauth/connected-apps.ts';
import { SCOPE_WORDS } from '../../../src/oauth/scopes.ts';
import { api } from '../api.ts';
import { PageHeader } from '../layout.tsx';
import { useTitle } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { Async, Button, ConfirmDialog, Empty, fmtAgo, fmtDate, useAsync } from '../ui.tsx';

export function ConnectedAppsPage() {
  useTitle('Connected apps');
  const info = useSignedIn();
  const state = useAsync(() => api.get<{ connectedApps: ConnectedApp[] }>('/auth/connected-apps').then((r) => r.connectedApps), []);
  const [leaving, setLeaving] = useState<ConnectedApp | null>(null);
  const mcpUrl = `${window.location.origin}/mcp`;
  return (
    <>
      <PageHeader
        title="Connected apps"
        lead={
          <>
            AI apps you connected to orgstack, such as Claude, ChatGPT, Cursor or VS Code. To connect one, add <code>{mcpUrl}</code> as an MCP server in it and sign in
            when it asks. An app can never do more than your role ({info.user.role}) allows.
          </>
        }
      />
      <section className="card" data-testid="connected-apps">
        <h2>Your connected apps</h2>
        <Async state={state} label="Loading connected apps…">
          {(apps) =>
            apps.length === 0 ? (
              <Empty>No apps connected yet.</Empty>
            ) : (
              <div className="table-wrap">
                <table className="stack">
                  <caption className="sr-only">Connected apps</caption>
                  <thead>
                    <tr>
                      <th scope="col">App</th>
                      <th scope="col">Business</th>
                      <th scope="col">Permissions</th>
                      <th scope="col">Connected</th>
                      <th scope="col">Last used</th>
                      <th scope="col">
                        <span className="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {apps.map((a) => (
                      <tr key={a.id} data-testid="connected-app-row">
                        <td className="wrap" data-title="">
                          {a.clientName}
                        </td>
                        <td data-label="Business">{a.tenant.name}</td>
                        <td className="small perms-cell" data-label="Permissions">
                          <ul className="plain">
                            {a.scopes.map((s) => (
                              <li key={s} title={s}>
                                {SCOPE_WORDS[s] ?? s}
                              </li>
                            ))}
                          </ul>
                        </td>
                        <td className="small" data-label="Connected">
                          {fmtDate(a.createdAt)}
                        </td>
                        <td className="small" data-label="Last used">
                          {fmtAgo(a.lastUsedAt)}
                        </td>
                        <td className="row-actions" data-actions="">
                          <Button variant="danger" className="btn-small" onClick={() => setLeaving(a)} aria-label={`Disconnect ${a.clientName}`}>
                            Disconnect
                          </Button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Async>
      </section>
      <ConfirmDialog
        open={leaving !== null}
        title={`Disconnect ${leaving?.clientName ?? ''}?`}
        message={<p>It will lose access within seconds, on every server. To use it again, connect it again from the app.</p>}
        confirmLabel="Disconnect"
        onConfirm={async () => {
          const a = leaving!;
          await api.del(`/auth/connected-apps/${encodeURIComponent(a.id)}`);
          state.setData((old) => (old ?? []).filter((x) => x.id !== a.id));
        }}
        onClose={() => setLeaving(null)}
      />
    </>
  );
}
