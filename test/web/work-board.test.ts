// Building and moving work from the dashboard in a real browser: an owner creates an initiative,
// workstreams, a milestone and tasks through the forms (a missing title shown beside its field,
// nothing created), edits them, drags a card to another column and moves another with the
// keyboard through its Actions menu (the database follows each time), sees a move the API
// refuses explained with the card left where it was, steps a workstream through its lifecycle
// and deletes a milestone. A member sees the same board and cannot change it. Screenshots:
// test-results/dashboard-work-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { mintKey } from '../../src/platform/keys.ts';
import { initiatives, milestones, tasks, workstreams } from '../../src/work/tables.ts';
import type { TestApp } from '../helpers/app.ts';
import { browserSkipReason, screenshot } from '../helpers/browser.ts';
import { PASSWORD } from '../helpers/sessions.ts';
import { openDashboard, overflowProblems, signInWithForm, startWebServer, watch } from '../helpers/web.ts';
import { workClient, type WorkClient } from '../helpers/work.ts';

const skip = browserSkipReason();

describe('building and moving work on the dashboard', { skip: skip ?? false }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let tenantId: string;
  let w: WorkClient;
  let initiativeId: string;

  const dialog = () => page.getByRole('dialog');
  const card = (title: string) => page.getByTestId('task-card').filter({ hasText: title });
  const column = (status: string) => page.locator(`[data-testid=board-column][data-status=${status}]`);
  /** Waits for the board to announce a finished move (the card itself moves before the server answers). */
  const announced = (p: Page, text: string) =>
    p.waitForFunction((t) => document.querySelector('[data-testid=board-announcement]')?.textContent?.includes(t), text);
  const taskRow = async (title: string) => (await t.rt.db.select().from(tasks).where(and(eq(tasks.tenantId, tenantId), eq(tasks.title, title))))[0];

  before(async () => {
    ({ t, base } = await startWebServer());
    tenantId = (await t.createTenant('Corner Bistro')).id;
    const owner = await t.createUser({ tenantId, role: 'owner' });
    w = workClient(t, (await mintKey(t.rt.db, { kind: 'tenant', tenantId, name: 'kitchen-bot' }, null)).key);
    ({ browser, context, page, problems } = await openDashboard(base, owner.username, PASSWORD));
    await page.getByTestId('overview').waitFor();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('create an initiative through the form: a missing title is shown beside its field; then it is created active and opens', async () => {
    await page.getByRole('link', { name: 'Initiatives' }).click();
    await page.getByRole('button', { name: 'New initiative' }).click();
    await dialog().getByRole('button', { name: 'Create initiative' }).click();
    await dialog().locator('.field-error').waitFor();
    assert.equal(await dialog().locator('input[name=title]').getAttribute('aria-invalid'), 'true');
    assert.equal((await t.rt.db.select().from(initiatives).where(eq(initiatives.tenantId, tenantId))).length, 0, 'nothing was created');

    await dialog().getByLabel('Title').fill('Summer menu');
    await dialog().getByLabel('Summary').fill('New dishes for June');
    await dialog().getByLabel('Priority').selectOption('high');
    await dialog().getByLabel('Target date').fill('2027-06-01');
    await dialog().getByLabel('Start').selectOption('active');
    await dialog().getByRole('button', { name: 'Create initiative' }).click();
    await page.getByRole('heading', { name: 'Summer menu', level: 1 }).waitFor();
    const [row] = await t.rt.db.select().from(initiatives).where(eq(initiatives.tenantId, tenantId));
    initiativeId = row.id;
    assert.ok(page.url().endsWith(`/dashboard/initiatives/${row.id}`));
    assert.deepEqual([row.title, row.summary, row.priority, row.status, row.targetDate], ['Summer menu', 'New dishes for June', 'high', 'active', '2027-06-01']);
  });

  test('add workstreams, a milestone and tasks through the forms; edit a task and the initiative', async () => {
    for (const name of ['Kitchen', 'Front of house']) {
      await page.getByRole('button', { name: 'Add workstream' }).click();
      await dialog().getByLabel('Name').fill(name);
      await dialog().getByRole('button', { name: 'Add workstream' }).click();
      await page.getByTestId('workstream').filter({ hasText: name }).waitFor();
    }
    const ws = await t.rt.db.select().from(workstreams).where(eq(workstreams.initiativeId, initiativeId));
    assert.deepEqual(ws.map((x) => x.name).sort(), ['Front of house', 'Kitchen']);
    const kitchen = ws.find((x) => x.name === 'Kitchen')!;

    await page.getByRole('button', { name: 'Add milestone' }).click();
    await dialog().getByLabel('Title').fill('Menu printed');
    await dialog().getByLabel('Workstream').selectOption({ label: 'Kitchen' });
    await dialog().getByLabel('Due date').fill('2027-05-20');
    await dialog().getByRole('button', { name: 'Add milestone' }).click();
    await page.getByTestId('workstream').filter({ hasText: 'Kitchen' }).getByTestId('milestone').filter({ hasText: 'Menu printed' }).waitFor();
    const [ms] = await t.rt.db.select().from(milestones).where(eq(milestones.initiativeId, initiativeId));
    assert.deepEqual([ms.title, ms.workstreamId, ms.dueDate], ['Menu printed', kitchen.id, '2027-05-20']);

    for (const title of ['Taste the new dishes', 'Print the menus', 'Train the waiters']) {
      await page.getByRole('button', { name: 'Add task' }).click();
      await dialog().getByLabel('Title').fill(title);
      await dialog().getByLabel('Workstream').selectOption({ label: title === 'Train the waiters' ? 'Front of house' : 'Kitchen' });
      if (title !== 'Train the waiters') await dialog().getByLabel('Milestone').selectOption({ label: 'Menu printed' });
      if (title === 'Taste the new dishes') await dialog().getByLabel('product-agent').check();
      await dialog().getByRole('button', { name: 'Add task' }).click();
      await card(title).waitFor();
    }
    const taste = await taskRow('Taste the new dishes');
    assert.deepEqual([taste.workstreamId, taste.milestoneId, taste.status], [kitchen.id, ms.id, 'todo']);
    assert.deepEqual((await w.get('tasks', taste.id)).assigned_agent_ids.length, 1);
    assert.match((await card('Taste the new dishes').textContent())!, /Kitchen · Menu printed.*product-agent/);

    // Edit the task: its title changes, and the milestone is cleared.
    await page.getByRole('button', { name: 'Edit task Print the menus' }).click();
    await dialog().getByLabel('Title').fill('Print the summer menus');
    await dialog().getByLabel('Milestone').selectOption({ label: 'None' });
    await dialog().getByRole('button', { name: 'Save task' }).click();
    await card('Print the summer menus').waitFor();
    const printed = await taskRow('Print the summer menus');
    assert.equal(printed.milestoneId, null);

    // Edit the initiative from its Actions menu.
    await page.getByRole('button', { name: 'Actions for initiative Summer menu' }).click();
    await page.getByRole('menuitem', { name: 'Edit…' }).click();
    await dialog().getByLabel('Summary').fill('Six new dishes for June');
    await dialog().getByRole('button', { name: 'Save initiative' }).click();
    // The dialog closes once the server has answered.
    await dialog().waitFor({ state: 'hidden' });
    await page.locator('.lead', { hasText: 'Six new dishes for June' }).waitFor();
    const [i] = await t.rt.db.select().from(initiatives).where(eq(initiatives.id, initiativeId));
    assert.equal(i.summary, 'Six new dishes for June');
  });

  test('drag a card to In progress; move another to Done with the keyboard; the database follows', async () => {
    const taste = card('Taste the new dishes');
    assert.equal(await taste.getAttribute('draggable'), 'true');
    await taste.dragTo(column('in_progress'));
    await announced(page, 'Moved “Taste the new dishes” to In progress.');
    await column('in_progress').getByTestId('task-card').filter({ hasText: 'Taste the new dishes' }).waitFor();
    assert.equal((await taskRow('Taste the new dishes')).status, 'in_progress');

    // Keyboard: open the card's menu with Enter, arrow to "Move to Done", Enter.
    const menu = page.getByRole('button', { name: 'Actions for Taste the new dishes' });
    await menu.focus();
    await page.keyboard.press('Enter');
    const items = await page.getByRole('menuitem').allTextContents();
    assert.deepEqual(items, ['Move to Blocked', 'Move to Done', 'Edit…', 'Delete…'], 'only the moves the API allows from in progress');
    assert.equal(await page.getByRole('menuitem', { name: 'Move to Blocked' }).evaluate((el) => el === document.activeElement), true, 'focus is in the menu');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await announced(page, 'to Done.');
    await column('done').getByTestId('task-card').filter({ hasText: 'Taste the new dishes' }).waitFor();
    const done = await taskRow('Taste the new dishes');
    assert.equal(done.status, 'done');
    assert.ok(done.completedAt);
    assert.equal(await card('Taste the new dishes').getAttribute('draggable'), 'false', 'a done task stays done');
    // The cascade shows after the reload: the workstream counts the done task.
    await page.getByTestId('workstream').filter({ hasText: 'Kitchen' }).getByText('1 of 2 tasks done').waitFor();
  });

  test('a move the API refuses is explained, and the card stays where it was', async () => {
    const waiters = await taskRow('Train the waiters');
    const prep = await w.create('tasks', { workstream_id: waiters.workstreamId, title: 'Write the service guide' });
    await w.ok('PATCH', `/api/client/tasks/${waiters.id}`, { depends_on: [prep.id] });
    await page.reload();
    await page.getByRole('button', { name: 'Actions for Train the waiters' }).click();
    await page.getByRole('menuitem', { name: 'Move to In progress' }).click();
    const alert = page.getByTestId('task-board').locator('.alert-error');
    await alert.waitFor();
    assert.match((await alert.textContent())!, /not moved/);
    await column('todo').getByTestId('task-card').filter({ hasText: 'Train the waiters' }).waitFor();
    assert.equal((await taskRow('Train the waiters')).status, 'todo');
  });

  test('a workstream steps through its lifecycle from its menu; a milestone is deleted after confirmation', async () => {
    const foh = page.getByTestId('workstream').filter({ hasText: 'Front of house' });
    const before = (await t.rt.db.select().from(workstreams).where(eq(workstreams.name, 'Front of house')))[0];
    await page.getByRole('button', { name: 'Actions for workstream Front of house' }).click();
    const block = page.getByRole('menuitem', { name: /^Block → Blocked$/ });
    await block.click();
    await foh.getByText('blocked', { exact: true }).waitFor();
    const after = (await t.rt.db.select().from(workstreams).where(eq(workstreams.id, before.id)))[0];
    assert.deepEqual([before.status === 'blocked', after.status], [false, 'blocked']);

    await page.getByRole('button', { name: 'Actions for milestone Menu printed' }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    await dialog().getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('milestone').filter({ hasText: 'Menu printed' }).waitFor({ state: 'detached' });
    assert.equal((await t.rt.db.select().from(milestones).where(eq(milestones.initiativeId, initiativeId))).length, 0);
    assert.equal((await taskRow('Taste the new dishes')).milestoneId, null, 'its tasks stay');
  });

  test('screenshots of the board at desktop and phone size: nothing sticks out; a member sees it read-only', async () => {
    const path = `/dashboard/initiatives/${initiativeId}`;
    await page.goto(`${base}${path}`);
    await page.getByTestId('task-board').waitFor();
    await screenshot(page, 'dashboard-work-board-desktop');
    assert.deepEqual(await overflowProblems(page), []);

    const member = await t.createUser({ tenantId, role: 'member' });
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const pp = await phone.newPage();
    const memberProblems = watch(pp, base);
    await signInWithForm(pp, base, member.username, PASSWORD);
    await pp.getByTestId('overview').waitFor();
    await pp.goto(`${base}${path}`);
    await pp.getByTestId('task-card').first().waitFor();
    await screenshot(pp, 'dashboard-work-board-member-phone');
    assert.deepEqual(await overflowProblems(pp), []);
    assert.equal(await pp.getByRole('button', { name: 'Add task' }).count(), 0);
    assert.equal(await pp.getByRole('button', { name: /^Actions for/ }).count(), 0);
    assert.equal(await pp.locator('[data-testid=task-card][draggable=true]').count(), 0);
    await phone.close();

    // The owner on a phone: the columns stack, and the menus are how cards move.
    const ownerPhone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, storageState: await context.storageState() });
    const op = await ownerPhone.newPage();
    await op.goto(`${base}${path}`);
    await op.getByTestId('task-card').first().waitFor();
    await screenshot(op, 'dashboard-work-board-phone');
    await op.getByRole('button', { name: 'Actions for Print the summer menus' }).click();
    assert.deepEqual(await overflowProblems(op), [], 'an open menu stays on the screen');
    await op.getByRole('menuitem', { name: 'Move to Blocked' }).click();
    await announced(op, 'to Blocked.');
    await op.locator('[data-testid=board-column][data-status=blocked]').getByTestId('task-card').filter({ hasText: 'Print the summer menus' }).waitFor();
    assert.equal((await taskRow('Print the summer menus')).status, 'blocked');
    await ownerPhone.close();

    assert.deepEqual(problems, []);
    assert.deepEqual(memberProblems, []);
  });
});
