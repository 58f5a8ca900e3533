// N orgstack nodes on one PostgreSQL behind HAProxy: what `npm run cluster` runs and what
// test/platform/cluster.test.ts drives. Each node is a real `src/main.ts serve` process on its own
// port; all share DATABASE_URL and ORGSTACK_SECRET (sessions, OAuth and webhook secrets are
// signed with it, so a node with another secret would refuse what its neighbours issued).
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHaproxy, type Haproxy } from './haproxy.ts';

const root = path.resolve(import.meta.dirname, '../..');

export interface ClusterOptions {
  /** One node per port. */
  ports: number[];
  databaseUrl: string;
  lbPort: number;
  haproxy: string;
  /** Shared by every node; generated when not given. */
  secret?: string;
  /** More environment for every node (LOG_LEVEL, limits, …). */
  env?: Record<string, string>;
}

export interface Node {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the node wrote to stdout and stderr. */
  output(): string;
  exited: Promise<void>;
}

export interface Cluster {
  lbUrl: string;
  nodes: Node[];
  haproxy: Haproxy;
  secret: string;
  /** SIGTERM to HAProxy and every node (each drains and flushes), then waits for them. */
  stop(): Promise<void>;
}

function startNode(name: string, port: number, env: Record<string, string>): Node {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { name, port, url: `http://127.0.0.1:${port}`, child, output: () => out, exited };
}

async function waitReady(url: string, node?: Node, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (node && node.child.exitCode !== null) throw new Error(`${node.name} exited with ${node.child.exitCode}:\n${node.output()}`);
    const status = await fetch(`${url}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url}/readyz did not answer 200 within ${timeoutMs} ms${node ? `:\n${node.output()}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const stopProcess = (child: ChildProcess, exited: Promise<void>) => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  return exited;
};

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const secret = opts.secret ?? crypto.randomBytes(32).toString('base64url');
  const lbUrl = `http://127.0.0.1:${opts.lbPort}`;
  const env = {
    DATABASE_URL: opts.databaseUrl,
    ORGSTACK_SECRET: secret,
    // Links point at the load balancer; the client address comes from HAProxy's X-Forwarded-For.
    PUBLIC_URL: lbUrl,
    TRUST_PROXY: '1', // one proxy hop: HAProxy
    ...opts.env,
  };
  const nodes = opts.ports.map((port, i) => startNode(`node${i + 1}`, port, env));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orgstack-cluster-'));
  let haproxy: Haproxy | undefined;
  const stop = async () => {
    await haproxy?.stop();
    await Promise.all(nodes.map((n) => stopProcess(n.child, n.exited)));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(nodes.map((n) => waitReady(n.url, n)));
    haproxy = await startHaproxy(opts.haproxy, dir, { lbPort: opts.lbPort, backends: nodes.map((n) => ({ name: n.name, port: n.port })) });
    await waitReady(lbUrl);
  } catch (err) {
    await stop();
    throw err;
  }
  return { lbUrl, nodes, haproxy, secret, stop };
}
