// The conventions every Work API resource shares (docs/work-api-contract.md): snake_case, the
// `{ ok, data }` envelope, lists with `total` and `pagination`, the `workspace_id` a platform
// credential names. Request objects are not strict: clients of this contract send extra fields,
// which are accepted and named in the answer's `warnings`, and a field's other casing (or a name
// declared with alsoKnownAs) is read as the field (platform/lenient-fields.ts). Each resource's own wire schemas are in its file (initiative-schemas.ts,
// workstream-schemas.ts, milestone-schemas.ts, task-schemas.ts, decision-schemas.ts,
// agent-schemas.ts, artifact-schemas.ts); the routes validate with them and the OpenAPI document
// is generated from them.
import { z } from 'zod';

/** Ids and a time the resources' OpenAPI examples share, so the examples point at each other. */
export const EX = {
  workspace: '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60',
  initiative: '0193b5d3-1000-7a00-8000-000000000001',
  workstream: '0193b5d3-2000-7a00-8000-000000000002',
  workstream2: '0193b5d3-2000-7a00-8000-000000000003',
  milestone: '0193b5d3-3000-7a00-8000-000000000004',
  task: '0193b5d3-4000-7a00-8000-000000000005',
  task2: '0193b5d3-4000-7a00-8000-000000000006',
  agent: '0193b5d3-5000-7a00-8000-000000000007',
  at: '2026-11-02T10:15:00.000Z',
};

// The /api/client conventions every module's operations there share live in the platform.
import { workspaceIdField } from '../platform/client-schemas.ts';
export { okData, okList, workPageQuery, workspaceIdField, workspaceQuery } from '../platform/client-schemas.ts';

export const idParams = <K extends string>(name: K, what: string) => z.object({ [name]: z.uuid().describe(`The ${what} id`) } as { [P in K]: z.ZodUUID });

/** Fields the resources' request bodies share. */
export const title = z.string().trim().min(1, 'Must not be empty').max(300, 'Must be at most 300 characters');
export const longText = z.string().max(20000, 'Must be at most 20,000 characters');
export const isoDate = z.iso.date('Must be a date like 2026-12-31');
export const idList = (what: string, max: number) =>
  z
    .array(z.string().max(100))
    .max(max, `At most ${max}`)
    .describe(`Ids of ${what}`);

export const deletedSchema = z.object({ id: z.uuid(), deleted: z.literal(true) }).meta({ id: 'Deleted' });

export const actionBodySchema = z
  .object({
    reason: z.string().max(2000).optional().describe('Why (kept in the event)'),
    workspace_id: workspaceIdField,
  })
  .meta({ id: 'WorkActionRequest', example: { reason: 'Waiting for the vendor contract' } });
