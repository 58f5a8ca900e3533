// `/oauth/interaction/{uid}`: where oidc-provider sends a person during an authorization. They
// are signed in with their dashboard account — the session cookie they already have, or the
// sign-in form here, which opens a dashboard session like the dashboard's own sign-in — then
// see the consent page (client, where they go back to, business, scopes in words) and approve or
// deny. One email may name accounts in several businesses: every account the password opens is
// offered, and the person picks one. Forms carry a CSRF token bound to the interaction (whose
// cookie only this browser has); the account choice carries a proof that this server offered it.
import { createHmac } from 'node:crypto';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { InteractionResults } from 'oidc-provider';
import { AppError } from '../platform/errors.ts';
import { rolePermissions } from '../platform/permissions.ts';
import type { Runtime } from '../platform/runtime.ts';
import { secretsEqual, verifyPassword } from '../platform/secrets.ts';
import { sessionCookieOf, setSessionCookie } from '../platform/session-cookie.ts';
import { signIn } from '../platform/sign-in.ts';
import { tenants, users } from '../platform/tables.ts';
import { renderConsentPage, renderErrorPage, renderSignInPage, pageCsp, type AccountChoice, type ClientFacts } from './pages.ts';
import { INTERACTION_PATH, type OAuthServer } from './provider.ts';
import { PERMISSION_SCOPES, SCOPE_WORDS, SCOPES } from './scopes.ts';
import { oauthGrants } from './tables.ts';
import { purgeExpiredOAuth } from './adapter.ts';

type Form = Record<string, string>;
type Details = Awaited<ReturnType<OAuthServer['provider']['interactionDetails']>>;

const mac = (server: OAuthServer, text: string) => createHmac('sha256', server.keys.formKey).update(text).digest('base64url');
const csrfOf = (server: OAuthServer, uid: string) => mac(server, `csrf:${uid}`);
const accountValue = (server: OAuthServer, uid: string, userId: string) => `${userId}.${mac(server, `account:${uid}:${userId}`)}`;

function sendPage(reply: FastifyReply, status: number, html: string, formTargets: string[] = []) {
  return reply
    .code(status)
    .header('content-security-policy', pageCsp(formTargets))
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .type('text/html; charset=utf-8')
    .send(html);
}

const errorPage = (reply: FastifyReply, status: number, error: string, description: string | null) => sendPage(reply, status, renderErrorPage(error, description));

async function clientFacts(server: OAuthServer, details: Details): Promise<ClientFacts> {
  const clientId = String(details.params.client_id);
  const client = await server.provider.Client.find(clientId);
  const redirect = URL.parse(String(details.params.redirect_uri ?? ''));
  return { name: client?.clientName ?? clientId, redirectHost: redirect?.host ?? 'the app' };
}

interface Account {
  id: string;
  username: string;
  role: string;
  tenantId: string;
  tenantName: string;
}

const accountColumns = { id: users.id, username: users.username, role: users.role, tenantId: users.tenantId, tenantName: tenants.name, passwordHash: users.passwordHash };

/** Accounts by id that can consent: they belong to an active business (MCP grants are per tenant). */
async function activeAccounts(rt: Runtime, ids: string[]): Promise<Account[]> {
  if (ids.length === 0) return [];
  const rows = await rt.db
    .select(accountColumns)
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(and(inArray(users.id, ids), eq(tenants.status, 'active')));
  return rows.map((r) => ({ id: r.id, username: r.username, role: r.role, tenantId: r.tenantId!, tenantName: r.tenantName }));
}

/** The other businesses' accounts with the same email that the same password opens. */
async function siblingAccounts(rt: Runtime, userId: string, password: string): Promise<string[]> {
  const [me] = await rt.db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  if (!me?.email) return [];
  const others = await rt.db
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(and(sql`lower(${users.email}) = ${me.email.toLowerCase()}`, ne(users.id, userId)))
    .limit(4);
  const opened: string[] = [];
  for (const o of others) if (o.passwordHash && (await verifyPassword(password, o.passwordHash))) opened.push(o.id);
  return opened;
}

/** The requested scopes (both kinds oidc-provider tracks), in the order the client sent them. */
function requestedScopes(details: Details): string[] {
  return [...new Set(String(details.params.scope ?? '').split(' ').filter(Boolean))];
}

function consentPage(reply: FastifyReply, server: OAuthServer, details: Details, client: ClientFacts, accounts: Account[]) {
  // The scopes the first account's role holds: the page says which ones would not work.
  const held = new Set<string>([...rolePermissions(accounts[0].role), 'offline_access']);
  const redirect = URL.parse(String(details.params.redirect_uri ?? ''));
  const html = renderConsentPage({
    action: `${INTERACTION_PATH}/${details.uid}/consent`,
    csrf: csrfOf(server, details.uid),
    client,
    accounts: accounts.map((a): AccountChoice => ({ value: accountValue(server, details.uid, a.id), username: a.username, tenantName: a.tenantName })),
    // Only what can be granted is listed; a scope this server does not know is left out of the
    // grant (the token response's `scope` tells the client what it got).
    scopes: requestedScopes(details)
      .filter((scope) => SCOPES.includes(scope))
      .map((scope) => ({ scope, words: SCOPE_WORDS[scope], beyondRole: !held.has(scope) })),
  });
  return sendPage(reply, 200, html, redirect ? [redirect.origin] : []);
}

function signInPage(reply: FastifyReply, server: OAuthServer, uid: string, client: ClientFacts, status = 200, error: string | null = null, login = '') {
  return sendPage(reply, status, renderSignInPage({ action: `${INTERACTION_PATH}/${uid}/sign-in`, csrf: csrfOf(server, uid), client, error, login }));
}

/** The interaction of this browser, or an error page (unknown, expired, or another browser's). */
async function loadDetails(server: OAuthServer, request: FastifyRequest, reply: FastifyReply): Promise<Details | null> {
  try {
    const details = await server.provider.interactionDetails(request.raw, reply.raw);
    const { uid } = request.params as { uid: string };
    if (details.uid !== uid) throw new Error('mismatch');
    return details;
  } catch {
    await errorPage(reply, 400, 'This sign-in has expired', 'The authorization request is unknown, expired, or was started in another browser.');
    return null;
  }
}

function csrfOk(server: OAuthServer, uid: string, form: Form): boolean {
  return typeof form.csrf === 'string' && secretsEqual(form.csrf, csrfOf(server, uid));
}

export function interactionRoutes(rt: Runtime, server: OAuthServer) {
  return {
    /** GET: the consent page when the dashboard session already signs the person in, else the sign-in form. */
    async show(request: FastifyRequest, reply: FastifyReply) {
      const details = await loadDetails(server, request, reply);
      if (!details) return reply;
      const client = await clientFacts(server, details);
      const cookie = sessionCookieOf(request);
      const session = cookie ? await rt.credentials.authenticateSession(cookie) : null;
      if (session && !session.session.mustChangePassword) {
        const accounts = await activeAccounts(rt, [session.session.userId]);
        if (accounts.length) return consentPage(reply, server, details, client, accounts);
      }
      return signInPage(reply, server, details.uid, client);
    },

    /** POST sign-in: the dashboard's sign-in (same throttles), then the consent page. */
    async signIn(request: FastifyRequest, reply: FastifyReply) {
      const details = await loadDetails(server, request, reply);
      if (!details) return reply;
      const form = (request.body ?? {}) as Form;
      if (!csrfOk(server, details.uid, form)) return errorPage(reply, 403, 'csrf_failed', 'The form was not sent by this page; reload it and try again.');
      const client = await clientFacts(server, details);
      const login = typeof form.login === 'string' ? form.login.slice(0, 320) : '';
      const password = typeof form.password === 'string' ? form.password.slice(0, 1000) : '';
      let signed;
      try {
        signed = await signIn(rt, { login, password }, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
      } catch (err) {
        if (err instanceof AppError) {
          const status = err.status === 401 ? 401 : err.status;
          if (err.headers) for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
          return signInPage(reply, server, details.uid, client, status, err.message, login);
        }
        throw err;
      }
      setSessionCookie(request, reply, rt.config, signed.session.token, signed.session.expiresAt);
      if (signed.user.mustChangePassword) {
        return signInPage(reply, server, details.uid, client, 403, 'Your password is temporary: open the dashboard, choose a new one, then connect the app again.', login);
      }
      const ids = [signed.user.id, ...(await siblingAccounts(rt, signed.user.id, password))];
      const accounts = await activeAccounts(rt, ids);
      if (accounts.length === 0) {
        return signInPage(reply, server, details.uid, client, 403, 'This account belongs to no business; sign in with a business account to connect an app.', login);
      }
      return consentPage(reply, server, details, client, accounts);
    },

    /** POST consent: approve (a grant for the chosen account) or deny (access_denied to the client). */
    async consent(request: FastifyRequest, reply: FastifyReply) {
      const details = await loadDetails(server, request, reply);
      if (!details) return reply;
      const form = (request.body ?? {}) as Form;
      if (!csrfOk(server, details.uid, form)) return errorPage(reply, 403, 'csrf_failed', 'The form was not sent by this page; reload it and try again.');
      let result: InteractionResults;
      if (form.decision === 'deny') {
        result = { error: 'access_denied', error_description: 'The person declined to connect this app' };
      } else if (form.decision === 'approve') {
        const [userId, proof] = String(form.account ?? '').split('.');
        const expected = userId ? accountValue(server, details.uid, userId) : '';
        if (!userId || !proof || !secretsEqual(`${userId}.${proof}`, expected)) {
          return errorPage(reply, 400, 'Choose an account', 'The account chosen was not offered on this page; sign in again.');
        }
        const [account] = await activeAccounts(rt, [userId]);
        if (!account) return errorPage(reply, 403, 'Account unavailable', 'This account or its business is no longer active.');
        await purgeExpiredOAuth(rt.db).catch((err: unknown) => rt.log.warn({ err }, 'purging expired OAuth rows failed; will retry at the next consent'));
        const grantId = await saveGrant(server, details, account.id);
        const client = await clientFacts(server, details);
        await rt.db.update(oauthGrants).set({ clientName: client.name.slice(0, 200) }).where(eq(oauthGrants.id, grantId));
        result = { login: { accountId: account.id }, consent: { grantId } };
      } else {
        return errorPage(reply, 400, 'Approve or deny', 'The form did not say whether you approve.');
      }
      const to = await server.provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
      return reply.redirect(to, 303);
    },
  };
}

/**
 * A new grant holding exactly what the request asked for (the role is applied at use, not here).
 * Built from the request itself, not the prompt's "missing" lists: those are only computed for
 * the consent prompt, and a person signing in here answers the login prompt and consent at once.
 */
async function saveGrant(server: OAuthServer, details: Details, accountId: string): Promise<string> {
  const grant = new server.provider.Grant({ accountId, clientId: String(details.params.client_id) });
  const requested = requestedScopes(details);
  const known = requested.filter((s) => SCOPES.includes(s));
  if (known.length) grant.addOIDCScope(known.join(' '));
  const permissions = requested.filter((s) => PERMISSION_SCOPES.includes(s));
  if (details.params.resource === server.resource && permissions.length) grant.addResourceScope(server.resource, permissions.join(' '));
  return grant.save();
}
