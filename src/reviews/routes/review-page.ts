// The public review funnel at /r/<code>: the page (a first view opens a review session, i.e. a
// scan), the rating and private-feedback form posts, and /r/<code>/go/<channel>, which records the
// review click and sends the customer on to the shop's own listing. No credentials and no audit
// rows: every step is a funnel event. Form posts work with and without JavaScript: the script asks
// for JSON (Accept), a plain form gets a redirect back to the page (post/redirect/get).
import { randomBytes } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { MAX_FEEDBACK_CONTACT, MAX_FEEDBACK_MESSAGE, openReviewSession, recordFunnelEvent, type ReviewChannel } from '../funnel.ts';
import { renderMessagePage, renderReviewPage, type PageView, type RenderedPage } from '../pages/review-page.ts';
import type { ReviewLink } from '../pages/review-links.ts';
import { fromAcceptLanguage, pageLanguageOf, stringsFor, type Strings } from '../pages/strings/index.ts';
import { cookieValue } from '../../platform/cookies.ts';
import { isBotUserAgent } from '../pages/bots.ts';
import { VISIT_COOKIE, visitCookie, VisitSigner, type Visit } from '../pages/visit.ts';

/** Employee codes are 10 base62 characters; anything else is not looked up. */
const CODE = /^[0-9A-Za-z]{6,32}$/;
/** A form post is a few hundred bytes; a 2,000-character message in UTF-8 fits easily. */
const FORM_BODY_LIMIT = 16 * 1024;
const LANG_COOKIE = 'lang';

export function isCountedView(request: FastifyRequest): boolean {
  if (request.method !== 'GET') return false; // HEAD is a probe, not a visit
  // Crawlers, link previews, monitors and scripts get the page but are not a visit (pages/bots.ts).
  if (isBotUserAgent(request.headers['user-agent'])) return false;
  // A browser warming a link the visitor has not opened yet.
  const purpose = request.headers['sec-purpose'] ?? request.headers.purpose;
  return !(typeof purpose === 'string' && /prefetch|prerender/i.test(purpose));
}

const wantsJson = (request: FastifyRequest) => (request.headers.accept ?? '').includes('application/json');

type FormBody = Record<string, string | undefined>;
/** The refusals a visitor can meet; each has a title and a text in every language. */
type Refusal = 'notFound' | 'unavailable' | 'inactive' | 'tooMany' | 'expired' | 'tooLarge';

export function reviewPageRoutes(app: FastifyInstance, rt: Runtime) {
  const publicUrl = rt.config.publicUrl;
  const secure = publicUrl.startsWith('https:');
  const signer = new VisitSigner(rt.config.secret ?? randomBytes(32).toString('base64url'));
  const { perIp, perVisit } = rt.reviewSubmissions;

  /** The visitor's language: the switch (?lang=, remembered in a cookie), the browser, the tenant. */
  function languageOf(request: FastifyRequest, reply: FastifyReply, link: ReviewLink | null): Strings {
    const chosen = pageLanguageOf((request.query as { lang?: string }).lang);
    if (chosen) reply.header('set-cookie', `${LANG_COOKIE}=${chosen}; Path=/r; Max-Age=31536000; SameSite=Lax${secure ? '; Secure' : ''}`);
    const lang =
      chosen ??
      pageLanguageOf(cookieValue(request.headers.cookie, LANG_COOKIE)) ??
      fromAcceptLanguage(request.headers['accept-language']) ??
      pageLanguageOf(link?.defaultLanguage) ??
      'en';
    return stringsFor(lang);
  }

  function send(reply: FastifyReply, status: number, page: RenderedPage) {
    return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('content-security-policy', page.csp).send(page.body);
  }

  /** A refusal: JSON for the page's script, a friendly page (the message's title and text) for a browser. */
  function refuse(request: FastifyRequest, reply: FastifyReply, t: Strings, status: number, message: Refusal, code: string, back?: string) {
    const [title, body] = [t[`${message}Title`], t[`${message}Body`]];
    if (wantsJson(request)) return reply.code(status).send({ error: body, code });
    return send(reply, status, renderMessagePage(t, title, body, back));
  }

  /** The link of a code if it can take reviews now; otherwise the reply is already sent. */
  async function availableLink(request: FastifyRequest<{ Params: { code: string } }>, reply: FastifyReply): Promise<{ link: ReviewLink; t: Strings } | null> {
    const { code } = request.params;
    const link = CODE.test(code) ? await rt.reviewLinks.resolve(code) : null;
    const t = languageOf(request, reply, link);
    if (!link) refuse(request, reply, t, 404, 'notFound', 'not_found');
    else if (link.status === 'suspended') refuse(request, reply, t, 404, 'unavailable', 'tenant_unavailable');
    else if (link.status === 'inactive') refuse(request, reply, t, 410, 'inactive', 'link_inactive');
    else return { link, t };
    return null;
  }

  function setVisit(reply: FastifyReply, code: string, visit: Visit) {
    reply.header('set-cookie', visitCookie(code, signer.encode(code, visit), secure));
  }

  /**
   * The checks every form post passes before it may change anything: the per-IP and per-visit
   * limits (every attempt counts, valid or not), a live visit, and its CSRF token.
   */
  function admitSubmission(request: FastifyRequest<{ Params: { code: string }; Body: FormBody }>, reply: FastifyReply, link: ReviewLink, t: Strings): Visit | null {
    const back = `/r/${link.code}`;
    const visit = signer.decode(link.code, cookieValue(request.headers.cookie, VISIT_COOKIE));
    const retryAfter = Math.max(perIp.retryAfter(request.ip), visit ? perVisit.retryAfter(visit.sessionId) : 0);
    if (retryAfter) {
      reply.header('retry-after', String(retryAfter));
      refuse(request, reply, t, 429, 'tooMany', 'rate_limited', back);
      return null;
    }
    perIp.add(request.ip);
    if (visit) perVisit.add(visit.sessionId);
    if (!visit || !signer.checkCsrf(visit.sessionId, request.body?.csrf)) {
      refuse(request, reply, t, 403, 'expired', 'csrf_failed', back);
      return null;
    }
    return visit;
  }

  function view(link: ReviewLink, t: Strings, visit: Visit | null, extra: Partial<PageView> = {}): PageView {
    return { link, t, visit: visit && { ...visit, csrf: signer.csrfToken(visit.sessionId) }, ...extra };
  }

  /** The page again after a post: a redirect for a browser, the outcome as JSON for the script. */
  function afterPost(request: FastifyRequest, reply: FastifyReply, link: ReviewLink, json: object) {
    if (wantsJson(request)) return reply.send(json);
    return reply.code(303).header('location', `/r/${link.code}`).send();
  }

  app.register(
    async (scope) => {
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
        // %00 decodes to NUL, which PostgreSQL text cannot hold; nobody types it, so it goes.
        done(null, Object.fromEntries([...new URLSearchParams(body as string)].map(([name, value]) => [name, value.replaceAll('\0', '')])));
      });

      scope.addHook('onSend', async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        reply.header('x-robots-tag', 'noindex, nofollow');
        // The link's code stays out of the Referer sent to Google or Xiaohongshu.
        reply.header('referrer-policy', 'no-referrer');
        reply.header('x-content-type-options', 'nosniff');
      });

      // Failures here are pages (or the script's JSON), never the API's error body or a stack.
      scope.setErrorHandler((err: FastifyError, request, reply) => {
        const t = languageOf(request, reply, null);
        const status = err instanceof AppError ? err.status : (err.statusCode ?? 500);
        if (status >= 500) request.log.error({ err }, 'review page failed');
        // Only a well-formed code is linked back to (the URL's checks refuse others: request-url.ts).
        const code = (request.params as { code?: string }).code;
        const back = code && CODE.test(code) ? `/r/${code}` : undefined;
        if (status === 404) return refuse(request, reply, t, 404, 'notFound', 'not_found');
        if (status === 413) return refuse(request, reply, t, 413, 'tooLarge', 'payload_too_large', back);
        if (status === 415) return refuse(request, reply, t, 415, 'expired', 'unsupported_media_type', back);
        if (status < 500) return refuse(request, reply, t, status === 404 ? 404 : 400, 'expired', err instanceof AppError ? err.code : 'bad_request', back);
        return refuse(request, reply, t, 500, 'unavailable', 'internal', back);
      });
      scope.setNotFoundHandler((request, reply) => {
        const t = languageOf(request, reply, null);
        return refuse(request, reply, t, 404, 'notFound', 'not_found');
      });

      scope.get<{ Params: { code: string } }>('/:code', { schema: { hide: true } }, async (request, reply) => {
        const found = await availableLink(request, reply);
        if (!found) return reply;
        const { link, t } = found;
        let visit = signer.decode(link.code, cookieValue(request.headers.cookie, VISIT_COOKIE));
        if (!visit && isCountedView(request)) {
          const sessionId = await openReviewSession(rt, { tenantId: link.tenantId, employeeId: link.employeeId, shopId: link.shopId, timezone: link.timezone });
          visit = { sessionId, rating: null, feedbackSent: false };
          setVisit(reply, link.code, visit);
        }
        return send(reply, 200, renderReviewPage(view(link, t, visit), publicUrl));
      });

      scope.post<{ Params: { code: string }; Body: FormBody }>('/:code/rating', { schema: { hide: true } }, async (request, reply) => {
        const found = await availableLink(request, reply);
        if (!found) return reply;
        const { link, t } = found;
        const visit = admitSubmission(request, reply, link, t);
        if (!visit) return reply;
        const raw = request.body?.rating;
        const rating = typeof raw === 'string' && /^[1-5]$/.test(raw) ? Number(raw) : null;
        if (rating === null) {
          if (wantsJson(request)) return reply.code(400).send({ error: t.invalidRating, code: 'validation_failed', fieldErrors: { rating: [t.invalidRating] } });
          return send(reply, 400, renderReviewPage(view(link, t, visit, { errors: { rating: t.invalidRating } }), publicUrl));
        }
        const lead = (positive: boolean | null) => (positive === false ? 'feedback' : 'public');
        // Bots filling the hidden field get what a person would see; nothing is recorded.
        if (request.body?.website) return afterPost(request, reply, link, { rating, positive: rating >= link.ratingThreshold, lead: lead(rating >= link.ratingThreshold) });
        const result = await recordFunnelEvent(rt, { tenantId: link.tenantId, employeeId: link.employeeId, sessionId: visit.sessionId, type: 'rating', rating });
        setVisit(reply, link.code, { ...visit, rating });
        return afterPost(request, reply, link, { rating, positive: result.positive, lead: lead(result.positive) });
      });

      scope.post<{ Params: { code: string }; Body: FormBody }>('/:code/feedback', { schema: { hide: true } }, async (request, reply) => {
        const found = await availableLink(request, reply);
        if (!found) return reply;
        const { link, t } = found;
        const visit = admitSubmission(request, reply, link, t);
        if (!visit) return reply;
        const message = (request.body?.message ?? '').trim();
        const contact = (request.body?.contact ?? '').trim();
        const fieldErrors: Record<string, string[]> = {};
        if (!message) fieldErrors.message = [t.messageRequired];
        else if (message.length > MAX_FEEDBACK_MESSAGE) fieldErrors.message = [t.messageTooLong(MAX_FEEDBACK_MESSAGE)];
        if (contact.length > MAX_FEEDBACK_CONTACT) fieldErrors.contact = [t.contactTooLong(MAX_FEEDBACK_CONTACT)];
        if (Object.keys(fieldErrors).length) {
          if (wantsJson(request)) return reply.code(400).send({ error: Object.values(fieldErrors)[0][0], code: 'validation_failed', fieldErrors });
          const errors = { feedback: Object.values(fieldErrors).flat().join(' ') };
          return send(reply, 400, renderReviewPage(view(link, t, visit, { errors, draft: { message, contact } }), publicUrl));
        }
        if (!request.body?.website) {
          await recordFunnelEvent(rt, { tenantId: link.tenantId, employeeId: link.employeeId, sessionId: visit.sessionId, type: 'feedback', message, contact: contact || null });
          setVisit(reply, link.code, { ...visit, feedbackSent: true });
        }
        return afterPost(request, reply, link, { ok: true });
      });

      scope.get<{ Params: { code: string; channel: string } }>('/:code/go/:channel', { schema: { hide: true } }, async (request, reply) => {
        const found = await availableLink(request, reply);
        if (!found) return reply;
        const { link, t } = found;
        const channel = request.params.channel as ReviewChannel;
        const target = channel === 'google' ? link.googleUrl : channel === 'xhs' ? link.xhsUrl : null;
        if (!target) return refuse(request, reply, t, 404, 'notFound', 'not_found', `/r/${link.code}`);
        const visit = signer.decode(link.code, cookieValue(request.headers.cookie, VISIT_COOKIE));
        // Only a visit is counted; without one (a shared link, a bot) the customer still gets there.
        if (visit && isCountedView(request)) {
          await recordFunnelEvent(rt, { tenantId: link.tenantId, employeeId: link.employeeId, sessionId: visit.sessionId, type: 'review_click', channel });
        }
        return reply.code(302).header('location', target).send();
      });
    },
    { prefix: '/r' },
  );
}
