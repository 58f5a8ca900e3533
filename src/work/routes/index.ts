// The Work module's operations, served on /api/client (the OrgX-compatible surface of
// docs/work-api-contract.md). Each file holds one resource.
import type { AnyOperation } from '../../platform/operations.ts';
import type { WorkspaceContext } from '../../platform/workspace.ts';
import { agentLiveOperations } from './agent-live.ts';
import { agentOperations } from './agents.ts';
import { artifactOperations } from './artifacts.ts';
import { decisionOperations } from './decisions.ts';
import { initiativeOperations } from './initiatives.ts';
import { liveOperations } from './live.ts';
import { milestoneOperations } from './milestones.ts';
import { runOperations } from './runs.ts';
import { taskOperations } from './tasks.ts';
import { toolOperations } from './tools.ts';
import { workstreamOperations } from './workstreams.ts';

export const workOperations: AnyOperation<WorkspaceContext>[] = [
  ...liveOperations,
  ...initiativeOperations,
  ...workstreamOperations,
  ...milestoneOperations,
  ...taskOperations,
  ...decisionOperations,
  ...agentOperations,
  ...runOperations,
  ...agentLiveOperations,
  ...artifactOperations,
  ...toolOperations,
];
