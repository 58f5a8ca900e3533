// Single-use, expiring tokens that let a person act on their account from a link (password reset,
// invitation). The token travels only in the link; the database keeps its SHA-256, so a leaked
// table lets nobody in. Consuming is one conditional UPDATE: of two concurrent uses, one wins.
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { pgArray, type Db } from '../db/index.ts';
import { userTokens } from './tables.ts';
import { users } from './tables.ts';
import { uuidv7 } from './ids.ts';
import { randomToken, sha256Hex } from './secrets.ts';

export type TokenPurpose = 'reset_password' | 'invite';

export const RESET_PASSWORD_TTL_MS = 72 * 3600_000;
/** An invitation waits a week for the invitee to choose a password. */
export const INVITE_TTL_MS = 7 * 24 * 3600_000;

const plausible = (token: unknown): token is string => typeof token === 'string' && token.length >= 20 && token.length <= 200;

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
export async function consumeUserToken(
  db: Db,
  token: string,
  purpose: TokenPurpose | readonly TokenPurpose[],
  now = new Date(),
): Promise<{ userId: string } | null> {
  if (!plausible(token)) return null;
  const purposes = typeof purpose === 'string' ? [purpose] : purpose;
  const [row] = await db
    .update(userTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(userTokens.tokenHash, sha256Hex(token)),
        sql`${userTokens.purpose} = any(${pgArray(purposes)}::text[])`,
        isNull(userTokens.usedAt),
        gt(userTokens.expiresAt, now),
      ),
    )
    .returning({ userId: userTokens.userId });
  return row ? { userId: row.userId } : null;
}

/** What a still-usable token is for and whose it is, without using it up (for the link's page). */
export async function findUserToken(db: Db, token: string, now = new Date()): Promise<{ purpose: TokenPurpose; userId: string; username: string } | null> {
  if (!plausible(token)) return null;
  const [row] = await db
    .select({ purpose: userTokens.purpose, userId: users.id, username: users.username })
    .from(userTokens)
    .innerJoin(users, eq(users.id, userTokens.userId))
    .where(and(eq(userTokens.tokenHash, sha256Hex(token)), isNull(userTokens.usedAt), gt(userTokens.expiresAt, now)))
    .limit(1);
  return row ? { ...row, purpose: row.purpose as TokenPurpose } : null;
}

/** `PUBLIC_URL/dashboard/reset-password?token=…`, the page that consumes a reset token. */
export const resetPasswordLink = (publicUrl: string, token: string) =>
  `${publicUrl}/dashboard/reset-password?token=${encodeURIComponent(token)}`;

/** `PUBLIC_URL/dashboard/accept-invite?token=…`, where an invited user chooses a password. */
export const acceptInviteLink = (publicUrl: string, token: string) =>
  `${publicUrl}/dashboard/accept-invite?token=${encodeURIComponent(token)}`;
