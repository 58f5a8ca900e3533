// The seven agents every workspace starts with (docs/work-api-contract.md §3, from the OrgX contract). New
// workspaces get them when they are created (seedCanonicalAgents, in the same transaction);
// workspaces that existed before the Work module got them from migration 0003_work, whose
// INSERT … SELECT repeats this list.
import { uuidv7 } from '../platform/ids.ts';
import type { Db } from '../db/index.ts';
import { agents } from './tables.ts';

export const AGENT_DOMAINS = ['engineering', 'product', 'design', 'marketing', 'sales', 'operations', 'orchestration'] as const;
export type AgentDomain = (typeof AGENT_DOMAINS)[number];

export const CANONICAL_AGENTS: readonly { name: string; domain: AgentDomain; description: string }[] = [
  { name: 'engineering-agent', domain: 'engineering', description: 'Builds and fixes software: code, tests, infrastructure.' },
  { name: 'product-agent', domain: 'product', description: 'Shapes what to build: requirements, specs, priorities.' },
  { name: 'design-agent', domain: 'design', description: 'Designs the experience: flows, interfaces, visual assets.' },
  { name: 'marketing-agent', domain: 'marketing', description: 'Tells the story: campaigns, content, positioning.' },
  { name: 'sales-agent', domain: 'sales', description: 'Finds and wins customers: outreach, proposals, follow-ups.' },
  { name: 'operations-agent', domain: 'operations', description: 'Keeps the business running: processes, tooling, reporting.' },
  { name: 'orchestrator-agent', domain: 'orchestration', description: 'Plans and coordinates the work of the other agents.' },
];

/** Inserts the canonical agents of a new workspace; call inside the transaction that creates it. */
export async function seedCanonicalAgents(tx: Db, tenantId: string, now = new Date()): Promise<void> {
  await tx
    .insert(agents)
    .values(CANONICAL_AGENTS.map((a, i) => ({ tenantId, id: uuidv7(now.getTime() + i), ...a, canonical: true, createdAt: now, updatedAt: now })))
    .onConflictDoNothing();
}
