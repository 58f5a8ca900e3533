// `npm test` (scripts/run-tests.mjs) on a machine without Chromium: the browser tests skip, and
// the runner says so at the start and right before its closing line, with how to run them. Run
// for real on one browser test file, with CHROMIUM_PATH pointing nowhere (and REQUIRE_BROWSER
// off for that run only: CI keeps it on).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { root } from '../helpers/app.ts';

test('without a browser: a notice at the start, BROWSER TESTS SKIPPED with the way to run them before the closing line; exit 0', async () => {
  // A fresh runner, not a child of this one (Node's runner marks its children in NODE_TEST_CONTEXT).
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/run-tests.mjs', 'test/platform/landing-page'], {
      cwd: root,
      env: { ...env, CHROMIUM_PATH: '/nonexistent/chromium', REQUIRE_BROWSER: '', TEST_CONCURRENCY: '1', TEST_DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (c) => resolve({ code: c, stdout: out }));
  });
  assert.equal(code, 0, stdout);
  const lines = stdout.trimEnd().split('\n');
  assert.match(lines[1], /^No browser at \/nonexistent\/chromium: the browser tests will be skipped/);
  const notice = lines.findIndex((l) => /^BROWSER TESTS SKIPPED: [1-9]\d* browser test suites? did not run/.test(l));
  assert.ok(notice > 0, stdout);
  const after = lines.slice(notice).join('\n');
  assert.match(after, /apt-get install chromium/);
  assert.match(after, /CHROMIUM_PATH/);
  assert.match(after, /npm test -- browser test\/web\//);
  assert.match(after, /REQUIRE_BROWSER=1/);
  assert.match(lines.at(-1)!, /^\d+ passed, 0 failed, [1-9]\d* skipped$/, 'the closing line stays last');
});
