// The authorization server's keys, derived from the server secret (ORGSTACK_SECRET, or the one
// generated into the data directory), so every node sharing that secret signs and verifies the
// same cookies and publishes the same JWKS without storing a private key anywhere else.
import { createHmac, createPrivateKey } from 'node:crypto';
import type { JWK } from 'oidc-provider';
import type { Config } from '../config.ts';
import { resolveServerSecret } from '../platform/server-secret.ts';

const derive = (secret: string, purpose: string) => createHmac('sha256', secret).update(`orgstack-oauth:${purpose}`).digest();

export interface OAuthKeys {
  /** Signs oidc-provider's cookies (interaction and resume). */
  cookieKeys: string[];
  /** An Ed25519 signing key (oidc-provider requires one; no ID token is issued without `openid`). */
  jwks: { keys: JWK[] };
  /** Binds the sign-in and consent forms' CSRF tokens and the account choices to this server. */
  formKey: Buffer;
}

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function oauthKeys(config: Config): OAuthKeys {
  const secret = config.secret ?? resolveServerSecret(config).secret;
  const seed = derive(secret, 'jwks-ed25519');
  const key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const jwk = key.export({ format: 'jwk' }) as JWK;
  const kid = derive(secret, 'jwks-kid').toString('base64url').slice(0, 16);
  return {
    cookieKeys: [derive(secret, 'cookies').toString('base64url')],
    jwks: { keys: [{ ...jwk, kid, alg: 'EdDSA', use: 'sig' }] },
    formKey: derive(secret, 'forms'),
  };
}
