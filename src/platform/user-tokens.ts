// Single-use, expiring tokens that let a person act on their account from a link (password reset,
// invitation). The token travels only in the link; the database keeps its SHA-256, so a leaked
// table lets nobody in. Consuming is one conditional UPDATE: of two concurrent uses, one wins.
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { userTokens } from '../reviews/schema.ts';
import { uuidv7 } from './ids.ts';
import { randomToken, sha256Hex } from './secrets.ts';

export type TokenPurpose = 'reset_password' | 'invite';

export const RESET_PASSWORD_TTL_MS = 72 * 3600_000;

export interface IssuedToken {
  id: string;
  /** The secret for the link; shown once, never stored. */
  token: string;
  expiresAt: Date;
}

/** Issues a token for `userId` (call it inside the transaction that needs it). */
export async function issueUserToken(db: Db, userId: string, purpose: TokenPurpose, ttlMs: number, now = new Date()): Promise<IssuedToken> {
  const token = randomToken(43);
  const id = uuidv7();
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db.insert(userTokens).values({ id, userId, purpose, tokenHash: sha256Hex(token), expiresAt, createdAt: now });
  return { id, token, expiresAt };
}

/**
 * Uses a token up: returns the user it was issued for, or null when it is unknown, of another
 * purpose, expired or already used (deliberately indistinguishable to the caller).
 */
export async function consumeUserToken(db: Db, token: string, purpose: TokenPurpose, now = new Date()): Promise<{ userId: string } | null> {
  if (typeof token !== 'string' || token.length < 20 || token.length > 200) return null;
  const [row] = await db
    .update(userTokens)
    .set({ usedAt: now })
    .where(and(eq(userTokens.tokenHash, sha256Hex(token)), eq(userTokens.purpose, purpose), isNull(userTokens.usedAt), gt(userTokens.expiresAt, now)))
    .returning({ userId: userTokens.userId });
  return row ? { userId: row.userId } : null;
}

/** `PUBLIC_URL/dashboard/reset-password?token=…`, the page that consumes a reset token. */
export const resetPasswordLink = (publicUrl: string, token: string) =>
  `${publicUrl}/dashboard/reset-password?token=${encodeURIComponent(token)}`;
