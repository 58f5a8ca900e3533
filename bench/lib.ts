// Helpers of the benchmark harness: a fresh PostgreSQL database per run, the server as a child
// process, a raw driver handle (for the ceiling and for counting rows), and formatting.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createHistogram, performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { withPreparedStatements } from '../src/db/pglite-prepared.ts';
import postgres from 'postgres';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export const withDatabaseName = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/** A new, empty database on the server DATABASE_URL points at; `drop` removes it. */
export async function createBenchDatabase(adminUrl: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `orgstack_bench_${randomBytes(5).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return {
    name,
    url: withDatabaseName(adminUrl, name),
    drop: async () => {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end({ timeout: 5 });
      }
    },
  };
}

// ---- the server as a child process ----

export interface ServerProcess {
  child: ChildProcess;
  /** Log lines at warn level or above (pino JSON, level ≥ 40) and anything on stderr. */
  problems: string[];
  /** The last lines of output, for diagnosing a failed start. */
  tail: string[];
  /**
   * Bytes the server's JavaScript heap has allocated since it started, as of its last garbage
   * collection (the sum of each collection's `allocated` in V8's `--trace-gc-nvp` lines; 0 when
   * the server runs without that flag). A figure over a run is short or long by at most what is
   * allocated between two collections (one young generation, a few MB).
   */
  allocatedBytes(): number;
  /** SIGTERM, then wait for the graceful shutdown (which flushes the audit buffer). */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** A V8 `--trace-gc-nvp` line (one per garbage collection) and the bytes allocated since the one before. */
const GC_ALLOCATED = /^\[\d+:0x[0-9a-f]+\]\s.*\bgc=.*\ballocated=(\d+)/;

export async function startServer(opts: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  nodeArgs?: string[];
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const problems: string[] = [];
  const tail: string[] = [];
  let allocated = 0;
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 60) tail.shift();
  };
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );

  // Both pipes are read to the end, always: a full pipe would block the server's logging.
  const ready = new Promise<void>((resolve, reject) => {
    const out = readline.createInterface({ input: child.stdout! });
    out.on('line', (line) => {
      const gc = GC_ALLOCATED.exec(line);
      if (gc) {
        allocated += Number(gc[1]);
        return;
      }
      keep(line);
      if (line.includes('listening at')) resolve();
      if (line.startsWith('{')) {
        try {
          if ((JSON.parse(line) as { level?: number }).level! >= 40) problems.push(line);
        } catch {
          // not a log line
        }
      }
    });
    const err = readline.createInterface({ input: child.stderr! });
    err.on('line', (line) => {
      keep(`[stderr] ${line}`);
      problems.push(`[stderr] ${line}`);
    });
    void exitPromise.then(({ code, signal }) =>
      reject(new Error(`the server exited before listening (code ${code}, signal ${signal}):\n${tail.join('\n')}`)),
    );
    setTimeout(() => reject(new Error(`the server did not report "listening at" within ${opts.timeoutMs ?? 60_000} ms:\n${tail.join('\n')}`)), opts.timeoutMs ?? 60_000).unref();
  });
  try {
    await ready;
  } catch (err) {
    if (!exited) {
      child.kill('SIGKILL');
      await exitPromise;
    }
    throw err;
  }

  return {
    child,
    problems,
    tail,
    allocatedBytes: () => allocated,
    async stop(timeoutMs = 30_000) {
      const t0 = performance.now();
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        await exitPromise;
        clearTimeout(timer);
      }
      const { code, signal } = await exitPromise;
      return { code, signal, ms: Math.round(performance.now() - t0) };
    },
  };
}

// ---- the driver straight, without the server ----

export interface RawClient {
  kind: 'pglite' | 'postgres';
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function openRaw(
  target: { kind: 'pglite'; dataDir: string; prepare: boolean } | { kind: 'postgres'; url: string; poolSize: number; prepare: boolean },
): Promise<RawClient> {
  if (target.kind === 'pglite') {
    // The migrations create pg_trgm, so the data directory needs it loaded (as src/db/index.ts does).
    const pg = await PGlite.create({ dataDir: target.dataDir, extensions: { pg_trgm } });
    // Prepared as the server prepares (src/db/pglite-prepared.ts), or PGlite's own unnamed statements.
    const client = target.prepare ? withPreparedStatements(pg) : pg;
    return {
      kind: 'pglite',
      query: async <T>(text: string, params?: unknown[]) => (await client.query<T>(text, params)).rows,
      close: () => pg.close(),
    };
  }
  const sql = postgres(target.url, { max: target.poolSize, onnotice: () => {} });
  return {
    kind: 'postgres',
    query: async <T>(text: string, params?: unknown[]) =>
      (await sql.unsafe(text, (params ?? []) as postgres.ParameterOrJSON<never>[], { prepare: target.prepare })) as unknown as T[],
    close: () => sql.end({ timeout: 5 }),
  };
}

export interface CeilingResult {
  /** The statements of one operation, issued together (as the route issues them). */
  queries: string[];
  concurrency: number;
  durationS: number;
  ops: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
}

/**
 * The raw-driver ceiling of a route: `concurrency` callers each run the route's `statements`
 * (all at once, awaited together, as the route's Promise.all does) back to back for `durationS`
 * seconds after a warmup. One operation = one request's worth of SQL.
 */
export async function runCeiling(
  client: RawClient,
  statements: readonly { sql: string; params: unknown[] }[],
  concurrency: number,
  durationS: number,
  warmupS: number,
): Promise<CeilingResult> {
  const hist = createHistogram();
  let ops = 0;
  let errors = 0;
  let firstError: unknown = null;
  const once = statements.length === 1 ? () => client.query(statements[0]!.sql, statements[0]!.params) : () => Promise.all(statements.map((q) => client.query(q.sql, q.params)));
  const phase = async (seconds: number, record: boolean) => {
    const until = performance.now() + seconds * 1000;
    const caller = async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await once();
          if (record) {
            hist.record(Math.max(1, Math.round((performance.now() - t0) * 1e6)));
            ops++;
          }
        } catch (err) {
          errors++;
          firstError ??= err;
          if (errors > 1000) throw err;
        }
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, caller));
    return (performance.now() - t0) / 1000;
  };
  if (warmupS > 0) await phase(warmupS, false);
  const elapsed = await phase(durationS, true);
  if (firstError) console.error('ceiling: first query error:', firstError);
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  return {
    queries: statements.map((q) => q.sql),
    concurrency,
    durationS: Math.round(elapsed * 100) / 100,
    ops,
    opsPerSec: Math.round(ops / elapsed),
    p50Ms: ms(hist.percentile(50)),
    p99Ms: ms(hist.percentile(99)),
    maxMs: ms(hist.max),
    errors,
  };
}

// ---- formatting ----

export function table(header: string[], rows: string[][], rightAligned: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((c, i) => (rightAligned[i] ? (c ?? '').padStart(widths[i]) : (c ?? '').padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
