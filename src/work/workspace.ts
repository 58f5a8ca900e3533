// Which workspace (tenant) a Work API call acts in (work-api.md §1). A tenant key, user key or
// tenant user's session acts in its own; platform credentials (platform keys, superadmin
// sessions) must name one with `workspace_id`. Clients never pass anything else to choose it.
import { eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../db/index.ts';
import { AppError, notFound } from '../platform/errors.ts';
import { isUuid, type Principal, type ServiceContext } from '../platform/principal.ts';
import { tenants } from '../platform/schema.ts';

export const workspaceRequired = () =>
  new AppError(400, 'workspace_required', 'Platform credentials must name the workspace: send workspace_id (query parameter, or body field on POST)', {
    workspace_id: ['Required for platform credentials'],
  });

const tenantExists = preparedQuery((db) =>
  db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, sql.placeholder('id'))).limit(1).prepare('work_workspace_exists'),
);

/**
 * The workspace id of this call. A tenant-scoped credential naming another workspace gets the
 * same 404 as any other workspace's id; an unknown workspace is a 404 for platform credentials.
 */
export async function resolveWorkspace(ctx: ServiceContext, requested: string | null | undefined): Promise<string> {
  const own = ctx.principal.tenantId;
  const named = requested?.trim() || null;
  if (own !== null) {
    if (named !== null && named.toLowerCase() !== own) throw notFound();
    return own;
  }
  if (named === null) throw workspaceRequired();
  if (!isUuid(named)) throw notFound();
  const id = named.toLowerCase();
  const [row] = await tenantExists(ctx.rt.db).execute({ id });
  if (!row) throw notFound();
  return id;
}

/** Approving or rejecting needs a person: agents must not approve their own requests. */
export function requireHuman(p: Principal): void {
  if (!p.human) {
    throw new AppError(403, 'human_required', 'Only a person may do this: use a dashboard session or a user key (oxk_…), not a tenant or platform key');
  }
}

/** Who is acting, as decisions and runs record it. */
export function actorOf(p: Principal): { type: 'user' | 'key'; id: string } {
  return p.userId ? { type: 'user', id: p.userId } : { type: 'key', id: p.credentialId };
}
