// Shared fixtures: a running app on a fresh database, and one-call setup of the usual actors
// (a tenant with a key of chosen permissions, a platform key, a user).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { uuidv7 } from '../../src/platform/ids.ts';
import { mintKey, mintUserKey } from '../../src/platform/keys.ts';
import type { Runtime } from '../../src/platform/runtime.ts';
import { users } from '../../src/platform/tables.ts';
import { hashPassword } from '../../src/platform/secrets.ts';
import { createTenant, type TenantView } from '../../src/platform/tenants.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export const root = path.resolve(import.meta.dirname, '../..');

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PUBLIC_URL: 'http://orgstack.test',
    ORGSTACK_SECRET: 'test-secret-test-secret-test-secret-0123',
    FLUSH_INTERVAL_MS: '50',
    ...env,
  });
}

let counter = 0;

export interface TestApp {
  app: FastifyInstance;
  rt: Runtime;
  testDb: TestDatabase;
  /** app.inject with an optional Bearer key and JSON body. */
  call(method: InjectOptions['method'], url: string, opts?: { key?: string; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  platformKey(opts?: { hourlyLimit?: number; permissions?: string[] }): Promise<string>;
  tenantWithKey(opts?: { permissions?: string[]; hourlyLimit?: number; name?: string }): Promise<{ tenant: TenantView; key: string; keyId: string }>;
  createTenant(name?: string): Promise<TenantView>;
  createUser(opts: { tenantId: string | null; role: string; username?: string }): Promise<{ id: string; username: string }>;
  userKey(userId: string, opts?: { permissions?: string[] }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const testDb = await createTestDatabase();
  const { app, rt } = await buildApp(testConfig(env), testDb.database);
  const db = rt.db;

  const t: TestApp = {
    app,
    rt,
    testDb,
    call: (method, url, opts = {}) =>
      app.inject({
        method,
        url,
        headers: { ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}), ...opts.headers },
        ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
      }),
    platformKey: async (opts = {}) => (await mintKey(db, { kind: 'platform', ...opts }, null)).key,
    createTenant: async (name) => {
      const n = ++counter;
      return createTenant(db, rt.modules, { name: name ?? `Tenant ${n}`, slug: `tenant-${n}-${uuidv7().slice(-6)}` });
    },
    tenantWithKey: async (opts = {}) => {
      const tenant = await t.createTenant(opts.name);
      const minted = await mintKey(db, { kind: 'tenant', tenantId: tenant.id, permissions: opts.permissions, hourlyLimit: opts.hourlyLimit }, null);
      return { tenant, key: minted.key, keyId: minted.apiKey.id };
    },
    createUser: async ({ tenantId, role, username }) => {
      const id = uuidv7();
      const name = username ?? `user-${++counter}-${id.slice(-6)}`;
      await db.insert(users).values({ id, tenantId, role, username: name, passwordHash: await hashPassword('correct horse battery staple') });
      return { id, username: name };
    },
    userKey: async (userId, opts = {}) => (await mintUserKey(db, userId, { permissions: opts.permissions }, null)).key,
    close: async () => {
      await app.close();
      await testDb.close();
    },
  };
  return t;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `orgstack <args>` as a real process with `env` (complete: the caller builds it), to its exit. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Starts `orgstack serve` as a real second process and waits until it listens. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const check = () => {
      if (out.includes('listening at')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  }).catch((err) => {
    child.kill('SIGKILL');
    throw err;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
