// The dashboard's Templates page in a real browser: it explains `{employee}`, previews each text as
// a customer sees it (a sample employee's first name filled in by the review page's own code),
// offers the review page's languages as a choice (a <select>, not free text), inserts the
// placeholder at the cursor, and shows the API's refusal of an unknown placeholder. Screenshots
// at 1280 and 390 wide go to test-results/templates-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { templates } from '../../src/reviews/tables.ts';
import type { TestApp } from '../helpers/app.ts';
import { browserSkipReason, screenshot } from '../helpers/browser.ts';
import { PASSWORD } from '../helpers/sessions.ts';
import { openDashboard, screenshotPages, settled, startWebServer } from '../helpers/web.ts';

const skip = browserSkipReason();

describe('Templates page of the dashboard in a real browser', { skip: skip ?? false }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let tenantId: string;
  let platformKey: string;

  /** The "Add a template" card (the tabs are a group labelled "Language" too). */
  const addCard = () => page.locator('section.card').filter({ has: page.getByRole('heading', { name: 'Add a template' }) });
  const stored = async (language: string) =>
    (await t.rt.db.select().from(templates).where(and(eq(templates.tenantId, tenantId), eq(templates.language, language)))).map((r) => r.body).sort();

  before(async () => {
    ({ t, base } = await startWebServer());
    tenantId = (await t.createTenant('Harbour Salon')).id;
    const owner = await t.createUser({ tenantId, role: 'owner' });
    platformKey = await t.platformKey();
    for (const [body, language] of [
      ['Thanks to {employee} for the warm welcome.', 'en'],
      ['Spotless salon and friendly staff.', 'en'],
      ['谢谢{employee}的耐心讲解。', 'zh-CN'],
    ]) {
      const res = await t.call('POST', `/api/v1/tenants/${tenantId}/templates`, { key: platformKey, body: { body, language } });
      assert.equal(res.statusCode, 201, res.body);
    }
    ({ browser, context, page, problems } = await openDashboard(base, owner.username, PASSWORD));
    await page.getByTestId('overview').waitFor();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('the placeholder is explained and each text naming the employee is previewed as a customer sees it', async () => {
    await page.getByRole('link', { name: 'Templates' }).click();
    const rows = page.getByTestId('template-row');
    await rows.first().waitFor();
    const help = page.getByRole('region', { name: 'Name the employee in a text' });
    assert.match((await help.innerText()).replace(/\s+/g, ' '), /Write \{employee\} where the employee's first name should go\..*“Mia Chen” becomes “Mia”.*“王小美” is used whole/);
    assert.deepEqual(await page.locator('.tabs button').allInnerTexts().then((b) => b.map((x) => x.replace(/\s*\d+$/, ''))), ['English', 'Chinese (simplified)']);

    // The owner's text keeps its placeholder; the preview below it is what a customer reads.
    const named = rows.filter({ hasText: 'warm welcome' });
    assert.equal(await named.locator('.template-body').textContent(), 'Thanks to {employee} for the warm welcome.');
    assert.equal(await named.getByTestId('template-preview').innerText(), 'Customers of Mia Chen see: “Thanks to Mia for the warm welcome.”');
    // A text without the placeholder reads the same for everyone: no preview.
    assert.equal(await rows.filter({ hasText: 'Spotless' }).getByTestId('template-preview').count(), 0);

    await page.locator('.tabs button', { hasText: 'Chinese' }).click();
    await page.waitForURL(/language=zh-CN/);
    await rows.filter({ hasText: '耐心讲解' }).waitFor();
    assert.equal(await rows.first().getByTestId('template-preview').innerText(), 'Customers of 王小美 see: “谢谢王小美的耐心讲解。”');
    assert.deepEqual(problems, []);
  });

  test('add: the language is a choice of the review page languages, the preview follows the text, {employee} is inserted at the cursor', async () => {
    await page.goto(`${base}/dashboard/templates?language=en`);
    await page.getByTestId('template-row').first().waitFor();
    const add = addCard();
    const language = add.getByLabel('Language');
    assert.equal(await language.evaluate((el) => el.tagName), 'SELECT', 'a choice, not free text');
    assert.deepEqual(await language.locator('option').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent])), [
      ['en', 'English'],
      ['zh-CN', 'Chinese (simplified)'],
    ]);
    assert.equal(await language.inputValue(), 'en', 'the tab being viewed');

    const text = add.getByLabel('Text', { exact: true });
    await text.fill('Ask for  next time.');
    // The cursor after "Ask for ": the button puts the placeholder there.
    await text.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(8, 8));
    await add.getByRole('button', { name: 'Insert {employee}' }).click();
    assert.equal(await text.inputValue(), 'Ask for {employee} next time.');
    const preview = add.getByTestId('template-preview');
    assert.equal(await preview.innerText(), 'Customers of Mia Chen see: “Ask for Mia next time.”');

    // Chinese: the sample is a Chinese name, used whole.
    await language.selectOption('zh-CN');
    await text.fill('下次还找{employee}！');
    assert.equal(await preview.innerText(), 'Customers of 王小美 see: “下次还找王小美！”');
    await screenshot(page, 'templates-add-preview-desktop');
    await add.getByRole('button', { name: 'Add template' }).click();
    await page.waitForURL(/language=zh-CN/);
    await page.getByTestId('template-row').filter({ hasText: '下次还找' }).waitFor();
    assert.deepEqual(await stored('zh-CN'), ['下次还找{employee}！', '谢谢{employee}的耐心讲解。'].sort());
    assert.deepEqual(problems, []);
  });

  test('an unknown placeholder: the preview warns, and the API refusal is shown on the field; nothing is stored', async () => {
    await page.goto(`${base}/dashboard/templates?language=en`);
    await page.getByTestId('template-row').first().waitFor();
    const before = await stored('en');
    const add = addCard();
    await add.getByLabel('Text', { exact: true }).fill('Ask for {name} next time.');
    const warning = add.locator('.template-preview-bad');
    assert.match(await warning.innerText(), /Unknown placeholder \{name\}: only \{employee\} can be filled in/);
    await add.getByRole('button', { name: 'Add template' }).click();
    const fieldError = add.locator('.field-error');
    await fieldError.waitFor();
    assert.match(await fieldError.innerText(), /Unknown placeholder \{name\}: the only placeholder is \{employee\}/);
    await settled(page);
    assert.deepEqual(await stored('en'), before);
  });

  test('screenshots at 1280 and 390 wide: nothing overflows', async () => {
    await screenshotPages(browser, context, base, [
      { path: '/dashboard/templates?language=en', name: 'templates-en', ready: (p) => p.getByTestId('template-preview').first().waitFor() },
      { path: '/dashboard/templates?language=zh-CN', name: 'templates-zh', ready: (p) => p.getByTestId('template-preview').first().waitFor() },
    ]);
    assert.deepEqual(problems, []);
  });
});
