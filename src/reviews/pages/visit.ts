// A customer's visit to a review link is one review session, carried in a cookie scoped to that
// link (`Path=/r/<code>`), so a reload is not a new scan and each employee's link has its own
// visit. The cookie is signed: it names the session and what the visitor already did (rating,
// feedback sent), so a returning page view renders without touching the database. The CSRF
// token of the page's forms is derived from the session id with the same key.
import { createHmac } from 'node:crypto';
import { isUuid } from '../../platform/principal.ts';
import { secretsEqual } from '../../platform/secrets.ts';

export interface Visit {
  sessionId: string;
  rating: number | null;
  feedbackSent: boolean;
}

export const VISIT_COOKIE = 'visit';
/** One visit: a customer who comes back tomorrow is a new scan. */
export const VISIT_MAX_AGE_S = 12 * 60 * 60;

export class VisitSigner {
  private key: Buffer;

  constructor(serverSecret: string) {
    // A key of its own, so a signature made here means nothing anywhere else.
    this.key = createHmac('sha256', serverSecret).update('orgstack review visit v1').digest();
  }

  private mac(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url').slice(0, 22);
  }

  encode(code: string, v: Visit): string {
    const body = `${v.sessionId}.${v.rating ?? 0}.${v.feedbackSent ? 1 : 0}`;
    return `${body}.${this.mac(`${code}|${body}`)}`;
  }

  /** The visit in a cookie value, or null when it is absent, malformed or not ours for this link. */
  decode(code: string, raw: string | undefined): Visit | null {
    if (!raw || raw.length > 100) return null;
    const parts = raw.split('.');
    if (parts.length !== 4) return null;
    const [sessionId, rating, feedback, sig] = parts;
    if (!isUuid(sessionId) || !/^[0-5]$/.test(rating) || !/^[01]$/.test(feedback)) return null;
    if (!secretsEqual(sig, this.mac(`${code}|${sessionId}.${rating}.${feedback}`))) return null;
    return { sessionId, rating: rating === '0' ? null : Number(rating), feedbackSent: feedback === '1' };
  }

  csrfToken(sessionId: string): string {
    return this.mac(`csrf|${sessionId}`);
  }

  checkCsrf(sessionId: string, token: unknown): boolean {
    return typeof token === 'string' && secretsEqual(token, this.csrfToken(sessionId));
  }
}

/** The Set-Cookie value for a visit on this link. */
export function visitCookie(code: string, value: string, secure: boolean): string {
  return `${VISIT_COOKIE}=${value}; Path=/r/${code}; Max-Age=${VISIT_MAX_AGE_S}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
