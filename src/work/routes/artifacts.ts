import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../platform/runtime.ts';
import { artifactSchema, artifactsByEntityQuery, createArtifactBodySchema } from '../artifact-schemas.ts';
import { artifactsByEntity, createArtifact, getArtifact } from '../artifacts.ts';
import { idParams, workspaceQuery } from '../schemas.ts';
import { workContext } from './common.ts';

const one = z.object({ ok: z.literal(true), artifact: artifactSchema });

export function artifactRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Work: Artifacts'];

  r.post(
    '/api/client/artifacts',
    {
      config: { permission: 'initiatives:write' },
      schema: {
        operationId: 'createArtifact',
        tags,
        summary: 'Register an artifact',
        description:
          'The OrgX contract endpoint: `{ ok, artifact }`. Owned by an initiative, workstream, milestone, task or decision of this workspace (404 otherwise). `artifact_url` or `external_url` is required (an http or https URL; a preview alone is a 400). Writes `artifact.created`, and `artifact.shipped` when registered as approved.',
        querystring: workspaceQuery,
        body: createArtifactBodySchema,
        response: { 201: one },
      },
    },
    async (req, reply) => {
      const { ctx, ws } = await workContext(req, rt);
      return reply.code(201).send({ ok: true, artifact: await createArtifact(ctx, ws, req.body) });
    },
  );

  // Registered before /:artifactId so that `by-entity` is never read as an id.
  r.get(
    '/api/client/artifacts/by-entity',
    {
      config: { permission: 'initiatives:read' },
      schema: {
        operationId: 'listArtifactsByEntity',
        tags,
        summary: "An entity's artifacts",
        description: 'The OrgX contract endpoint: `{ ok, artifacts }`, newest first. An entity not in this workspace is a 404.',
        querystring: artifactsByEntityQuery,
        response: { 200: z.object({ ok: z.literal(true), artifacts: z.array(artifactSchema) }) },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, artifacts: await artifactsByEntity(ctx, ws, req.query) };
    },
  );

  r.get(
    '/api/client/artifacts/:artifactId',
    {
      config: { permission: 'initiatives:read' },
      schema: {
        operationId: 'getArtifact',
        tags,
        summary: 'Get an artifact',
        description: 'The OrgX contract endpoint: `{ ok, artifact }`.',
        params: idParams('artifactId', 'artifact'),
        querystring: workspaceQuery,
        response: { 200: one },
      },
    },
    async (req) => {
      const { ctx, ws } = await workContext(req, rt);
      return { ok: true as const, artifact: await getArtifact(ctx, ws, req.params.artifactId) };
    },
  );
}
