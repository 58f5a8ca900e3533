// The wire format of API keys: `<kind prefix><40 random base62 chars>`. Only the SHA-256 of the
// whole key is stored; the display prefix (kind prefix + first 8 random chars) identifies it.
import { randomToken, sha256Hex } from './secrets.ts';

export type KeyKind = 'tenant' | 'platform' | 'user';

export const KEY_PREFIX: Record<KeyKind, string> = {
  tenant: 'orgstack_sk_tnt_',
  platform: 'orgstack_sk_plat_',
  user: 'oxk_',
};

export const DEFAULT_HOURLY_LIMIT: Record<KeyKind, number> = { tenant: 1000, platform: 5000, user: 1000 };

const KINDS = Object.keys(KEY_PREFIX) as KeyKind[];

export function keyKindOf(presented: string): KeyKind | null {
  return KINDS.find((k) => presented.startsWith(KEY_PREFIX[k]) && presented.length > KEY_PREFIX[k].length) ?? null;
}

export function generateKey(kind: KeyKind): { key: string; hash: string; prefix: string } {
  const secret = randomToken(40);
  const key = KEY_PREFIX[kind] + secret;
  return { key, hash: sha256Hex(key), prefix: KEY_PREFIX[kind] + secret.slice(0, 8) };
}
