// Who asked and who resolved a decision, as people read it: a key actor keeps its display prefix
// in `name` (the contract's field) and adds `key_name`, the key's own name — read when the decision
// is read, so a renamed key shows its new name; null for an unnamed key and for a platform key
// (its name is the operator's); absent for agents and people, who are named by `name`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { mintKey } from '../../src/platform/keys.ts';
import { apiKeys } from '../../src/platform/tables.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { workClient } from '../helpers/work.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('decision actors: key_name', () => {
  test("a named key is shown by its name (its current one); the prefix stays in name; a cancel by the key names it too", async () => {
    const tenant = await t.createTenant();
    const minted = await mintKey(t.rt.db, { kind: 'tenant', tenantId: tenant.id, name: 'CRM sync' }, null);
    const agent = workClient(t, minted.key);
    const d = await agent.create('decisions', { title: 'Send the newsletter?' });
    assert.deepEqual(d.requested_by, { type: 'key', id: minted.apiKey.id, name: minted.apiKey.prefix, key_name: 'CRM sync' });

    await t.rt.db.update(apiKeys).set({ name: 'Newsletter robot' }).where(eq(apiKeys.id, minted.apiKey.id));
    const again = await agent.get('decisions', d.id);
    assert.equal(again.requested_by.key_name, 'Newsletter robot', 'read when the decision is read');
    const listed = await agent.ok('GET', '/api/client/decisions?status=pending');
    assert.equal(listed.find((x: { id: string }) => x.id === d.id).requested_by.key_name, 'Newsletter robot');

    const cancelled = await agent.ok('POST', `/api/client/decisions/${d.id}/actions/cancel`, { note: 'Not this week' });
    assert.deepEqual(cancelled.resolved_by, { type: 'key', id: minted.apiKey.id, name: minted.apiKey.prefix, key_name: 'Newsletter robot' });
  });

  test('an unnamed key and a platform key: key_name null; an agent and a person: no key_name', async () => {
    const tenant = await t.createTenant();
    const unnamed = workClient(t, (await mintKey(t.rt.db, { kind: 'tenant', tenantId: tenant.id }, null)).key);
    assert.equal((await unnamed.create('decisions', { title: 'A' })).requested_by.key_name, null);

    const platform = workClient(t, (await mintKey(t.rt.db, { kind: 'platform', name: 'Operator automation' }, null)).key);
    const p = await platform.ok('POST', '/api/client/decisions', { title: 'B', workspace_id: tenant.id }, 201);
    assert.equal(p.requested_by.type, 'key');
    assert.equal(p.requested_by.key_name, null, "a platform key's name stays the operator's");

    const byAgent = await unnamed.create('decisions', { title: 'C', agent_id: 'sales-agent' });
    assert.deepEqual(Object.keys(byAgent.requested_by).sort(), ['id', 'name', 'type']);
    const owner = await t.createUser({ tenantId: tenant.id, role: 'owner' });
    const person = workClient(t, await t.userKey(owner.id));
    const byPerson = await person.create('decisions', { title: 'D' });
    assert.deepEqual(byPerson.requested_by, { type: 'user', id: owner.id, name: owner.username });
  });
});
