// /dashboard/shops: locations, each with its own Google Maps and Xiaohongshu listing.
import { useState } from 'react';
import { api, BASE, listAll } from '../api.ts';
import { ReadOnlyNote, useTenant } from '../dashboard.tsx';
import { PageHeader } from '../layout.tsx';
import { useTitle } from '../router.tsx';
import type { Shop } from '../types.ts';
import { Async, Button, ConfirmDialog, Empty, FormError, TextField, useAsync, useSubmit } from '../ui.tsx';

const FIELDS = ['name', 'address', 'googleMapsUrl', 'googlePlaceId', 'xhsHandle'] as const;
type ShopForm = Record<(typeof FIELDS)[number], string>;

const formOf = (s?: Shop): ShopForm => ({
  name: s?.name ?? '',
  address: s?.address ?? '',
  googleMapsUrl: s?.googleMapsUrl ?? '',
  googlePlaceId: s?.googlePlaceId ?? '',
  xhsHandle: s?.xhsHandle ?? '',
});

/** Empty optional fields are sent as null (cleared); on create they are left out. */
function bodyOf(f: ShopForm, creating: boolean) {
  const out: Record<string, string | null> = { name: f.name.trim() };
  for (const k of FIELDS) {
    if (k === 'name') continue;
    const v = f[k].trim();
    if (v) out[k] = v;
    else if (!creating) out[k] = null;
  }
  return out;
}

export function ShopsPage() {
  useTitle('Shops');
  const { tenant } = useTenant();
  const state = useAsync(() => listAll<Shop>(`/tenants/${tenant.id}/shops`, 'shops'), [tenant.id]);
  const [adding, setAdding] = useState(false);
  return (
    <>
      <PageHeader title="Shops" lead="Each location can point customers to its own Google Maps and Xiaohongshu listing.">
        {!adding && <Button onClick={() => setAdding(true)}>Add a shop</Button>}
      </PageHeader>
      <ReadOnlyNote permission="shops:write" />
      <Async state={state} label="Loading shops…">
        {(shops) => (
          <>
            {adding && (
              <section className="card">
                <h2>New shop</h2>
                <ShopEditor
                  onCancel={() => setAdding(false)}
                  onSaved={(s) => {
                    state.setData([...shops, s]);
                    setAdding(false);
                  }}
                />
              </section>
            )}
            {shops.length === 0 ? (
              <Empty>No shops yet.</Empty>
            ) : (
              <ul className="cards" aria-label="Shops">
                {shops.map((s) => (
                  <ShopCard
                    key={s.id}
                    shop={s}
                    onSaved={(saved) => state.setData(shops.map((x) => (x.id === saved.id ? saved : saved.isDefault ? { ...x, isDefault: false } : x)))}
                    onDeleted={() => state.setData(shops.filter((x) => x.id !== s.id))}
                  />
                ))}
              </ul>
            )}
          </>
        )}
      </Async>
    </>
  );
}

function ShopCard({ shop, onSaved, onDeleted }: { shop: Shop; onSaved: (s: Shop) => void; onDeleted: () => void }) {
  const { tenant } = useTenant();
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const submit = useSubmit();
  return (
    <li className="card" data-testid="shop-card">
      {editing ? (
        <ShopEditor
          shop={shop}
          onCancel={() => setEditing(false)}
          onSaved={(s) => {
            onSaved(s);
            setEditing(false);
          }}
        />
      ) : (
        <>
          <h2>
            {shop.name} {shop.isDefault && <span className="badge">default</span>}
          </h2>
          <dl className="facts">
            <dt>Address</dt>
            <dd>{shop.address ?? '—'}</dd>
            <dt>Google Maps</dt>
            <dd className="break">
              {shop.googleMapsUrl ? (
                <a href={shop.googleMapsUrl} target="_blank" rel="noopener noreferrer">
                  {shop.googleMapsUrl}
                </a>
              ) : (
                '—'
              )}
            </dd>
            <dt>Place ID</dt>
            <dd className="mono">{shop.googlePlaceId ?? '—'}</dd>
            <dt>Xiaohongshu</dt>
            <dd>{shop.xhsHandle ? `@${shop.xhsHandle}` : '—'}</dd>
          </dl>
          <FormError submit={submit} />
          <div className="actions">
            <Button variant="secondary" onClick={() => setEditing(true)} aria-label={`Edit ${shop.name}`}>
              Edit
            </Button>
            <a className="btn btn-secondary" href={`${BASE}/tenants/${tenant.id}/shops/${shop.id}/qr-sheet`} target="_blank" rel="noopener">
              Print QR sheet
            </a>
            {!shop.isDefault && (
              <Button
                variant="secondary"
                busy={submit.busy}
                onClick={() => void submit.run(async () => onSaved((await api.patch<{ shop: Shop }>(`/tenants/${tenant.id}/shops/${shop.id}`, { isDefault: true })).shop))}
              >
                Make default
              </Button>
            )}
            <Button variant="danger" onClick={() => setConfirm(true)} aria-label={`Delete ${shop.name}`}>
              Delete
            </Button>
          </div>
        </>
      )}
      <ConfirmDialog
        open={confirm}
        title={`Delete ${shop.name}?`}
        message="A shop can be deleted only when it has no active employees and is not your only shop."
        confirmLabel="Delete shop"
        onConfirm={async () => {
          await api.del(`/tenants/${tenant.id}/shops/${shop.id}`);
          onDeleted();
        }}
        onClose={() => setConfirm(false)}
      />
    </li>
  );
}

function ShopEditor({ shop, onSaved, onCancel }: { shop?: Shop; onSaved: (s: Shop) => void; onCancel: () => void }) {
  const { tenant } = useTenant();
  const submit = useSubmit();
  const [form, setForm] = useState(formOf(shop));
  const set = (k: keyof ShopForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const res = await submit.run(() =>
          shop
            ? api.patch<{ shop: Shop }>(`/tenants/${tenant.id}/shops/${shop.id}`, bodyOf(form, false))
            : api.post<{ shop: Shop }>(`/tenants/${tenant.id}/shops`, bodyOf(form, true)),
        );
        if (res) onSaved(res.shop);
      }}
      noValidate
    >
      <FormError submit={submit} fields={[...FIELDS]} />
      <div className="form-grid">
        <TextField label="Name" name="name" value={form.name} onChange={set('name')} errors={submit.fieldError('name')} required autoFocus />
        <TextField label="Address" name="address" value={form.address} onChange={set('address')} errors={submit.fieldError('address')} autoComplete="street-address" />
        <TextField
          label="Google Maps URL"
          name="googleMapsUrl"
          type="url"
          value={form.googleMapsUrl}
          onChange={set('googleMapsUrl')}
          errors={submit.fieldError('googleMapsUrl')}
          hint="The shop's link from Google Maps → Share, e.g. https://maps.app.goo.gl/…"
        />
        <TextField label="Google Place ID" name="googlePlaceId" value={form.googlePlaceId} onChange={set('googlePlaceId')} errors={submit.fieldError('googlePlaceId')} hint="Optional; starts with ChIJ…" />
        <TextField label="Xiaohongshu handle" name="xhsHandle" value={form.xhsHandle} onChange={set('xhsHandle')} errors={submit.fieldError('xhsHandle')} hint="A profile URL, an xhslink.com link or @handle" />
      </div>
      <div className="actions">
        <Button type="submit" busy={submit.busy}>
          {shop ? 'Save shop' : 'Add shop'}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
