// /dashboard/templates: the suggested review texts customers may copy, per language, in order.
import { useState } from 'react';
import { api, listAll, query } from '../api.ts';
import { ReadOnlyNote, useTenant } from '../dashboard.tsx';
import { PageHeader } from '../layout.tsx';
import { navigate, useLocation, useTitle } from '../router.tsx';
import type { Template } from '../types.ts';
import { Async, Button, ConfirmDialog, Empty, ErrorBox, FormError, TextArea, TextField, useAsync, useSubmit } from '../ui.tsx';

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', 'zh-CN': 'Chinese (simplified)' };
const languageName = (l: string) => LANGUAGE_NAMES[l] ?? l;

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
          const languages = [...new Set(['en', ...all.map((t) => t.language)])];
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
  if (prevLanguage !== language) {
    setPrevLanguage(language);
    setLang(language);
  }
  return (
    <section className="card">
      <h2>Add a template</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await submit.run(() => api.post<{ template: Template }>(`/tenants/${tenant.id}/templates`, { body: body.trim(), language: lang.trim() }));
          if (r) {
            onAdded(r.template);
            setBody('');
            if (r.template.language !== language) navigate(`/dashboard/templates${query({ language: r.template.language })}`, { replace: true });
          }
        }}
        noValidate
      >
        <FormError submit={submit} fields={['body', 'language']} />
        <TextArea label="Text" name="body" value={body} onChange={(e) => setBody(e.target.value)} errors={submit.fieldError('body')} rows={3} />
        <TextField label="Language" name="language" value={lang} onChange={(e) => setLang(e.target.value)} errors={submit.fieldError('language')} hint="A language tag such as en or zh-CN" className="short" />
        <Button type="submit" busy={submit.busy}>
          Add template
        </Button>
      </form>
    </section>
  );
}
