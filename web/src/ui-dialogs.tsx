// Modal dialogs (a confirmation, a form), copy-to-clipboard and a secret shown once.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Button, FormError, TextField, useSubmit } from './ui-forms.tsx';

// ---------------------------------------------------------------- dialogs and clipboard

/** A modal built on <dialog>: focus moves to its first control and is trapped, Escape closes, focus returns to the opener. */
export function Dialog({ open, onClose, title, children }: { open: boolean; onClose: () => void; title: string; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose} onCancel={onClose}>
      {open && (
        <>
          <h2 id={titleId}>{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}

/** Asks before a destructive action; with `typed`, the user must type that word to enable it. */
export function ConfirmDialog({
  open,
  title,
  message,
  confirmLabel,
  typed,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  typed?: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) {
  const submit = useSubmit();
  const [text, setText] = useState('');
  useEffect(() => {
    if (open) {
      setText('');
      submit.clear();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  const ok = !typed || text.trim() === typed;
  return (
    <Dialog open={open} onClose={onClose} title={title}>
      <form
        method="dialog"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!ok) return;
          const done = await submit.run(async () => {
            await onConfirm();
            return true;
          });
          if (done) onClose();
        }}
      >
        <div className="dialog-body">{message}</div>
        {typed && (
          <TextField label={<>Type <code>{typed}</code> to confirm</>} value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
        )}
        <FormError submit={submit} />
        <div className="actions">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" busy={submit.busy} disabled={!ok}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Not a secure context (plain http on a LAN name): fall back to a selected textarea.
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.className = 'offscreen';
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    ta.remove();
    return ok;
  }
}

export function CopyButton({ text, label = 'Copy', className }: { text: string; label?: string; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <button type="button" className={`btn btn-secondary btn-small ${className ?? ''}`} onClick={async () => setState((await copyText(text)) ? 'copied' : 'failed')}>
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select and copy' : label}</span>
    </button>
  );
}

/** A secret shown once: a read-only field, a copy button and the warning. */
export function SecretOnce({ label, value, warning, onDone }: { label: string; value: string; warning: ReactNode; onDone?: () => void }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const id = useId();
  return (
    <div className="secret" role="region" aria-labelledby={`${id}-l`}>
      <p className="alert alert-warn">{warning}</p>
      <label id={`${id}-l`} htmlFor={id}>
        {label}
      </label>
      <div className="secret-row">
        <input id={id} ref={ref} readOnly value={value} className="mono" onFocus={(e) => e.currentTarget.select()} data-secret />
        <CopyButton text={value} />
      </div>
      {onDone && (
        <Button variant="secondary" onClick={onDone}>
          I have stored it
        </Button>
      )}
    </div>
  );
}
