// Who calls /mcp: `Authorization: Bearer <token>` only (no cookies: a browser page must not be able
// to drive a signed-in person's tools). An API key (`oxk_…`, tenant or platform key) is the same
// principal, permissions and hourly bucket as on REST; anything else is an OAuth access token,
// which the authorization server resolves (src/oauth/access-tokens.ts). A missing or failing
// token is a 401 whose WWW-Authenticate header points the client at the protected-resource
// metadata (RFC 9728), where OAuth discovery starts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOfAccessToken } from '../oauth/access-tokens.ts';
import { bearerToken } from '../platform/authenticate.ts';
import { keyKindOf } from '../platform/key-format.ts';
import type { Principal } from '../platform/principal.ts';
import type { Runtime } from '../platform/runtime.ts';

export const resourceMetadataUrl = (publicUrl: string) => `${publicUrl}/.well-known/oauth-protected-resource/mcp`;

/**
 * Authenticates and admits the caller (hourly limit), or answers 401 and returns null. The
 * per-address failure limit and the rate limiter throw their own AppErrors (429).
 */
export async function authenticateMcp(request: FastifyRequest, reply: FastifyReply, rt: Runtime, scopes: string): Promise<Principal | null> {
  if (!request.headers.authorization) {
    challenge(reply, rt, scopes, null, 'Send Authorization: Bearer <token>: sign in with OAuth, or use an API key');
    return null;
  }
  rt.authFailures.check(request.ip);
  const token = bearerToken(request); // null: a header that is not a Bearer token
  const principal = token === null ? null : keyKindOf(token) ? await rt.credentials.authenticate(token) : await principalOfAccessToken(rt, token);
  if (!principal) {
    // A presented credential that fails is a guess, counted against the address as on REST.
    rt.authFailures.record(request.ip);
    challenge(reply, rt, scopes, 'invalid_token', 'The token is invalid, expired, revoked or not issued for this server');
    return null;
  }
  request.principal = principal;
  await rt.rateLimits.admit(principal, request);
  return principal;
}

function challenge(reply: FastifyReply, rt: Runtime, scopes: string, error: 'invalid_token' | null, description: string) {
  const params = [`resource_metadata="${resourceMetadataUrl(rt.config.publicUrl)}"`, `scope="${scopes}"`];
  if (error) params.unshift(`error="${error}"`, `error_description="${description}"`);
  void reply
    .code(401)
    .header('www-authenticate', `Bearer ${params.join(', ')}`)
    .send({ error: error ?? 'unauthorized', error_description: description });
}
