// /super/tenants/new: provisioning, with the same validation and result as POST /tenants. The
// login and (in demo mode) the temporary password are shown once.
import { useState } from 'react';
import { api } from '../../api.ts';
import { PageHeader } from '../../layout.tsx';
import { Link, useTitle } from '../../router.tsx';
import type { ProvisionResponse } from '../../types.ts';
import { Button, FormError, SecretOnce, SelectField, TextArea, TextField, useSubmit } from '../../ui.tsx';

const VERTICALS = [
  ['auto', 'Detect from the listing'],
  ['fnb', 'Food and drink'],
  ['beauty', 'Beauty'],
  ['clinic', 'Clinic'],
  ['retail', 'Retail'],
  ['services', 'Services'],
  ['other', 'Other (describe it)'],
] as const;

const FIELDS = ['name', 'slug', 'vertical', 'businessDescription', 'mapsUrl', 'xhsInput', 'websiteUrl', 'ownerEmail'] as const;
type Form = Record<(typeof FIELDS)[number], string>;
const EMPTY: Form = { name: '', slug: '', vertical: 'auto', businessDescription: '', mapsUrl: '', xhsInput: '', websiteUrl: '', ownerEmail: '' };

export function ProvisionPage() {
  useTitle('Provision a tenant');
  const submit = useSubmit();
  const [form, setForm] = useState<Form>(EMPTY);
  const [result, setResult] = useState<ProvisionResponse | null>(null);
  const set = (k: keyof Form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  if (result) return <Provisioned result={result} onAnother={() => (setResult(null), setForm(EMPTY))} />;

  return (
    <>
      <PageHeader title="Provision a tenant" lead="Creates the business, its default shop, a login, ten review templates and a 14-day trial, all at once." />
      <form
        className="card"
        onSubmit={async (e) => {
          e.preventDefault();
          const body: Record<string, string> = { name: form.name.trim(), vertical: form.vertical };
          for (const k of FIELDS) if (k !== 'name' && k !== 'vertical' && form[k].trim()) body[k] = form[k].trim();
          const r = await submit.run(() => api.post<ProvisionResponse>('/tenants', body));
          if (r) setResult(r);
        }}
        noValidate
      >
        <FormError submit={submit} fields={[...FIELDS]} />
        <div className="form-grid">
          <TextField label="Business name" name="name" value={form.name} onChange={set('name')} errors={submit.fieldError('name')} required autoFocus />
          <TextField label="Slug (optional)" name="slug" value={form.slug} onChange={set('slug')} errors={submit.fieldError('slug')} hint="Derived from the name when empty." />
          <SelectField label="Vertical" name="vertical" value={form.vertical} onChange={set('vertical')} errors={submit.fieldError('vertical')}>
            {VERTICALS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Owner email (optional)"
            name="ownerEmail"
            type="email"
            value={form.ownerEmail}
            onChange={set('ownerEmail')}
            errors={submit.fieldError('ownerEmail')}
            hint="With an email the owner gets a link to set a password; without, a demo password is shown here once."
          />
        </div>
        {form.vertical === 'other' && (
          <TextArea
            label="Business description"
            name="businessDescription"
            value={form.businessDescription}
            onChange={set('businessDescription')}
            errors={submit.fieldError('businessDescription')}
            hint="Used to write the ten review templates."
            rows={3}
          />
        )}
        <fieldset>
          <legend>Listings (at least one)</legend>
          <div className="form-grid">
            <TextField label="Google Maps URL" name="mapsUrl" type="url" value={form.mapsUrl} onChange={set('mapsUrl')} errors={submit.fieldError('mapsUrl')} placeholder="https://maps.app.goo.gl/…" />
            <TextField label="Xiaohongshu" name="xhsInput" value={form.xhsInput} onChange={set('xhsInput')} errors={submit.fieldError('xhsInput')} placeholder="@handle or profile URL" />
            <TextField
              label="Website (optional)"
              name="websiteUrl"
              type="url"
              value={form.websiteUrl}
              onChange={set('websiteUrl')}
              errors={submit.fieldError('websiteUrl')}
              hint="Its icon and theme colour become the brand."
            />
          </div>
        </fieldset>
        <Button type="submit" busy={submit.busy}>
          {submit.busy ? 'Provisioning…' : 'Provision tenant'}
        </Button>
      </form>
    </>
  );
}

function Provisioned({ result: r, onAnother }: { result: ProvisionResponse; onAnother: () => void }) {
  return (
    <>
      <PageHeader title="Tenant provisioned" />
      <section className="card" data-testid="provisioned">
        <dl className="facts">
          <dt>Tenant</dt>
          <dd>
            <Link to={`/super/tenants/${r.id}`}>{r.slug}</Link>
          </dd>
          <dt>Login username</dt>
          <dd className="mono" data-testid="login-username">
            {r.loginUsername}
          </dd>
          <dt>Mode</dt>
          <dd>{r.mode === 'owner' ? 'owner (a reset-password email was sent)' : 'demo'}</dd>
          <dt>Dashboard</dt>
          <dd>
            <a href={r.dashboardUrl}>{r.dashboardUrl}</a>
          </dd>
          <dt>Trial ends</dt>
          <dd>{new Date(r.trialEndsAt).toLocaleDateString()}</dd>
          <dt>Templates</dt>
          <dd>{r.templatesCreated}</dd>
        </dl>
        {r.temporaryPassword && (
          <SecretOnce
            label="Temporary password"
            value={r.temporaryPassword}
            warning={
              <>
                <strong>Shown only once.</strong> Hand it to the owner with the username; they must choose their own password at first sign-in.
              </>
            }
          />
        )}
        <div className="actions">
          <Link to={`/super/tenants/${r.id}`} className="btn btn-primary">
            Open the tenant
          </Link>
          <Button variant="secondary" onClick={onAnother}>
            Provision another
          </Button>
        </div>
      </section>
    </>
  );
}
