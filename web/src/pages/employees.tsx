// /dashboard/employees: the team, each with a personal review link and QR code. A row shows the
// QR code itself (what customers will scan), the link, and its actions grouped: copying the link
// first (the everyday action), the QR downloads in one menu, and the rarer changes (edit,
// deactivate) in another, so the page is not a wall of equal buttons.
import { useState } from 'react';
import { api, BASE, listAll } from '../api.ts';
import { ReadOnlyNote, useTenant } from '../dashboard.tsx';
import { PageHeader } from '../layout.tsx';
import { useTitle } from '../router.tsx';
import { can, useSignedIn } from '../session.tsx';
import type { Employee, Shop } from '../types.ts';
import { Async, Button, Checkbox, ConfirmDialog, CopyButton, Empty, FormError, MenuButton, SelectField, ShopOptions, TextField, useAsync, useSubmit, type MenuItem } from '../ui.tsx';

export function EmployeesPage() {
  useTitle('Employees');
  const { tenant } = useTenant();
  const state = useAsync(async () => {
    const [employees, shops] = await Promise.all([
      api.get<{ employees: Employee[] }>(`/tenants/${tenant.id}/employees`).then((r) => r.employees),
      listAll<Shop>(`/tenants/${tenant.id}/shops`, 'shops'),
    ]);
    return { employees, shops };
  }, [tenant.id]);
  const [shopFilter, setShopFilter] = useState('');
  const [showInactive, setShowInactive] = useState(false);

  return (
    <>
      <PageHeader title="Employees" lead="Every employee has a personal review link and QR code. Scans and ratings are counted per person." />
      <ReadOnlyNote permission="employees:write" />
      <Async state={state} label="Loading employees…">
        {({ employees, shops }) => {
          const upsert = (e: Employee) =>
            state.setData((old) => ({ shops, employees: old!.employees.some((x) => x.id === e.id) ? old!.employees.map((x) => (x.id === e.id ? e : x)) : [...old!.employees, e] }));
          const visible = employees
            .filter((e) => (showInactive || e.active) && (!shopFilter || e.shopId === shopFilter))
            .sort((a, b) => a.name.localeCompare(b.name));
          return (
            <>
              <AddEmployee shops={shops} onAdded={upsert} />
              <section className="card">
                <div className="toolbar">
                  <SelectField label="Shop" value={shopFilter} onChange={(e) => setShopFilter(e.target.value)}>
                    <option value="">All shops</option>
                    <ShopOptions shops={shops} />
                  </SelectField>
                  <Checkbox label="Show deactivated" checked={showInactive} onChange={(e) => setShowInactive(e.target.checked)} />
                  {shopFilter && (
                    <a className="btn btn-secondary" href={`${BASE}/tenants/${tenant.id}/shops/${shopFilter}/qr-sheet`} target="_blank" rel="noopener">
                      Print this shop's QR sheet
                    </a>
                  )}
                </div>
                {visible.length === 0 ? (
                  <Empty>{employees.length === 0 ? 'No employees yet. Add the first one above.' : 'No employees match these filters.'}</Empty>
                ) : (
                  <ul className="rows" aria-label="Employees">
                    {visible.map((e, i) => (
                      <EmployeeRow key={e.id} employee={e} shops={shops} onChange={upsert} eagerQr={i < 20} />
                    ))}
                  </ul>
                )}
              </section>
            </>
          );
        }}
      </Async>
    </>
  );
}

function AddEmployee({ shops, onAdded }: { shops: Shop[]; onAdded: (e: Employee) => void }) {
  const { tenant } = useTenant();
  const submit = useSubmit();
  const [name, setName] = useState('');
  const [shopId, setShopId] = useState(shops.find((s) => s.isDefault)?.id ?? shops[0]?.id ?? '');
  const [added, setAdded] = useState<string | null>(null);
  return (
    <section className="card">
      <h2>Add an employee</h2>
      <form
        className="inline-form"
        onSubmit={async (ev) => {
          ev.preventDefault();
          setAdded(null);
          const res = await submit.run(() => api.post<{ employee: Employee }>(`/tenants/${tenant.id}/employees`, { name: name.trim(), shopId }));
          if (res) {
            onAdded(res.employee);
            setAdded(res.employee.name);
            setName('');
          }
        }}
        noValidate
      >
        <FormError submit={submit} fields={['name', 'shopId']} />
        <TextField label="Name" name="name" value={name} onChange={(e) => setName(e.target.value)} errors={submit.fieldError('name')} autoComplete="off" required />
        <SelectField label="Shop" name="shopId" value={shopId} onChange={(e) => setShopId(e.target.value)} errors={submit.fieldError('shopId')}>
          <ShopOptions shops={shops} />
        </SelectField>
        <Button type="submit" busy={submit.busy}>
          Add employee
        </Button>
        {added && (
          <p className="alert alert-success" role="status">
            Added {added}.
          </p>
        )}
      </form>
    </section>
  );
}

/** `eagerQr`: the first rows load their QR code at once; the rest when scrolled to (a long team is many requests). */
function EmployeeRow({ employee: e, shops, onChange, eagerQr }: { employee: Employee; shops: Shop[]; onChange: (e: Employee) => void; eagerQr: boolean }) {
  const { tenant } = useTenant();
  const submit = useSubmit();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(e.name);
  const [shopId, setShopId] = useState(e.shopId);
  const [confirm, setConfirm] = useState(false);
  const qr = `${BASE}/tenants/${tenant.id}/employees/${e.id}/qr`;
  const fileBase = e.name.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || e.code;
  const patch = (body: Record<string, unknown>) => api.patch<{ employee: Employee }>(`/tenants/${tenant.id}/employees/${e.id}`, body).then((r) => onChange(r.employee));
  const mayEdit = can(useSignedIn(), 'employees:write');
  const more: MenuItem[] = [
    { label: 'Edit…', ariaLabel: `Edit ${e.name}`, onSelect: () => setEditing(true) },
    e.active
      ? { label: 'Deactivate…', ariaLabel: `Deactivate ${e.name}`, danger: true, onSelect: () => setConfirm(true) }
      : { label: 'Reactivate', ariaLabel: `Reactivate ${e.name}`, onSelect: () => void submit.run(() => patch({ active: true })) },
  ];

  return (
    <li className={`row employee ${e.active ? '' : 'inactive'}`} data-testid="employee-row">
      {editing ? (
        <form
          className="inline-form"
          onSubmit={async (ev) => {
            ev.preventDefault();
            const body: Record<string, unknown> = {};
            if (name.trim() !== e.name) body.name = name.trim();
            if (shopId !== e.shopId) body.shopId = shopId;
            const ok = Object.keys(body).length === 0 || (await submit.run(async () => (await patch(body), true)));
            if (ok) setEditing(false);
          }}
          noValidate
        >
          <FormError submit={submit} fields={['name', 'shopId']} />
          <TextField label="Name" value={name} onChange={(ev) => setName(ev.target.value)} errors={submit.fieldError('name')} autoFocus />
          <SelectField label="Shop" value={shopId} onChange={(ev) => setShopId(ev.target.value)} errors={submit.fieldError('shopId')}>
            <ShopOptions shops={shops} />
          </SelectField>
          <Button type="submit" busy={submit.busy}>
            Save
          </Button>
          <Button
            variant="secondary"
            onClick={() => {
              setEditing(false);
              setName(e.name);
              setShopId(e.shopId);
              submit.clear();
            }}
          >
            Cancel
          </Button>
        </form>
      ) : (
        <>
          <a className="qr-preview" href={`${qr}?format=svg`} target="_blank" rel="noopener" aria-label={`Open the QR code of ${e.name}`}>
            <img src={`${qr}?format=svg`} alt="" width={72} height={72} loading={eagerQr ? 'eager' : 'lazy'} data-testid="qr-preview" />
          </a>
          <div className="row-main">
            <strong className="employee-name">{e.name}</strong> {!e.active && <span className="badge badge-muted">deactivated</span>}
            <div className="muted small">{e.shopName}</div>
            <div className="link-line">
              <a href={e.reviewUrl} target="_blank" rel="noopener" className="mono small">
                {e.reviewUrl}
              </a>
            </div>
          </div>
          <div className="row-actions">
            <CopyButton text={e.reviewUrl} label="Copy link" />
            <MenuButton
              label="QR code"
              ariaLabel={`Download the QR code of ${e.name}`}
              items={[
                { label: 'SVG (sharp at any print size)', href: `${qr}?format=svg`, download: `${fileBase}-qr.svg` },
                { label: 'PNG (for chats and documents)', href: `${qr}?format=png`, download: `${fileBase}-qr.png` },
              ]}
            />
            {mayEdit && <MenuButton label="More" ariaLabel={`More for ${e.name}`} items={more} />}
          </div>
          <FormError submit={submit} />
        </>
      )}
      <ConfirmDialog
        open={confirm}
        title={`Deactivate ${e.name}?`}
        message="Their link will show a polite “no longer here” page. Their history stays in the analytics, and you can reactivate them later."
        confirmLabel="Deactivate"
        onConfirm={() => patch({ active: false })}
        onClose={() => setConfirm(false)}
      />
    </li>
  );
}
