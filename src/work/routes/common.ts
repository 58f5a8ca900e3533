// What every /api/client route shares: the workspace it acts in, the list envelope, status
// filters, and the OrgX-Version echo.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { contextOf } from '../../platform/authenticate.ts';
import { WORK_PREFIX } from '../../platform/http-errors.ts';
import { pageInfo, type Page } from '../../platform/pagination.ts';
import type { ServiceContext } from '../../platform/principal.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { workChanged } from '../live.ts';
import { resolveWorkspace } from '../workspace.ts';

/** The workspace each request acted in, for the after-change hook below. */
const workspaceOfRequest = new WeakMap<FastifyRequest, string>();

/** The route's service context and workspace: `workspace_id` from the query, or a POST body. */
export async function workContext(req: FastifyRequest, rt: Runtime): Promise<{ ctx: ServiceContext; ws: string }> {
  const ctx = contextOf(req, rt);
  const query = (req.query ?? {}) as { workspace_id?: string };
  const body = req.method === 'POST' && req.body && typeof req.body === 'object' ? (req.body as { workspace_id?: unknown }) : {};
  const requested = query.workspace_id ?? (typeof body.workspace_id === 'string' ? body.workspace_id : undefined);
  const ws = await resolveWorkspace(ctx, requested);
  workspaceOfRequest.set(req, ws);
  return { ctx, ws };
}

/**
 * A successful write of the Work API has committed by the time its answer is sent: the
 * workspace's cached live pages on this node are out of date from then on.
 */
export function dropLivePagesAfterWrites(app: FastifyInstance, rt: Runtime) {
  app.addHook('onSend', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || reply.statusCode >= 400) return;
    const ws = workspaceOfRequest.get(request);
    if (ws) workChanged(rt, ws);
  });
}

/** `?status=a,b`: one or more of `statuses`, comma-separated. */
export const statusFilter = (statuses: readonly string[]) =>
  z
    .string()
    .max(200)
    .refine((v) => v.split(',').every((s) => statuses.includes(s)), `Each must be one of ${statuses.join(', ')}`)
    .optional()
    .describe(`Only these statuses, comma-separated (${statuses.join(', ')})`);

export const statusesOf = <S extends string>(v: string | undefined) => (v ? (v.split(',') as S[]) : undefined);

export const listEnvelope = <T>(items: T[], total: number, page: Page) => ({ ok: true as const, data: items, ...pageInfo(page, total) });

/**
 * `OrgX-Version` (reserved for pinning a contract date) is echoed on every /api/client response.
 * No behaviour depends on it yet, so any value is accepted; what is echoed is reduced to
 * characters a date or version can contain, so a header can never carry anything else back.
 */
export function echoOrgxVersion(app: FastifyInstance) {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith(WORK_PREFIX)) return payload;
    const raw = request.headers['orgx-version'];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.replace(/[^0-9A-Za-z._:+-]/g, '').slice(0, 64);
    if (value) reply.header('orgx-version', value);
    return payload;
  });
}
