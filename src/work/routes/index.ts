// The Work module's operations, served on /api/client (the OrgX-compatible surface of
// docs/work-api-contract.md). Each file holds one resource.
import type { FastifyInstance } from 'fastify';
import type { AnyOperation } from '../../platform/operations.ts';
import type { Runtime } from '../../platform/runtime.ts';
import type { WorkspaceContext } from '../../platform/workspace.ts';
import { artifactRoutes } from './artifacts.ts';
import { agentLiveRoutes } from './agent-live.ts';
import { agentRoutes } from './agents.ts';
import { decisionOperations } from './decisions.ts';
import { initiativeRoutes } from './initiatives.ts';
import { liveRoutes } from './live.ts';
import { milestoneRoutes } from './milestones.ts';
import { runRoutes } from './runs.ts';
import { taskRoutes } from './tasks.ts';
import { toolRoutes } from './tools.ts';
import { workstreamRoutes } from './workstreams.ts';

export const workOperations: AnyOperation<WorkspaceContext>[] = [...decisionOperations];

// TODO(conversion): registered at the root with full paths until converted.
export function workLegacyRoutes(app: FastifyInstance, rt: Runtime) {
  liveRoutes(app, rt);
  initiativeRoutes(app, rt);
  workstreamRoutes(app, rt);
  milestoneRoutes(app, rt);
  taskRoutes(app, rt);
  agentRoutes(app, rt);
  runRoutes(app, rt);
  agentLiveRoutes(app, rt);
  artifactRoutes(app, rt);
  toolRoutes(app, rt);
}
