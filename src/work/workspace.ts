// Which workspace (tenant) a Work API call acts in (work-api.md §1). A tenant key, user key or
// tenant user's session acts in its own; platform credentials (platform keys, superadmin
// sessions) must name one with `workspace_id`. Clients never pass anything else to choose it.
import { AppError, notFound } from '../platform/errors.ts';
import { isUuid, type Principal, type ServiceContext } from '../platform/principal.ts';
import { requireTenantExists } from '../platform/tenant-exists.ts';

const workspaceRequired = () =>
  new AppError(400, 'workspace_required', 'Platform credentials must name the workspace: send workspace_id (query parameter, or body field on POST)', {
    workspace_id: ['Required for platform credentials'],
  });

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
  await requireTenantExists(ctx.rt.db, id);
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
