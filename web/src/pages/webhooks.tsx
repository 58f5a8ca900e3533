// /dashboard/webhooks: the tenant's webhook endpoints — add one (its signing secret shown once),
// their delivery health, event filters grouped by module, secret rotation, a test event, and each
// endpoint's delivery log with a retry button.
import { useState } from 'react';
import { api } from '../api.ts';
import { ReadOnlyNote, useTenant } from '../dashboard.tsx';
import { PageHeader } from '../layout.tsx';
import { useTitle } from '../router.tsx';
import { useSignedIn } from '../session.tsx';
import { Async, Button, Checkbox, ConfirmDialog, Empty, fmtAgo, fmtDateTime, FormError, SecretOnce, TextField, useAsync, useSubmit, type AsyncState } from '../ui.tsx';

interface Endpoint {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  createdAt: string;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  failingSince: string | null;
  disabledReason: 'gone' | 'failing' | null;
  previousSecretExpiresAt: string | null;
}
interface Attempt {
  at: string;
  status: number | null;
  error: string | null;
  durationMs: number;
  response: string | null;
}
interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attemptCount: number;
  nextAttemptAt: string | null;
  createdAt: string;
  attempts: Attempt[];
}
interface EventTypeInfo {
  type: string;
  description: string;
}

/** Event types by the part before their first dot (`shop`, `decision` …), as checkbox groups. */
function groupsOf(types: EventTypeInfo[]): [string, EventTypeInfo[]][] {
  const groups = new Map<string, EventTypeInfo[]>();
  // webhook.test goes only to the endpoint it is sent to: nothing to subscribe to.
  for (const t of types.filter((x) => !x.type.startsWith('webhook.'))) {
    const group = t.type.split('.')[0];
    groups.set(group, [...(groups.get(group) ?? []), t]);
  }
  return [...groups];
}

export function WebhooksPage() {
  useTitle('Webhooks');
  const { tenant } = useTenant();
  const base = `/tenants/${tenant.id}/webhooks`;
  const state = useAsync((signal) => api.get<{ webhooks: Endpoint[] }>(base, { signal }).then((r) => r.webhooks), [base]);
  const types = useAsync((signal) => api.get<{ eventTypes: EventTypeInfo[] }>('/webhook-event-types', { signal }).then((r) => r.eventTypes), []);
  const [secret, setSecret] = useState<{ value: string; rotated: boolean } | null>(null);
  const canWrite = useSignedIn().permissions.includes('webhooks:write');
  const upsert = (e: Endpoint) => state.setData((old) => (old?.some((x) => x.id === e.id) ? old.map((x) => (x.id === e.id ? e : x)) : [e, ...(old ?? [])]));
  return (
    <>
      <PageHeader
        title="Webhooks"
        lead={
          <>
            Send events of {tenant.name} to your own systems as they happen: signed HTTPS POSTs, retried until they are acknowledged. See <a href="/docs">the API docs</a>{' '}
            for the payload and how to verify signatures.
          </>
        }
      />
      <ReadOnlyNote permission="webhooks:write" />
      {secret ? (
        <section className="card" aria-live="polite">
          <h2>{secret.rotated ? 'Your new signing secret' : 'Your signing secret'}</h2>
          <SecretOnce
            label="Signing secret"
            value={secret.value}
            warning={
              <>
                <strong>Copy this secret now.</strong> It is shown only this once. Your receiver uses it to check the <code>webhook-signature</code> header.
                {secret.rotated && ' The old secret keeps signing beside it for 24 hours.'}
              </>
            }
            onDone={() => setSecret(null)}
          />
        </section>
      ) : (
        canWrite && (
          <AddEndpoint
            base={base}
            types={types}
            onAdded={(e, value) => {
              upsert(e);
              setSecret({ value, rotated: false });
            }}
          />
        )
      )}
      <section className="card">
        <h2>Endpoints</h2>
        <Async state={state} label="Loading endpoints…">
          {(endpoints) =>
            endpoints.length === 0 ? (
              <Empty>No endpoints yet.</Empty>
            ) : (
              <ul className="rows" aria-label="Webhook endpoints">
                {endpoints.map((e) => (
                  <EndpointRow
                    key={e.id}
                    base={base}
                    endpoint={e}
                    types={types}
                    canWrite={canWrite}
                    onChange={upsert}
                    onRotated={(value) => setSecret({ value, rotated: true })}
                    onDeleted={() => state.setData(endpoints.filter((x) => x.id !== e.id))}
                  />
                ))}
              </ul>
            )
          }
        </Async>
      </section>
    </>
  );
}

function EventFilter({ types, value, onChange, errors }: { types: AsyncState<EventTypeInfo[]>; value: string[]; onChange: (v: string[]) => void; errors?: string[] }) {
  const all = value.includes('*');
  const has = (f: string) => value.includes(f);
  const set = (f: string, on: boolean) => onChange(on ? [...value.filter((x) => x !== '*'), f] : value.filter((x) => x !== f));
  return (
    <fieldset className="event-filter">
      <legend>Events</legend>
      <Checkbox label="Every event" checked={all} onChange={(e) => onChange(e.target.checked ? ['*'] : [])} errors={errors} />
      {!all && (
        <Async state={types} label="Loading event types…">
          {(list) => (
            <div className="event-groups">
              {groupsOf(list).map(([group, items]) => (
                <fieldset key={group} className="event-group">
                  <legend>{group}</legend>
                  <Checkbox label={`All ${group} events`} checked={has(`${group}.*`)} onChange={(e) => set(`${group}.*`, e.target.checked)} />
                  {!has(`${group}.*`) &&
                    items.map((t) => <Checkbox key={t.type} label={<code>{t.type}</code>} title={t.description} checked={has(t.type)} onChange={(e) => set(t.type, e.target.checked)} />)}
                </fieldset>
              ))}
            </div>
          )}
        </Async>
      )}
    </fieldset>
  );
}

function AddEndpoint({ base, types, onAdded }: { base: string; types: AsyncState<EventTypeInfo[]>; onAdded: (e: Endpoint, secret: string) => void }) {
  const submit = useSubmit();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [eventTypes, setEventTypes] = useState<string[]>(['*']);
  return (
    <section className="card">
      <h2>Add an endpoint</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await submit.run(() => api.post<{ webhook: Endpoint; secret: string | null }>(base, { url: url.trim(), description: description.trim(), eventTypes }));
          if (r?.secret) {
            onAdded(r.webhook, r.secret);
            setUrl('');
            setDescription('');
            setEventTypes(['*']);
          }
        }}
        noValidate
      >
        <FormError submit={submit} fields={['url', 'description', 'eventTypes']} />
        <TextField label="URL" name="url" type="url" placeholder="https://example.com/hooks/orgstack" value={url} onChange={(e) => setUrl(e.target.value)} errors={submit.fieldError('url')} required />
        <TextField label="Description" name="description" value={description} onChange={(e) => setDescription(e.target.value)} errors={submit.fieldError('description')} />
        <EventFilter types={types} value={eventTypes} onChange={setEventTypes} errors={submit.fieldError('eventTypes')} />
        <Button type="submit" busy={submit.busy}>
          Add endpoint
        </Button>
      </form>
    </section>
  );
}

function Health({ e }: { e: Endpoint }) {
  if (!e.enabled) {
    const why = e.disabledReason === 'gone' ? ' (the receiver answered 410 Gone)' : e.disabledReason === 'failing' ? ' (failing for 5 days)' : '';
    return <span className="badge badge-err">disabled{why}</span>;
  }
  if (e.failingSince) return <span className="badge badge-warn">failing since {fmtAgo(e.failingSince)}</span>;
  if (e.lastSuccessAt) return <span className="badge badge-ok">healthy</span>;
  return <span className="badge">no deliveries yet</span>;
}

function EndpointRow(props: {
  base: string;
  endpoint: Endpoint;
  types: AsyncState<EventTypeInfo[]>;
  canWrite: boolean;
  onChange: (e: Endpoint) => void;
  onRotated: (secret: string) => void;
  onDeleted: () => void;
}) {
  const { endpoint: e, base, canWrite } = props;
  const path = `${base}/${e.id}`;
  const submit = useSubmit();
  const [editing, setEditing] = useState<string[] | null>(null);
  const [showLog, setShowLog] = useState(false);
  const [confirm, setConfirm] = useState<'rotate' | 'delete' | null>(null);
  const [sent, setSent] = useState(false);
  return (
    <li className="row" data-testid="webhook-row">
      <div className="row-main">
        <strong className="mono break">{e.url}</strong> <Health e={e} />
        <div className="muted small">
          {e.description && <>{e.description} · </>}
          {e.eventTypes.includes('*') ? 'every event' : e.eventTypes.join(', ')} · last success {e.lastSuccessAt ? fmtAgo(e.lastSuccessAt) : 'never'}
          {e.previousSecretExpiresAt && <> · old secret signs until {fmtDateTime(e.previousSecretExpiresAt)}</>}
        </div>
        <FormError submit={submit} fields={editing ? ['eventTypes'] : []} />
        {sent && (
          <p className="alert alert-success" role="status">
            Test event sent; it shows in the delivery log.
          </p>
        )}
      </div>
      <div className="row-actions">
        <Button variant="secondary" className="btn-small" onClick={() => setShowLog(!showLog)} aria-expanded={showLog}>
          {showLog ? 'Hide deliveries' : 'Deliveries'}
        </Button>
        {canWrite && (
          <>
            <Button variant="secondary" className="btn-small" onClick={() => setEditing(e.eventTypes)}>
              Edit events
            </Button>
            <Button
              variant="secondary"
              className="btn-small"
              busy={submit.busy}
              disabled={!e.enabled}
              onClick={async () => {
                setSent(false);
                if (await submit.run(() => api.post(`${path}/test`))) setSent(true);
              }}
            >
              Send test
            </Button>
            <Button variant="secondary" className="btn-small" busy={submit.busy} onClick={() => void submit.run(async () => props.onChange((await api.patch<{ webhook: Endpoint }>(path, { enabled: !e.enabled })).webhook))}>
              {e.enabled ? 'Disable' : 'Enable'}
            </Button>
            <Button variant="secondary" className="btn-small" onClick={() => setConfirm('rotate')}>
              Rotate secret
            </Button>
            <Button variant="danger" className="btn-small" onClick={() => setConfirm('delete')} aria-label={`Delete ${e.url}`}>
              Delete
            </Button>
          </>
        )}
      </div>
      {editing && (
        <form
          className="grow"
          onSubmit={async (ev) => {
            ev.preventDefault();
            const r = await submit.run(() => api.patch<{ webhook: Endpoint }>(path, { eventTypes: editing }));
            if (r) {
              props.onChange(r.webhook);
              setEditing(null);
            }
          }}
        >
          <EventFilter types={props.types} value={editing} onChange={setEditing} errors={submit.fieldError('eventTypes')} />
          <div className="actions">
            <Button variant="secondary" onClick={() => setEditing(null)}>
              Cancel
            </Button>
            <Button type="submit" busy={submit.busy}>
              Save filters
            </Button>
          </div>
        </form>
      )}
      {showLog && (
        <DeliveryLog
          path={path}
          canWrite={canWrite && e.enabled}
          // The endpoint's health changes with its deliveries: refreshing the log refreshes both.
          onRefresh={() => void api.get<{ webhook: Endpoint }>(path).then((r) => props.onChange(r.webhook), () => {})}
        />
      )}
      <ConfirmDialog
        open={confirm === 'rotate'}
        title="Rotate the signing secret?"
        message="A new secret is made now and shown once. For 24 hours every delivery is signed with both, so you can switch your receiver over."
        confirmLabel="Rotate secret"
        onConfirm={async () => {
          const r = await api.post<{ webhook: Endpoint; secret: string | null }>(`${path}/rotate-secret`, { overlapSeconds: 86400 });
          props.onChange(r.webhook);
          if (r.secret) props.onRotated(r.secret);
        }}
        onClose={() => setConfirm(null)}
      />
      <ConfirmDialog
        open={confirm === 'delete'}
        title="Delete this endpoint?"
        message="It stops receiving events at once, and its delivery log is deleted."
        confirmLabel="Delete endpoint"
        onConfirm={async () => {
          await api.del(path);
          props.onDeleted();
        }}
        onClose={() => setConfirm(null)}
      />
    </li>
  );
}

const STATUS_BADGE = { succeeded: 'badge-ok', pending: 'badge-warn', failed: 'badge-err' } as const;

function DeliveryLog({ path, canWrite, onRefresh }: { path: string; canWrite: boolean; onRefresh: () => void }) {
  const [status, setStatus] = useState('');
  const state = useAsync((signal) => api.get<{ deliveries: Delivery[] }>(`${path}/deliveries?limit=50${status ? `&status=${status}` : ''}`, { signal }).then((r) => r.deliveries), [path, status]);
  const submit = useSubmit();
  return (
    <div className="delivery-log grow" data-testid="delivery-log">
      <div className="actions">
        {['', 'succeeded', 'pending', 'failed'].map((s) => (
          <Button key={s} variant={status === s ? 'primary' : 'secondary'} className="btn-small" aria-pressed={status === s} onClick={() => setStatus(s)}>
            {s || 'all'}
          </Button>
        ))}
        <Button
          variant="link"
          className="btn-small"
          onClick={() => {
            state.reload();
            onRefresh();
          }}
        >
          Refresh
        </Button>
      </div>
      <FormError submit={submit} />
      <Async state={state} label="Loading deliveries…">
        {(deliveries) =>
          deliveries.length === 0 ? (
            <Empty>No deliveries in the last 30 days.</Empty>
          ) : (
            <ul className="rows" aria-label="Deliveries">
              {deliveries.map((d) => {
                const last = d.attempts.at(-1);
                return (
                  <li key={d.id} className="row" data-testid="delivery-row">
                    <div className="row-main">
                      <span className={`badge ${STATUS_BADGE[d.status]}`}>{d.status}</span> <code>{d.eventType}</code>
                      <div className="muted small">
                        {fmtDateTime(d.createdAt)} · {d.attemptCount} attempt{d.attemptCount === 1 ? '' : 's'}
                        {last && <> · last: {last.status ?? last.error} in {last.durationMs} ms</>}
                        {d.nextAttemptAt && <> · next {fmtDateTime(d.nextAttemptAt)}</>}
                      </div>
                    </div>
                    {canWrite && d.status !== 'pending' && (
                      <div className="row-actions">
                        <Button variant="secondary" className="btn-small" busy={submit.busy} onClick={async () => (await submit.run(() => api.post(`${path}/deliveries/${d.id}/retry`))) && state.reload()}>
                          Retry
                        </Button>
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          )
        }
      </Async>
    </div>
  );
}
