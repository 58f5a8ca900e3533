// "Connected apps": the OAuth grants a signed-in person gave MCP clients, and revoking one. Only
// a dashboard session may manage them, and only its own: another person's grant is "not found".
// Revoking deletes the grant and every token and code it issued, and drops every node's cached
// tokens at once (a database notification), so the app stops working everywhere.
import { and, desc, eq } from 'drizzle-orm';
import { forbidden, notFound } from '../platform/errors.ts';
import type { ServiceContext } from '../platform/principal.ts';
import { tenants, users } from '../platform/tables.ts';
import { oauthArtifacts, oauthGrants } from './tables.ts';

export interface ConnectedApp {
  id: string;
  clientId: string;
  clientName: string;
  scopes: string[];
  tenant: { id: string; name: string };
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
}

function sessionUserOf(ctx: ServiceContext): string {
  const p = ctx.principal;
  if (p.kind !== 'session' || !p.userId) throw forbidden('Connected apps are managed from a signed-in dashboard session');
  return p.userId;
}

export async function listConnectedApps(ctx: ServiceContext): Promise<ConnectedApp[]> {
  const userId = sessionUserOf(ctx);
  const rows = await ctx.rt.db
    .select({ grant: oauthGrants, tenantId: tenants.id, tenantName: tenants.name })
    .from(oauthGrants)
    .innerJoin(users, eq(users.id, oauthGrants.userId))
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(eq(oauthGrants.userId, userId))
    .orderBy(desc(oauthGrants.createdAt))
    .limit(200);
  const now = Date.now();
  return rows
    .filter((r) => r.grant.expiresAt.getTime() > now)
    .map(({ grant, tenantId, tenantName }) => ({
      id: grant.id,
      clientId: grant.clientId,
      clientName: grant.clientName ?? grant.clientId,
      scopes: grant.scope.split(' ').filter(Boolean),
      tenant: { id: tenantId, name: tenantName },
      createdAt: grant.createdAt.toISOString(),
      lastUsedAt: grant.lastUsedAt?.toISOString() ?? null,
      expiresAt: grant.expiresAt.toISOString(),
    }));
}

export async function revokeConnectedApp(ctx: ServiceContext, grantId: string): Promise<void> {
  const userId = sessionUserOf(ctx);
  const gone = await ctx.rt.db.transaction(async (tx) => {
    const deleted = await tx
      .delete(oauthGrants)
      .where(and(eq(oauthGrants.id, grantId), eq(oauthGrants.userId, userId)))
      .returning({ id: oauthGrants.id });
    if (deleted.length) await tx.delete(oauthArtifacts).where(eq(oauthArtifacts.grantId, grantId));
    return deleted.length > 0;
  });
  if (!gone) throw notFound();
  await ctx.rt.credentials.invalidateAll();
}
