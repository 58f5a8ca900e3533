// The platform imports no module, and the modules do not import each other: a module plugs in
// through src/platform/module.ts, and src/modules.ts (with src/db/schema.ts, which gathers every
// table for the migrations) is where they meet. This fails on the first import across a line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const src = path.resolve(import.meta.dirname, '../../src');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(p);
    return /\.(ts|tsx|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** Every relative module specifier of a file (static imports, re-exports, dynamic imports, type imports). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return found.map((spec) => path.relative(src, path.resolve(path.dirname(file), spec)));
}

/** Which top-level part of src/ a path inside it belongs to. */
const areaOf = (relative: string) => relative.split(path.sep)[0];

const FORBIDDEN: Record<string, string[]> = {
  platform: ['reviews', 'work', 'oauth', 'modules.ts', 'app.ts', 'main.ts', 'cli'],
  reviews: ['work', 'modules.ts', 'app.ts', 'main.ts', 'cli'],
  work: ['reviews', 'modules.ts', 'app.ts', 'main.ts', 'cli'],
  webhooks: ['reviews', 'work', 'modules.ts', 'app.ts', 'main.ts', 'cli'],
  // The authorization server stands on the platform only; app.ts mounts it.
  oauth: ['reviews', 'work', 'webhooks', 'modules.ts', 'app.ts', 'main.ts', 'cli'],
};

test('the scan reads imports (sanity: the app imports the platform and the modules list)', () => {
  const app = importsOf(path.join(src, 'app.ts')).map(areaOf);
  assert.ok(app.includes('platform'));
  assert.ok(app.includes('modules.ts'));
});

for (const [area, forbidden] of Object.entries(FORBIDDEN)) {
  test(`src/${area} imports nothing from ${forbidden.join(', ')}`, () => {
    const crossings = filesUnder(path.join(src, area)).flatMap((file) =>
      importsOf(file)
        .filter((target) => forbidden.includes(areaOf(target)))
        .map((target) => `${path.relative(src, file)} → ${target}`),
    );
    assert.deepEqual(crossings, []);
  });
}
