// `orgstack demo` as a real process (its own file: the CLI file's other commands already fill a
// file's time budget on a busy machine): with PUBLIC_URL unset every printed address uses the
// configured port, and afterwards the Work board and inbox exist through /api/client, read by a
// tenant key as any client would. On PostgreSQL the CLI shares this file's database with an app
// beside it; on PGlite the data directory is opened after the CLI has finished.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { buildApp } from '../../src/app.ts';
import { openDatabase } from '../../src/db/index.ts';
import { mintKey } from '../../src/platform/keys.ts';
import { runCli, startTestApp, testConfig, type TestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';

let t: TestApp | undefined;
let dataDir: string;
before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orgstack-cli-demo-'));
  if (onPostgres) t = await startTestApp();
});
after(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = { ...process.env };
  delete base.PUBLIC_URL; // unset, as on a first try
  return runCli(args, { ...base, LOG_LEVEL: 'warn', DATA_DIR: dataDir, DATABASE_URL: t ? t.testDb.url! : '', ...env });
}

test('orgstack demo: URLs under the configured port, and the Work board and inbox exist through the API', async () => {
  const r = await cli(['demo', '--name', 'Work Demo Salon', '--seed', '9'], { PORT: '4567' });
  assert.equal(r.code, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const out = r.stdout;
  const base = 'http://localhost:4567';
  for (const [label, url] of [
    ['dashboard', `${base}/dashboard`],
    ['work board', `${base}/dashboard/initiatives`],
    ['decisions', `${base}/dashboard/decisions`],
    ['API docs', `${base}/docs`],
  ]) {
    assert.ok(out.split('\n').some((l) => new RegExp(`^\\s+${label}\\s+`).test(l) && l.trimEnd().endsWith(` ${url}`)), `${label} ${url}\n${out}`);
  }
  assert.match(out, /review page\s+http:\/\/localhost:4567\/r\/[A-Za-z0-9_-]+ /);
  assert.match(out, /PUBLIC_URL is not set, so these use http:\/\/localhost:4567/);
  assert.match(out, /^\s+work\s+3 initiatives, \d+ workstreams, \d+ milestones, \d+ tasks, 4 agent runs, \d+ artifacts; 3 decisions waiting in the inbox$/m);
  const id = /^\s+id\s+(\S+)$/m.exec(out)![1];

  const database = t ? null : await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
  const built = t ? null : await buildApp(testConfig(), database!);
  const app = t?.app ?? built!.app;
  const db = t?.rt.db ?? built!.rt.db;
  try {
    const { key } = await mintKey(db, { kind: 'tenant', tenantId: id }, null);
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url: `/api/client/${url}`, headers: { authorization: `Bearer ${key}` } });
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
      return res.json();
    };
    const live = await get('live/initiatives');
    assert.equal(live.total, 3);
    assert.ok(live.initiatives.some((i: { status: string; progress: number }) => i.status === 'active' && i.progress > 0));
    const pending = await get('decisions?status=pending');
    assert.equal(pending.total, 3);
    assert.ok(pending.data.every((d: { requested_by: { type: string } }) => d.requested_by.type === 'agent'));
    const runs = await get('runs');
    assert.deepEqual(runs.data.map((x: { status: string }) => x.status).sort(), ['completed', 'completed', 'running', 'running']);
    assert.ok((await get('tasks?limit=200')).total >= 10);
    const offer = pending.data.find((d: { title: string }) => d.title.includes('offer'));
    assert.equal((await get(`artifacts/by-entity?entity_type=decision&entity_id=${offer.id}`)).artifacts.length, 1);
  } finally {
    await built?.app.close();
    await database?.close();
  }
});
