// HAProxy in front of the nodes (`npm run cluster`, test/platform/cluster.test.ts): find or install
// Debian's package, write the configuration, run it in the foreground, read its view of the nodes.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const HAPROXY = '/usr/sbin/haproxy';

export class HaproxyMissing extends Error {}

/** The haproxy binary; installs Debian's package when absent and we are root, else says how. */
export function ensureHaproxy(install = true): string {
  if (fs.existsSync(HAPROXY)) return HAPROXY;
  const how = 'install it with `apt-get install -y haproxy` (as root), then run this again';
  if (!install) throw new HaproxyMissing(`haproxy is not installed: ${how}`);
  if (process.getuid?.() !== 0) throw new HaproxyMissing(`haproxy is not installed and this is not root: ${how}`);
  console.log('haproxy is not installed; installing Debian\'s package…');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'haproxy'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!fs.existsSync(HAPROXY)) throw new HaproxyMissing(`apt-get did not install ${HAPROXY}`);
  return HAPROXY;
}

export interface Backend {
  name: string;
  port: number;
}

/**
 * The whole configuration, explained line by line in docs/scale-out.md. Health checks every
 * 500 ms on /readyz: two failures take a node out (~1 s), one success puts it back. A request
 * whose connection to a node fails is retried on another node (`retries` + `option redispatch`);
 * a request already sent to a node that dies is not replayed (it may have been written), so the
 * client sees a 502/503 and decides.
 */
export function haproxyConfig(opts: { lbPort: number; backends: Backend[]; socket: string; host?: string }): string {
  const host = opts.host ?? '127.0.0.1';
  return [
    'global',
    '  maxconn 4096',
    `  stats socket ${opts.socket} mode 600 level admin`,
    '  log stderr format short local0 notice',
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option dontlognull',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout http-keep-alive 10s',
    '  retries 2',
    '  option redispatch',
    '  option forwardfor',
    '',
    'frontend orgstack',
    `  bind ${host}:${opts.lbPort}`,
    '  default_backend nodes',
    '',
    'backend nodes',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  default-server inter 500ms fall 2 rise 1',
    ...opts.backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check`),
    '',
  ].join('\n');
}

export interface Haproxy {
  child: ChildProcess;
  output(): string;
  /** Each node's state as HAProxy sees it: UP, DOWN, MAINT, … */
  states(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** One command on HAProxy's admin socket; its answer. */
function ask(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(socket);
    let out = '';
    conn.on('data', (d) => (out += d));
    conn.on('end', () => resolve(out));
    conn.on('error', reject);
    conn.end(`${command}\n`);
  });
}

/** Starts HAProxy in the foreground (`-db`) with the configuration written into `dir`. */
export async function startHaproxy(binary: string, dir: string, opts: { lbPort: number; backends: Backend[] }): Promise<Haproxy> {
  const socket = path.join(dir, 'haproxy.sock');
  const file = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(file, haproxyConfig({ ...opts, socket }));
  execFileSync(binary, ['-c', '-q', '-f', file]); // a bad configuration fails here, with HAProxy's message
  const child = spawn(binary, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!fs.existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`haproxy did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    output: () => out,
    states: async () => {
      const csv = await ask(socket, 'show stat');
      const states: Record<string, string> = {};
      for (const line of csv.split('\n')) {
        const f = line.split(',');
        if (f[0] === 'nodes' && f[1] !== 'BACKEND' && f[1] !== 'FRONTEND' && f[17]) states[f[1]] = f[17];
      }
      return states;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
