// /dashboard/settings: brand (with a live preview of the review page), review-page behaviour,
// alerts, listings, and the signed-in user's own account.
import { useMemo, useState } from 'react';
import { api, ApiError } from '../api.ts';
import { ReadOnlyNote, useTenant } from '../dashboard.tsx';
import { PageHeader } from '../layout.tsx';
import { useTitle } from '../router.tsx';
import { useSession } from '../session.tsx';
import type { TenantSettings } from '../types.ts';
import { Async, Button, Checkbox, FormError, SelectField, TextField, useAsync, useSubmit } from '../ui.tsx';
import { ChangePasswordForm } from './auth.tsx';

const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/x-icon', 'image/vnd.microsoft.icon'];
const MAX_LOGO = 256 * 1024;

interface Form {
  brandPrimaryColor: string;
  brandAccentColor: string;
  timezone: string;
  ratingThreshold: string;
  defaultLanguage: string;
  notifyOnNegativeFeedback: boolean;
  feedbackContactRetentionDays: string;
  websiteUrl: string;
  googleMapsUrl: string;
  xhsInput: string;
}

const formOf = (s: TenantSettings): Form => ({
  brandPrimaryColor: s.brandPrimaryColor,
  brandAccentColor: s.brandAccentColor,
  timezone: s.timezone,
  ratingThreshold: String(s.ratingThreshold),
  defaultLanguage: s.defaultLanguage,
  notifyOnNegativeFeedback: s.notifyOnNegativeFeedback,
  feedbackContactRetentionDays: String(s.feedbackContactRetentionDays),
  websiteUrl: s.websiteUrl ?? '',
  googleMapsUrl: s.googleMapsUrl ?? '',
  xhsInput: s.xhsHandle ? `@${s.xhsHandle}` : '',
});

/** Only what changed, typed as the API wants it (empty URL fields clear the value). */
function patchOf(f: Form, s: TenantSettings): Record<string, unknown> {
  const before = formOf(s);
  const out: Record<string, unknown> = {};
  const num = (v: string) => (v.trim() === '' || Number.isNaN(Number(v)) ? v : Number(v));
  for (const k of Object.keys(f) as (keyof Form)[]) {
    if (f[k] === before[k]) continue;
    const v = f[k];
    if (k === 'ratingThreshold' || k === 'feedbackContactRetentionDays') out[k] = num(v as string);
    else if (k === 'websiteUrl' || k === 'googleMapsUrl' || k === 'xhsInput') out[k] = (v as string).trim() || null;
    else out[k] = v;
  }
  return out;
}

function timezones(): string[] {
  try {
    const zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
    return ['UTC', ...zones.filter((z) => z !== 'UTC')];
  } catch {
    return ['UTC'];
  }
}

export function SettingsPage() {
  useTitle('Settings');
  const { tenant, reload } = useTenant();
  const state = useAsync((signal) => api.get<{ settings: TenantSettings }>(`/tenants/${tenant.id}/settings`, { signal }).then((r) => r.settings), [tenant.id]);
  return (
    <>
      <PageHeader title="Settings" lead={`How ${tenant.name} looks and behaves for customers, and your own account.`} />
      <ReadOnlyNote permission="settings:write" />
      <Async state={state} label="Loading settings…">
        {(s) => (
          <>
            <SettingsForm
              settings={s}
              onSaved={(n) => {
                state.setData(n);
                reload();
              }}
            />
            <LogoCard
              settings={s}
              onSaved={(n) => {
                state.setData(n);
                reload();
              }}
            />
          </>
        )}
      </Async>
      <AccountCard />
    </>
  );
}

function SettingsForm({ settings, onSaved }: { settings: TenantSettings; onSaved: (s: TenantSettings) => void }) {
  const { tenant } = useTenant();
  const submit = useSubmit();
  const [form, setForm] = useState(() => formOf(settings));
  const [saved, setSaved] = useState(false);
  const zones = useMemo(timezones, []);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setSaved(false);
    setForm((f) => ({ ...f, [k]: v }));
  };
  const text = (k: keyof Form) => (e: { target: { value: string } }) => set(k, e.target.value as never);
  const fields = Object.keys(form);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setSaved(false);
        const patch = patchOf(form, settings);
        if (Object.keys(patch).length === 0) {
          setSaved(true);
          return;
        }
        const r = await submit.run(() => api.patch<{ settings: TenantSettings }>(`/tenants/${tenant.id}/settings`, patch));
        if (r) {
          onSaved(r.settings);
          setForm(formOf(r.settings));
          setSaved(true);
        }
      }}
      noValidate
    >
      <FormError submit={submit} fields={fields} />
      {saved && (
        <p className="alert alert-success" role="status">
          Settings saved.
        </p>
      )}
      <div className="grid-2">
        <section className="card">
          <h2>Brand</h2>
          <div className="form-grid">
            <ColorField label="Primary colour" value={form.brandPrimaryColor} onChange={(v) => set('brandPrimaryColor', v)} errors={submit.fieldError('brandPrimaryColor')} />
            <ColorField label="Accent colour" value={form.brandAccentColor} onChange={(v) => set('brandAccentColor', v)} errors={submit.fieldError('brandAccentColor')} />
          </div>
          <Preview name={tenant.name} primary={form.brandPrimaryColor} accent={form.brandAccentColor} logoUrl={settings.logoUrl} />
        </section>
        <section className="card">
          <h2>Review page and alerts</h2>
          <SelectField label="Time zone" value={form.timezone} onChange={text('timezone')} errors={submit.fieldError('timezone')} hint="Days in analytics start at midnight here.">
            {(zones.includes(form.timezone) ? zones : [form.timezone, ...zones]).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Rating threshold"
            value={form.ratingThreshold}
            onChange={text('ratingThreshold')}
            errors={submit.fieldError('ratingThreshold')}
            hint="Ratings at or above it invite a public review; below it, private feedback comes first."
          >
            {[1, 2, 3, 4, 5].map((n) => (
              <option key={n} value={String(n)}>
                {n} {n === 1 ? 'star' : 'stars'}
              </option>
            ))}
          </SelectField>
          <SelectField label="Default language" value={form.defaultLanguage} onChange={text('defaultLanguage')} errors={submit.fieldError('defaultLanguage')}>
            <option value="en">English</option>
            <option value="zh-CN">Chinese (simplified)</option>
          </SelectField>
          <Checkbox
            label="Email owners about negative feedback"
            checked={form.notifyOnNegativeFeedback}
            onChange={(e) => set('notifyOnNegativeFeedback', e.target.checked)}
            errors={submit.fieldError('notifyOnNegativeFeedback')}
          />
          <TextField
            label="Keep customer contact details for (days)"
            type="number"
            inputMode="numeric"
            min={1}
            max={3650}
            value={form.feedbackContactRetentionDays}
            onChange={text('feedbackContactRetentionDays')}
            errors={submit.fieldError('feedbackContactRetentionDays')}
            hint="After this, contact details left with feedback are erased; the feedback stays."
          />
        </section>
      </div>
      <section className="card">
        <h2>Listings</h2>
        <div className="form-grid">
          <TextField label="Website" type="url" value={form.websiteUrl} onChange={text('websiteUrl')} errors={submit.fieldError('websiteUrl')} placeholder="https://…" />
          <TextField label="Google Maps URL" type="url" value={form.googleMapsUrl} onChange={text('googleMapsUrl')} errors={submit.fieldError('googleMapsUrl')} hint="Used by the default shop." />
          <TextField label="Xiaohongshu" value={form.xhsInput} onChange={text('xhsInput')} errors={submit.fieldError('xhsInput')} hint="A profile URL or @handle." />
        </div>
      </section>
      <div className="actions form-actions">
        <Button type="submit" busy={submit.busy}>
          Save settings
        </Button>
        <Button
          variant="secondary"
          onClick={() => {
            setForm(formOf(settings));
            submit.clear();
          }}
        >
          Discard changes
        </Button>
      </div>
    </form>
  );
}

function ColorField({ label, value, onChange, errors }: { label: string; value: string; onChange: (v: string) => void; errors?: string[] }) {
  const valid = /^#[0-9a-fA-F]{6}$/.test(value);
  return (
    <div className="color-field">
      <TextField label={label} value={value} onChange={(e) => onChange(e.target.value)} errors={errors} hint="#rrggbb" maxLength={7} className="short" />
      <input type="color" aria-label={`${label} picker`} value={valid ? value : '#000000'} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** A small likeness of the public review page, recoloured as you type. */
function Preview({ name, primary, accent, logoUrl }: { name: string; primary: string; accent: string; logoUrl: string | null }) {
  const ok = (c: string) => /^#[0-9a-fA-F]{6}$/.test(c);
  return (
    <div className="preview" aria-label="Preview of the review page" role="img">
      <svg viewBox="0 0 240 200" className="preview-svg">
        <rect width="240" height="200" rx="12" fill="#f8fafc" />
        <rect width="240" height="56" rx="12" fill={ok(primary) ? primary : '#0f766e'} />
        <rect y="40" width="240" height="16" fill={ok(primary) ? primary : '#0f766e'} />
        {logoUrl && <image href={logoUrl} x="12" y="10" width="36" height="36" preserveAspectRatio="xMidYMid meet" />}
        <text x={logoUrl ? 56 : 16} y="33" fill="#fff" fontSize="14" fontWeight="600">
          {name.length > 22 ? `${name.slice(0, 21)}…` : name}
        </text>
        <text x="120" y="86" fontSize="11" textAnchor="middle" fill="#334155">
          How was your visit?
        </text>
        {[0, 1, 2, 3, 4].map((i) => (
          <text key={i} x={72 + i * 24} y="118" fontSize="22" textAnchor="middle" fill={i < 4 ? (ok(accent) ? accent : '#f59e0b') : '#cbd5e1'}>
            ★
          </text>
        ))}
        <rect x="40" y="140" width="160" height="32" rx="8" fill={ok(primary) ? primary : '#0f766e'} />
        <text x="120" y="160" fontSize="11" textAnchor="middle" fill="#fff">
          Post a review
        </text>
      </svg>
    </div>
  );
}

function LogoCard({ settings, onSaved }: { settings: TenantSettings; onSaved: (s: TenantSettings) => void }) {
  const { tenant } = useTenant();
  const submit = useSubmit();
  const [url, setUrl] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const upload = async (body: Record<string, string>) => {
    onSaved((await api.put<{ settings: TenantSettings }>(`/tenants/${tenant.id}/logo`, body)).settings);
  };
  return (
    <section className="card">
      <h2>Logo</h2>
      <div className="logo-row">
        {settings.logoUrl ? <img src={settings.logoUrl} alt={`${tenant.name} logo`} className="logo" /> : <p className="muted">No logo yet.</p>}
        {settings.logoUrl && (
          <Button
            variant="secondary"
            busy={submit.busy}
            onClick={() => void submit.run(async () => onSaved((await api.patch<{ settings: TenantSettings }>(`/tenants/${tenant.id}/settings`, { logoUrl: null })).settings))}
          >
            Remove logo
          </Button>
        )}
      </div>
      <FormError submit={submit} fields={['image', 'url']} />
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!file) {
            submit.setError(new ApiError(400, 'validation_failed', 'Validation failed', { image: ['Choose a PNG, JPEG or WebP file'] }));
            return;
          }
          if (!LOGO_TYPES.includes(file.type) || file.size > MAX_LOGO) {
            submit.setError(
              new ApiError(400, 'validation_failed', 'Validation failed', {
                image: [!LOGO_TYPES.includes(file.type) ? 'Must be a PNG, JPEG, WebP or ICO image (no SVG)' : 'Must be at most 256 KB'],
              }),
            );
            return;
          }
          const image = await toBase64(file);
          await submit.run(() => upload({ image }));
        }}
        noValidate
      >
        <div className="field">
          <label htmlFor="logo-file">Upload a file</label>
          <input id="logo-file" type="file" accept={LOGO_TYPES.join(',')} onChange={(e) => setFile(e.target.files?.[0] ?? null)} aria-describedby="logo-hint" />
          <small id="logo-hint" className="hint">
            PNG, JPEG or WebP, at most 256 KB. Stored by orgstack, so customers' phones never load it from elsewhere.
          </small>
          {submit.fieldError('image') && <small className="field-error">{submit.fieldError('image')!.join(' ')}</small>}
        </div>
        <Button type="submit" busy={submit.busy} variant="secondary">
          Upload
        </Button>
      </form>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          await submit.run(() => upload({ url: url.trim() }));
        }}
        noValidate
      >
        <TextField label="…or fetch it from a URL" type="url" value={url} onChange={(e) => setUrl(e.target.value)} errors={submit.fieldError('url')} placeholder="https://…/logo.png" />
        <Button type="submit" busy={submit.busy} variant="secondary">
          Fetch logo
        </Button>
      </form>
    </section>
  );
}

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(new ApiError(0, 'client', 'Could not read the file'));
    r.readAsDataURL(file);
  });
}

function AccountCard() {
  const { signOut } = useSession();
  return (
    <section className="card">
      <h2>Your account</h2>
      <div className="grid-2">
        <div>
          <h3>Change password</h3>
          <ChangePasswordForm />
        </div>
        <div>
          <h3>Sessions</h3>
          <p>Signed in on a shared or lost device? Sign out everywhere, including here.</p>
          <Button variant="secondary" onClick={() => void signOut(true)}>
            Sign out everywhere
          </Button>
        </div>
      </div>
    </section>
  );
}
