// The Work module as the platform sees it: its operations on /api/client, its per-node state,
// and the canonical agents every new workspace starts with.
import type { Module } from '../platform/module.ts';
import { seedCanonicalAgents } from './canonical-agents.ts';
import { seedWorkDemo } from './demo-data.ts';
import { workEvents } from './events.ts';
import { LivePages } from './live.ts';
import { workOperations } from './routes/index.ts';
import { newTaskInserter, type TaskInserter } from './task-insert.ts';

declare module '../platform/runtime.ts' {
  interface Runtime {
    /** Pages of live/initiatives per node, kept 1 s, dropped at once by a write through this node. */
    livePages: LivePages;
    /** Tasks created side by side on this node, written together in one statement per workspace. */
    taskInserts: TaskInserter;
  }
}

export const workModule: Module = {
  name: 'work',
  events: workEvents,
  client: workOperations,
  async start(rt) {
    rt.livePages = new LivePages();
    rt.taskInserts = newTaskInserter(rt);
  },
  tenantCreated: seedCanonicalAgents,
  demo: seedWorkDemo,
};
