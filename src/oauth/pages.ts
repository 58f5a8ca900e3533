// The authorization server's pages: sign-in, consent and errors. Server-rendered forms that work
// without JavaScript (a test or a terminal client completes them over plain HTTP), in the
// dashboard's colours, with every value escaped and a strict Content-Security-Policy.
import { createHash } from 'node:crypto';

const STYLE = `
:root{--bg:#f6f7f9;--surface:#fff;--text:#111827;--muted:#5b6472;--line:#dde1e7;--primary:#0f5f58;--primary-hover:#0b4a45;--danger:#b42318;--focus:#2563eb;
font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans CJK SC',sans-serif;font-size:16px;line-height:1.5;color:var(--text);background:var(--bg)}
*{box-sizing:border-box}body{margin:0}
.topbar{display:flex;align-items:center;gap:.75rem;padding:.75rem 1rem;background:var(--surface);border-bottom:1px solid var(--line)}
.brand{font-weight:700;font-size:1.1rem;letter-spacing:-.01em}
main{max-width:30rem;margin:2rem auto;padding:0 1rem}
.card{background:var(--surface);border:1px solid var(--line);border-radius:10px;padding:1.25rem 1.4rem}
h1{font-size:1.4rem;line-height:1.25;margin:0 0 .75rem}p{margin:.5rem 0}.muted{color:var(--muted);font-size:.925rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=password]{width:100%;padding:.5rem .6rem;border:1px solid var(--line);border-radius:8px;font:inherit}
input:focus-visible,button:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
ul.scopes{padding-left:1.2rem;margin:.5rem 0}ul.scopes li{margin:.2rem 0}code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;color:var(--muted)}
fieldset{border:1px solid var(--line);border-radius:8px;margin:.75rem 0;padding:.5rem .75rem}legend{font-weight:600;padding:0 .25rem}
fieldset label{font-weight:400;margin:.25rem 0}
.actions{display:flex;gap:.75rem;margin-top:1.25rem}
button{font:inherit;font-weight:600;border-radius:8px;padding:.5rem 1rem;cursor:pointer;border:1px solid var(--line);background:var(--surface);color:var(--text)}
button.primary{background:var(--primary);border-color:var(--primary);color:#fff}button.primary:hover{background:var(--primary-hover)}
.error{color:var(--danger);font-weight:600}.warn{color:var(--danger);font-size:.85rem}
`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** The page's CSP: our inline style only, forms posting to us (and, after consent, to the client). */
export function pageCsp(formTargets: string[] = []): string {
  return `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src 'self'; base-uri 'none'; form-action 'self' ${formTargets.join(' ')}; frame-ancestors 'none'`.replace(/\s+;/g, ';');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · orgstack</title>
<style>${STYLE}</style>
</head>
<body>
<header class="topbar"><span class="brand">orgstack</span></header>
<main><div class="card">
${body}
</div></main>
</body>
</html>`;
}

export interface ClientFacts {
  name: string;
  redirectHost: string;
}

export function renderSignInPage(o: { action: string; csrf: string; client: ClientFacts; error?: string | null; login?: string }): string {
  return page(
    'Sign in',
    `<h1>Sign in to connect ${escapeHtml(o.client.name)}</h1>
<p class="muted">${escapeHtml(o.client.name)} (${escapeHtml(o.client.redirectHost)}) asks to use orgstack on your behalf. Sign in with your dashboard account to review what it may do.</p>
${o.error ? `<p class="error" role="alert">${escapeHtml(o.error)}</p>` : ''}
<form method="post" action="${escapeHtml(o.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">
<label for="login">Username or email</label>
<input type="text" id="login" name="login" autocomplete="username" required value="${escapeHtml(o.login ?? '')}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<div class="actions"><button class="primary" type="submit">Sign in</button></div>
</form>`,
  );
}

export interface AccountChoice {
  /** The form value: `<userId>.<proof>` (interaction.ts). */
  value: string;
  username: string;
  tenantName: string;
}

export interface ScopeLine {
  scope: string;
  words: string;
  /** The person's role does not hold it: the app will not be able to use it. */
  beyondRole: boolean;
}

export function renderConsentPage(o: { action: string; csrf: string; client: ClientFacts; accounts: AccountChoice[]; scopes: ScopeLine[] }): string {
  const [only] = o.accounts;
  const who =
    o.accounts.length === 1
      ? `<p>Signed in as <strong>${escapeHtml(only.username)}</strong> in <strong>${escapeHtml(only.tenantName)}</strong>.</p><input type="hidden" name="account" value="${escapeHtml(only.value)}">`
      : `<fieldset><legend>Connect it to which business?</legend>${o.accounts
          .map(
            (a, i) =>
              `<label><input type="radio" name="account" value="${escapeHtml(a.value)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(a.tenantName)} <span class="muted">(${escapeHtml(a.username)})</span></label>`,
          )
          .join('')}</fieldset>`;
  const scopes = o.scopes
    .map(
      (s) =>
        `<li>${escapeHtml(s.words)} <code>${escapeHtml(s.scope)}</code>${s.beyondRole ? ' <span class="warn">— your role does not allow this; it will not work</span>' : ''}</li>`,
    )
    .join('');
  return page(
    'Allow access',
    `<h1>Allow ${escapeHtml(o.client.name)} to use orgstack?</h1>
<p class="muted">After you approve, you will be sent back to <strong>${escapeHtml(o.client.redirectHost)}</strong>.</p>
<form method="post" action="${escapeHtml(o.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(o.csrf)}">
${who}
<p>It will be able to:</p>
<ul class="scopes">${scopes || '<li>Nothing beyond knowing who you are</li>'}</ul>
<p class="muted">You can disconnect it at any time under “Connected apps” in the dashboard.</p>
<div class="actions"><button class="primary" type="submit" name="decision" value="approve">Approve</button><button type="submit" name="decision" value="deny">Deny</button></div>
</form>`,
  );
}

export function renderErrorPage(error: string, description: string | null): string {
  return page(
    'Something went wrong',
    `<h1>This sign-in cannot continue</h1>
<p class="error">${escapeHtml(error)}</p>
${description ? `<p>${escapeHtml(description)}</p>` : ''}
<p class="muted">Start again from the app you were connecting.</p>`,
  );
}
