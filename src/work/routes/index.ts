// Every route of the Work module (/api/client, the OrgX-compatible surface of work-api.md).
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../platform/runtime.ts';
import { artifactRoutes } from './artifacts.ts';
import { dropLivePagesAfterWrites, echoOrgxVersion } from './common.ts';
import { agentLiveRoutes } from './agent-live.ts';
import { agentRoutes } from './agents.ts';
import { decisionRoutes } from './decisions.ts';
import { initiativeRoutes } from './initiatives.ts';
import { liveRoutes } from './live.ts';
import { milestoneRoutes } from './milestones.ts';
import { runRoutes } from './runs.ts';
import { taskRoutes } from './tasks.ts';
import { toolRoutes } from './tools.ts';
import { workstreamRoutes } from './workstreams.ts';

export function workRoutes(app: FastifyInstance, rt: Runtime) {
  echoOrgxVersion(app);
  dropLivePagesAfterWrites(app, rt);
  liveRoutes(app, rt);
  initiativeRoutes(app, rt);
  workstreamRoutes(app, rt);
  milestoneRoutes(app, rt);
  taskRoutes(app, rt);
  decisionRoutes(app, rt);
  agentRoutes(app, rt);
  runRoutes(app, rt);
  agentLiveRoutes(app, rt);
  artifactRoutes(app, rt);
  toolRoutes(app, rt);
}
