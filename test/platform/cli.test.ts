// The `orgstack` CLI as a real process against a real database: the embedded data directory
// (PGlite) by default, this file's PostgreSQL database when TEST_DATABASE_URL is set. Also the
// server's first start (credentials printed once) and the embedded single-owner rule.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { buildApp } from '../../src/app.ts';
import { openDatabase, type Db } from '../../src/db/index.ts';
import { migrate } from '../../src/db/migrate.ts';
import { ensureFirstRun } from '../../src/platform/first-run.ts';
import { apiKeys, dashboardSessions, users } from '../../src/platform/tables.ts';
import { sha256Hex, verifyPassword } from '../../src/platform/secrets.ts';
import { createSession } from '../../src/platform/sessions.ts';
import { MODULES } from '../../src/modules.ts';
import { createTenant } from '../../src/platform/tenants.ts';
import { root, runCli, spawnServer, startTestApp, testConfig, type CliResult, type TestApp } from '../helpers/app.ts';
import { emptyPostgresDatabase, onPostgres } from '../helpers/db.ts';

type Call = TestApp['call'];
type Res = Awaited<ReturnType<Call>>;

let t: TestApp | undefined; // PostgreSQL: an app on this file's database, beside the CLI
let dataDir: string; // the embedded data directory (PGlite), or a scratch DATA_DIR on PostgreSQL
const scratch: string[] = [];
const tenant = { id: '', slug: `acme-${process.pid}` };
const firstRun = { password: '' };

const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orgstack-cli-'));
  scratch.push(dir);
  return dir;
};
const pgliteDir = (dir: string) => path.join(dir, 'pglite');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The environment that points the CLI or a server at this file's database. */
const dbEnv = (): Record<string, string> =>
  t ? { DATABASE_URL: t.testDb.url!, DATA_DIR: dataDir } : { DATABASE_URL: '', DATA_DIR: dataDir };

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { ...process.env, LOG_LEVEL: 'warn', ...dbEnv(), ...env });

const ok = (r: CliResult) => assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);

/**
 * Runs `fn` with the database and an app on it. On PostgreSQL that is the app running beside
 * the CLI all along; the embedded directory belongs to one process, so there it is opened only
 * while no CLI runs, and closed again.
 */
async function session<T>(fn: (s: { db: Db; call: Call }) => Promise<T>): Promise<T> {
  if (t) return fn({ db: t.rt.db, call: t.call });
  const database = await openDatabase({ kind: 'pglite', dataDir: pgliteDir(dataDir) });
  try {
    const { app } = await buildApp(testConfig(), database);
    try {
      const call: Call = (method, url, opts = {}) =>
        app.inject({
          method,
          url,
          headers: { ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}), ...opts.headers },
          ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
        });
      return await fn({ db: database.db, call });
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}

const onlyKey = (out: string, re: RegExp) => {
  const found = out.match(new RegExp(re.source, 'g')) ?? [];
  assert.equal(found.length, 1, `exactly one key printed:\n${out}`);
  return found[0];
};
const PLATFORM_KEY = /orgstack_sk_plat_[A-Za-z0-9]{40}/;
const TENANT_KEY = /orgstack_sk_tnt_[A-Za-z0-9]{40}/;

before(async () => {
  dataDir = tempDir();
  if (onPostgres) {
    t = await startTestApp();
    await setUp(t.rt.db);
    return;
  }
  const database = await openDatabase({ kind: 'pglite', dataDir: pgliteDir(dataDir) });
  try {
    await migrate(database);
    await setUp(database.db);
  } finally {
    await database.close();
  }
});

/** The superadmin and first platform key (as a first start makes them) and a tenant. */
async function setUp(db: Db) {
  firstRun.password = (await ensureFirstRun(db))!.password;
  tenant.id = (await createTenant(db, MODULES, { name: 'Acme', slug: tenant.slug })).id;
}

after(async () => {
  await t?.close();
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

describe('orgstack CLI', () => {
  test('help exits 0; an unknown command exits 2 with the usage', async () => {
    const [help, unknown] = await Promise.all([cli(['help']), cli(['frobnicate'])]);
    ok(help);
    assert.match(help.stdout, /Usage: orgstack <command>/);
    assert.match(help.stdout, /keys create --platform/);
    assert.match(help.stdout, /users reset-password/);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown command "frobnicate"/);
    assert.match(unknown.stderr, /Usage:/);
  });

  test('bad usage exits 2, a failed lookup or refusal non-zero, each with a message and no key', async () => {
    const cases: [string[], number, RegExp][] = [
      [['keys', 'create'], 2, /Say exactly one of --platform, --tenant <id\|slug>, --user <username>/],
      [['keys', 'list', '--bogus'], 2, /Unknown option '--bogus'/],
      [['keys', 'create', '--tenant', 'no-such-tenant'], 2, /No tenant with id or slug "no-such-tenant"/],
      [['users', 'reset-password', 'ghost'], 2, /No user "ghost"/],
      [['keys', 'create', '--tenant', tenant.id, '--permissions', 'tenants:write'], 1, /"tenants:write" is a platform-only permission/],
    ];
    // One at a time: the embedded data directory belongs to one process.
    const results: CliResult[] = [];
    for (const [args] of cases) results.push(await cli(args));
    cases.forEach(([args, code, message], i) => {
      const r = results[i];
      assert.equal(r.code, code, `${args.join(' ')} → ${r.code}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${args.join(' ')}: no stack trace`);
      assert.doesNotMatch(r.stdout, /orgstack_sk_|oxk_/, `${args.join(' ')}: no key`);
    });
  });

  let platformKey = '';
  let platformKeyId = '';
  let tenantKey = '';

  test('keys create --platform and --tenant <slug> --permissions --limit: printed once, stored hashed, working', async () => {
    const plat = await cli(['keys', 'create', '--platform', '--name', 'ops']);
    ok(plat);
    platformKey = onlyKey(plat.stdout, PLATFORM_KEY);
    assert.match(plat.stdout, /shown once/);
    assert.match(plat.stdout, /platform\s+orgstack_sk_plat_[A-Za-z0-9]{8}\s+ops\s+5000\s+active/);

    const tnt = await cli(['keys', 'create', '--tenant', tenant.slug, '--permissions', 'shops:read, keys:read', '--limit', '50', '--name', 'crm']);
    ok(tnt);
    tenantKey = onlyKey(tnt.stdout, TENANT_KEY);
    assert.match(tnt.stdout, /tenant\s+orgstack_sk_tnt_[A-Za-z0-9]{8}\s+crm\s+50\s+active/);

    await session(async ({ db, call }) => {
      const rows = await db.select().from(apiKeys);
      assert.deepEqual(rows.map((k) => k.name).sort(), ['crm', 'first platform key', 'ops'], 'no failed command created a key');
      const ops = rows.find((k) => k.name === 'ops')!;
      platformKeyId = ops.id;
      assert.equal(ops.kind, 'platform');
      assert.equal(ops.keyHash, sha256Hex(platformKey));
      assert.equal(ops.prefix, platformKey.slice(0, 'orgstack_sk_plat_'.length + 8));
      assert.equal(ops.permissions, null);
      assert.equal(ops.hourlyLimit, 5000);
      assert.equal(ops.tenantId, null);
      assert.equal(ops.createdByKind, 'operator');
      const crm = rows.find((k) => k.name === 'crm')!;
      assert.equal(crm.kind, 'tenant');
      assert.equal(crm.tenantId, tenant.id);
      assert.deepEqual(crm.permissions, ['keys:read', 'shops:read']);
      assert.equal(crm.hourlyLimit, 50);
      assert.equal(crm.keyHash, sha256Hex(tenantKey));
      for (const row of rows) {
        for (const secret of [platformKey, tenantKey]) assert.ok(!JSON.stringify(row).includes(secret.slice(-32)), 'no secret stored');
      }

      const res = await call('GET', '/api/v1/tenants', { key: platformKey });
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(res.json().tenants.some((x: { slug: string }) => x.slug === tenant.slug));
      const list = await call('GET', `/api/v1/tenants/${tenant.id}/api-keys`, { key: tenantKey });
      assert.equal(list.statusCode, 200, list.body);
      assert.equal(list.headers['x-ratelimit-limit'], '50');
      assert.equal((await call('GET', `/api/v1/tenants/${tenant.id}`, { key: tenantKey })).statusCode, 403, 'only what it was given');
    });
  });

  test('keys list --tenant shows prefixes of that tenant only, never a secret', async () => {
    const r = await cli(['keys', 'list', '--tenant', tenant.slug]);
    ok(r);
    assert.ok(r.stdout.includes(tenantKey.slice(0, 'orgstack_sk_tnt_'.length + 8)));
    assert.match(r.stdout, /crm/);
    assert.ok(!r.stdout.includes(platformKey.slice(0, 'orgstack_sk_plat_'.length + 8)), 'only that tenant');
    assert.ok(!r.stdout.includes(tenantKey.slice(-32)), 'no secret');
    assert.doesNotMatch(r.stdout, /orgstack_sk_(?:tnt|plat)_[A-Za-z0-9]{9,}/);
  });

  test('keys revoke <prefix>: the key stops working (on every node)', async () => {
    const prefix = tenantKey.slice(0, 'orgstack_sk_tnt_'.length + 8);
    if (t) {
      // A node that has the key cached must learn of the revocation.
      assert.equal((await t.call('GET', `/api/v1/tenants/${tenant.id}/api-keys`, { key: tenantKey })).statusCode, 200);
    }
    const r = await cli(['keys', 'revoke', prefix]);
    ok(r);
    assert.match(r.stdout, new RegExp(`${prefix}\\s+crm\\s+50\\s+revoked`));

    await session(async ({ db, call }) => {
      const [row] = await db.select().from(apiKeys).where(eq(apiKeys.prefix, prefix));
      assert.ok(row.revokedAt);
      let res: Res;
      const deadline = Date.now() + 10_000;
      do {
        res = await call('GET', `/api/v1/tenants/${tenant.id}/api-keys`, { key: tenantKey });
        if (res.statusCode === 401) break;
        await sleep(100);
      } while (Date.now() < deadline);
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(res.json().code, 'unauthorized');
    });
  });

  test('keys roll <id> --overlap 1h: a new key; the old one lives for an hour', async () => {
    const asked = Date.now();
    const r = await cli(['keys', 'roll', platformKeyId, '--overlap', '1h']);
    ok(r);
    const fresh = onlyKey(r.stdout, PLATFORM_KEY);
    assert.notEqual(fresh, platformKey);
    assert.match(r.stdout, /shown once/);
    await session(async ({ db, call }) => {
      const [old] = await db.select().from(apiKeys).where(eq(apiKeys.id, platformKeyId));
      const expires = old.expiresAt!.getTime();
      assert.ok(expires >= asked + 3600_000 - 1000 && expires <= Date.now() + 3600_000 + 1000, `≈ now + 1 h: ${old.expiresAt?.toISOString()}`);
      assert.equal(old.revokedAt, null);
      const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, sha256Hex(fresh)));
      assert.equal(row.rolledFromId, platformKeyId);
      assert.equal(row.name, 'ops');
      assert.equal(row.hourlyLimit, 5000);
      assert.equal(row.expiresAt, null);
      for (const key of [platformKey, fresh]) assert.equal((await call('GET', '/api/v1/tenants', { key })).statusCode, 200);
    });
  });

  test('users reset-password admin prints a new password that verifies, and signs the admin out everywhere', async () => {
    const signedIn = await session(async ({ db }) => {
      const [admin] = await db.select().from(users).where(eq(users.username, 'admin'));
      return (await createSession(db, admin.id, { ip: null, userAgent: null })).id;
    });
    const r = await cli(['users', 'reset-password', 'ADMIN']);
    ok(r);
    const password = r.stdout.trim().split('\n').at(-1)!;
    assert.match(password, /^[A-Za-z0-9]{5}(?:-[A-Za-z0-9]{5}){3}$/);
    assert.notEqual(password, firstRun.password);
    assert.match(r.stdout, /shown once/);
    await session(async ({ db }) => {
      const all = await db.select().from(users);
      assert.equal(all.length, 1);
      const [admin] = all;
      assert.equal(admin.username, 'admin');
      assert.equal(await verifyPassword(password, admin.passwordHash), true);
      assert.equal(await verifyPassword(firstRun.password, admin.passwordHash), false, 'the old password is gone');
      assert.equal(admin.mustChangePassword, true);
      assert.ok(!admin.passwordHash!.includes(password));
      assert.equal((await db.select().from(dashboardSessions).where(eq(dashboardSessions.id, signedIn))).length, 0, 'signed out');
    });
  });

  test('embedded database: the CLI refuses while a server holds it, and works once it stops', async (ctx) => {
    if (t) return ctx.skip('PostgreSQL: the CLI runs beside servers (every test above did)');
    const server = await spawnServer({ ...dbEnv() });
    let stopped = false;
    try {
      assert.ok(fs.existsSync(path.join(dataDir, 'server.pid')));
      const busy = await cli(['keys', 'list']);
      assert.equal(busy.code, 2, busy.stderr);
      assert.match(busy.stderr, /held by a running orgstack server/);
      assert.match(busy.stderr, new RegExp(`pid ${server.child.pid}\\b`));
      assert.equal(busy.stdout, '');
      // The server is unharmed by the attempt.
      const res = await fetch(`${server.url}/api/v1/tenants`, { headers: { authorization: `Bearer ${platformKey}` } });
      assert.equal(res.status, 200);
      assert.equal(await server.stop(), 0);
      stopped = true;
    } finally {
      if (!stopped) await server.stop();
    }
    assert.ok(!fs.existsSync(path.join(dataDir, 'server.pid')), 'the pid file is removed on shutdown');
    const r = await cli(['keys', 'list']);
    ok(r);
    for (const name of ['first platform key', 'ops', 'crm']) assert.match(r.stdout, new RegExp(name));
    assert.doesNotMatch(r.stdout, /orgstack_sk_(?:tnt|plat)_[A-Za-z0-9]{9,}/, 'never a secret');
  });
});

describe('first start', () => {
  test('prints the superadmin password and a platform key exactly once', async () => {
    const dir = tempDir();
    let env: Record<string, string>;
    let drop = async () => {};
    if (onPostgres) {
      const empty = await emptyPostgresDatabase();
      env = { DATABASE_URL: empty.url, DATA_DIR: dir, ORGSTACK_SECRET: 'cli-test-secret-cli-test-secret-0123456' };
      drop = empty.drop;
    } else {
      env = { DATABASE_URL: '', DATA_DIR: dir };
    }
    try {
      const first = await spawnServer(env);
      let out: string;
      try {
        out = first.output();
        assert.match(out, /platform key/);
        const key = onlyKey(out, PLATFORM_KEY);
        const password = /password\s+(\S+)/.exec(out)?.[1] ?? '';
        assert.match(password, /^[A-Za-z0-9]{5}(?:-[A-Za-z0-9]{5}){3}$/);
        assert.equal(out.split(password).length - 1, 1, 'the password is printed once');
        assert.match(out, /username\s+admin/);
        const res = await fetch(`${first.url}/api/v1/tenants`, { headers: { authorization: `Bearer ${key}` } });
        assert.equal(res.status, 200);
        assert.deepEqual((await res.json()).tenants, []);
        assert.equal(await first.stop(), 0);

        const second = await spawnServer(env);
        try {
          const again = second.output();
          assert.match(again, /listening at/);
          assert.doesNotMatch(again, /platform key/i);
          assert.doesNotMatch(again, /password/i);
          assert.ok(!again.includes(key) && !again.includes(password));
          assert.doesNotMatch(again, /orgstack_sk_/);
          // The first key still works; nothing new was created.
          const res2 = await fetch(`${second.url}/api/v1/tenants`, { headers: { authorization: `Bearer ${key}` } });
          assert.equal(res2.status, 200);
        } finally {
          assert.equal(await second.stop(), 0);
        }

        const database = onPostgres
          ? await openDatabase({ kind: 'postgres', url: env.DATABASE_URL, poolSize: 1 })
          : await openDatabase({ kind: 'pglite', dataDir: pgliteDir(dir) });
        try {
          const admins = await database.db.select().from(users);
          assert.equal(admins.length, 1);
          assert.equal(admins[0].username, 'admin');
          assert.equal(await verifyPassword(password, admins[0].passwordHash), true);
          const keys = await database.db.select().from(apiKeys);
          assert.equal(keys.length, 1);
          assert.equal(keys[0].keyHash, sha256Hex(key));
        } finally {
          await database.close();
        }
      } catch (err) {
        if (first.child.exitCode === null) await first.stop();
        throw err;
      }
    } finally {
      await drop();
    }
  });
});
