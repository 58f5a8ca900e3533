// The Work module's MCP tools [contract names, work-api.md §6], each variant one /api/client
// operation. Entity types map to their operations by name (getTask, createTask, actOnTask …).
import { recommendArgsSchema, searchArgsSchema } from '../work/tools.ts';
import type { ToolSpec, Variant } from './tool-spec.ts';

const ENTITY = {
  initiative: 'Initiative',
  workstream: 'Workstream',
  milestone: 'Milestone',
  task: 'Task',
  decision: 'Decision',
  agent: 'Agent',
  run: 'Run',
  artifact: 'Artifact',
} as const;
type Entity = keyof typeof ENTITY;

const WRITABLE: Entity[] = ['initiative', 'workstream', 'milestone', 'task', 'decision', 'agent'];
const ACTIONABLE: Entity[] = ['initiative', 'workstream', 'milestone', 'task', 'decision', 'run'];

const byType = (types: Entity[], verb: string, extra: Partial<Variant> = {}): Variant[] =>
  types.map((t) => ({ when: { type: t }, operation: `${verb}${ENTITY[t]}`, ...extra }));

const SEARCH_HINT = 'Find the id with orgx_search (type and query), then retry with it';
const WORKSPACE_ID = 'workspace_id';

export const workTools: ToolSpec[] = [
  {
    name: 'workspace',
    title: 'Workspace',
    description:
      'The workspace (tenant) this credential acts in: its id, name and the capabilities (scopes) held. Call `action=get` first. ' +
      'This server is stateless, so `set` selects nothing for later calls: it checks a workspace and returns its id, which platform credentials pass as `workspace_id` on every later call (user keys and OAuth sign-ins act in their own workspace and never need it).',
    api: 'client',
    discriminators: { action: 'get: the current workspace; list: the workspaces this credential may act in; set: check `workspace_id` and return it for later calls' },
    variants: [
      { when: { action: 'get' }, operation: 'getBootstrap' },
      { when: { action: 'list' }, operation: 'getBootstrap', note: 'A user key or sign-in acts in exactly one workspace; platform keys list tenants with reviews_tenants.' },
      { when: { action: 'set' }, operation: 'getBootstrap', note: 'Needs `workspace_id`.' },
    ],
    notFoundHint: 'List the workspaces with workspace action=list (platform keys: reviews_tenants action=list)',
  },
  {
    name: 'orgx_bootstrap',
    title: 'Bootstrap',
    description: 'Proves the credential, resolves the workspace, and reports which capabilities are missing for what the client needs (`required_capabilities`).',
    api: 'client',
    discriminators: {},
    variants: [{ when: {}, operation: 'postBootstrap' }],
    notFoundHint: 'Call workspace action=list',
  },
  {
    name: 'orgx_search',
    title: 'Search work',
    description:
      'Ranked search over the workspace: initiatives, tasks, decisions and artifacts (full text, then substring, then typo-tolerant). Without `query`, the most recently updated items. ' +
      'Pending decisions: `type=decision status=pending`.',
    api: 'client',
    discriminators: {},
    variants: [{ when: {}, operation: 'executeTool', fixed: { body: { tool_id: 'orgx_search' } }, argsInto: { field: 'args', schema: searchArgsSchema } }],
    notFoundHint: 'Call workspace action=get to check the workspace',
  },
  {
    name: 'orgx_inspect',
    title: 'Inspect an entity',
    description: 'Gets one entity by `type` and `id`, with everything it links to.',
    api: 'client',
    discriminators: { type: 'The entity type' },
    variants: byType(Object.keys(ENTITY) as Entity[], 'get'),
    notFoundHint: SEARCH_HINT,
  },
  {
    name: 'orgx_recommend',
    title: 'Recommend next actions',
    description:
      'What needs attention now, most urgent first: pending decisions, blocked tasks, stalled runs, initiatives at risk, ready tasks — each with a reason and `suggested_call` (the tool and arguments to call next).',
    api: 'client',
    discriminators: {},
    variants: [{ when: {}, operation: 'executeTool', fixed: { body: { tool_id: 'orgx_recommend' } }, argsInto: { field: 'args', schema: recommendArgsSchema } }],
    notFoundHint: 'Call workspace action=get to check the workspace',
  },
  {
    name: 'orgx_write',
    title: 'Create or update an entity',
    description: '`action=create` makes a new entity of `type` with the given fields; `action=update` changes the fields given on the entity `id` (a `status` there performs the lifecycle action that leads to it).',
    api: 'client',
    discriminators: { action: 'create or update', type: 'The entity type' },
    variants: [
      ...WRITABLE.map((t) => ({ when: { action: 'create', type: t }, operation: `create${ENTITY[t]}` })),
      ...WRITABLE.map((t) => ({ when: { action: 'update', type: t }, operation: `update${ENTITY[t]}` })),
    ],
    notFoundHint: SEARCH_HINT,
  },
  {
    name: 'orgx_act',
    title: 'Lifecycle action',
    description: 'Moves an entity through its lifecycle: `type`, `id` and `action` (launch, pause, complete, block, cancel … — the input schema lists each type’s actions). A transition not allowed from the current status is a `conflict`.',
    api: 'client',
    discriminators: { type: 'The entity type' },
    variants: byType(ACTIONABLE, 'actOn'),
    notFoundHint: SEARCH_HINT,
  },
  {
    name: 'orgx_decide',
    title: 'Decisions',
    description: 'Asks for a decision (`create`), lists the pending ones (`list_pending`), or resolves one (`approve`, `reject`). Approving and rejecting needs a person: a user key or a user’s sign-in, never a tenant or platform key.',
    api: 'client',
    discriminators: { action: 'create, list_pending, approve or reject' },
    variants: [
      { when: { action: 'create' }, operation: 'createDecision' },
      { when: { action: 'list_pending' }, operation: 'listDecisions', fixed: { query: { status: 'pending' } } },
      { when: { action: 'approve' }, operation: 'actOnDecision', fixed: { params: { action: 'approve' } }, note: '`option_id` chooses one of its options.' },
      { when: { action: 'reject' }, operation: 'actOnDecision', fixed: { params: { action: 'reject' } }, note: '`reason` is required.' },
    ],
    notFoundHint: 'List them with orgx_decide action=list_pending, or orgx_search type=decision',
  },
  {
    name: 'orgx_spawn',
    title: 'Spawn an agent',
    description:
      '`guard`: may an agent of this `domain` be spawned now (rate limit, quality gate, task free)? `estimate`: the same preflight, read for its `modelTier`. Both change nothing. `spawn`: dispatches a run of `agent_id` on `task_id`.',
    api: 'client',
    discriminators: { action: 'guard, estimate or spawn' },
    variants: [
      { when: { action: 'guard' }, operation: 'spawnPreflight' },
      { when: { action: 'estimate' }, operation: 'spawnPreflight' },
      { when: { action: 'spawn' }, operation: 'dispatchRun' },
    ],
    notFoundHint: 'Find the task with orgx_search type=task, the agent with orgx_inspect or the dashboard',
  },
  {
    name: 'orgx_attach',
    title: 'Register an artifact',
    description: 'Registers an artifact (a document, a link, a preview) on an initiative, task, milestone, workstream, decision or run.',
    api: 'client',
    discriminators: {},
    variants: [{ when: {}, operation: 'createArtifact' }],
    notFoundHint: SEARCH_HINT,
  },
  {
    name: 'orgx_emit_activity',
    title: 'Report run activity',
    description: 'Reports what a run is doing: a phase, a message, its progress. Shown live on the board.',
    api: 'client',
    discriminators: {},
    variants: [{ when: {}, operation: 'postRunActivity', rename: { run_id: 'runId' } }],
    notFoundHint: 'The run id comes from orgx_spawn action=spawn; orgx_search cannot find runs',
  },
];

export { WORKSPACE_ID };
