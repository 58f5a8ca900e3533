// The dispatch bucket (docs/work-api-contract.md §2): dispatches a workspace's clients made this UTC hour,
// counted from the runs themselves. The bucket's own arithmetic is tested here through its service
// functions, on the test app's database; dispatch through HTTP (POST /runs) is in runs.test.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { AppError } from '../../src/platform/errors.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { admitDispatch, dispatchBucket } from '../../src/work/dispatch-bucket.ts';
import { agents, runs } from '../../src/work/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function addRun(tenantId: string, agentId: string, origin: string, createdAt: Date) {
  await t.rt.db.insert(runs).values({ tenantId, id: uuidv7(), agentId, origin, createdAt, updatedAt: createdAt });
}

test('counts this hour’s client dispatches of the workspace only; admits until the limit, then 429 with Retry-After', async () => {
  const tenant = await t.createTenant();
  const other = await t.createTenant();
  const [agent] = await t.rt.db.select().from(agents).where(and(eq(agents.tenantId, tenant.id), eq(agents.name, 'sales-agent')));
  const [otherAgent] = await t.rt.db.select().from(agents).where(eq(agents.tenantId, other.id)).limit(1);
  const now = new Date('2026-11-02T10:45:00.000Z');
  await addRun(tenant.id, agent.id, 'dispatch', new Date('2026-11-02T10:00:00.000Z'));
  await addRun(tenant.id, agent.id, 'dispatch', new Date('2026-11-02T10:44:59.000Z'));
  await addRun(tenant.id, agent.id, 'dispatch', new Date('2026-11-02T09:59:59.999Z')); // the previous hour
  await addRun(tenant.id, agent.id, 'auto_continue', new Date('2026-11-02T10:30:00.000Z')); // not a client's dispatch
  await addRun(other.id, otherAgent.id, 'dispatch', new Date('2026-11-02T10:30:00.000Z')); // another workspace

  assert.deepEqual(await dispatchBucket(t.rt.db, tenant.id, 3, now), { current: 2, max: 3, resetAt: new Date('2026-11-02T11:00:00.000Z') });
  assert.equal(t.rt.config.workDispatchesPerHour, 60, 'the default limit');

  const admitted = await t.rt.db.transaction((tx) => admitDispatch(tx, tenant.id, 3, now));
  assert.equal(admitted.current, 2);
  await addRun(tenant.id, agent.id, 'dispatch', now);
  const refused = await t.rt.db.transaction((tx) => admitDispatch(tx, tenant.id, 3, now)).catch((e) => e);
  assert.ok(refused instanceof AppError);
  assert.equal(refused.status, 429);
  assert.equal(refused.code, 'rate_limited');
  assert.deepEqual(refused.headers, { 'retry-after': String(15 * 60) });
  // The next hour starts again.
  assert.equal((await dispatchBucket(t.rt.db, tenant.id, 3, new Date('2026-11-02T11:00:00.000Z'))).current, 0);
});
