// Wire schemas of agents, runs, activity, and the contract endpoints live/agents, spawn and
// bootstrap (docs/work-api-contract.md). Our own resources are snake_case; the contract endpoints
// keep their camelCase exactly. Request objects are not strict: unknown fields are ignored.
import { z } from 'zod';
import { paginationSchema } from '../platform/pagination.ts';
import { AGENT_STATUSES } from './agents.ts';
import { AGENT_DOMAINS } from './canonical-agents.ts';
import { MODEL_TIERS } from './model-tier.ts';
import { ACTIVITY_LEVELS, ACTIVITY_PHASES } from './run-activity.ts';
import { RUN_STATUSES } from './runs.ts';
import { workspaceIdField } from './schemas.ts';

const EX = {
  workspace: '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f60',
  initiative: '0193b5d3-1000-7a00-8000-000000000001',
  task: '0193b5d3-4000-7a00-8000-000000000005',
  agent: '0193b5d3-5000-7a00-8000-000000000007',
  run: '0193b5d3-7000-7a00-8000-000000000009',
  activity: '0193b5d3-8000-7a00-8000-00000000000a',
  at: '2026-11-02T10:15:00.000Z',
};

// ---- Agent ----

export const agentSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    domain: z.enum(AGENT_DOMAINS),
    description: z.string().nullable(),
    status: z.enum(AGENT_STATUSES).describe('active: may be dispatched; disabled: may not (what it is doing now is in live/agents)'),
    canonical: z.boolean().describe('One of the seven agents every workspace starts with: name and domain fixed, cannot be deleted'),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({
    id: 'Agent',
    example: {
      id: EX.agent,
      name: 'marketing-agent',
      domain: 'marketing',
      description: 'Tells the story: campaigns, content, positioning.',
      status: 'active',
      canonical: true,
      created_at: EX.at,
      updated_at: EX.at,
    },
  });

const agentName = z
  .string()
  .trim()
  .min(1, 'Must not be empty')
  .max(100, 'Must be at most 100 characters')
  .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'Letters, digits, - and _ only (like seo-agent)')
  .refine((v) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v), 'Must not look like an id');

export const createAgentBodySchema = z
  .object({
    name: agentName,
    domain: z.enum(AGENT_DOMAINS),
    description: z.string().max(2000).nullable().optional(),
    status: z.enum(AGENT_STATUSES).optional().describe('Default active'),
    workspace_id: workspaceIdField,
  })
  .meta({ id: 'CreateAgentRequest', example: { name: 'seo-agent', domain: 'marketing', description: 'Search rankings and content audits' } });

export const updateAgentBodySchema = z
  .object({
    name: agentName.optional().describe('Custom agents only (409 for canonical ones)'),
    domain: z.enum(AGENT_DOMAINS).optional().describe('Custom agents only (409 for canonical ones)'),
    description: z.string().max(2000).nullable().optional(),
    status: z.enum(AGENT_STATUSES).optional(),
  })
  .meta({ id: 'UpdateAgentRequest', description: 'Absent fields are left unchanged.', example: { status: 'disabled' } });

// ---- Run ----

export const runSchema = z
  .object({
    id: z.uuid(),
    agent_id: z.uuid(),
    agent_name: z.string(),
    task_id: z.uuid().nullable(),
    initiative_id: z.uuid().nullable(),
    status: z.enum(RUN_STATUSES),
    progress: z.number().int().min(0).max(100),
    blockers: z.array(z.string()),
    summary: z.string().nullable(),
    quality_score: z.number().int().min(1).max(5).nullable(),
    started_at: z.iso.datetime().nullable(),
    completed_at: z.iso.datetime().nullable(),
    created_at: z.iso.datetime(),
  })
  .meta({
    id: 'Run',
    example: {
      id: EX.run,
      agent_id: EX.agent,
      agent_name: 'marketing-agent',
      task_id: EX.task,
      initiative_id: EX.initiative,
      status: 'running',
      progress: 40,
      blockers: [],
      summary: null,
      quality_score: null,
      started_at: EX.at,
      completed_at: null,
      created_at: EX.at,
    },
  });

export const dispatchRunBodySchema = z
  .object({
    agent_id: z.string().trim().min(1).max(100).describe('Agent id, or name such as engineering-agent'),
    task_id: z.string().max(100),
    summary: z.string().max(5000).nullable().optional().describe('What the agent is asked to do'),
    workspace_id: workspaceIdField,
  })
  .meta({ id: 'DispatchRunRequest', example: { agent_id: 'marketing-agent', task_id: EX.task } });

export const runActionBodySchema = z
  .object({
    summary: z.string().max(20000).nullable().optional().describe('complete, fail: what came of it'),
    quality_score: z.number().int().min(1).max(5).optional().describe('complete: 1–5 (the spawn quality gate reads the last 20)'),
    blockers: z.array(z.string().trim().min(1).max(2000)).max(20).optional().describe('block: what it waits for'),
    reason: z.string().max(2000).optional().describe('Why (kept in the event; block: the blocker when `blockers` is absent)'),
    complete_task: z.boolean().optional().describe('complete: also complete the task when no other run is open on it (default true)'),
    workspace_id: workspaceIdField,
  })
  .meta({ id: 'RunActionRequest', example: { summary: 'Three variants drafted and reviewed', quality_score: 4 } });

// ---- Activity ----

export const activitySchema = z
  .object({
    id: z.uuid(),
    run_id: z.uuid(),
    initiative_id: z.uuid().nullable(),
    phase: z.enum(ACTIVITY_PHASES),
    level: z.enum(ACTIVITY_LEVELS),
    message: z.string(),
    progress_pct: z.number().int().min(0).max(100).nullable(),
    next_step: z.string().nullable(),
    created_at: z.iso.datetime(),
  })
  .meta({
    id: 'Activity',
    example: {
      id: EX.activity,
      run_id: EX.run,
      initiative_id: EX.initiative,
      phase: 'execution',
      level: 'info',
      message: 'Drafted the second variant',
      progress_pct: 60,
      next_step: 'Review with the brand guide',
      created_at: EX.at,
    },
  });

export const postActivityBodySchema = z
  .object({
    phase: z.enum(ACTIVITY_PHASES),
    level: z.enum(ACTIVITY_LEVELS).optional().describe('Default info'),
    message: z.string().trim().min(1, 'Must not be empty').max(5000),
    progress_pct: z.number().int().min(0).max(100).nullable().optional().describe("Becomes the run's progress"),
    next_step: z.string().max(2000).nullable().optional(),
    workspace_id: workspaceIdField,
  })
  .meta({ id: 'PostActivityRequest', example: { phase: 'execution', message: 'Drafted the second variant', progress_pct: 60 } });

// ---- live/agents [contract] ----

const liveAgentSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    domain: z.string(),
    status: z.enum(['running', 'queued', 'blocked', 'idle']),
    currentTask: z.string().nullable().describe("The title of the current run's task"),
    progress: z.number().int(),
    runId: z.uuid().nullable(),
    initiativeId: z.uuid().nullable(),
    startedAt: z.iso.datetime().nullable(),
    blockers: z.array(z.string()),
    instanceCount: z.number().int().describe('Open runs (queued, running, blocked) of the agent'),
  })
  .meta({ id: 'LiveAgent' });

export const liveAgentsResponseSchema = z.object({
  agents: z.array(liveAgentSchema),
  summary: z.object({
    total: z.number().int(),
    running: z.number().int(),
    queued: z.number().int(),
    blocked: z.number().int(),
    idle: z.number().int(),
  }),
  total: z.number().int().describe('Agents matching the filters (an addition to the contract shape)'),
  pagination: paginationSchema,
});

// ---- spawn [contract] ----

export const spawnBodySchema = z
  .object({
    domain: z.enum(AGENT_DOMAINS),
    taskId: z.string().max(100).optional(),
    taskTitle: z.string().max(300).optional(),
    taskDescription: z.string().max(20000).optional(),
    workspace_id: workspaceIdField,
  })
  .meta({ id: 'SpawnPreflightRequest', example: { domain: 'engineering', taskId: EX.task } });

export const spawnResultSchema = z
  .object({
    allowed: z.boolean(),
    modelTier: z.enum(MODEL_TIERS),
    checks: z.object({
      rateLimit: z.object({ passed: z.boolean(), current: z.number().int(), max: z.number().int() }),
      qualityGate: z.object({ passed: z.boolean(), score: z.number().nullable(), threshold: z.number() }),
      taskAssigned: z.object({ passed: z.boolean(), taskId: z.string().nullable(), status: z.string().nullable() }),
    }),
    blockedReason: z.string().optional(),
  })
  .meta({
    id: 'SpawnPreflight',
    example: {
      allowed: true,
      modelTier: 'balanced',
      checks: {
        rateLimit: { passed: true, current: 12, max: 60 },
        qualityGate: { passed: true, score: 4.2, threshold: 3 },
        taskAssigned: { passed: true, taskId: EX.task, status: 'todo' },
      },
    },
  });

// ---- bootstrap [contract] ----

const capabilityList = z
  .union([z.string().max(2000), z.array(z.string().max(100)).max(50)])
  .transform((v) =>
    (Array.isArray(v) ? v : v.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .optional();

export const bootstrapQuerySchema = z.object({
  workspace_id: workspaceIdField,
  source_client: z.string().max(100).optional().describe('Who is asking, e.g. claude-code'),
  required_capabilities: capabilityList.describe('Capabilities the client needs (comma-separated or repeated)'),
});

export const bootstrapBodySchema = z
  .object({
    workspace_id: workspaceIdField,
    source_client: z.string().max(100).optional(),
    required_capabilities: z.array(z.string().max(100)).max(50).optional(),
  })
  .meta({ id: 'BootstrapRequest', example: { source_client: 'claude-code', required_capabilities: ['decisions:write', 'agents:write'] } });

export const bootstrapSchema = z
  .object({
    workspace: z.object({ id: z.uuid(), name: z.string() }),
    sourceClient: z.string().nullable(),
    capabilities: z.array(z.string()).describe('The Work capabilities this credential holds here'),
    setup: z.object({
      ready: z.boolean(),
      gaps: z.array(z.object({ code: z.enum(['missing_capability', 'unknown_capability']), capability: z.string(), message: z.string() })),
    }),
  })
  .meta({ id: 'Bootstrap' });
