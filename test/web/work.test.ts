// The Work pages of the dashboard in a real browser: an owner creates a personal key (`oxk_`),
// uses it from outside on /api/client/live/initiatives and revokes it (401 after); decides in
// the inbox — approves with an option, rejects with a reason, sees a decision resolved meanwhile
// refused with its 409 message, reads who asked by name (never a key prefix) and follows the link
// to the decision's initiative; reads an initiative with its progress, task board, agents and
// runs. (Building and moving work from the UI: work-board.test.ts.) Screenshots at desktop and
// phone size: test-results/dashboard-{personal-keys,decisions,initiatives}-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { mintKey } from '../../src/platform/keys.ts';
import { TENANT_PERMISSIONS } from '../../src/platform/permissions.ts';
import { apiKeys } from '../../src/platform/tables.ts';
import { decisions } from '../../src/work/tables.ts';
import type { TestApp } from '../helpers/app.ts';
import { browserSkipReason } from '../helpers/browser.ts';
import { PASSWORD } from '../helpers/sessions.ts';
import { openDashboard, screenshotPages, startWebServer, textOf } from '../helpers/web.ts';
import { workClient, type WorkClient } from '../helpers/work.ts';

const skip = browserSkipReason();

describe('Work pages of the dashboard in a real browser', { skip: skip ?? false }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let tenantId: string;
  let owner: { id: string; username: string };
  /** The tenant's integration (a tenant key): how agents create the work the pages show. */
  let w: WorkClient;

  before(async () => {
    ({ t, base } = await startWebServer());
    tenantId = (await t.createTenant('Harbour Works')).id;
    owner = await t.createUser({ tenantId, role: 'owner' });
    w = workClient(t, (await mintKey(t.rt.db, { kind: 'tenant', tenantId, name: 'agents' }, null)).key);
    ({ browser, context, page, problems } = await openDashboard(base, owner.username, PASSWORD));
    await page.getByTestId('overview').waitFor();
  });

  test("the header shows the business's name, and its initial on its brand colour while it has no logo", async () => {
    const brand = page.getByTestId('brand');
    assert.equal(await brand.locator('.brand-name').textContent(), 'Harbour Works');
    assert.equal(await brand.getByTestId('brand-initial').locator('text').textContent(), 'H');
    assert.equal(await brand.locator('img').count(), 0);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('personal keys: create (shown once, copy button) → works with fetch on /api/client → listed → revoke with confirmation → 401', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    const personal = page.getByTestId('personal-keys');
    await personal.getByRole('heading', { name: 'Your personal keys' }).waitFor();
    assert.equal(await personal.locator('fieldset.perms input[type=checkbox]').count(), TENANT_PERMISSIONS.length, "an owner's role holds every tenant permission");
    await personal.getByLabel('Name').fill('My laptop agent');
    await personal.getByRole('button', { name: 'Create key' }).click();
    const secret = await personal.locator('input[data-secret]').inputValue();
    assert.match(secret, /^oxk_/);
    assert.ok(await personal.getByRole('button', { name: /copy/i }).isVisible(), 'a copy button');

    const use = () => fetch(`${base}/api/client/live/initiatives`, { headers: { authorization: `Bearer ${secret}` } });
    const res = await use();
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(body.initiatives, []);
    assert.equal(body.total, 0);

    await personal.getByRole('button', { name: 'I have stored it' }).click();
    assert.equal(await page.locator('input[data-secret]').count(), 0, 'the secret is gone from the page');
    const row = personal.getByTestId('key-row').filter({ hasText: 'My laptop agent' });
    await row.waitFor();
    assert.equal(await personal.getByRole('button', { name: /^Roll/ }).count(), 0, 'personal keys are not rolled');
    const [stored] = await t.rt.db.select().from(apiKeys).where(and(eq(apiKeys.userId, owner.id), eq(apiKeys.name, 'My laptop agent')));
    assert.equal(stored.kind, 'user');
    assert.equal(stored.tenantId, tenantId);
    assert.equal(await row.getAttribute('data-prefix'), stored.prefix);

    await row.getByRole('button', { name: 'Revoke My laptop agent' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText('revoked').waitFor();
    assert.equal((await use()).status, 401);
    const [revoked] = await t.rt.db.select().from(apiKeys).where(eq(apiKeys.id, stored.id));
    assert.ok(revoked.revokedAt);

    // A live key for the screenshots.
    await personal.getByLabel('Name').fill('CI agent');
    await personal.getByRole('button', { name: 'Create key' }).click();
    await personal.getByRole('button', { name: 'I have stored it' }).click();
  });

  test('decisions: most urgent first; approve needs an option, reject needs a reason; a decision resolved meanwhile shows the 409 message', async () => {
    const hero = await w.create('decisions', {
      title: 'Pick the hero image',
      urgency: 'low',
      options: [
        { id: 'bright', label: 'Bright', description: 'The sunny one' },
        { id: 'dark', label: 'Dark' },
      ],
    });
    const ads = await w.create('decisions', { title: 'Spend 500 on ads', urgency: 'critical', summary: 'A week of search ads' });
    const rename = await w.create('decisions', { title: 'Rename the product', urgency: 'high' });

    await page.getByRole('link', { name: 'Decisions' }).click();
    await page.getByTestId('decision').first().waitFor();
    assert.deepEqual(await page.getByTestId('decision').evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))), [ads.id, rename.id, hero.id]);
    // Who asked: the key by its own name, never its prefix (the API adds key_name for people to read).
    assert.equal(ads.requested_by.type, 'key');
    assert.equal(ads.requested_by.key_name, 'agents');
    assert.match(await textOf(page, '[data-testid=asked-by]'), /^Asked by the API key “agents” just now$/);
    assert.ok(!(await page.locator('main').textContent())!.includes('orgstack_sk_'), 'no key prefix on the page');

    // Approve: an option must be chosen.
    const heroCard = page.getByTestId('decision').filter({ hasText: 'Pick the hero image' });
    await heroCard.getByRole('button', { name: 'Approve' }).click();
    assert.match(await heroCard.locator('.alert-error').textContent() ?? '', /Choose one of the options/);
    await heroCard.getByLabel('Dark').check();
    await heroCard.getByRole('button', { name: 'Approve' }).click();
    await heroCard.waitFor({ state: 'detached' });
    const resolvedHero = page.getByTestId('resolved-decision').filter({ hasText: 'Pick the hero image' });
    assert.match(await resolvedHero.textContent() ?? '', /approved.*Chose “Dark”/);
    const heroNow = await w.get('decisions', hero.id);
    assert.equal(heroNow.status, 'approved');
    assert.equal(heroNow.chosen_option_id, 'dark');
    assert.deepEqual([heroNow.resolved_by.type, heroNow.resolved_by.id], ['user', owner.id]);

    // Reject: a reason is required.
    const adsCard = page.getByTestId('decision').filter({ hasText: 'Spend 500 on ads' });
    await adsCard.getByRole('button', { name: 'Reject…' }).click();
    await adsCard.getByRole('button', { name: 'Reject decision' }).click();
    assert.match(await adsCard.locator('.alert-error').textContent() ?? '', /Give a reason/);
    assert.equal((await w.get('decisions', ads.id)).status, 'pending', 'nothing was sent');
    await adsCard.getByLabel('Reason for rejecting').fill('Over budget this month');
    await adsCard.getByRole('button', { name: 'Reject decision' }).click();
    await adsCard.waitFor({ state: 'detached' });
    const [adsRow] = await t.rt.db.select().from(decisions).where(eq(decisions.id, ads.id));
    assert.equal(adsRow.status, 'rejected');
    assert.equal((await w.get('decisions', ads.id)).resolution_note, 'Over budget this month');

    // Someone else approves "Rename the product" (their own key) while the page still shows it pending.
    const other = await t.createUser({ tenantId, role: 'admin' });
    const otherKey = await t.userKey(other.id);
    const approved = await t.call('POST', `/api/client/decisions/${rename.id}/actions/approve`, { key: otherKey, body: { note: 'Fine by me' } });
    assert.equal(approved.statusCode, 200, approved.body);
    const renameCard = page.getByTestId('decision').filter({ hasText: 'Rename the product' });
    await renameCard.getByRole('button', { name: 'Approve' }).click();
    await renameCard.locator('.alert-error').waitFor();
    assert.match(await textOf(page, '[data-testid=decision] .alert-error'), /Cannot approve a decision that is approved/);
    const renameNow = await w.get('decisions', rename.id);
    assert.equal(renameNow.resolved_by.id, other.id, 'the first decision stands');
    assert.equal(renameNow.resolved_by.key_name, undefined, 'a person is named by their username');
    await page.reload();
    const renameRow = page.getByTestId('resolved-decision').filter({ hasText: 'Rename the product' });
    assert.match((await renameRow.textContent())!, new RegExp(`Fine by me.*${other.username}`));

    // Pending ones for the screenshots.
    await w.create('decisions', { title: 'Hire a second designer', urgency: 'medium', options: [{ label: 'Yes, full time' }, { label: 'Freelance first' }] });
    await w.create('decisions', { title: 'Ship on Friday?', urgency: 'high', type: 'clarification' });
  });

  test('initiative board: status and progress in the list; one initiative shows workstreams, milestones, tasks with agents, and runs', async () => {
    const I = (await w.create('initiatives', { title: 'Spring launch', status: 'active', summary: 'New collection in April' })).id;
    const W = (await w.create('workstreams', { initiative_id: I, name: 'Website' })).id;
    const M = (await w.create('milestones', { workstream_id: W, title: 'Landing page live' })).id;
    const t1 = (await w.create('tasks', { workstream_id: W, milestone_id: M, title: 'Write the copy', assigned_agent_ids: ['marketing-agent'] })).id;
    const t2 = (await w.create('tasks', { workstream_id: W, milestone_id: M, title: 'Build the page' })).id;
    await w.act('tasks', t1, 'complete');
    await w.ok('POST', '/api/client/runs', { agent_id: 'engineering-agent', task_id: t2, summary: 'Scaffold the page' }, 201);
    await w.create('initiatives', { title: 'Autumn sale' });
    const live = await w.get('initiatives', I);
    assert.equal(live.progress, 50);

    await page.getByRole('link', { name: 'Initiatives' }).click();
    const row = page.getByTestId('initiative-row').filter({ hasText: 'Spring launch' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /active.*50%.*1 \/ 2/);
    assert.equal(await row.locator('progress').getAttribute('value'), '50');
    assert.match((await page.getByTestId('initiative-row').filter({ hasText: 'Autumn sale' }).textContent()) ?? '', /draft.*0%/);

    await row.getByRole('link', { name: 'Spring launch' }).click();
    await page.getByRole('heading', { name: 'Spring launch', level: 1 }).waitFor();
    assert.match(await textOf(page, '[data-testid=initiative-summary]'), /active.*50%.*1 of 2 tasks done/);
    const ws = page.getByTestId('workstream').filter({ hasText: 'Website' });
    assert.match((await ws.getByTestId('milestone').textContent()) ?? '', /Landing page live.*50%/);
    assert.equal(await page.getByTestId('task-card').count(), 2);
    const copy = page.getByTestId('task-card').filter({ hasText: 'Write the copy' });
    assert.equal(await copy.getAttribute('data-status'), 'done');
    assert.equal(await copy.evaluate((el) => el.closest('[data-testid=board-column]')!.getAttribute('data-status')), 'done', 'in the Done column');
    assert.match((await copy.textContent())!, /Website · Landing page live.*marketing-agent/);
    const build = page.getByTestId('task-card').filter({ hasText: 'Build the page' });
    assert.equal(await build.getAttribute('data-status'), 'in_progress');
    assert.match((await build.textContent())!, /engineering-agent/);
    assert.match(await textOf(page, '[data-testid=run-row]'), /engineering-agent.*Build the page.*running/);
    assert.ok(page.url().endsWith(`/dashboard/initiatives/${I}`));

    // A decision about the initiative links to it from the inbox, and the initiative lists it.
    const d = await w.create('decisions', { title: 'Launch on a Monday?', urgency: 'high', initiative_id: I });
    await page.getByRole('link', { name: 'Decisions' }).click();
    const card = page.getByTestId('decision').filter({ hasText: 'Launch on a Monday?' });
    await card.getByTestId('decision-initiative').click();
    await page.getByRole('heading', { name: 'Spring launch', level: 1 }).waitFor();
    const listed = page.getByTestId('initiative-decisions').getByRole('link', { name: 'Launch on a Monday?' });
    assert.equal(await listed.getAttribute('href'), `/dashboard/decisions#decision-${d.id}`);
    await listed.click();
    await page.locator(`#decision-${d.id}`).waitFor();
  });

  test('screenshots at desktop and phone size with long names: nothing sticks out or is cut off; nothing third-party, no CSP or script errors', async () => {
    const I = ((await w.ok('GET', '/api/client/initiatives?limit=200')) as { id: string; title: string }[]).find((i) => i.title === 'Spring launch')!.id;
    const long = 'Reorganise the whole autumn-to-winter seasonal campaign calendar across every neighbourhood location';
    const L = (await w.create('initiatives', { title: long, summary: 'A very long summary '.repeat(8) })).id;
    const LW = (await w.create('workstreams', { initiative_id: I, name: 'Neighbourhood-partnerships-and-community-outreach-programme' })).id;
    await w.create('tasks', { workstream_id: LW, title: 'Contact-every-single-neighbourhood-association-and-local-business-improvement-district', assigned_agent_ids: ['orchestrator-agent', 'operations-agent'] });
    await w.create('decisions', { title: `Approve the budget for “${long}”`, urgency: 'medium', initiative_id: L });
    await screenshotPages(browser, context, base, [
      { path: '/dashboard/api-keys', name: 'dashboard-personal-keys', ready: (p) => p.getByTestId('personal-keys').getByTestId('key-row').first().waitFor() },
      { path: '/dashboard/decisions', name: 'dashboard-decisions', ready: (p) => p.getByTestId('resolved-decision').first().waitFor() },
      { path: '/dashboard/initiatives', name: 'dashboard-initiatives', ready: (p) => p.getByTestId('initiative-row').first().waitFor() },
      { path: `/dashboard/initiatives/${I}`, name: 'dashboard-initiatives-board', ready: (p) => p.getByTestId('initiative-summary').waitFor() },
    ]);
    assert.deepEqual(problems, []);
  });
});
