// `npm run bench [-- scenario,…]`: seeds a fresh database, starts the real server as a child
// process, drives each scenario with autocannon, stops the server gracefully, checks that every
// audited request left its audit row (and its rate-limit count), then measures each scenario's
// "ceiling" — the route's own statements straight through the driver — and prints a table and writes JSON
// under bench/results/. See bench/README.md. Benchmarks are not tests: it exits 0 whatever the
// figures (non-zero only when the harness itself fails).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import autocannon, { type Result } from 'autocannon';
import { drizzle as drizzleMockDriver } from 'drizzle-orm/postgres-js';
import { openDatabase, type Db } from '../src/db/index.ts';
import * as schema from '../src/db/schema.ts';
import { migrate } from '../src/db/migrate.ts';
import { DEFAULT_DATABASE_POOL_SIZE } from '../src/config.ts';
import { backgroundLoad, cpuBetween, sampleCpu, type CpuUse } from './cpu.ts';
import { createBenchDatabase, fmtInt, freePort, openRaw, pct, runCeiling, sleep, startServer, table, type CeilingResult, type ServerProcess } from './lib.ts';
import { scenarios as allScenarios, seed, type Fixture, type Scenario, type Targets } from './scenarios.ts';
import type { BenchContext } from './webhooks.ts';

const root = path.resolve(import.meta.dirname, '..');

// ---- settings ----

class UsageError extends Error {}

function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`${name} must be a number ≥ ${min} (got "${raw}")`);
  return n;
}
const envFlag = (name: string, fallback: boolean) => {
  const raw = process.env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(raw);
};

function readSettings() {
  return {
    durationS: envNumber('BENCH_DURATION', 10, 1),
    warmupS: envNumber('BENCH_WARMUP', 2, 0),
    connections: Math.round(envNumber('BENCH_CONNECTIONS', 50, 1)),
    pauseMs: Math.round(envNumber('BENCH_PAUSE_MS', 1000, 0)),
    repeat: Math.round(envNumber('BENCH_REPEAT', 1, 1)),
    ceiling: envFlag('BENCH_CEILING', true),
    ceilingPrepare: envFlag('BENCH_CEILING_PREPARE', true),
    cpuProfile: envFlag('BENCH_CPU_PROF', false),
    keepDatabase: envFlag('BENCH_KEEP_DATABASE', false),
    adminUrl: process.env.DATABASE_URL || undefined,
    poolSize: Math.round(envNumber('DATABASE_POOL_SIZE', DEFAULT_DATABASE_POOL_SIZE, 1)),
  };
}

let settings: ReturnType<typeof readSettings>;
let dbKind: 'postgres' | 'pglite';

function selectScenarios(): Scenario[] {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`Usage: npm run bench [-- <scenario>[,<scenario>…]]   (or BENCH_SCENARIOS=a,b)\nScenarios:`);
    for (const s of allScenarios) console.log(`  ${s.name.padEnd(16)} ${s.description}`);
    process.exit(0);
  }
  const wanted = (args.length ? args.join(',') : process.env.BENCH_SCENARIOS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (wanted.length === 0) return allScenarios;
  const unknown = wanted.filter((w) => !allScenarios.some((s) => s.name === w));
  if (unknown.length) {
    throw new UsageError(`Unknown scenario(s): ${unknown.join(', ')}. Known: ${allScenarios.map((s) => s.name).join(', ')}`);
  }
  return allScenarios.filter((s) => wanted.includes(s.name));
}

// ---- cleanup, also on Ctrl-C ----

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch (err) {
      console.error('cleanup:', err instanceof Error ? err.message : err);
    }
  }
}
process.once('SIGINT', () => {
  console.error('\ninterrupted; cleaning up');
  void cleanup().finally(() => process.exit(130));
});

/** Busy cores outside the server, the load generator and PostgreSQL beyond which a run is flagged. */
const SKEWED_OTHER_CORES = 0.3;

// ---- one scenario ----

interface ScenarioResult {
  name: string;
  description: string;
  method: string;
  path: string;
  auditedRoute: string | null;
  /** The API key's id (its rate-limit bucket and audit principal), when the scenario sends one. */
  keyId: string | null;
  connections: number;
  durationS: number;
  reqPerSec: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  completed: number;
  sent: number;
  /** Average response size including headers. */
  bytesPerResponse: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Requests of the warmup run before the measured one (they reach the audit log too). */
  warmup: { sent: number; completed: number; non2xx: number; errors: number } | null;
  cpu: CpuUse;
  /** Bytes the server's heap allocated a request over the measured run (see ServerProcess.allocatedBytes). */
  allocatedPerRequest?: number;
  /** The raw-driver ceiling of the route's own SQL (scenarios with `ceiling`), measured after the server stopped. */
  ceiling?: CeilingResult & { cpu: CpuUse };
  /** req/s ÷ ceiling ops/s. */
  ratio?: number;
  /** What the ratio could be at most, from healthz and the ceiling in the same run (see reachOf). */
  reach?: Reach;
  /** With BENCH_REPEAT=n > 1: every run's req/s and their spread around the median (this result is the median run). */
  repeat?: Spread;
  /** What a scenario's own `run` or `after` reports beyond the columns (webhooks). */
  details?: string[];
  data?: unknown;
}

/** Server CPU microseconds per request, split by what a route cannot avoid (see reachOf). */
interface Reach {
  /** healthz: an answer with no database work (routing, hooks, the HTTP read and write). */
  httpUs: number;
  /** The raw driver's CPU per operation of the route's SQL, in the ceiling's process. */
  driverUs: number;
  /** What this route spent per request beyond those two: its own work. */
  ownUs: number;
  /** The ratio a route doing nothing but answer and run its SQL would reach, on the server's cores. */
  maxRatio: number;
}

/**
 * A ratio target has a floor under it that the route's code cannot move: the server answers
 * HTTP (healthz's cost) and runs the route's statements through the same driver (the ceiling's
 * cost per operation). Both are measured in this run, on this machine, so the bound moves with
 * it. Undefined without healthz in the run or without CPU figures (not Linux).
 */
function reachOf(r: ScenarioResult, healthz: ScenarioResult | undefined): Reach | undefined {
  const c = r.ceiling;
  if (!c || !healthz?.cpu.server || !r.cpu.server || !c.opsPerSec || !healthz.reqPerSec || !r.reqPerSec) return undefined;
  const httpUs = (healthz.cpu.server / healthz.reqPerSec) * 1e6;
  const driverUs = (c.cpu.loadGenerator / c.opsPerSec) * 1e6;
  const ownUs = (r.cpu.server / r.reqPerSec) * 1e6 - httpUs - driverUs;
  const maxRatio = Math.min(1, (r.cpu.server * 1e6) / (httpUs + driverUs) / c.opsPerSec);
  return { httpUs, driverUs, ownUs, maxRatio };
}

/** The connections a scenario runs with: its own setting, else BENCH_CONNECTIONS. */
const connectionsOf = (s: Scenario) => s.connections ?? settings.connections;

async function cannon(s: Scenario, f: Fixture, base: string, seconds: number, counter: { n: number }): Promise<Result> {
  const body = s.body?.(f);
  const key = s.credential?.(f);
  // A fresh request each time (a JSON body of its own, or its own headers and raw body).
  const each = s.bodyEach ? (n: number) => ({ headers: {}, body: JSON.stringify(s.bodyEach!(f, n)) }) : s.requestEach ? (n: number) => s.requestEach!(f, n) : null;
  return await autocannon({
    url: base + s.path(f),
    title: s.name,
    method: s.method,
    headers: {
      ...(body !== undefined || s.bodyEach ? { 'content-type': 'application/json' } : {}),
      ...(key ? { authorization: `Bearer ${key.secret}` } : {}),
      ...s.headers?.(f),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    // autocannon rebuilds a request whose setupRequest is a function each time it sends it (and
    // sets content-length from the new body).
    requests: each
      ? [
          {
            setupRequest: (req) => {
              const r = each(counter.n++);
              return { ...req, headers: { ...req.headers, ...r.headers }, body: r.body };
            },
          },
        ]
      : undefined,
    connections: connectionsOf(s),
    duration: seconds,
    timeout: 10,
  });
}

/**
 * A scenario's back-to-back runs: req/s of each, the median, and the farthest runs below and above
 * it as a share of the median (issue 17's drift check: five runs within ±10 %).
 */
interface Spread {
  reqPerSec: number[];
  median: number;
  minDeviation: number;
  maxDeviation: number;
  withinTenPercent: boolean;
}

function spreadOf(reqPerSec: number[]): Spread {
  const sorted = [...reqPerSec].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const dev = (x: number) => (median > 0 ? x / median - 1 : 0);
  const minDeviation = dev(sorted[0]);
  const maxDeviation = dev(sorted[sorted.length - 1]);
  return { reqPerSec, median, minDeviation, maxDeviation, withinTenPercent: minDeviation >= -0.1 && maxDeviation <= 0.1 };
}

/**
 * The runs of a scenario, or of a scenario and the one that compares itself with it
 * (`compareWith`), with BENCH_REPEAT (same server, same fixtures): the scenarios take turns, so
 * that both sides of a ratio see the machine alike (its speed moves by a third between runs a
 * minute apart). The first run of each alone has its setup and warmup. The run nearest the median
 * stands for its scenario; every run is returned so that the audit and rate-limit checks count
 * all requests sent.
 */
async function runRepeated(group: Scenario[], f: Fixture, base: string, server: ServerProcess, ctx: BenchContext): Promise<{ result: ScenarioResult; runs: ScenarioResult[] }[]> {
  const runs: ScenarioResult[][] = group.map(() => []);
  for (let i = 0; i < settings.repeat; i++) {
    for (const [k, s] of group.entries()) runs[k].push(await runScenario(s, f, base, server, ctx, i === 0));
  }
  return runs.map((rs) => {
    if (rs.length === 1) return { result: rs[0], runs: rs };
    const repeat = spreadOf(rs.map((r) => r.reqPerSec));
    const nearest = rs.reduce((a, r) => (Math.abs(r.reqPerSec - repeat.median) < Math.abs(a.reqPerSec - repeat.median) ? r : a));
    return { result: { ...nearest, repeat }, runs: rs };
  });
}

const signedPct = (x: number) => `${x >= 0 ? '+' : ''}${pct(x)}`;

async function runScenario(s: Scenario, f: Fixture, base: string, server: ServerProcess, ctx: BenchContext, first: boolean): Promise<ScenarioResult> {
  if (s.run) {
    const c = await s.run(ctx);
    return {
      name: s.name,
      description: s.description,
      method: s.method,
      path: s.path(f),
      auditedRoute: null,
      keyId: null,
      connections: 0,
      durationS: 0,
      reqPerSec: c.reqPerSec,
      p50Ms: c.p50Ms,
      p90Ms: NaN,
      p99Ms: c.p99Ms,
      maxMs: c.maxMs,
      completed: c.completed,
      sent: 0,
      bytesPerResponse: 0,
      errors: 0,
      timeouts: 0,
      non2xx: 0,
      statusCodes: {},
      warmup: null,
      cpu: c.cpu,
      details: c.details,
      data: c.data,
    };
  }
  await s.before?.(ctx);
  const counter = { n: 0 };
  let warmup: ScenarioResult['warmup'] = null;
  if (first && settings.warmupS > 0) {
    const w = await cannon(s, f, base, settings.warmupS, counter);
    warmup = { sent: w.requests.sent, completed: w.requests.total, non2xx: w.non2xx, errors: w.errors };
  }
  const before = sampleCpu(server.child.pid);
  const allocatedBefore = server.allocatedBytes();
  const r = await cannon(s, f, base, settings.durationS, counter);
  const cpu = cpuBetween(before, sampleCpu(server.child.pid));
  const allocated = server.allocatedBytes() - allocatedBefore;
  const extra = await s.after?.(ctx, r.requests.total + (warmup?.completed ?? 0));
  return {
    name: s.name,
    description: s.description,
    method: s.method,
    path: genericPath(s.path(f), f),
    auditedRoute: s.auditedRoute ?? null,
    keyId: s.credential?.(f).id ?? null,
    connections: connectionsOf(s),
    durationS: r.duration,
    reqPerSec: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p90Ms: r.latency.p90,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    completed: r.requests.total,
    sent: r.requests.sent,
    bytesPerResponse: r.requests.total ? Math.round(r.throughput.total / r.requests.total) : 0,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, v]) => [code, v.count])),
    warmup,
    cpu,
    allocatedPerRequest: r.requests.total && allocated > 0 ? Math.round(allocated / r.requests.total) : undefined,
    details: extra?.details,
    data: extra?.data,
  };
}

/** The path with the seeded tenant ids replaced by `{tenantId}`, for the table and the JSON. */
const genericPath = (p: string, f: Fixture) =>
  [f.tenantId, f.feedback.tenantId, f.analytics.tenantId].reduce((acc, id) => acc.replaceAll(id, '{tenantId}'), p).replace(f.reviewPage.code, '{code}');

// ---- targets ----

interface Check {
  scenario: string;
  what: string;
  target: string;
  actual: string;
  pass: boolean;
}

function checkTargets(s: Scenario, r: ScenarioResult, ratio: number | null, results: ScenarioResult[]): Check[] {
  const checks: Check[] = [];
  const other = s.compareWith && results.find((x) => x.name === s.compareWith!.scenario);
  const minShare = s.compareWith?.minRatio[dbKind];
  if (other && minShare !== undefined) {
    const share = other.reqPerSec > 0 ? r.reqPerSec / other.reqPerSec : 0;
    checks.push({ scenario: s.name, what: `req/s ÷ ${other.name}`, target: `≥ ${pct(minShare)}`, actual: pct(share), pass: share >= minShare });
  }
  const t: Targets | undefined = s.targets?.[dbKind];
  if (!t) return checks;
  if (t.minRps !== undefined) {
    checks.push({ scenario: s.name, what: 'req/s', target: `≥ ${fmtInt(t.minRps)}`, actual: fmtInt(r.reqPerSec), pass: r.reqPerSec >= t.minRps });
  }
  if (t.maxP99Ms !== undefined) {
    checks.push({ scenario: s.name, what: 'p99', target: `≤ ${t.maxP99Ms} ms`, actual: `${r.p99Ms} ms`, pass: r.p99Ms <= t.maxP99Ms });
  }
  if (t.minCeilingRatio !== undefined) {
    checks.push({
      scenario: s.name,
      what: 'ratio to ceiling',
      target: `≥ ${pct(t.minCeilingRatio)}`,
      actual: ratio === null ? 'not measured' : pct(ratio),
      pass: ratio !== null && ratio >= t.minCeilingRatio,
    });
  }
  return checks;
}

// ---- the run ----

async function main() {
  settings = readSettings();
  dbKind = settings.adminUrl ? 'postgres' : 'pglite';
  const selected = selectScenarios();
  const startedAt = new Date();
  // Other work on these small machines (a test run, a build) skews every figure: say so up front.
  const background = await backgroundLoad();
  const busyElsewhere = (background.machineBusy ?? 0) - (background.postgres ?? 0) > 0.2 || (background.postgres ?? 0) > 0.2;
  console.log(
    `machine: ${os.cpus().length} cores, ${background.machineBusy?.toFixed(2) ?? '?'} busy before the run (load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})` +
      (busyElsewhere ? ' — WARNING: the machine is not idle; figures will be low and noisy' : ''),
  );
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orgstack-bench-'));
  if (!settings.keepDatabase) cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const pglitePath = path.join(dataDir, 'pglite'); // what src/db/open.ts pglitePath() uses

  let dbUrl: string | undefined;
  if (settings.adminUrl) {
    const fresh = await createBenchDatabase(settings.adminUrl);
    if (!settings.keepDatabase) cleanups.push(fresh.drop);
    dbUrl = fresh.url;
    // BENCH_AUTO_EXPLAIN_MS: every statement of the bench database slower than this has its plan
    // logged in PostgreSQL's server log (auto_explain, for this database only).
    const explainMs = process.env.BENCH_AUTO_EXPLAIN_MS;
    if (explainMs && /^\d+$/.test(explainMs)) {
      const admin = await openRaw({ kind: 'postgres', url: settings.adminUrl, poolSize: 1, prepare: false });
      try {
        await admin.query(`alter database ${fresh.name} set session_preload_libraries = 'auto_explain'`);
        await admin.query(`alter database ${fresh.name} set auto_explain.log_min_duration = ${explainMs}`);
      } finally {
        await admin.close();
      }
    }
    console.log(`database: PostgreSQL, fresh database ${fresh.name} (pool ${settings.poolSize})`);
  } else {
    console.log(`database: embedded PGlite in ${pglitePath}`);
  }
  console.log(
    `scenarios: ${selected.map((s) => (s.connections ? `${s.name} (${s.connections} connections)` : s.name)).join(', ')}; ${settings.connections} connections unless given, ${settings.durationS} s each (+${settings.warmupS} s warmup)`,
  );

  // Seed before the server starts: PGlite's data directory has one owner at a time.
  const target = dbUrl ? ({ kind: 'postgres', url: dbUrl, poolSize: 2 } as const) : ({ kind: 'pglite', dataDir: pglitePath } as const);
  // Known before seeding: the review-page fixture signs visit cookies the server must accept.
  const secret = process.env.ORGSTACK_SECRET ?? randomBytes(32).toString('base64url');
  const seeding = await openDatabase(target);
  let fixture: Fixture;
  let migrateMs = 0;
  try {
    const m0 = performance.now();
    await migrate(seeding);
    migrateMs = performance.now() - m0;
    fixture = await seed(seeding.db, secret);
  } finally {
    await seeding.close();
  }
  const sd = fixture.seeded;
  console.log(
    `seeded: 8 tenants, ${fmtInt(sd.employees)} employees, ${fmtInt(sd.workItems ?? 0)} work items, ${fmtInt(sd.reviewSessions)} review sessions, ${fmtInt(sd.funnelDailyRows)} funnel_daily rows in ${fmtInt(sd.ms)} ms (migrations ${fmtInt(migrateMs)} ms)`,
  );

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: base,
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    DATABASE_POOL_SIZE: String(settings.poolSize),
    ORGSTACK_SECRET: secret,
    // The load generator is one address; the per-IP limit of the public forms would stop it at once.
    PUBLIC_SUBMISSIONS_PER_MINUTE: String(1_000_000_000),
  };
  // The webhook scenarios' receivers are http:// on loopback (the server then warns once).
  if (selected.some((s) => s.name.includes('webhook'))) env.WEBHOOK_ALLOW_LOOPBACK = '1';
  if (dbUrl) env.DATABASE_URL = dbUrl;
  else delete env.DATABASE_URL;
  const profDir = path.join(root, 'bench', 'results', 'prof');
  // Each garbage collection prints what was allocated since the one before: the allocation column.
  const nodeArgs = ['--trace-gc-nvp', ...(settings.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])];

  const t0 = performance.now();
  const server = await startServer({ cwd: root, env, nodeArgs });
  const startupMs = Math.round(performance.now() - t0);
  let serverRunning = true;
  cleanups.push(async () => {
    if (serverRunning) await server.stop(5000);
  });
  console.log(`server: pid ${server.child.pid} at ${base}, ready in ${startupMs} ms\n`);

  const results: ScenarioResult[] = [];
  /** Every run of every scenario (more than `results` with BENCH_REPEAT): what the audit counts. */
  const allRuns: ScenarioResult[] = [];
  const ctx: BenchContext = { base, fixture, dbUrl, serverPid: server.child.pid };
  const interleaved = new Set<string>();
  for (const [i, first] of selected.entries()) {
    if (interleaved.has(first.name)) continue;
    if (i > 0 && settings.pauseMs > 0) await sleep(settings.pauseMs); // let the flushes settle
    const partner = settings.repeat > 1 ? selected.find((x) => x.compareWith?.scenario === first.name) : undefined;
    const group = partner ? [first, partner] : [first];
    if (partner) interleaved.add(partner.name);
    const times = settings.repeat > 1 ? ` ×${settings.repeat}` : '';
    process.stdout.write(`running ${group.map((s) => s.name).join(' and ')}${times}${partner ? ', taking turns' : ''} … ${partner ? '\n' : ''}`);
    const outcomes = await runRepeated(group, fixture, base, server, ctx);
    for (const [k, { result: r, runs }] of outcomes.entries()) {
      const s = group[k];
      results.push(r);
      allRuns.push(...runs);
      const unit = s.run ? 'per s' : 'req/s';
      if (partner) process.stdout.write(`  ${s.name}: `);
      if (r.repeat) {
        const sp = r.repeat;
        console.log(
          `${sp.reqPerSec.map(fmtInt).join(', ')} ${unit}; median ${fmtInt(sp.median)}, min ${signedPct(sp.minDeviation)}, max ${signedPct(sp.maxDeviation)} — ${sp.withinTenPercent ? 'all within ±10 %' : 'NOT all within ±10 %'}`,
        );
      } else console.log(`${fmtInt(r.reqPerSec)} ${unit}, p99 ${r.p99Ms} ms`);
      for (const line of r.details ?? []) console.log(`          ${line}`);
    }
  }

  // Requests autocannon abandoned at the end of the last run may still be running (a
  // provisioning takes ~0.5 s): give them the same pause before the server stops, since its
  // shutdown does not wait for handlers whose client is gone. A graceful stop then flushes the
  // audit buffer and the rate-limit counts.
  if (settings.pauseMs > 0) await sleep(settings.pauseMs);
  const shutdown = await server.stop();
  serverRunning = false;
  if (shutdown.code !== 0) console.error(`warning: the server exited with code ${shutdown.code} (signal ${shutdown.signal})`);

  // Count what the server left behind, then measure each scenario's ceiling on the same database,
  // with the server stopped (PGlite has a single owner; on PostgreSQL it keeps the two off each
  // other's CPU).
  const raw = dbUrl
    ? await openRaw({ kind: 'postgres', url: dbUrl, poolSize: settings.poolSize, prepare: settings.ceilingPrepare })
    : await openRaw({ kind: 'pglite', dataDir: pglitePath, prepare: settings.ceilingPrepare });
  // Audit rows per (key, method, route) and rate-limit counts per key: each scenario's key is
  // checked against exactly the requests sent with it.
  const auditKey = (keyId: string | null, method: string, route: string) => `${keyId ?? '-'} ${method} ${route}`;
  const keyIds = [...new Set(allRuns.map((r) => r.keyId).filter((k): k is string => k !== null))];
  let auditRows: Map<string, number>;
  // Every row naming a key, whatever its route: a request whose client left before its body was
  // read is audited as the path it reached (`/mcp`), not as the tool it would have called.
  const auditRowsOfKey = new Map<string, number>();
  let rateCounts: Map<string, number>;
  try {
    const rows = await raw.query<{ principal_id: string | null; method: string; route: string; n: number }>(
      'select principal_id, method, route, count(*)::int as n from audit_log group by 1, 2, 3',
    );
    auditRows = new Map(rows.map((r) => [auditKey(r.principal_id, r.method, r.route), Number(r.n)]));
    for (const r of rows) if (r.principal_id) auditRowsOfKey.set(r.principal_id, (auditRowsOfKey.get(r.principal_id) ?? 0) + Number(r.n));
    rateCounts = new Map();
    for (const id of keyIds) {
      const [rl] = await raw.query<{ n: number }>('select coalesce(sum(count), 0)::int as n from rate_limit_windows where bucket = $1', [id]);
      rateCounts.set(id, Number(rl.n));
    }
    if (settings.ceiling) {
      // The route's statements are rendered by Drizzle without a connection: the very text its
      // prepared queries send.
      const renderer = drizzleMockDriver.mock({ schema }) as unknown as Db;
      for (const s of selected.filter((x) => x.ceiling)) {
        const r = results.find((x) => x.name === s.name)!;
        process.stdout.write(`running ceiling of ${s.name} (${raw.kind} driver, ${connectionsOf(s)} callers) … `);
        const before = sampleCpu(undefined);
        const c = await runCeiling(raw, s.ceiling!(fixture, renderer), connectionsOf(s), settings.durationS, settings.warmupS);
        r.ceiling = { ...c, cpu: cpuBetween(before, sampleCpu(undefined)) };
        r.ratio = c.opsPerSec > 0 ? r.reqPerSec / c.opsPerSec : 0;
        console.log(`${fmtInt(c.opsPerSec)} ops/s`);
      }
      const healthz = results.find((x) => x.name === 'healthz');
      for (const r of results) r.reach = reachOf(r, healthz);
    }
  } finally {
    await raw.close();
  }

  // ---- report ----

  const checks = selected.flatMap((s) => {
    const r = results.find((x) => x.name === s.name)!;
    return checkTargets(s, r, r.ratio ?? null, results);
  });
  const targetCell = (name: string) => {
    const c = checks.filter((x) => x.scenario === name);
    return c.length ? (c.every((x) => x.pass) ? 'PASS' : 'FAIL') : '';
  };
  const cores = (x: number | null) => (x === null ? '-' : x.toFixed(2));
  const skewed = (c: CpuUse | null) => (c?.other ?? 0) > SKEWED_OTHER_CORES;

  console.log(`\norgstack bench — ${dbKind}, ${os.cpus().length} cores, Node ${process.version}, ${startedAt.toISOString()}\n`);
  console.log(
    table(
      ['scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'ceiling/s', 'ratio', 'errors', 'non-2xx', 'server cpu', 'loadgen cpu', 'pg cpu', 'other cpu', 'alloc/req', 'target'],
      results.map((r) => [
        r.name,
        r.connections ? String(r.connections) : '-',
        fmtInt(r.reqPerSec),
        Number.isFinite(r.p50Ms) ? String(Math.round(r.p50Ms)) : '-',
        Number.isFinite(r.p99Ms) ? String(Math.round(r.p99Ms)) : '-',
        r.ceiling ? fmtInt(r.ceiling.opsPerSec) : '-',
        r.ratio !== undefined ? pct(r.ratio) : '-',
        String(r.errors),
        String(r.non2xx),
        cores(r.cpu.server),
        cores(r.cpu.loadGenerator),
        dbKind === 'postgres' ? cores(r.cpu.postgres) : '-',
        cores(r.cpu.other) + (skewed(r.cpu) ? '*' : ''),
        r.allocatedPerRequest !== undefined ? `${(r.allocatedPerRequest / 1024).toFixed(1)} KB` : '-',
        targetCell(r.name),
      ]),
      [false, true, true, true, true, true, true, true, true, true, true, true, true, true, false],
    ),
  );
  console.log("(cpu columns: cores busy on average, 1.00 = one core; 'other' is everything else, incl. the kernel's loopback networking;");
  console.log(" alloc/req: what the server's JavaScript heap allocated a request, from V8's record of each garbage collection)");
  // MCP scenarios beside their REST twins (the goal on PostgreSQL: at least 70 %).
  for (const s of selected.filter((x) => x.twin)) {
    const mine = results.find((r) => r.name === s.name)!;
    const twin = results.find((r) => r.name === s.twin);
    console.log(
      twin
        ? `${s.name}: ${fmtInt(mine.reqPerSec)} req/s vs REST ${twin.name} ${fmtInt(twin.reqPerSec)} req/s = ${pct(twin.reqPerSec ? mine.reqPerSec / twin.reqPerSec : 0)}`
        : `${s.name}: ${fmtInt(mine.reqPerSec)} req/s (run ${s.twin} too for the REST comparison)`,
    );
  }
  if (results.some((r) => r.name === 'webhook-delivery')) {
    console.log('(webhook-delivery: req/s is deliveries/s of the backlog, p50/p99 the commit→delivery latency at 500 events/s)');
  }
  for (const r of results.filter((x) => x.details?.length)) {
    console.log(`\n${r.name}:`);
    for (const line of r.details!) console.log(`  ${line}`);
  }
  if (results.some((r) => skewed(r.cpu) || skewed(r.ceiling?.cpu ?? null))) {
    console.log(`* other work used more than ${SKEWED_OTHER_CORES} cores during the run: those figures are low and noisy; rerun on an idle machine`);
  }

  const how = `${dbKind === 'postgres' ? `postgres.js, pool ${settings.poolSize}` : 'PGlite in process'}, ${settings.ceilingPrepare ? 'prepared' : 'unprepared'}`;
  for (const r of results.filter((x) => x.ceiling)) {
    const c = r.ceiling!;
    console.log(
      `\nceiling   ${r.name}: ${c.queries.length} statement(s) per operation — ${how}, ${c.concurrency} callers: ${fmtInt(c.opsPerSec)} ops/s, p50 ${c.p50Ms} ms, p99 ${c.p99Ms} ms, errors ${c.errors}; ` +
        `cpu: driver process ${cores(c.cpu.loadGenerator)}${dbKind === 'postgres' ? `, pg ${cores(c.cpu.postgres)}` : ''}, other ${cores(c.cpu.other)}${skewed(c.cpu) ? '*' : ''} cores`,
    );
    console.log(`ratio     ${r.name} ${fmtInt(r.reqPerSec)} req/s ÷ ceiling ${fmtInt(c.opsPerSec)} ops/s = ${pct(r.ratio!)}`);
    const b = r.reach;
    if (b) {
      const us = (x: number) => `${x.toFixed(1)} µs`;
      console.log(
        `bound     ${r.name}: HTTP (healthz) ${us(b.httpUs)} + driver ${us(b.driverUs)} a request → at most ${pct(b.maxRatio)} with no work of its own; its own work: ${us(b.ownUs)} a request`,
      );
    }
  }
  if (results.some((x) => x.ceiling) && !results.some((x) => x.reach)) {
    console.log('bound     not computed (run healthz in the same run, on Linux)');
  }
  if (!results.some((x) => x.ceiling)) {
    console.log(`\nceiling   not measured (${settings.ceiling ? 'no selected scenario has one' : 'BENCH_CEILING=0'})`);
  }

  // Audit completeness: every response the client received must have its row; requests the
  // client sent but abandoned at the end of a run may or may not have reached the server.
  const audited = allRuns.filter((r) => r.auditedRoute !== null);
  const audits = [...new Set(audited.map((r) => auditKey(r.keyId, r.method, r.auditedRoute!)))].map((k) => {
    const rs = audited.filter((r) => auditKey(r.keyId, r.method, r.auditedRoute!) === k);
    const sent = rs.reduce((a, r) => a + r.sent + (r.warmup?.sent ?? 0), 0);
    const completed = rs.reduce((a, r) => a + r.completed + (r.warmup?.completed ?? 0), 0);
    const rows = auditRows.get(k) ?? 0;
    const verdict = rows < completed ? `LOST ${fmtInt(completed - rows)}` : rows > sent ? `EXTRA ${fmtInt(rows - sent)}` : 'complete';
    return { scenarios: [...new Set(rs.map((r) => r.name))], keyId: rs[0].keyId, method: rs[0].method, route: rs[0].auditedRoute!, sent, completed, rows, ratio: sent ? rows / sent : null, verdict };
  });
  // Rate-limit counts per key against every request sent with it (audited or not: every
  // authenticated request is counted).
  const rateLimits = keyIds.map((keyId) => {
    const rs = allRuns.filter((r) => r.keyId === keyId);
    const sent = rs.reduce((a, r) => a + r.sent + (r.warmup?.sent ?? 0), 0);
    const answered = rs.reduce((a, r) => a + r.completed + (r.warmup?.completed ?? 0), 0);
    const counted = rateCounts.get(keyId) ?? 0;
    const auditTotal = auditRowsOfKey.get(keyId) ?? 0;
    const verdict = counted < answered ? `UNDER-COUNTED by ${fmtInt(answered - counted)}` : counted > sent ? `OVER-COUNTED by ${fmtInt(counted - sent)}` : 'exact';
    return { keyId, scenarios: [...new Set(rs.map((r) => r.name))], counted, sent, answered, verdict, admittedWithoutAuditRow: Math.max(0, counted - auditTotal) };
  });
  if (audits.length) {
    console.log('');
    for (const a of audits) {
      console.log(
        `audit     ${a.method} ${a.route} (${a.scenarios.join(', ')}): rows written / requests = ${fmtInt(a.rows)} / ${fmtInt(a.sent)} (${a.ratio === null ? '-' : pct(a.ratio)}; ${fmtInt(a.completed)} answered) — ${a.verdict}`,
      );
    }
  }
  for (const l of rateLimits) {
    console.log(`ratelimit key of ${l.scenarios.join(', ')}: counted / requests = ${fmtInt(l.counted)} / ${fmtInt(l.sent)} (${fmtInt(l.answered)} answered) — ${l.verdict}`);
    // Each admitted (counted) request must also have an audit row naming the key, including the
    // requests whose client had gone (autocannon closes its sockets at the end of each run).
    if (l.admittedWithoutAuditRow > 0) {
      console.log(`          LOST: ${fmtInt(l.admittedWithoutAuditRow)} admitted (rate-counted) requests have no audit row naming this key`);
    }
  }
  console.log(`shutdown  ${shutdown.ms} ms (exit code ${shutdown.code})`);
  if (server.problems.length) {
    console.log(`\nserver warnings/errors: ${server.problems.length}; first ones:`);
    for (const p of server.problems.slice(0, 5)) console.log(`  ${p.slice(0, 300)}`);
  }

  if (checks.length) {
    console.log(`\ntargets (${dbKind}):`);
    for (const c of checks) console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.scenario} ${c.what} ${c.target}: ${c.actual}`);
  }

  const resultsDir = path.join(root, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}-${dbKind}.json`);
  const report = {
    startedAt: startedAt.toISOString(),
    database: dbKind,
    machine: { background, loadavgAtStart: os.loadavg(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}` },
    node: process.version,
    seeded: { ...fixture.seeded, migrateMs: Math.round(migrateMs) },
    settings: { ...settings, adminUrl: settings.adminUrl ? settings.adminUrl.replace(/\/\/[^@/]*@/, '//…@') : null },
    server: { startupMs, shutdownMs: shutdown.ms, exitCode: shutdown.code, problems: server.problems.slice(0, 50) },
    skewedByOtherLoad: results.some((r) => skewed(r.cpu) || skewed(r.ceiling?.cpu ?? null)),
    scenarios: results,
    ceilingDriver: { driver: dbKind === 'postgres' ? 'postgres.js' : 'pglite', poolSize: dbKind === 'postgres' ? settings.poolSize : 1, prepared: settings.ceilingPrepare },
    ratios: Object.fromEntries(results.filter((r) => r.ratio !== undefined).map((r) => [r.name, Math.round(r.ratio! * 1000) / 1000])),
    audit: audits,
    rateLimit: rateLimits,
    targets: checks,
  };
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}

try {
  await main();
} catch (err) {
  if (err instanceof UsageError) {
    console.error(err.message);
    process.exitCode = 2;
  } else {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  }
} finally {
  await cleanup();
}
