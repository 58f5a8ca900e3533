// What every /api/client route shares: the workspace it acts in, the list envelope, status
// filters, and the OrgX-Version echo.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { contextOf } from '../../platform/authenticate.ts';
import { pageInfo, type Page } from '../../platform/pagination.ts';
import type { ServiceContext } from '../../platform/principal.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { resolveWorkspace } from '../../platform/workspace.ts';

/** The route's service context and workspace (legacy routes until converted). */
export async function workContext(req: FastifyRequest, rt: Runtime): Promise<{ ctx: ServiceContext; ws: string }> {
  const ctx = contextOf(req, rt);
  const query = (req.query ?? {}) as { workspace_id?: string };
  const body = req.method === 'POST' && req.body && typeof req.body === 'object' ? (req.body as { workspace_id?: unknown }) : {};
  const ws = await resolveWorkspace(ctx, query.workspace_id ?? (typeof body.workspace_id === 'string' ? body.workspace_id : undefined));
  return { ctx, ws };
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
