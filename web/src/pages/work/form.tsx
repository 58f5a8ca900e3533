// One form for every level of the work hierarchy, in a dialog: the fields are described by data
// (the API's own field names), so creating and editing an initiative, workstream, milestone or
// task are the same few lines each. The server validates; its field errors appear beside the
// fields. On edit only changed fields are sent, and an emptied optional field is sent as null.
import { useState } from 'react';
import { Button, Dialog, FormError, SelectField, TextArea, TextField, useSubmit } from '../../ui.tsx';

export type Values = Record<string, string | string[]>;
type Options = readonly (readonly [string, string])[];

export interface FieldSpec {
  name: string;
  label: string;
  kind?: 'text' | 'textarea' | 'select' | 'date' | 'multi';
  options?: Options | ((v: Values) => Options);
  hint?: string;
  required?: boolean;
  /** Cleared with null on edit (else an empty value is left out). */
  nullable?: boolean;
}

/** The request body: on create, the filled fields; on edit, what changed. */
export function bodyOf(fields: FieldSpec[], values: Values, initial: Values | null): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (Array.isArray(v)) {
      const before = initial?.[f.name];
      if (!initial || JSON.stringify(v) !== JSON.stringify(before)) body[f.name] = v;
      continue;
    }
    const trimmed = (v ?? '').trim();
    if (initial && trimmed === String(initial[f.name] ?? '').trim()) continue;
    if (trimmed) body[f.name] = trimmed;
    else if (initial && f.nullable) body[f.name] = null;
  }
  return body;
}

export function WorkFormDialog({
  open,
  title,
  fields,
  initial,
  defaults,
  submitLabel,
  onSubmit,
  onClose,
}: {
  open: boolean;
  title: string;
  fields: FieldSpec[];
  /** The item's current values when editing; null when creating. */
  initial: Values | null;
  /** Starting values of a new item. */
  defaults?: Values;
  submitLabel: string;
  onSubmit: (body: Record<string, unknown>, values: Values) => Promise<unknown>;
  onClose: () => void;
}) {
  return (
    <Dialog open={open} onClose={onClose} title={title}>
      <WorkForm fields={fields} initial={initial} defaults={defaults} submitLabel={submitLabel} onSubmit={onSubmit} onClose={onClose} />
    </Dialog>
  );
}

function WorkForm({ fields, initial, defaults, submitLabel, onSubmit, onClose }: Omit<Parameters<typeof WorkFormDialog>[0], 'open' | 'title'>) {
  const submit = useSubmit();
  const [values, setValues] = useState<Values>(() => ({ ...Object.fromEntries(fields.map((f) => [f.name, f.kind === 'multi' ? [] : ''])), ...defaults, ...initial }));
  const set = (name: string, v: string | string[]) => setValues((old) => ({ ...old, [name]: v }));
  return (
    <form
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const body = bodyOf(fields, values, initial);
        if (initial && Object.keys(body).length === 0) return onClose();
        const done = await submit.run(async () => (await onSubmit(body, values), true));
        if (done) onClose();
      }}
    >
      <FormError submit={submit} fields={fields.map((f) => f.name)} />
      {fields.map((f, i) => {
        const common = { name: f.name, label: f.label, hint: f.hint, errors: submit.fieldError(f.name), autoFocus: i === 0 };
        const v = values[f.name];
        switch (f.kind) {
          case 'textarea':
            return <TextArea key={f.name} {...common} rows={3} value={v as string} onChange={(e) => set(f.name, e.target.value)} />;
          case 'select': {
            const options = typeof f.options === 'function' ? f.options(values) : (f.options ?? []);
            return (
              <SelectField key={f.name} {...common} value={v as string} onChange={(e) => set(f.name, e.target.value)}>
                {options.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </SelectField>
            );
          }
          case 'multi':
            return <MultiField key={f.name} spec={f} values={values} value={v as string[]} errors={common.errors} onChange={(next) => set(f.name, next)} />;
          default:
            return <TextField key={f.name} {...common} type={f.kind === 'date' ? 'date' : 'text'} required={f.required} value={v as string} onChange={(e) => set(f.name, e.target.value)} />;
        }
      })}
      <div className="actions">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" busy={submit.busy}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}

function MultiField({ spec, values, value, errors, onChange }: { spec: FieldSpec; values: Values; value: string[]; errors?: string[]; onChange: (v: string[]) => void }) {
  const options = typeof spec.options === 'function' ? spec.options(values) : (spec.options ?? []);
  return (
    <fieldset className="multi">
      <legend>{spec.label}</legend>
      {spec.hint && <small className="hint">{spec.hint}</small>}
      <div className="multi-grid">
        {options.map(([id, label]) => (
          <label key={id} className="check">
            <input type="checkbox" checked={value.includes(id)} onChange={(e) => onChange(e.target.checked ? [...value, id] : value.filter((x) => x !== id))} />
            <span>{label}</span>
          </label>
        ))}
      </div>
      {errors?.length ? <small className="field-error">{errors.join(' ')}</small> : null}
    </fieldset>
  );
}
