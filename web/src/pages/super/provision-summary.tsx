// What one provisioning creates, as src/reviews/provisioning.ts and the modules' tenantCreated
// hooks (src/modules.ts) do it, and what it leaves to the owner; and the result, item by item.
import { Link } from '../../router.tsx';
import type { ProvisionResponse } from '../../types.ts';

export function WhatIsCreated() {
  return (
    <section className="card" aria-labelledby="created-h" data-testid="what-is-created">
      <h2 id="created-h">What is created</h2>
      <ol className="created-list">
        <li>
          <strong>The business</strong> on a <strong>14-day trial</strong>, under its slug. With a website, its icon becomes the logo and its theme colour the brand colour
          (fetched first; a slow or failing site only means no logo and the default colours).
        </li>
        <li>
          <strong>Its default shop</strong>, named like the business, carrying the Google Maps listing (short links resolved to the place) and the Xiaohongshu account.
        </li>
        <li>
          <strong>The owner's login</strong>, username = the slug. With an owner email, a link to choose a password is emailed (it works once, for 72 hours); without
          one, a temporary password is shown here once and must be changed at the first sign-in.
        </li>
        <li>
          <strong>20 suggested review texts</strong>: 10 in English and 10 in Simplified Chinese, from the built-in texts of the kind of business (for “Something
          else”, written from its description).
        </li>
        <li>
          <strong>Default settings</strong> (private feedback first below 4 stars, email alerts on, customer contact details kept 365 days) and the{' '}
          <strong>seven standard AI agents</strong> of the Work module.
        </li>
      </ol>
      <p className="small muted">
        Not created: employees and their QR codes, more shops, API keys and other users — the owner adds them in the dashboard.
      </p>
    </section>
  );
}

const KNOWN = new Set(['id', 'slug', 'mode', 'loginUsername', 'temporaryPassword', 'shopId', 'dashboardUrl', 'trialEndsAt', 'templatesCreated']);

/** Anything else the server reported as a list (what it could not fetch or resolve), in words. */
function notesOf(r: ProvisionResponse): string[] {
  return Object.entries(r as unknown as Record<string, unknown>)
    .filter(([k, v]) => !KNOWN.has(k) && Array.isArray(v))
    .flatMap(([, v]) => v as unknown[])
    .map((n) => {
      if (typeof n === 'string') return n;
      const o = n as { field?: unknown; message?: unknown };
      return typeof o.message === 'string' ? (typeof o.field === 'string' ? `${o.field}: ${o.message}` : o.message) : JSON.stringify(n);
    });
}

export function ProvisionedFacts({ r }: { r: ProvisionResponse }) {
  const notes = notesOf(r);
  return (
    <>
      <dl className="facts">
        <dt>Business</dt>
        <dd>
          <Link to={`/super/tenants/${r.id}`}>{r.slug}</Link>, trial until {new Date(r.trialEndsAt).toLocaleDateString()}
        </dd>
        <dt>Login username</dt>
        <dd className="mono" data-testid="login-username">
          {r.loginUsername}
        </dd>
        <dt>Sign-in</dt>
        <dd data-testid="provisioned-mode">
          {r.mode === 'owner' ? 'A link to choose a password was emailed to the owner.' : 'With the temporary password below (changed at the first sign-in).'}
        </dd>
        <dt>Dashboard</dt>
        <dd>
          <a href={r.dashboardUrl}>{r.dashboardUrl}</a>
        </dd>
        <dt>Created</dt>
        <dd>The default shop, {r.templatesCreated} suggested review texts, default settings and the seven standard agents.</dd>
      </dl>
      {notes.length > 0 && (
        <div className="alert alert-warn" data-testid="provision-notes">
          <strong>Not everything could be fetched:</strong>
          <ul>
            {notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
