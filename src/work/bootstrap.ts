// GET|POST /api/client/bootstrap (a contract endpoint of docs/work-api-contract.md): the first call
// a client makes. It proves the credential, resolves the workspace and says what the credential may
// do here (`capabilities`: the Work permissions it holds, the strings MCP scopes use too). The
// client may name the capabilities it needs (`required_capabilities`); each one the credential
// lacks, or that this server does not know, is a gap in `setup.gaps`, and `setup.ready` is false
// while there is any. Needs only a valid credential: a key with no Work permission still learns
// why.
import { eq } from 'drizzle-orm';
import { notFound } from '../platform/errors.ts';
import type { ServiceContext } from '../platform/principal.ts';
import { tenants } from '../platform/tables.ts';

/** The Work module's capabilities, in the order the contract lists its scopes. */
export const WORK_CAPABILITIES = [
  'initiatives:read',
  'initiatives:write',
  'decisions:read',
  'decisions:write',
  'agents:read',
  'agents:write',
  'memory:read',
] as const;

export interface SetupGap {
  code: 'missing_capability' | 'unknown_capability';
  capability: string;
  message: string;
}

export interface Bootstrap {
  workspace: { id: string; name: string };
  sourceClient: string | null;
  capabilities: string[];
  setup: { ready: boolean; gaps: SetupGap[] };
}

export async function bootstrap(
  ctx: ServiceContext,
  workspaceId: string,
  q: { source_client?: string | null; required_capabilities?: string[] },
): Promise<Bootstrap> {
  const [tenant] = await ctx.rt.db.select({ id: tenants.id, name: tenants.name }).from(tenants).where(eq(tenants.id, workspaceId));
  if (!tenant) throw notFound();
  const held = ctx.principal.permissions;
  const capabilities = WORK_CAPABILITIES.filter((c) => held.has(c));
  const known = new Set<string>(WORK_CAPABILITIES);
  const gaps: SetupGap[] = [];
  for (const capability of [...new Set(q.required_capabilities ?? [])]) {
    if (!known.has(capability)) {
      gaps.push({ code: 'unknown_capability', capability, message: `"${capability}" is not a capability of this server (${WORK_CAPABILITIES.join(', ')})` });
    } else if (!held.has(capability)) {
      gaps.push({ code: 'missing_capability', capability, message: `This credential lacks "${capability}": use a key that has it, or ask an admin to grant it` });
    }
  }
  return {
    workspace: { id: tenant.id, name: tenant.name },
    sourceClient: q.source_client?.trim() || null,
    capabilities,
    setup: { ready: gaps.length === 0, gaps },
  };
}
