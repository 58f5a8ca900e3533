// A signed-in person's own user keys (`oxk_`): the dashboard's "Personal keys". Only a session
// may manage them (a key cannot mint keys that act as a person), and only its own: another
// user's key is "not found", never "forbidden", so ids leak nothing.
import { and, eq } from 'drizzle-orm';
import { forbidden, notFound } from './errors.ts';
import { keysWhere, mintUserKey, revokeKey, withRequestsThisHour, type CreateKeyBody, type MintedKey } from './keys.ts';
import type { Page } from './pagination.ts';
import { isUuid, type ServiceContext } from './principal.ts';
import { apiKeys } from './tables.ts';

function sessionUserOf(ctx: ServiceContext): string {
  const p = ctx.principal;
  if (p.kind !== 'session' || !p.userId) throw forbidden('Personal keys are managed from a signed-in dashboard session');
  if (!p.tenantId) throw forbidden('A superadmin has no tenant; use a platform key');
  return p.userId;
}

const ownKeys = (userId: string) => and(eq(apiKeys.userId, userId), eq(apiKeys.kind, 'user'));

export async function listPersonalKeys(ctx: ServiceContext, page: Page) {
  const { items, total } = await keysWhere(ctx.rt.db, ownKeys(sessionUserOf(ctx)), page);
  return { items: await withRequestsThisHour(ctx.rt, items), total };
}

/** Never beyond the person's role: the minter is their own session. */
export async function createPersonalKey(ctx: ServiceContext, body: CreateKeyBody): Promise<MintedKey> {
  // mintKey's defaults do the rest: permissions = what the role holds, limit = min(1000, the session's).
  return mintUserKey(ctx.rt.db, sessionUserOf(ctx), body, ctx.principal);
}

export async function revokePersonalKey(ctx: ServiceContext, keyId: string): Promise<void> {
  const userId = sessionUserOf(ctx);
  if (!isUuid(keyId)) throw notFound();
  const [own] = await ctx.rt.db.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.id, keyId), ownKeys(userId)));
  if (!own) throw notFound();
  await revokeKey(ctx.rt.db, own.id);
  await ctx.rt.credentials.invalidateAll();
}
