// Artifacts: durable work products registered against an entity (contract endpoints).
import { z } from 'zod';
import { defineWorkspaceOperation } from '../../platform/operations.ts';
import { artifactSchema, artifactsByEntityQuery, createArtifactBodySchema } from '../artifact-schemas.ts';
import { artifactsByEntity, createArtifact, getArtifact } from '../artifacts.ts';
import { idParams, workspaceQuery } from '../schemas.ts';

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

export const listArtifactsByEntityOperation = defineWorkspaceOperation({
  id: 'listArtifactsByEntity',
  method: 'GET',
  path: '/artifacts/by-entity',
  permission: 'initiatives:read',
  tags,
  summary: "An entity's artifacts",
  description: 'The OrgX contract endpoint: `{ ok, artifacts }`, newest first. An entity not in this workspace is a 404.',
  input: { query: artifactsByEntityQuery },
  output: z.object({ ok: z.literal(true), artifacts: z.array(artifactSchema) }),
  run: async (ctx, { query }) => ({ ok: true as const, artifacts: await artifactsByEntity(ctx, ctx.workspaceId, query) }),
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
export const artifactOperations = [createArtifactOperation, listArtifactsByEntityOperation, getArtifactOperation];
