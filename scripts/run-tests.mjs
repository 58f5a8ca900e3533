#!/usr/bin/env node
// `npm test`: runs every test file under test/ with Node's own runner (Node 20 does not expand
// globs, so the files are listed here), and fails when no test ran at all.
// Set TEST_DATABASE_URL=postgres://… to run the same suite on PostgreSQL. Browser tests need
// Chromium (test/helpers/browser.ts); without it they skip, and this says so loudly at the start
// and before the closing line, with how to run them (CI sets REQUIRE_BROWSER=1: no skipping).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);

function find(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return find(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const files = find(path.join(root, 'test'))
  .map((f) => path.relative(root, f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}

const tap = path.join(os.tmpdir(), `orgstack-tests-${process.pid}.tap`);
const db = process.env.TEST_DATABASE_URL ? `PostgreSQL (${process.env.TEST_DATABASE_URL.replace(/\/\/[^@]*@/, '//')})` : 'embedded PGlite';
console.log(`Running ${files.length} test files on ${db}`);
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const noBrowser = !fs.existsSync(chromium) && process.env.REQUIRE_BROWSER !== '1';
if (noBrowser) console.log(`No browser at ${chromium}: the browser tests will be skipped (how to run them is printed at the end).`);
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    '--test-timeout=300000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);

const summary = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
fs.rmSync(tap, { force: true });
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(summary)?.[1] ?? 0);
// Node's totals leave out skipped suites (the browser suites skip as a whole): count every
// skipped test or suite the report names.
const skipLines = (summary.match(/^\s*ok \d+ - .*# SKIP/gm) ?? []).length;
const [tests, pass, fail, skipped] = [count('tests'), count('pass'), count('fail'), Math.max(count('skipped'), skipLines)];
// The marker is the skip reason test/helpers/browser.ts gives (`…: browser tests skipped`).
const browserSkips = (summary.match(/# SKIP .*browser tests skipped/g) ?? []).length;
if (browserSkips > 0) {
  console.log(
    [
      '',
      `BROWSER TESTS SKIPPED: ${browserSkips} browser test suite${browserSkips === 1 ? '' : 's'} did not run, because there is no browser at ${chromium}.`,
      'They check the review page, the dashboard and the console in a real Chromium. To run them:',
      '  apt-get install chromium          (or set CHROMIUM_PATH to a Chromium or Chrome binary)',
      '  npm test -- browser test/web/      (only the browser tests; plain `npm test` runs them too)',
      'Set REQUIRE_BROWSER=1 (as CI does) to make a missing browser fail instead of skip.',
    ].join('\n'),
  );
}
console.log(`\n${pass} passed, ${fail} failed, ${skipped} skipped`);
if (tests === 0 || pass === 0) {
  console.error('No test ran: that is a failure.');
  process.exit(1);
}
process.exit(result.status ?? 1);
