// Which workspace (tenant) a call on /api/client acts in. A tenant key, user key or tenant user's
// session acts in its own; platform credentials (platform keys, superadmin sessions) must name one
// with `workspace_id`. Clients never pass anything else to choose it.
import { AppError, notFound } from './errors.ts';
import { isUuid, type ServiceContext } from './principal.ts';
import { requireTenantExists } from './tenant-exists.ts';

/** What an operation of /api/client runs with: the caller, and the workspace it acts in. */
export interface WorkspaceContext extends ServiceContext {
  workspaceId: string;
}

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
