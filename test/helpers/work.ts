// Work API (/api/client) fixtures: a client bound to one key, and one-call creation of the
// hierarchy, each asserting the status it expects.
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { and, asc, eq, like, max, or } from 'drizzle-orm';
import { events } from '../../src/platform/tables.ts';
import type { TestApp } from './app.ts';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const MISSING_ID = '00000000-0000-7000-8000-000000000000';

export const INITIATIVE_KEYS = [
  'completed_at',
  'created_at',
  'id',
  'priority',
  'progress',
  'status',
  'summary',
  'target_date',
  'tasks_done',
  'tasks_total',
  'title',
  'updated_at',
];
export const WORKSTREAM_KEYS = [
  'completed_at',
  'created_at',
  'depends_on',
  'id',
  'initiative_id',
  'name',
  'progress',
  'started_at',
  'status',
  'summary',
  'tasks_done',
  'tasks_total',
  'updated_at',
];
export const MILESTONE_KEYS = [
  'completed_at',
  'created_at',
  'description',
  'due_date',
  'id',
  'initiative_id',
  'progress',
  'status',
  'tasks_done',
  'tasks_total',
  'title',
  'updated_at',
  'workstream_id',
];
export const TASK_KEYS = [
  'assigned_agent_ids',
  'completed_at',
  'created_at',
  'depends_on',
  'description',
  'due_date',
  'id',
  'initiative_id',
  'milestone_id',
  'priority',
  'progress',
  'sequence',
  'started_at',
  'status',
  'title',
  'updated_at',
  'workstream_id',
];

export type Kind = 'initiatives' | 'workstreams' | 'milestones' | 'tasks' | 'decisions';

export interface WorkClient {
  key: string;
  call(method: InjectOptions['method'], url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** The `data` of a successful `{ ok: true, data }` answer with this status. */
  ok(method: InjectOptions['method'], url: string, body?: unknown, status?: number): Promise<any>;
  create(kind: Kind, body: Record<string, unknown>): Promise<any>;
  get(kind: Kind, id: string): Promise<any>;
  act(kind: Kind, id: string, action: string): Promise<any>;
}

export function workClient(t: TestApp, key: string): WorkClient {
  const c: WorkClient = {
    key,
    call: (method, url, body, headers) => t.call(method, url, { key, body, headers }),
    ok: async (method, url, body, status = 200) => {
      const res = await c.call(method, url, body);
      assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`);
      const json = res.json();
      assert.equal(json.ok, true);
      return json.data;
    },
    create: (kind, body) => c.ok('POST', `/api/client/${kind}`, body, 201),
    get: (kind, id) => c.ok('GET', `/api/client/${kind}/${id}`),
    act: (kind, id, action) => c.ok('POST', `/api/client/${kind}/${id}/actions/${action}`),
  };
  return c;
}

/** The Work module's events of a tenant, oldest first. */
export async function workEvents(t: TestApp, tenantId: string, after = 0): Promise<{ seq: number; type: string; data: any }[]> {
  const rows = await t.rt.db
    .select({ seq: events.seq, type: events.type, data: events.data })
    .from(events)
    .where(
      and(
        eq(events.tenantId, tenantId),
        or(...['initiative.%', 'workstream.%', 'milestone.%', 'task.%', 'run.%', 'decision.%', 'artifact.%', 'agent.%'].map((p) => like(events.type, p))),
      ),
    )
    .orderBy(asc(events.seq));
  return rows.filter((r) => r.seq > after);
}

/** The last event sequence number so far (to read only what a step writes). */
export async function lastSeq(t: TestApp): Promise<number> {
  const [row] = await t.rt.db.select({ seq: max(events.seq) }).from(events);
  return row?.seq ?? 0;
}
