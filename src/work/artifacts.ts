// Artifacts (contract endpoints of docs/work-api-contract.md): durable work products registered
// against an entity of the workspace — an initiative, workstream, milestone, task or decision. The
// owner must be in the caller's workspace (404 otherwise). An artifact owned by the hierarchy
// records the owner's initiative, so deleting the initiative takes it along (removal.ts deletes
// those of deleted workstreams, milestones and tasks); one owned by a decision stays with the
// decision.
import { and, count, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { notFound } from '../platform/errors.ts';
import { pageAndTotal, type Page } from '../platform/pagination.ts';
import { emitEvent } from '../platform/events.ts';
import { uuidv7 } from '../platform/ids.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { changeWork } from './live.ts';
import { notFoundIn } from './references.ts';
import { anyText } from './sql.ts';
import { artifacts, decisions, initiatives, milestones, tasks, workstreams } from './tables.ts';

export const ARTIFACT_ENTITY_TYPES = ['initiative', 'workstream', 'milestone', 'task', 'decision'] as const;
export const ARTIFACT_STATUSES = ['draft', 'in_review', 'approved', 'changes_requested', 'superseded', 'archived'] as const;
export type ArtifactEntityType = (typeof ARTIFACT_ENTITY_TYPES)[number];
export type ArtifactStatus = (typeof ARTIFACT_STATUSES)[number];

/** Every column but the generated search columns. */
const artifactColumns = {
  id: artifacts.id,
  entityType: artifacts.entityType,
  entityId: artifacts.entityId,
  initiativeId: artifacts.initiativeId,
  name: artifacts.name,
  artifactType: artifacts.artifactType,
  artifactUrl: artifacts.artifactUrl,
  externalUrl: artifacts.externalUrl,
  previewMarkdown: artifacts.previewMarkdown,
  status: artifacts.status,
  version: artifacts.version,
  metadata: artifacts.metadata,
  createdByType: artifacts.createdByType,
  createdById: artifacts.createdById,
  createdAt: artifacts.createdAt,
  updatedAt: artifacts.updatedAt,
};
type ArtifactRow = { [K in keyof typeof artifactColumns]: (typeof artifacts.$inferSelect)[K] };

function artifactView(r: ArtifactRow) {
  return {
    id: r.id,
    entity_type: r.entityType as ArtifactEntityType,
    entity_id: r.entityId,
    initiative_id: r.initiativeId,
    name: r.name,
    artifact_type: r.artifactType,
    artifact_url: r.artifactUrl,
    external_url: r.externalUrl,
    preview_markdown: r.previewMarkdown,
    status: r.status as ArtifactStatus,
    version: r.version,
    metadata: r.metadata,
    created_by_type: r.createdByType as 'human' | 'agent',
    created_by_id: r.createdById,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
export type ArtifactView = ReturnType<typeof artifactView>;

const OWNER_TABLES = { initiative: initiatives, workstream: workstreams, milestone: milestones, task: tasks, decision: decisions } as const;

/**
 * The owner's initiative (null for an initiative-less decision), or a 404 naming `entity_id`.
 * The owner row is share-locked so it cannot be deleted under the new artifact.
 */
async function ownerInitiative(tx: Db, tenantId: string, type: ArtifactEntityType, rawId: string): Promise<string | null> {
  if (!isUuid(rawId)) throw notFoundIn('entity_id', type);
  const id = rawId.toLowerCase();
  const table = OWNER_TABLES[type];
  // An initiative is its own; a decision's artifacts stay with the decision, not its initiative.
  const initiativeOf = type === 'initiative' ? sql<string>`${initiatives.id}` : type === 'decision' ? sql<null>`null::uuid` : sql<string>`initiative_id`;
  const [row] = await tx
    .select({ initiativeId: initiativeOf })
    .from(table)
    .where(and(eq(table.tenantId, tenantId), eq(table.id, id)))
    .for('share');
  if (!row) throw notFoundIn('entity_id', type);
  return row.initiativeId;
}

export interface CreateArtifact {
  entity_type: ArtifactEntityType;
  entity_id: string;
  name: string;
  artifact_type: string;
  artifact_url?: string | null;
  external_url?: string | null;
  preview_markdown?: string | null;
  status?: ArtifactStatus;
  version?: number;
  metadata?: Record<string, unknown>;
  created_by_type?: 'human' | 'agent';
}

/**
 * Registers an artifact. The body schema has already required a URL (artifact_url or
 * external_url, http or https). Writes `artifact.created`, and `artifact.shipped` when it is
 * registered already approved.
 */
export async function createArtifact(ctx: ServiceContext, workspaceId: string, body: CreateArtifact): Promise<ArtifactView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:write');
  const now = new Date();
  const p = ctx.principal;
  return changeWork(ctx, t, async (tx) => {
    const initiativeId = await ownerInitiative(tx, t, body.entity_type, body.entity_id);
    const [row] = await tx
      .insert(artifacts)
      .values({
        tenantId: t,
        id: uuidv7(now.getTime()),
        entityType: body.entity_type,
        entityId: body.entity_id.toLowerCase(),
        initiativeId,
        name: body.name,
        artifactType: body.artifact_type,
        artifactUrl: body.artifact_url ?? null,
        externalUrl: body.external_url ?? null,
        previewMarkdown: body.preview_markdown ?? null,
        status: body.status ?? 'draft',
        version: body.version ?? 1,
        metadata: body.metadata ?? {},
        // Who registered it: a person unless said otherwise; keys are automations (agents).
        createdByType: body.created_by_type ?? (p.human ? 'human' : 'agent'),
        createdById: p.userId ?? p.credentialId,
        createdAt: now,
        updatedAt: now,
      })
      .returning(artifactColumns);
    const view = artifactView(row);
    await emitEvent(tx, t, 'artifact.created', { artifact: view });
    if (view.status === 'approved') await emitEvent(tx, t, 'artifact.shipped', { artifact: view });
    return view;
  });
}

export async function getArtifact(ctx: ServiceContext, workspaceId: string, id: string): Promise<ArtifactView> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:read');
  if (!isUuid(id)) throw notFound();
  const [row] = await ctx.rt.db
    .select(artifactColumns)
    .from(artifacts)
    .where(and(eq(artifacts.tenantId, t), eq(artifacts.id, id.toLowerCase())));
  if (!row) throw notFound();
  return artifactView(row);
}

/** An entity's artifacts, newest first; an entity not in this workspace is a 404. */
export async function artifactsByEntity(
  ctx: ServiceContext,
  workspaceId: string,
  q: { entity_type: ArtifactEntityType; entity_id: string } & Page,
): Promise<{ items: ArtifactView[]; total: number }> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:read');
  await ownerExists(ctx.rt.db, t, q.entity_type, q.entity_id);
  return pageOf(ctx.rt.db, and(eq(artifacts.tenantId, t), eq(artifacts.entityType, q.entity_type), eq(artifacts.entityId, q.entity_id.toLowerCase())), q);
}

/** The query's lists are already checked against the allowed values (listArtifactsQuery). */
export interface ArtifactFilter extends Page {
  entity_type?: string[];
  entity_id?: string;
  initiative_id?: string;
  artifact_type?: string[];
  status?: string[];
  created_by_type?: 'human' | 'agent';
  created_by_id?: string;
  created_since?: string;
  created_before?: string;
}

/** The workspace's artifacts, newest first. Filters naming nothing in this workspace give an empty list. */
export async function listArtifacts(ctx: ServiceContext, workspaceId: string, q: ArtifactFilter): Promise<{ items: ArtifactView[]; total: number }> {
  const t = authorizeTenant(ctx, workspaceId, 'initiatives:read');
  if ([q.entity_id, q.initiative_id].some((v) => v !== undefined && !isUuid(v))) return { items: [], total: 0 };
  const where = and(
    eq(artifacts.tenantId, t),
    q.entity_type?.length ? anyText(artifacts.entityType, q.entity_type) : undefined,
    q.entity_id ? eq(artifacts.entityId, q.entity_id.toLowerCase()) : undefined,
    q.initiative_id ? eq(artifacts.initiativeId, q.initiative_id.toLowerCase()) : undefined,
    q.artifact_type?.length ? anyText(artifacts.artifactType, q.artifact_type) : undefined,
    q.status?.length ? anyText(artifacts.status, q.status) : undefined,
    q.created_by_type ? eq(artifacts.createdByType, q.created_by_type) : undefined,
    q.created_by_id ? eq(artifacts.createdById, q.created_by_id) : undefined,
    q.created_since ? gte(artifacts.createdAt, new Date(q.created_since)) : undefined,
    q.created_before ? lt(artifacts.createdAt, new Date(q.created_before)) : undefined,
  );
  return pageOf(ctx.rt.db, where, q);
}

/** Newest first: `artifacts_list_idx` read backwards (test/work/list-plans.test.ts). */
export const artifactOrder = [desc(artifacts.createdAt), desc(artifacts.id)];

async function pageOf(db: Db, where: SQL | undefined, page: Page): Promise<{ items: ArtifactView[]; total: number }> {
  const [rows, n] = await pageAndTotal(
    page,
    () => db.select(artifactColumns).from(artifacts).where(where).orderBy(...artifactOrder).limit(page.limit).offset(page.offset),
    () => db.select({ n: count() }).from(artifacts).where(where),
  );
  return { items: rows.map(artifactView), total: n };
}

async function ownerExists(db: Db, tenantId: string, type: ArtifactEntityType, rawId: string): Promise<void> {
  if (!isUuid(rawId)) throw notFoundIn('entity_id', type);
  const table = OWNER_TABLES[type];
  const [row] = await db
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.tenantId, tenantId), eq(table.id, rawId.toLowerCase())));
  if (!row) throw notFoundIn('entity_id', type);
}
