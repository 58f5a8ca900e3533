// Small cryptographic helpers: random tokens, SHA-256, passwords (scrypt for chosen ones; compared
// in constant time).
import { hash, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
export const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Uniformly random base62 (randomInt rejects biased draws); 40 chars ≈ 238 bits. */
export function randomToken(length = 40): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(BASE62.length)];
  return out;
}

/** Whether two secrets (tokens, signatures) are equal, in time independent of where they differ. */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// One-shot `hash` (Node ≥ 20.12): half the cost of createHash().update().digest(), and every
// authenticated request hashes its key.
export const sha256Hex = (value: string) => hash('sha256', value, 'hex');

// scrypt N=2^15, r=8, p=1: ~50 ms here, memory-hard. Stored as scrypt$N$r$p$salt$hash.
const N = 1 << 15;
const R = 8;
const P = 1;
const KEYLEN = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, KEYLEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

/**
 * The hash of a password this server generated (generatePassword, ~119 random bits), stored as
 * sha256$hash. A slow hash protects what people choose, which can be guessed; nobody can guess
 * 119 random bits, so a slow hash adds nothing but its cost — 70–80 ms of CPU per provisioned
 * tenant, most of a demo provisioning's time. Sign-in still pays one scrypt for it (below), so
 * timing does not tell which accounts still hold their generated password.
 */
export const hashGeneratedPassword = (password: string) => `sha256$${sha256Hex(password)}`;

const TIMING_SALT = randomBytes(16);

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = stored?.split('$');
  if (parts?.length === 2 && parts[0] === 'sha256') {
    await scryptAsync(password, TIMING_SALT, KEYLEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
    return secretsEqual(sha256Hex(password), parts[1]);
  }
  if (!parts || parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, expected] = parts;
  const want = Buffer.from(expected, 'base64');
  const got = await scryptAsync(password, Buffer.from(salt, 'base64'), want.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(got, want);
}

/** A password people can type: 4 groups of 5 base62 characters (~119 bits). */
export const generatePassword = () => randomToken(20).match(/.{5}/g)!.join('-');
