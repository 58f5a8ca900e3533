// /dashboard/decisions: the inbox of decisions agents ask people to make. Pending ones first, the
// most urgent and soonest due at the top; approve (choosing one of the options when there are
// some) or reject with a reason. Resolved ones below, newest first.
import { useEffect, useState } from 'react';
import { ApiError, client } from '../api.ts';
import { PageHeader } from '../layout.tsx';
import { Link, useTitle } from '../router.tsx';
import { can, useSignedIn } from '../session.tsx';
import { Async, Button, Empty, fmtAgo, fmtDateTime, FormError, TextArea, useAsync, useSubmit } from '../ui.tsx';
import type { Actor, ClientList, Decision, Initiative } from '../work-types.ts';

/** Who asked or decided, as people read it: an agent's or person's name, a key's own name — never a key prefix. */
export function askedBy(a: Actor): string {
  if (a.type === 'key') return a.key_name ? `the API key “${a.key_name}”` : 'an API key';
  return a.name ?? (a.type === 'agent' ? 'an agent' : 'a person');
}

const URGENCY_RANK: Record<Decision['urgency'], number> = { critical: 0, high: 1, medium: 2, low: 3 };
const URGENCY_TONE: Record<Decision['urgency'], string> = { critical: 'badge-err', high: 'badge-warn', medium: 'badge-muted', low: 'badge-muted' };
const STATUS_TONE: Record<string, string> = { approved: 'badge-ok', rejected: 'badge-err', superseded: 'badge-muted', cancelled: 'badge-muted', pending: 'badge-warn' };

/** Most urgent first; within an urgency, the one whose SLA ends soonest. */
const byUrgencyThenDue = (a: Decision, b: Decision) => URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] || a.due_at.localeCompare(b.due_at);

interface Inbox {
  pending: Decision[];
  resolved: Decision[];
  /** Initiative titles by id, for the links from each decision to its initiative. */
  initiatives: Map<string, string>;
}

async function loadInbox(signal: AbortSignal): Promise<Inbox> {
  const [pending, resolved, initiatives] = await Promise.all([
    client.get<ClientList<Decision>>('/decisions?status=pending&limit=200', { signal }),
    client.get<ClientList<Decision>>('/decisions?status=approved,rejected,superseded,cancelled&limit=50', { signal }),
    client.get<ClientList<Initiative>>('/initiatives?limit=200', { signal }),
  ]);
  return {
    initiatives: new Map(initiatives.data.map((i) => [i.id, i.title])),
    pending: [...pending.data].sort(byUrgencyThenDue),
    resolved: [...resolved.data].sort((a, b) => (b.resolved_at ?? b.created_at).localeCompare(a.resolved_at ?? a.created_at)),
  };
}

export function DecisionsPage() {
  useTitle('Decisions');
  const info = useSignedIn();
  const state = useAsync(loadInbox, []);
  const mayDecide = can(info, 'decisions:write');
  // A link to one decision (#decision-<id>, from an initiative's page) scrolls to it once loaded.
  const loaded = state.data !== undefined;
  useEffect(() => {
    if (loaded && location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
  }, [loaded]);
  const resolve = (d: Decision) =>
    state.setData((old) => ({
      initiatives: old?.initiatives ?? new Map(),
      pending: (old?.pending ?? []).filter((x) => x.id !== d.id),
      resolved: [d, ...(old?.resolved ?? []).filter((x) => x.id !== d.id)],
    }));
  return (
    <>
      <PageHeader title="Decisions" lead="What your agents are waiting on you for. The most urgent and soonest due come first." />
      {!mayDecide && (
        <p className="alert alert-info" role="note">
          Your role ({info.user.role}) can view decisions but not make them.
        </p>
      )}
      <Async state={state} label="Loading decisions…">
        {(inbox) => (
          <>
            <section aria-labelledby="pending-h">
              <h2 id="pending-h">Pending ({inbox.pending.length})</h2>
              {inbox.pending.length === 0 ? (
                <Empty>Nothing is waiting for you.</Empty>
              ) : (
                inbox.pending.map((d) => <PendingDecision key={d.id} decision={d} initiative={initiativeOf(d, inbox)} mayDecide={mayDecide} onResolved={resolve} />)
              )}
            </section>
            <section className="card" aria-labelledby="resolved-h">
              <h2 id="resolved-h">Resolved</h2>
              {inbox.resolved.length === 0 ? <Empty>No decision has been made yet.</Empty> : <ResolvedTable decisions={inbox.resolved} inbox={inbox} />}
            </section>
          </>
        )}
      </Async>
    </>
  );
}

/** The decision's initiative: its id and title (a generic name when it is beyond the first 200). */
function initiativeOf(d: Decision, inbox: Inbox): { id: string; title: string } | null {
  return d.initiative_id ? { id: d.initiative_id, title: inbox.initiatives.get(d.initiative_id) ?? 'its initiative' } : null;
}

function InitiativeLink({ initiative }: { initiative: { id: string; title: string } | null }) {
  if (!initiative) return null;
  return (
    <Link to={`/dashboard/initiatives/${initiative.id}`} data-testid="decision-initiative">
      {initiative.title}
    </Link>
  );
}

function dueLabel(d: Decision): { text: string; late: boolean } {
  const late = new Date(d.due_at).getTime() <= Date.now();
  return { text: late ? `overdue since ${fmtDateTime(d.due_at)}` : `due ${fmtDateTime(d.due_at)}`, late };
}

function PendingDecision({
  decision: d,
  initiative,
  mayDecide,
  onResolved,
}: {
  decision: Decision;
  initiative: { id: string; title: string } | null;
  mayDecide: boolean;
  onResolved: (d: Decision) => void;
}) {
  const submit = useSubmit();
  const [option, setOption] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const due = dueLabel(d);
  const act = async (action: 'approve' | 'reject', body: Record<string, unknown>) => {
    const r = await submit.run(() => client.post<{ ok: true; data: Decision }>(`/decisions/${d.id}/actions/${action}`, body));
    if (r) onResolved(r.data);
  };
  const invalid = (message: string) => submit.setError(new ApiError(400, 'validation_failed', message));
  return (
    <article className="card decision" id={`decision-${d.id}`} data-testid="decision" data-id={d.id} aria-labelledby={`d-${d.id}`}>
      <header className="decision-head">
        <h3 id={`d-${d.id}`}>{d.title}</h3>
        <span className={`badge ${URGENCY_TONE[d.urgency]}`}>{d.urgency}</span> <span className="badge badge-muted">{d.type}</span>{' '}
        <span className={`small ${due.late ? 'field-error' : 'muted'}`}>{due.text}</span>
      </header>
      {d.summary && <p className="decision-summary">{d.summary}</p>}
      <p className="small muted" data-testid="asked-by">
        Asked by {askedBy(d.requested_by)} {fmtAgo(d.created_at)}
        {initiative && (
          <>
            {' · '}initiative <InitiativeLink initiative={initiative} />
          </>
        )}
      </p>
      <FormError submit={submit} fields={['reason', 'option_id']} />
      {mayDecide && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (rejecting) {
              if (!reason.trim()) return invalid('Give a reason for rejecting.');
              return void act('reject', { reason: reason.trim() });
            }
            if (d.options.length > 0 && !option) return invalid('Choose one of the options to approve.');
            return void act('approve', option ? { option_id: option } : {});
          }}
          noValidate
        >
          {d.options.length > 0 && !rejecting && (
            <fieldset className="decision-options">
              <legend>Options</legend>
              {d.options.map((o) => (
                <div className="check" key={o.id}>
                  <input type="radio" id={`o-${d.id}-${o.id}`} name={`option-${d.id}`} value={o.id} checked={option === o.id} onChange={() => setOption(o.id)} />
                  <label htmlFor={`o-${d.id}-${o.id}`}>
                    {o.label}
                    {o.description && <small className="hint"> — {o.description}</small>}
                  </label>
                </div>
              ))}
            </fieldset>
          )}
          {rejecting && (
            <TextArea label="Reason for rejecting" name="reason" value={reason} onChange={(e) => setReason(e.target.value)} errors={submit.fieldError('reason')} rows={3} required />
          )}
          <div className="actions">
            {rejecting ? (
              <>
                <Button variant="secondary" onClick={() => (setRejecting(false), submit.clear())}>
                  Cancel
                </Button>
                <Button type="submit" variant="danger" busy={submit.busy}>
                  Reject decision
                </Button>
              </>
            ) : (
              <>
                <Button variant="secondary" onClick={() => (setRejecting(true), submit.clear())}>
                  Reject…
                </Button>
                <Button type="submit" busy={submit.busy}>
                  Approve
                </Button>
              </>
            )}
          </div>
        </form>
      )}
    </article>
  );
}

function outcome(d: Decision): string {
  if (d.status === 'approved') {
    const chosen = d.options.find((o) => o.id === d.chosen_option_id);
    return chosen ? `Chose “${chosen.label}”` : (d.resolution_note ?? '');
  }
  return d.resolution_note ?? '';
}

function ResolvedTable({ decisions, inbox }: { decisions: Decision[]; inbox: Inbox }) {
  return (
    <div className="table-wrap">
      <table className="stack">
        <caption className="sr-only">Resolved decisions</caption>
        <thead>
          <tr>
            <th scope="col">Decision</th>
            <th scope="col">Initiative</th>
            <th scope="col">Outcome</th>
            <th scope="col">By</th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {decisions.map((d) => (
            <tr key={d.id} id={`decision-${d.id}`} data-testid="resolved-decision" data-id={d.id}>
              <td className="wrap" data-title="">
                {d.title} <span className={`badge ${STATUS_TONE[d.status] ?? 'badge-muted'}`}>{d.status}</span>
              </td>
              <td className="small wrap" data-label="Initiative">
                {d.initiative_id ? <InitiativeLink initiative={initiativeOf(d, inbox)} /> : '—'}
              </td>
              <td className="small wrap" data-label="Outcome">
                {outcome(d) || '—'}
              </td>
              <td className="small wrap" data-label="By">
                {d.resolved_by ? askedBy(d.resolved_by) : '—'}
              </td>
              <td className="small" data-label="When">
                {fmtAgo(d.resolved_at)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
