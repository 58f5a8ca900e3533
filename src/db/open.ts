// Opening the configured database for the server or the CLI, with the embedded data directory's
// single-owner rule: PGlite is one process's, so a pid file marks the server that holds it.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { openDatabase, type Database } from './index.ts';

export const pglitePath = (config: Config) => path.join(config.dataDir, 'pglite');
const pidPath = (config: Config) => path.join(config.dataDir, 'server.pid');

function runningServerPid(config: Config): number | null {
  try {
    const pid = Number(fs.readFileSync(pidPath(config), 'utf8'));
    if (!pid || pid === process.pid) return null;
    process.kill(pid, 0); // throws if no such process
    return pid;
  } catch {
    return null;
  }
}

export class DatabaseBusyError extends Error {}

export async function openConfiguredDatabase(config: Config, role: 'server' | 'cli'): Promise<Database> {
  if (config.databaseUrl) {
    return openDatabase({ kind: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize, queueTimeoutMs: config.databaseQueueTimeoutMs });
  }
  const pid = runningServerPid(config);
  if (pid) {
    throw new DatabaseBusyError(
      `The embedded database in ${config.dataDir} is held by a running orgstack server (pid ${pid}). ` +
        'Stop the server first, use the API or dashboard instead, or run on PostgreSQL (DATABASE_URL) where the CLI works beside servers.',
    );
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  if (role === 'server') fs.writeFileSync(pidPath(config), String(process.pid));
  return openDatabase({ kind: 'pglite', dataDir: pglitePath(config) });
}

export function releaseEmbeddedLock(config: Config) {
  if (config.databaseUrl) return;
  try {
    if (Number(fs.readFileSync(pidPath(config), 'utf8')) === process.pid) fs.rmSync(pidPath(config));
  } catch {
    // already gone
  }
}
