// The dashboard's sign-in surface under /api/v1/auth: cookie sessions, not Bearer keys. These
// routes are not operations: they set and clear the session cookie on the reply. They are
// registered inside the /api/v1 scope (paths relative to it, its error body), declare no
// permission (the authenticate plugin leaves them alone) and resolve the session cookie
// themselves, so a session that must change its password can still reach them. They are left
// out of the OpenAPI document and agent.json, which describe the Bearer API; the README
// documents them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantSchema } from '../tenant-schemas.ts';
import { unauthorized } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { checkCookieRequest, checkOrigin, clearSessionCookie, sessionCookieOf, setSessionCookie } from '../session-cookie.ts';
import { csrfTokenOf, deleteSessionByToken, deleteUserSessions } from '../sessions.ts';
import { changePassword, describeSession, lookUpToken, resetPassword, signIn, type SignedIn } from '../sign-in.ts';

const sessionUserSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  email: z.string().nullable(),
  role: z.enum(['owner', 'admin', 'member', 'superadmin']),
  tenantId: z.uuid().nullable(),
  mustChangePassword: z.boolean(),
});
const signedInSchema = z.object({ user: sessionUserSchema, csrfToken: z.string() });
// The length rule is checked by the service (a field error); this only bounds the body.
const password = z.string().max(1000);

/** Who signs in from where, kept on the session row (createSession bounds the user agent). */
const metaOf = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });

/** Answers that carry a session or its CSRF token are never cached anywhere. */
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

/** Registers the sign-in routes in the /api/v1 scope (`scope`). */
export function authRoutes(scope: FastifyInstance, rt: Runtime) {
  const r = scope.withTypeProvider<ZodTypeProvider>();
  const hide = true;

  /**
   * The signed-in session of this request, from its cookie (never a Bearer key): 401 without a
   * live one; the origin and CSRF rules as on every cookie call; counted in the user's bucket and
   * named in the audit row.
   */
  async function requireSession(request: FastifyRequest) {
    const token = sessionCookieOf(request);
    if (!token) throw unauthorized('Sign in first');
    const found = await rt.credentials.authenticateSession(token);
    if (!found) throw unauthorized('Your session has ended; sign in again');
    checkCookieRequest(request, rt.config, token);
    request.principal = found.principal;
    request.session = found.session;
    await rt.rateLimits.admit(found.principal, request);
    return { token, ...found };
  }

  /** Starts the browser's session: the cookie, and the CSRF token for the page's writes. */
  async function signedIn(request: FastifyRequest, reply: FastifyReply, result: SignedIn) {
    // A cookie this browser still held (another account, an old session) ends here.
    const previous = sessionCookieOf(request);
    if (previous && (await deleteSessionByToken(rt.db, previous))) await rt.credentials.invalidateAll();
    request.principal = result.principal;
    setSessionCookie(request, reply, rt.config, result.session.token, result.session.expiresAt);
    noStore(reply);
    return { user: result.user, csrfToken: csrfTokenOf(result.session.token) };
  }

  r.post(
    '/auth/sign-in',
    {
      schema: {
        hide,
        body: z.strictObject({ login: z.string().min(1).max(320).describe('Username or email, any case'), password }),
        response: { 200: signedInSchema },
      },
    },
    async (req, reply) => {
      checkOrigin(req, rt.config);
      const result = await signIn(rt, req.body, metaOf(req));
      return signedIn(req, reply, result);
    },
  );

  r.get(
    '/auth/session',
    {
      schema: {
        hide,
        response: {
          200: z.object({ user: sessionUserSchema, tenant: tenantSchema.nullable(), permissions: z.array(z.string()), csrfToken: z.string() }),
        },
      },
    },
    async (req, reply) => {
      const { token, principal, session } = await requireSession(req);
      noStore(reply);
      return { ...(await describeSession(rt, session, principal)), csrfToken: csrfTokenOf(token) };
    },
  );

  r.post('/auth/sign-out', { schema: { hide } }, async (req, reply) => {
    const token = sessionCookieOf(req);
    if (token) {
      checkCookieRequest(req, rt.config, token);
      // Named in the audit row when the session was still alive.
      req.principal = (await rt.credentials.authenticateSession(token).catch(() => null))?.principal ?? null;
      if (await deleteSessionByToken(rt.db, token)) await rt.credentials.invalidateAll();
    }
    clearSessionCookie(req, reply, rt.config);
    return reply.code(204).send();
  });

  r.post('/auth/sign-out-everywhere', { schema: { hide } }, async (req, reply) => {
    const { session } = await requireSession(req);
    await deleteUserSessions(rt.db, session.userId);
    await rt.credentials.invalidateAll();
    clearSessionCookie(req, reply, rt.config);
    return reply.code(204).send();
  });

  r.post(
    '/auth/change-password',
    { schema: { hide, body: z.strictObject({ currentPassword: password, newPassword: password }) } },
    async (req, reply) => {
      const { session } = await requireSession(req);
      await changePassword(rt, session, req.body, req.ip);
      return reply.code(204).send();
    },
  );

  r.get(
    '/auth/tokens/:token',
    {
      config: { secretInPath: true },
      schema: {
        hide,
        params: z.object({ token: z.string() }),
        response: { 200: z.object({ purpose: z.enum(['reset_password', 'invite']), username: z.string() }) },
      },
    },
    async (req, reply) => {
      noStore(reply);
      return lookUpToken(rt, req.params.token, req.ip);
    },
  );

  r.post(
    '/auth/reset-password',
    {
      schema: {
        hide,
        body: z.strictObject({ token: z.string().max(200), newPassword: password }),
        response: { 200: signedInSchema },
      },
    },
    async (req, reply) => {
      checkOrigin(req, rt.config);
      const result = await resetPassword(rt, req.body, metaOf(req));
      return signedIn(req, reply, result);
    },
  );
}
