// /super/tenants/new: provisioning, with the same validation and result as POST /tenants. The
// login and (in demo mode) the temporary password are shown once.
import { useState } from 'react';
import { api } from '../../api.ts';
import { PageHeader } from '../../layout.tsx';
import { Link, useTitle } from '../../router.tsx';
import { ProvisionedFacts, WhatIsCreated } from './provision-summary.tsx';
import type { ProvisionResponse } from '../../types.ts';
import { Button, FormError, SecretOnce, SelectField, TextArea, TextField, useSubmit } from '../../ui.tsx';

// The verticals of src/platform/tenant-schemas.ts: each picks its built-in review texts.
const VERTICALS = [
  ['', 'Choose the kind of business…'],
  ['auto', 'Car repair and care'],
  ['fnb', 'Food and drink'],
  ['beauty', 'Beauty'],
  ['clinic', 'Clinic'],
  ['retail', 'Retail'],
  ['services', 'Services'],
  ['other', 'Something else (describe it)'],
] as const;

const FIELDS = ['name', 'slug', 'vertical', 'businessDescription', 'mapsUrl', 'xhsInput', 'websiteUrl', 'ownerEmail'] as const;
type Form = Record<(typeof FIELDS)[number], string>;
const EMPTY: Form = { name: '', slug: '', vertical: '', businessDescription: '', mapsUrl: '', xhsInput: '', websiteUrl: '', ownerEmail: '' };

export function ProvisionPage() {
  useTitle('Provision a tenant');
  const submit = useSubmit();
  const [form, setForm] = useState<Form>(EMPTY);
  const [result, setResult] = useState<ProvisionResponse | null>(null);
  const set = (k: keyof Form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  if (result) return <Provisioned result={result} onAnother={() => (setResult(null), setForm(EMPTY))} />;

  return (
    <>
      <PageHeader title="Provision a tenant" lead="One step makes a working business: everything listed here is created together, or nothing is." />
      <WhatIsCreated />
      <form
        className="card"
        onSubmit={async (e) => {
          e.preventDefault();
          const body: Record<string, string> = { name: form.name.trim() };
          for (const k of FIELDS) if (k !== 'name' && form[k].trim()) body[k] = form[k].trim();
          const r = await submit.run(() => api.post<ProvisionResponse>('/tenants', body));
          if (r) setResult(r);
        }}
        noValidate
      >
        <FormError submit={submit} fields={[...FIELDS]} />
        <div className="form-grid">
          <TextField label="Business name" name="name" value={form.name} onChange={set('name')} errors={submit.fieldError('name')} required autoFocus />
          <TextField label="Slug (optional)" name="slug" value={form.slug} onChange={set('slug')} errors={submit.fieldError('slug')} hint="Derived from the name when empty." />
          <SelectField label="Kind of business" name="vertical" value={form.vertical} onChange={set('vertical')} errors={submit.fieldError('vertical')} hint="Picks the suggested review texts.">
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
            hint="With an email, the owner is sent a link to choose a password; without one, a temporary password is shown here once."
          />
        </div>
        {form.vertical === 'other' && (
          <TextArea
            label="Business description"
            name="businessDescription"
            value={form.businessDescription}
            onChange={set('businessDescription')}
            errors={submit.fieldError('businessDescription')}
            hint="The suggested review texts are written from it."
            rows={3}
          />
        )}
        <fieldset>
          <legend>Where customers review it (at least one)</legend>
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
              hint="Its icon becomes the logo, its theme colour the brand colour."
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
        <ProvisionedFacts r={r} />
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
