// The public review page, server-rendered: one HTML document holding every state of a visit
// (rate → rated, leading with the public review or with private feedback → thanks), switched by
// attributes on <main>, so the script only flips attributes and a browser without JavaScript gets
// the same page back from a form post. CSS and script are inline (one round trip on a slow
// network) and allowed by their hashes in a strict Content-Security-Policy.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { BoundedMap } from '../../platform/bounded-map.ts';
import { ownLogoUrl } from '../branding.ts';
import { MAX_FEEDBACK_CONTACT, MAX_FEEDBACK_MESSAGE } from '../funnel.ts';
import { html, Raw } from './html.ts';
import type { ReviewLink } from './review-links.ts';
import { LANGUAGES, type Strings } from './strings/index.ts';

const CSS = fs.readFileSync(new URL('./review-page.css', import.meta.url), 'utf8').trim();
const SCRIPT = fs.readFileSync(new URL('./review-page.client.js', import.meta.url), 'utf8').trim();
const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
const CSS_HASH = sha256(CSS);
const SCRIPT_HASH = sha256(SCRIPT);

export interface PageView {
  link: ReviewLink;
  t: Strings;
  /** The visit's session, rating and CSRF token; null for a visitor we do not track (a bot). */
  visit: { sessionId: string; rating: number | null; feedbackSent: boolean; csrf: string } | null;
  /** Errors to show after a rejected form post (no-JS path), and what the visitor had typed. */
  errors?: { rating?: string; feedback?: string };
  draft?: { message?: string; contact?: string };
}

export interface RenderedPage {
  body: string;
  csp: string;
}

/** Black or white text on a brand colour, whichever contrasts more (WCAG relative luminance). */
function textOn(hex: string): string {
  const lin = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin(1) + 0.7152 * lin(3) + 0.0722 * lin(5);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** The tenant's colours as CSS variables, and the policy allowing exactly these styles. */
const brandStyles = new BoundedMap<string, { css: string; csp: string }>(1000);
function brandStyle(link: ReviewLink) {
  const id = `${link.primaryColor}${link.accentColor}`;
  let hit = brandStyles.get(id);
  if (!hit) {
    const css = `:root{--primary:${link.primaryColor};--on-primary:${textOn(link.primaryColor)};--accent:${link.accentColor}}`;
    const csp = [
      "default-src 'none'",
      `style-src ${sha256(css)} ${CSS_HASH}`,
      `script-src ${SCRIPT_HASH}`,
      "img-src 'self'",
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
    hit = { css, csp };
    brandStyles.set(id, hit);
  }
  return hit;
}

/** 2–3 templates in the visitor's language, rotated by session so customers do not all post one text. */
export function templatesFor(link: ReviewLink, lang: string, sessionId: string | null): string[] {
  const pool = link.templates.get(lang) ?? link.templates.get(link.defaultLanguage) ?? link.templates.values().next().value ?? [];
  if (pool.length <= 3) return pool;
  const start = sessionId ? parseInt(sessionId.slice(-4), 16) % pool.length : 0;
  return [0, 1, 2].map((i) => pool[(start + i) % pool.length]);
}

/** The browser's tab icon and toolbar colour: the tenant's logo and primary colour, or ours. */
interface Head {
  icon: string;
  themeColor: string;
}

function documentOf(t: Strings, title: string, style: string, content: Raw, script: boolean, head: Head): string {
  return `<!doctype html>${html`<html lang="${t.lang}" class="no-js"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow"><meta name="theme-color" content="${head.themeColor}"><link rel="icon" href="${head.icon}"><title>${title}</title><style>${new Raw(style)}</style><style>${new Raw(CSS)}</style></head><body>${content}${script ? new Raw(`<script>${SCRIPT}</script>`) : ''}</body></html>`}`;
}

/** The tenant's logo as a path on our origin (so the CSP's img-src 'self' holds whatever host the page was reached by), or null. */
function logoPathOf(link: ReviewLink, publicUrl: string): string | null {
  const own = ownLogoUrl(link.logoUrl, publicUrl);
  return own?.startsWith(publicUrl) ? own.slice(publicUrl.length) : own;
}

/**
 * The brand band at the top of the first screen, before any tap: the tenant's primary colour
 * behind its logo (on a white tile, as logos are drawn for light backgrounds) or its name.
 */
function header(link: ReviewLink, t: Strings, logoPath: string | null): Raw {
  const other = Object.values(LANGUAGES).find((l) => l.lang !== t.lang)!;
  return html`<header class="top">${logoPath ? html`<span class="logo-tile"><img class="logo" src="${logoPath}" alt="${link.tenantName}"></span>` : html`<span class="brand">${link.tenantName}</span>`}<a class="lang" href="?lang=${other.lang}" hreflang="${other.lang}" lang="${other.lang}">${other.languageName}</a></header>`;
}

export function renderReviewPage(view: PageView, publicUrl: string): RenderedPage {
  const { link, t, visit } = view;
  const style = brandStyle(link);
  const rating = visit?.rating ?? null;
  const lead = rating !== null && rating < link.ratingThreshold ? 'feedback' : 'public';
  const base = `/r/${link.code}`;
  const csrf = visit ? html`<input type="hidden" name="csrf" value="${visit.csrf}">` : '';
  // Left empty by people (it is off-screen); bots that fill every field reveal themselves.
  const honeypot = (form: string) =>
    html`<div class="hp" aria-hidden="true"><label for="website-${form}">Website</label><input id="website-${form}" name="website" type="text" tabindex="-1" autocomplete="off"></div>`;
  const stars = [1, 2, 3, 4, 5].map(
    (n) =>
      html`<button class="star${rating !== null && n <= rating ? ' lit' : ''}" type="submit" name="rating" value="${n}" aria-pressed="${rating === n ? 'true' : 'false'}" aria-label="${t.starLabel(n)} — ${t.ratingNames[n - 1]}">★</button>`,
  );
  const templates = templatesFor(link, t.lang, visit?.sessionId ?? null);
  const reviewButtons = [
    link.googleUrl && html`<a class="btn review" href="${base}/go/google" target="_blank" rel="noopener">${t.googleButton}</a>`,
    link.xhsUrl && html`<a class="btn alt review" href="${base}/go/xhs" target="_blank" rel="noopener">${t.xhsButton}</a>`,
  ];
  const hasPublic = Boolean(link.googleUrl || link.xhsUrl);
  const done = [visit?.feedbackSent ? 'feedback' : ''].filter(Boolean).join(' ');
  const logoPath = logoPathOf(link, publicUrl);

  const content = html`<main data-state="${rating === null ? 'rate' : 'rated'}" data-lead="${lead}" data-done="${done}">
${header(link, t, logoPath)}
<h1>${t.heading}</h1>
<p class="who">${t.servedBy(link.employeeName, link.shopName)}</p>
<form id="rate" class="card" method="post" action="${base}/rating">${csrf}${honeypot('rate')}<fieldset><legend>${t.ratePrompt}</legend><div class="stars">${stars}</div><div class="names" aria-hidden="true"><span>${t.ratingNames[0]}</span><span>${t.ratingNames[4]}</span></div></fieldset><p id="rate-error" class="error" role="alert">${view.errors?.rating ?? ''}</p></form>
<div class="after">
<p id="thanks" class="status" tabindex="-1" role="status">${t.thanksRating} <span id="your-rating" data-template="${t.yourRating(0).replace('0', '{n}')}">${rating !== null ? t.yourRating(rating) : ''}</span></p>
<section id="feedback" class="card" aria-labelledby="feedback-heading">
<h2 id="feedback-heading"><span class="lead-feedback">${t.feedbackHeading}</span><span class="lead-public">${t.feedbackInvite}</span></h2>
<form id="feedback-form" method="post" action="${base}/feedback">${csrf}${honeypot('feedback')}
<label for="message">${t.feedbackMessageLabel}</label><textarea id="message" name="message" required maxlength="${MAX_FEEDBACK_MESSAGE}" aria-describedby="consent">${view.draft?.message ?? ''}</textarea>
<label for="contact">${t.feedbackContactLabel}</label><input id="contact" name="contact" type="text" maxlength="${MAX_FEEDBACK_CONTACT}" autocomplete="email" value="${view.draft?.contact ?? ''}">
<p id="consent" class="consent">${t.feedbackConsent(link.tenantName, link.contactRetentionDays)}</p>
<p id="feedback-error" class="error" role="alert">${view.errors?.feedback ?? ''}</p>
<button class="btn" type="submit">${t.sendFeedback}</button></form>
<p id="thanks-feedback" class="status done done-feedback" tabindex="-1" role="status">${t.thanksFeedback}</p>
</section>
${hasPublic ? html`<section id="public" class="card" aria-labelledby="public-heading">
<h2 id="public-heading"><span class="pub-invite">${t.publicInvite(link.tenantName)}</span><span class="pub-also">${t.publicInviteAfterFeedback}</span></h2>
<p class="status done done-click" role="status">${t.thanksClick}</p>
${reviewButtons}
${templates.length ? html`<h2>${t.templatesHeading}</h2><ul class="tpl">${templates.map((body) => html`<li><p>${body}</p><button class="copy" type="button" data-copied="${t.copied}">${t.copy}</button></li>`)}</ul>` : ''}
</section>` : ''}
</div>
</main>`;
  const head = { icon: logoPath ?? '/favicon.ico', themeColor: link.primaryColor };
  return { body: documentOf(t, t.pageTitle(link.tenantName), style.css, content, true, head), csp: style.csp };
}

const PLAIN_STYLE = ':root{--primary:#1f6feb;--on-primary:#ffffff;--accent:#f5a623}';
const PLAIN_CSP = `default-src 'none'; style-src ${sha256(PLAIN_STYLE)} ${CSS_HASH}; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

/** A friendly page for a link that cannot take reviews, a refused submission or a limit. */
export function renderMessagePage(t: Strings, title: string, body: string, back?: string): RenderedPage {
  const content = html`<main><h1>${title}</h1><p>${body}</p>${back ? html`<p><a class="btn alt" href="${back}">${t.backToStart}</a></p>` : ''}</main>`;
  return { body: documentOf(t, title, PLAIN_STYLE, content, false, { icon: '/favicon.ico', themeColor: '#1f6feb' }), csp: PLAIN_CSP };
}
