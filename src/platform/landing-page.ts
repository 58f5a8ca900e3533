// `/`: what this server is and where to go from here — the dashboard, the operators' console,
// the API reference, the OpenAPI document, agent.json, the Work API and the MCP URL. Server-rendered, no JavaScript, in the dashboard's colours (web/src/styles.css); its
// only inline style is allowed by hash, so the page keeps a strict Content-Security-Policy.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { VERSION } from './discovery.ts';
import type { Runtime } from './runtime.ts';

/** The product's colours and fonts, as the dashboard has them. */
const STYLE = `
:root{--bg:#f6f7f9;--surface:#fff;--text:#111827;--muted:#5b6472;--line:#dde1e7;--primary:#0f5f58;--primary-hover:#0b4a45;--focus:#2563eb;
font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans CJK SC',sans-serif;font-size:16px;line-height:1.5;color:var(--text);background:var(--bg)}
*{box-sizing:border-box}body{margin:0}
a{color:var(--primary)}a:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:4px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
.topbar{display:flex;align-items:center;gap:.75rem;padding:.75rem 1rem;background:var(--surface);border-bottom:1px solid var(--line)}
.brand{font-weight:700;font-size:1.1rem;letter-spacing:-.01em}.version{color:var(--muted);font-size:.875rem;margin-left:auto}
main{max-width:64rem;margin:0 auto;padding:2rem 1rem 3rem}
h1{font-size:1.75rem;line-height:1.2;margin:0 0 .5rem}h2{font-size:1.05rem;margin:0 0 .35rem}
.lead{color:var(--muted);max-width:46rem;margin:0 0 1.75rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:1rem;margin:0;padding:0;list-style:none}
.card{background:var(--surface);border:1px solid var(--line);border-radius:10px;padding:1rem 1.1rem;display:flex;flex-direction:column;gap:.35rem}
.card p{margin:0;color:var(--muted);font-size:.925rem}
.go{margin-top:auto;padding-top:.5rem;font-weight:600;text-decoration:none;overflow-wrap:anywhere}
.go:hover{text-decoration:underline}
.btn{display:inline-block;background:var(--primary);color:#fff;border-radius:8px;padding:.45rem .9rem;font-weight:600;text-decoration:none}
.btn:hover{background:var(--primary-hover)}
footer{color:var(--muted);font-size:.875rem;margin-top:2rem;border-top:1px solid var(--line);padding-top:1rem}
footer ul{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;margin:0;padding:0;list-style:none}
`;

export const LANDING_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Card {
  title: string;
  text: string;
  href: string | null;
  label: string;
  primary?: boolean;
}

function cards(base: string): Card[] {
  return [
    { title: 'Dashboard', text: "For a business's owners and staff: reviews funnel, employees and their QR codes, feedback, the work board and decisions.", href: '/dashboard', label: 'Sign in to the dashboard', primary: true },
    { title: 'Operators’ console', text: 'For the people running this server: provision businesses, platform keys, usage and the audit log.', href: '/super', label: 'Open the console' },
    { title: 'API reference', text: 'Every operation of the Reviews API (/api/v1) and the Work API (/api/client), with schemas and examples.', href: '/docs', label: 'Read the API docs' },
    { title: 'OpenAPI 3.1', text: 'The machine-readable document, generated from the same schemas the server validates with.', href: '/api/v1/openapi', label: '/api/v1/openapi' },
    { title: 'For AI agents', text: 'A short manifest: base URLs, how to authenticate, permissions, rate limits and one entry per operation.', href: '/.well-known/agent.json', label: '/.well-known/agent.json' },
    // Not a link: /mcp answers AI clients' POSTs, and a browser following a link would only get a 405.
    { title: 'MCP', text: 'Add this URL to your AI client (Claude, ChatGPT, Cursor, VS Code): sign in with your dashboard account, or send an API key. Work and Reviews as tools.', href: null, label: `${base}/mcp` },
  ];
}

export function landingPageHtml(base: string): string {
  const list = cards(base)
    .map((c) => {
      const go = c.href
        ? `<a class="${c.primary ? 'btn' : 'go'}" href="${escapeHtml(c.href)}">${escapeHtml(c.label)}</a>`
        : `<code class="go">${escapeHtml(c.label)}</code>`;
      return `<li class="card"><h2>${escapeHtml(c.title)}</h2><p>${escapeHtml(c.text)}</p>${go}</li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>orgstack — this server</title>
<meta name="description" content="orgstack: a self-hostable, API-first platform for service businesses whose AI agents work beside their people.">
<style>${STYLE}</style>
</head>
<body>
<header class="topbar"><span class="brand">orgstack</span><span class="version">version ${escapeHtml(VERSION)}</span></header>
<main>
<h1>This server runs orgstack</h1>
<p class="lead">A self-hostable, API-first platform for service businesses whose AI agents work beside their people: <strong>Reviews</strong> (shops, employees with QR codes, a branded review page, funnel analytics) and <strong>Work</strong> (initiatives, tasks, agents and decisions awaiting approval), on one API with keys, rate limits and an audit log.</p>
<ul class="grid">
${list}
</ul>
<footer>
<ul>
<li>Reviews API <code>${escapeHtml(base)}/api/v1</code></li>
<li>Work API <code>${escapeHtml(base)}/api/client</code></li>
<li><a href="/healthz">Health</a> · <a href="/readyz">Readiness</a></li>
</ul>
</footer>
</main>
</body>
</html>
`;
}

export function landingPageRoutes(app: FastifyInstance, rt: Runtime) {
  const html = landingPageHtml(rt.config.publicUrl);
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('content-security-policy', LANDING_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'same-origin')
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(html),
  );
}
