// Wire schemas of artifacts (contract endpoints of docs/work-api-contract.md: snake_case,
// `{ ok, artifact }` and `{ ok, artifacts }`). A URL must be http or https: a `javascript:` or
// `data:` link registered by an agent would otherwise run in whatever renders it.
import { z } from 'zod';
import { ARTIFACT_ENTITY_TYPES, ARTIFACT_STATUSES } from './artifacts.ts';
import { workPageQuery, workspaceIdField } from './schemas.ts';

const EX_AT = '2026-11-02T10:15:00.000Z';

const webUrl = z
  .string()
  .trim()
  .max(2000, 'Must be at most 2,000 characters')
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'Must be an http or https URL');

export const artifactSchema = z
  .object({
    id: z.uuid(),
    entity_type: z.enum(ARTIFACT_ENTITY_TYPES),
    entity_id: z.uuid(),
    initiative_id: z.uuid().nullable().describe("The owner's initiative (null for a decision's artifact)"),
    name: z.string(),
    artifact_type: z.string(),
    artifact_url: z.string().nullable(),
    external_url: z.string().nullable(),
    preview_markdown: z.string().nullable(),
    status: z.enum(ARTIFACT_STATUSES),
    version: z.number().int(),
    metadata: z.record(z.string(), z.unknown()),
    created_by_type: z.enum(['human', 'agent']),
    created_by_id: z.string().nullable(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({
    id: 'Artifact',
    example: {
      id: '0193b5d3-7000-7a00-8000-000000000009',
      entity_type: 'task',
      entity_id: '0193b5d3-4000-7a00-8000-000000000005',
      initiative_id: '0193b5d3-1000-7a00-8000-000000000001',
      name: 'Landing page copy v2',
      artifact_type: 'document',
      artifact_url: null,
      external_url: 'https://docs.example.com/landing-copy',
      preview_markdown: '# Smile brighter\nThree variants, one per audience.',
      status: 'in_review',
      version: 2,
      metadata: { words: 420 },
      created_by_type: 'agent',
      created_by_id: '0193b5d3-9000-7a00-8000-00000000000a',
      created_at: EX_AT,
      updated_at: EX_AT,
    },
  });

export const createArtifactBodySchema = z
  .object({
    entity_type: z.enum(ARTIFACT_ENTITY_TYPES),
    entity_id: z.string().max(100),
    name: z.string().trim().min(1, 'Must not be empty').max(300, 'Must be at most 300 characters'),
    artifact_type: z.string().trim().min(1, 'Must not be empty').max(100, 'Must be at most 100 characters'),
    artifact_url: webUrl.nullable().optional(),
    external_url: webUrl.nullable().optional(),
    preview_markdown: z.string().max(100_000, 'Must be at most 100,000 characters').nullable().optional(),
    status: z.enum(ARTIFACT_STATUSES).optional().describe('Default draft'),
    version: z.number().int().min(1).max(1_000_000).optional().describe('Default 1'),
    metadata: z.record(z.string(), z.unknown()).optional(),
    created_by_type: z.enum(['human', 'agent']).optional().describe('Default human for a person, agent for a key'),
    workspace_id: workspaceIdField,
  })
  .superRefine((b, ctx) => {
    // A preview describes a work product; it is not one. One of the links is what makes it durable.
    if (!b.artifact_url && !b.external_url) {
      const message = b.preview_markdown ? 'A preview alone is not an artifact: give artifact_url or external_url' : 'Give artifact_url or external_url';
      ctx.addIssue({ code: 'custom', path: ['artifact_url'], message });
      ctx.addIssue({ code: 'custom', path: ['external_url'], message });
    }
  })
  .meta({
    id: 'CreateArtifactRequest',
    example: {
      entity_type: 'task',
      entity_id: '0193b5d3-4000-7a00-8000-000000000005',
      name: 'Landing page copy v2',
      artifact_type: 'document',
      external_url: 'https://docs.example.com/landing-copy',
      preview_markdown: '# Smile brighter',
      status: 'in_review',
    },
  });

export const artifactsByEntityQuery = z.object({
  entity_type: z.enum(ARTIFACT_ENTITY_TYPES),
  entity_id: z.string().max(100),
  ...workPageQuery,
  limit: workPageQuery.limit.describe('At most this many, newest first (1–200, default 50)'),
  workspace_id: workspaceIdField,
});

/** `?a,b`: one or more values, comma-separated (each one of `values` when given). */
const listFilter = (what: string, values?: readonly string[]) =>
  z
    .string()
    .max(500)
    .refine((v) => !values || v.split(',').every((s) => values.includes(s)), `Each must be one of ${values?.join(', ')}`)
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .optional()
    .describe(`Only these ${what}, comma-separated${values ? ` (${values.join(', ')})` : ''}`);

const instant = z.iso.datetime({ offset: true, message: 'Must be an ISO 8601 date and time, e.g. 2026-11-02T10:15:00Z' });

export const listArtifactsQuery = z.object({
  workspace_id: workspaceIdField,
  ...workPageQuery,
  entity_type: listFilter('owner types', ARTIFACT_ENTITY_TYPES),
  entity_id: z.string().max(100).optional().describe('Only the artifacts of this owner (an initiative, workstream, milestone, task or decision id)'),
  initiative_id: z.string().max(100).optional().describe('Only artifacts in this initiative (owned by it or by anything beneath it)'),
  artifact_type: listFilter('artifact types (e.g. document,pull_request)'),
  status: listFilter('statuses', ARTIFACT_STATUSES),
  created_by_type: z.enum(['human', 'agent']).optional().describe('Only those registered by a person, or by an agent (a key)'),
  created_by_id: z.string().max(100).optional().describe('Only those registered by this user or key id (created_by_id)'),
  created_since: instant.optional().describe('Only those created at or after this time'),
  created_before: instant.optional().describe('Only those created before this time'),
});
