// The MCP door's view of an OAuth access token: the principal it stands for right now, or null
// when the token is unknown, expired, revoked, or issued for another resource (audience).
// The authorization server (src/oauth) implements it; /mcp calls it for any Bearer token that
// is not an API key.
import type { Principal } from '../platform/principal.ts';
import type { Runtime } from '../platform/runtime.ts';

export async function principalOfAccessToken(_rt: Runtime, _token: string): Promise<Principal | null> {
  return null; // until the authorization server lands, no OAuth token is valid
}
