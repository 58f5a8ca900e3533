// /dashboard/templates: the suggested review texts customers may copy, per language, in order.
// Each text shows how a customer sees it: `{employee}` filled with a sample employee's first name
// by the same code as the review page (src/reviews/template-render.ts).
import { useRef, useState } from 'react';
import { EMPLOYEE_PLACEHOLDER, firstNameOf, hasEmployeePlaceholder, renderTemplate, unknownPlaceholders } from '../../../src/reviews/template-render.ts';
import { api, listAll, query } from '../api.ts';
import { ReadOnlyNote, useTenant } from '../dashboard.tsx';
import { PageHeader } from '../layout.tsx';
import { navigate, useLocation, useTitle } from '../router.tsx';
import type { Template } from '../types.ts';
import { Async, Button, ConfirmDialog, Empty, ErrorBox, FormError, SelectField, TextArea, useAsync, useSubmit } from '../ui.tsx';

/** The languages of the customer's review page: a template in any other language is never offered there. */
const LANGUAGE_NAMES: Record<string, string> = { en: 'English', 'zh-CN': 'Chinese (simplified)' };
const SUPPORTED = Object.keys(LANGUAGE_NAMES);
const languageName = (l: string) => LANGUAGE_NAMES[l] ?? l;
/** A sample employee per language for the previews: a Western name shows its first name, a Chinese one is used whole. */
const SAMPLE_EMPLOYEE: Record<string, string> = { en: 'Mia Chen', 'zh-CN': '王小美' };
const sampleEmployee = (language: string) => SAMPLE_EMPLOYEE[language] ?? SAMPLE_EMPLOYEE.en;

/** The text as a customer of the sample employee sees it. */
function customerView(body: string, language: string) {
  return renderTemplate(body, { employee: firstNameOf(sampleEmployee(language)), language: language === 'zh-CN' ? 'zh-CN' : language === 'en' ? 'en' : undefined });
}

/** What `{employee}` does, shown once above the list. */
function PlaceholderHelp({ language }: { language: string }) {
  const sample = sampleEmployee(language);
  return (
    <section className="card placeholder-help" aria-labelledby="placeholder-help">
      <h2 id="placeholder-help">Name the employee in a text</h2>
      <p>
        Write <code>{EMPLOYEE_PLACEHOLDER}</code> where the employee's first name should go. Each customer sees the first name of the employee whose
        QR code they scanned: “Mia Chen” becomes “Mia”, “Dr. Sarah Lee” becomes “Dr. Lee”, and a Chinese name such as “王小美” is used whole (it has
        no separate first name). Texts below show a preview with the sample employee “{sample}”.
      </p>
      <p className="hint">
        <code>{EMPLOYEE_PLACEHOLDER}</code> is the only placeholder: a text with any other <code>{'{…}'}</code> is refused, so customers never see one.
      </p>
    </section>
  );
}

/** How a customer sees a text, or why a text could not be shown; nothing for a text without placeholders. */
function CustomerPreview({ body, language, always = false }: { body: string; language: string; always?: boolean }) {
  const unknown = unknownPlaceholders(body);
  if (unknown.length)
    return (
      <p className="template-preview template-preview-bad" role="note">
        Unknown placeholder {unknown.join(', ')}: only <code>{EMPLOYEE_PLACEHOLDER}</code> can be filled in, so customers are not shown this text.
      </p>
    );
  if (!body.trim() || (!always && !hasEmployeePlaceholder(body))) return null;
  return (
    <p className="template-preview" data-testid="template-preview">
      <span className="hint">Customers of {sampleEmployee(language)} see: </span>
      <span className="template-quote">“{customerView(body, language)}”</span>
    </p>
  );
}

export function TemplatesPage() {
  useTitle('Templates');
  const { tenant } = useTenant();
  const { search } = useLocation();
  const state = useAsync(() => listAll<Template>(`/tenants/${tenant.id}/templates`, 'templates'), [tenant.id]);
  return (
    <>
      <PageHeader title="Templates" lead="Suggested review texts a happy customer can copy before posting. Shown in this order; switched-off ones are hidden from customers." />
      <ReadOnlyNote permission="templates:write" />
      <Async state={state} label="Loading templates…">
        {(all) => {
          const languages = [...new Set([...SUPPORTED, ...all.map((t) => t.language)])];
          const asked = search.get('language');
          const language = asked && languages.includes(asked) ? asked : (all[0]?.language ?? 'en');
          const list = all.filter((t) => t.language === language).sort((a, b) => a.sortOrder - b.sortOrder || a.createdAt.localeCompare(b.createdAt));
          const replace = (changed: Template[]) => state.setData(all.map((t) => changed.find((c) => c.id === t.id) ?? t));
          return (
            <>
              <div className="tabs" role="group" aria-label="Language">
                {languages.map((l) => (
                  <button
                    key={l}
                    type="button"
                    aria-current={l === language ? 'true' : undefined}
                    className={l === language ? 'tab on' : 'tab'}
                    onClick={() => navigate(`/dashboard/templates${query({ language: l })}`, { replace: true })}
                  >
                    {languageName(l)} <span className="badge badge-muted">{all.filter((t) => t.language === l).length}</span>
                  </button>
                ))}
              </div>
              <PlaceholderHelp language={language} />
              <section aria-label={`Templates in ${languageName(language)}`}>
                <TemplateList list={list} onChange={replace} onDelete={(id) => state.setData(all.filter((t) => t.id !== id))} />
                <AddTemplate language={language} onAdded={(t) => state.setData([...all, t])} />
              </section>
            </>
          );
        }}
      </Async>
    </>
  );
}

function TemplateList({ list, onChange, onDelete }: { list: Template[]; onChange: (t: Template[]) => void; onDelete: (id: string) => void }) {
  const { tenant } = useTenant();
  const [error, setError] = useState<Error | null>(null);
  const [moving, setMoving] = useState(false);
  if (list.length === 0) return <Empty>No templates in this language yet. Add one below.</Empty>;

  /** Moves one template and renumbers the list 0…n-1, saving only the rows whose place changed. */
  const move = async (index: number, delta: number) => {
    const target = index + delta;
    if (target < 0 || target >= list.length) return;
    const order = [...list];
    [order[index], order[target]] = [order[target], order[index]];
    setMoving(true);
    setError(null);
    try {
      const changed: Template[] = [];
      for (const [i, t] of order.entries()) {
        if (t.sortOrder === i) continue;
        changed.push((await api.patch<{ template: Template }>(`/tenants/${tenant.id}/templates/${t.id}`, { sortOrder: i })).template);
      }
      onChange(changed);
    } catch (err) {
      setError(err as Error);
    } finally {
      setMoving(false);
    }
  };

  return (
    <>
      <ErrorBox error={error} title="Reordering failed." />
      <ol className="rows templates" aria-label="Templates in order" aria-busy={moving}>
        {list.map((t, i) => (
          <TemplateRow key={t.id} t={t} first={i === 0} last={i === list.length - 1} moving={moving} onMove={(d) => void move(i, d)} onSaved={(s) => onChange([s])} onDeleted={() => onDelete(t.id)} />
        ))}
      </ol>
    </>
  );
}

function TemplateRow({
  t,
  first,
  last,
  moving,
  onMove,
  onSaved,
  onDeleted,
}: {
  t: Template;
  first: boolean;
  last: boolean;
  moving: boolean;
  onMove: (delta: number) => void;
  onSaved: (t: Template) => void;
  onDeleted: () => void;
}) {
  const { tenant } = useTenant();
  const submit = useSubmit();
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(t.body);
  const [confirm, setConfirm] = useState(false);
  const patch = (b: Record<string, unknown>) =>
    submit.run(async () => {
      const r = await api.patch<{ template: Template }>(`/tenants/${tenant.id}/templates/${t.id}`, b);
      onSaved(r.template);
      return r.template;
    });
  const excerpt = t.body.length > 40 ? `${t.body.slice(0, 40)}…` : t.body;
  return (
    <li className={`row ${t.active ? '' : 'inactive'}`} data-testid="template-row">
      {editing ? (
        <form
          className="grow"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await patch({ body: body.trim() })) setEditing(false);
          }}
          noValidate
        >
          <FormError submit={submit} fields={['body']} />
          <TextArea label="Text" value={body} onChange={(e) => setBody(e.target.value)} errors={submit.fieldError('body')} rows={4} autoFocus />
          <CustomerPreview body={body} language={t.language} />
          <div className="actions">
            <Button type="submit" busy={submit.busy}>
              Save
            </Button>
            <Button
              variant="secondary"
              onClick={() => {
                setEditing(false);
                setBody(t.body);
                submit.clear();
              }}
            >
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <>
          <div className="row-main">
            <p className="template-body">{t.body}</p>
            <CustomerPreview body={t.body} language={t.language} />
            {!t.active && <span className="badge badge-muted">switched off</span>}
            <FormError submit={submit} />
          </div>
          <div className="row-actions">
            <Button variant="secondary" className="btn-small" disabled={first || moving} onClick={() => onMove(-1)} aria-label={`Move up: ${excerpt}`}>
              ↑ Up
            </Button>
            <Button variant="secondary" className="btn-small" disabled={last || moving} onClick={() => onMove(1)} aria-label={`Move down: ${excerpt}`}>
              ↓ Down
            </Button>
            <Button variant="secondary" className="btn-small" onClick={() => setEditing(true)} aria-label={`Edit: ${excerpt}`}>
              Edit
            </Button>
            <Button variant="secondary" className="btn-small" busy={submit.busy} onClick={() => void patch({ active: !t.active })} aria-label={`${t.active ? 'Switch off' : 'Switch on'}: ${excerpt}`}>
              {t.active ? 'Switch off' : 'Switch on'}
            </Button>
            <Button variant="danger" className="btn-small" onClick={() => setConfirm(true)} aria-label={`Delete: ${excerpt}`}>
              Delete
            </Button>
          </div>
        </>
      )}
      <ConfirmDialog
        open={confirm}
        title="Delete this template?"
        message={<blockquote>{t.body}</blockquote>}
        confirmLabel="Delete template"
        onConfirm={async () => {
          await api.del(`/tenants/${tenant.id}/templates/${t.id}`);
          onDeleted();
        }}
        onClose={() => setConfirm(false)}
      />
    </li>
  );
}

function AddTemplate({ language, onAdded }: { language: string; onAdded: (t: Template) => void }) {
  const { tenant } = useTenant();
  const submit = useSubmit();
  const [body, setBody] = useState('');
  const [lang, setLang] = useState(language);
  const [prevLanguage, setPrevLanguage] = useState(language);
  const wrap = useRef<HTMLDivElement>(null);
  if (prevLanguage !== language) {
    setPrevLanguage(language);
    setLang(language);
  }
  const choices = SUPPORTED.includes(lang) ? SUPPORTED : [...SUPPORTED, lang];
  /** Puts `{employee}` where the cursor is (or at the end), as a typed word would go. */
  const insertPlaceholder = () => {
    const el = wrap.current?.querySelector('textarea');
    const at = el ? el.selectionStart : body.length;
    const end = el ? el.selectionEnd : body.length;
    setBody(body.slice(0, at) + EMPLOYEE_PLACEHOLDER + body.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + EMPLOYEE_PLACEHOLDER.length, at + EMPLOYEE_PLACEHOLDER.length);
    });
  };
  return (
    <section className="card">
      <h2>Add a template</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await submit.run(() => api.post<{ template: Template }>(`/tenants/${tenant.id}/templates`, { body: body.trim(), language: lang }));
          if (r) {
            onAdded(r.template);
            setBody('');
            if (r.template.language !== language) navigate(`/dashboard/templates${query({ language: r.template.language })}`, { replace: true });
          }
        }}
        noValidate
      >
        <FormError submit={submit} fields={['body', 'language']} />
        <div ref={wrap}>
          <TextArea label="Text" name="body" value={body} onChange={(e) => setBody(e.target.value)} errors={submit.fieldError('body')} rows={3} />
        </div>
        <Button variant="secondary" className="btn-small" onClick={insertPlaceholder}>
          Insert {EMPLOYEE_PLACEHOLDER}
        </Button>
        <CustomerPreview body={body} language={lang} always />
        <SelectField label="Language" name="language" value={lang} onChange={(e) => setLang(e.target.value)} errors={submit.fieldError('language')} hint="Customers are offered the texts in the language their phone reads (they can switch)." className="template-language">
          {choices.map((l) => (
            <option key={l} value={l}>
              {SUPPORTED.includes(l) ? languageName(l) : `${l} (not offered on the review page)`}
            </option>
          ))}
        </SelectField>
        <Button type="submit" busy={submit.busy}>
          Add template
        </Button>
      </form>
    </section>
  );
}
