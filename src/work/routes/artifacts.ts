// Artifacts: durable work products registered against an entity. Creating, reading one and
// by-entity are contract endpoints (`{ ok, artifact }`, `{ ok, artifacts }`); the list is ours.
import { z } from 'zod';
import { defineWorkspaceOperation } from '../../platform/operations.ts';
import { pageInfo, paginationSchema } from '../../platform/pagination.ts';
import { artifactSchema, artifactsByEntityQuery, createArtifactBodySchema, listArtifactsQuery } from '../artifact-schemas.ts';
import { artifactsByEntity, createArtifact, getArtifact, listArtifacts } from '../artifacts.ts';
import { idParams, okList, workspaceQuery } from '../schemas.ts';
import { listEnvelope } from './common.ts';

const tags = ['Work: Artifacts'];
const one = z.object({ ok: z.literal(true), artifact: artifactSchema });

export const createArtifactOperation = defineWorkspaceOperation({
  id: 'createArtifact',
  method: 'POST',
  path: '/artifacts',
  permission: 'initiatives:write',
  tags,
  summary: 'Register an artifact',
  description:
    'The OrgX contract endpoint: `{ ok, artifact }`. Owned by an initiative, workstream, milestone, task or decision of this workspace (404 otherwise). `artifact_url` or `external_url` is required (an http or https URL; a preview alone is a 400). Writes `artifact.created`, and `artifact.shipped` when registered as approved.',
  input: { query: workspaceQuery, body: createArtifactBodySchema },
  output: one,
  status: 201,
  run: async (ctx, { body }) => ({ ok: true as const, artifact: await createArtifact(ctx, ctx.workspaceId, body) }),
});

export const listArtifactsOperation = defineWorkspaceOperation({
  id: 'listArtifacts',
  method: 'GET',
  path: '/artifacts',
  permission: 'initiatives:read',
  tags,
  summary: 'List artifacts',
  description:
    'Ours (not in the OrgX contract), so in our list envelope: `{ ok, data, total, pagination }`. Every artifact of this workspace, newest first, filtered by owner (`entity_type`, `entity_id`), `initiative_id` (artifacts of the initiative and of everything beneath it), `artifact_type`, `status`, who registered it (`created_by_type`, `created_by_id`) and when (`created_since`, `created_before`). Filters naming nothing in this workspace give an empty list.',
  input: { query: listArtifactsQuery },
  output: okList(artifactSchema),
  async run(ctx, { query }) {
    const { items, total } = await listArtifacts(ctx, ctx.workspaceId, query);
    return listEnvelope(items, total, query);
  },
});

export const listArtifactsByEntityOperation = defineWorkspaceOperation({
  id: 'listArtifactsByEntity',
  method: 'GET',
  path: '/artifacts/by-entity',
  permission: 'initiatives:read',
  tags,
  summary: "An entity's artifacts",
  description:
    'The OrgX contract endpoint: `{ ok, artifacts }`, newest first, with `total` and `pagination` added (`offset` pages on, as on every list). An entity not in this workspace is a 404.',
  input: { query: artifactsByEntityQuery },
  output: z.object({ ok: z.literal(true), artifacts: z.array(artifactSchema), total: z.number().int(), pagination: paginationSchema }),
  async run(ctx, { query }) {
    const { items, total } = await artifactsByEntity(ctx, ctx.workspaceId, query);
    return { ok: true as const, artifacts: items, ...pageInfo(query, total) };
  },
});

export const getArtifactOperation = defineWorkspaceOperation({
  id: 'getArtifact',
  method: 'GET',
  path: '/artifacts/:artifactId',
  permission: 'initiatives:read',
  tags,
  summary: 'Get an artifact',
  description: 'The OrgX contract endpoint: `{ ok, artifact }`.',
  input: { params: idParams('artifactId', 'artifact'), query: workspaceQuery },
  output: one,
  run: async (ctx, { params }) => ({ ok: true as const, artifact: await getArtifact(ctx, ctx.workspaceId, params.artifactId) }),
});

// by-entity is listed before /:artifactId, so that `by-entity` is never read as an id.
export const artifactOperations = [listArtifactsOperation, createArtifactOperation, listArtifactsByEntityOperation, getArtifactOperation];
