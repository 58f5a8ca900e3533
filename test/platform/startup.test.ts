// `npm start` as a person runs it: the start says what it is doing step by step (so a slow first
// start is not silent), and stopping npm by its pid stops the server too — with SIGTERM (npm
// passes it on; package.json's `exec` makes the server the one receiving it) and even when npm
// is killed outright (the server notices its parent is gone). Always on a fresh embedded data
// directory: this is about the processes, not the database.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort, root } from '../helpers/app.ts';

const scratch: string[] = [];
after(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

interface NpmStart {
  npm: ChildProcess;
  port: number;
  dataDir: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function npmStart(): Promise<NpmStart> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orgstack-start-'));
  scratch.push(dataDir);
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npm.stdout!.on('data', (d) => (out += d));
  npm.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('listening at')) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${out}`));
    });
  });
  return { npm, port, dataDir, output: () => out, exited };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits (bounded) for the server process to be gone; a wait, not a speed assertion. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 300 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

const portRefuses = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('npm start', () => {
  test('prints its progress in order, serves, and `kill -TERM <npm pid>` stops the server (port freed, pid file removed)', async () => {
    const s = await npmStart();
    const serverPid = Number(fs.readFileSync(path.join(s.dataDir, 'server.pid'), 'utf8'));
    try {
      const out = s.output();
      const steps = ['opening the embedded database in', 'applying database migrations', 'starting the HTTP server', `listening on 127.0.0.1:${s.port}`, 'listening at'];
      const at = steps.map((step) => out.indexOf(step));
      assert.ok(at.every((i) => i >= 0), `every step is printed:\n${out}`);
      assert.deepEqual([...at].sort((a, b) => a - b), at, 'in order');
      assert.doesNotMatch(out, /EBADENGINE|npm warn/i);

      const home = await fetch(`http://127.0.0.1:${s.port}/`);
      assert.equal(home.status, 200);
      assert.match(await home.text(), /This server runs orgstack/);

      assert.ok(s.npm.pid! > 0 && serverPid !== s.npm.pid, 'the server is a child of npm');
      process.kill(s.npm.pid!, 'SIGTERM');
      await s.exited;
      assert.equal(await gone(serverPid), true, `the server process ${serverPid} exited`);
      assert.equal(await portRefuses(s.port), true, 'the port is free');
      assert.equal(fs.existsSync(path.join(s.dataDir, 'server.pid')), false, 'a graceful shutdown removed the pid file');
    } finally {
      if (alive(serverPid)) process.kill(serverPid, 'SIGKILL');
    }
  });

  test('npm killed outright (SIGKILL, nothing forwarded): the server notices and shuts down gracefully', async () => {
    const s = await npmStart();
    const serverPid = Number(fs.readFileSync(path.join(s.dataDir, 'server.pid'), 'utf8'));
    try {
      process.kill(s.npm.pid!, 'SIGKILL');
      await s.exited;
      assert.equal(await gone(serverPid), true, `the server process ${serverPid} exited`);
      assert.equal(await portRefuses(s.port), true, 'the port is free');
      assert.equal(fs.existsSync(path.join(s.dataDir, 'server.pid')), false, 'it shut down gracefully (pid file removed)');
    } finally {
      if (alive(serverPid)) process.kill(serverPid, 'SIGKILL');
    }
  });
});
