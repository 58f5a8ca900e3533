// The webhook scenarios of `npm run bench`: local receivers answering 204, endpoints registered
// through the API, and what the bench measures of delivery (see bench/README.md, "Webhooks").
//
// - `webhook-delivery`: deliveries/s sustained from committed event to acknowledged delivery
//   (a backlog committed as fast as it can be, timed from the first commit to the last
//   acknowledgement), then events at 500/s and their commit→delivery latency.
//   On PostgreSQL the events are committed by this process straight into the outbox (any
//   process may write it; the server's worker fans them out as it would its own). On PGlite the
//   database belongs to the server process, so the events come from the API: create-employee
//   requests, each committing one `employee.created`.
// - `create-employee-webhooks`: create-employee in a tenant with three endpoints subscribed to
//   everything (registered before the run), compared with create-employee without webhooks.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import autocannon, { type Options } from 'autocannon';
import { sql } from 'drizzle-orm';
import { openDatabase, pgArray } from '../src/db/index.ts';
import { eventId } from '../src/platform/ids.ts';
import { cpuBetween, sampleCpu, type CpuUse } from './cpu.ts';
import { sleep } from './lib.ts';
import type { BenchKey, Fixture } from './scenarios.ts';

export interface BenchContext {
  base: string;
  fixture: Fixture;
  /** The bench database on PostgreSQL; undefined on PGlite. */
  dbUrl: string | undefined;
  serverPid: number | undefined;
}

/** A local receiver answering 204: records when each webhook-id first arrived and its event's `created`. */
export interface Receiver {
  url: string;
  /** webhook-id → arrival (Date.now(), ms) and the event's created time (ms). */
  arrived: Map<string, { at: number; created: number }>;
  /** Every request, repeats included. */
  requests: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const arrived = new Map<string, { at: number; created: number }>();
  const r = { arrived, requests: 0 } as Receiver;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      r.requests++;
      const id = String(req.headers['webhook-id']);
      if (!arrived.has(id)) {
        let created = NaN;
        try {
          created = Date.parse((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { created: string }).created);
        } catch {
          // counted, without a latency
        }
        arrived.set(id, { at, created });
      }
      res.writeHead(204).end();
    });
  });
  // Longer than the worker keeps an idle connection, as most servers are.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A run that fails half-way must still exit.
  server.unref();
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}

async function api(base: string, key: BenchKey, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${key.secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function registerEndpoint(base: string, tenantId: string, key: BenchKey, url: string): Promise<string> {
  const created = await api(base, key, 'POST', `/api/v1/tenants/${tenantId}/webhooks`, { url, eventTypes: ['*'], description: 'bench receiver' });
  return String((created.webhook as { id: string }).id);
}

export const disableEndpoint = (base: string, tenantId: string, key: BenchKey, id: string) =>
  api(base, key, 'PATCH', `/api/v1/tenants/${tenantId}/webhooks/${id}`, { enabled: false });

/** Deletes an endpoint with its deliveries: each run of create-employee-webhooks registers three (at most 20 per tenant). */
const deleteEndpoint = (base: string, tenantId: string, key: BenchKey, id: string) => api(base, key, 'DELETE', `/api/v1/tenants/${tenantId}/webhooks/${id}`);

/** Waits until `count()` reaches `expected` or `limitMs` passed; answers the count. */
async function waitFor(count: () => number, expected: number, limitMs: number): Promise<number> {
  const deadline = performance.now() + limitMs;
  while (count() < expected && performance.now() < deadline) await sleep(5);
  return count();
}

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);

export interface DeliveryResult {
  how: string;
  burst: { events: number; delivered: number; seconds: number; perSecond: number; cpu: CpuUse; duplicates: number };
  paced: { rate: number; seconds: number; events: number; delivered: number; p50Ms: number; p99Ms: number; maxMs: number; cpu: CpuUse };
}

/** A producer of events for the delivery scenario: commits `n` events as fast as it can. */
type Producer = { burst(n: number): Promise<void>; paced(ratePerS: number, seconds: number): Promise<number>; close(): Promise<void> };

/** PostgreSQL: events committed by this process, `batch` per statement. */
async function sqlProducer(dbUrl: string, tenantId: string): Promise<Producer> {
  const database = await openDatabase({ kind: 'postgres', url: dbUrl, poolSize: 2 });
  const commit = async (n: number) => {
    const ids = Array.from({ length: n }, () => eventId());
    await database.db.execute(
      sql`insert into events (id, type, tenant_id, data) select id, 'tenant.updated', ${tenantId}::uuid, '{"bench":true}'::jsonb from unnest(${pgArray(ids)}::text[]) id`,
    );
  };
  return {
    async burst(n) {
      for (let done = 0; done < n; done += 500) await commit(Math.min(500, n - done));
    },
    async paced(rate, seconds) {
      // Every 10 ms, the events of that 10 ms in one statement.
      const per = rate / 100;
      const start = performance.now();
      let sent = 0;
      for (let tick = 0; tick < seconds * 100; tick++) {
        const due = Math.round((tick + 1) * per) - sent;
        if (due > 0) await commit(due);
        sent += Math.max(0, due);
        const next = start + (tick + 1) * 10;
        if (next > performance.now()) await sleep(next - performance.now());
      }
      return sent;
    },
    close: () => database.close(),
  };
}

/** PGlite: events made through the API, one create-employee request each. */
function apiProducer(base: string, tenantId: string, key: BenchKey, shopId: string): Producer {
  const run = (opts: Partial<Options>) =>
    autocannon({
      url: `${base}/api/v1/tenants/${tenantId}/employees`,
      method: 'POST',
      headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ shopId, name: 'Webhook Bench' }),
      timeout: 10,
      ...opts,
    });
  return {
    async burst(n) {
      const r = await run({ amount: n, connections: 50 });
      if (r.non2xx || r.errors) throw new Error(`event-producing requests failed: ${r.non2xx} non-2xx, ${r.errors} errors`);
    },
    async paced(rate, seconds) {
      const r = await run({ overallRate: rate, duration: seconds, connections: 10 });
      return r['2xx'];
    },
    close: async () => {},
  };
}

export async function webhookDelivery(ctx: BenchContext, opts: { burstEvents: number; pacedRate: number; pacedSeconds: number }): Promise<DeliveryResult> {
  const { fixture: f, base } = ctx;
  const t = f.webhooks.delivery;
  const receiver = await startReceiver();
  const endpointId = await registerEndpoint(base, t.tenantId, t.manageKey, receiver.url);
  const producer = ctx.dbUrl ? await sqlProducer(ctx.dbUrl, t.tenantId) : apiProducer(base, t.tenantId, t.key, t.shopId);
  try {
    // Warm up: connections, prepared statements, the JIT.
    await producer.burst(100);
    await waitFor(() => receiver.arrived.size, 100, 30_000);

    // 1. A backlog committed as fast as it can be, from the first commit to the last acknowledgement.
    const before = receiver.arrived.size;
    const cpu0 = sampleCpu(ctx.serverPid);
    const t0 = performance.now();
    await producer.burst(opts.burstEvents);
    const got = (await waitFor(() => receiver.arrived.size, before + opts.burstEvents, 180_000)) - before;
    const seconds = (performance.now() - t0) / 1000;
    const burstCpu = cpuBetween(cpu0, sampleCpu(ctx.serverPid));
    const duplicates = receiver.requests - receiver.arrived.size;
    await sleep(500);

    // 2. A steady rate: the commit→delivery latency of each event (its `created`, the commit's
    // transaction time, to its arrival; one clock, this machine's).
    const seen = new Set(receiver.arrived.keys());
    const cpu1 = sampleCpu(ctx.serverPid);
    const sent = await producer.paced(opts.pacedRate, opts.pacedSeconds);
    const pacedCpu = cpuBetween(cpu1, sampleCpu(ctx.serverPid));
    await waitFor(() => receiver.arrived.size - seen.size, sent, 60_000);
    const latencies = [...receiver.arrived].filter(([id]) => !seen.has(id)).map(([, a]) => a.at - a.created).filter(Number.isFinite).sort((a, b) => a - b);

    return {
      how: ctx.dbUrl
        ? 'events committed straight into the outbox by the bench process (500 per statement; paced: one statement every 10 ms)'
        : 'events made by create-employee requests through the API (burst: 50 connections; paced: autocannon at the rate, 10 connections)',
      burst: { events: opts.burstEvents, delivered: got, seconds, perSecond: got / seconds, cpu: burstCpu, duplicates },
      paced: {
        rate: opts.pacedRate,
        seconds: opts.pacedSeconds,
        events: sent,
        delivered: latencies.length,
        p50Ms: quantile(latencies, 0.5),
        p99Ms: quantile(latencies, 0.99),
        maxMs: latencies.at(-1) ?? NaN,
        cpu: pacedCpu,
      },
    };
  } finally {
    await disableEndpoint(base, t.tenantId, t.manageKey, endpointId).catch(() => {});
    await producer.close();
    await receiver.close();
  }
}

/** create-employee-webhooks: three receivers and three endpoints subscribed to everything. */
export class ThreeEndpoints {
  private receivers: Receiver[] = [];
  private ids: string[] = [];

  async register(ctx: BenchContext): Promise<void> {
    const t = ctx.fixture.webhooks.load;
    this.receivers = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
    this.ids = [];
    for (const r of this.receivers) this.ids.push(await registerEndpoint(ctx.base, t.tenantId, t.manageKey, r.url));
  }

  /**
   * After the run: waits (up to `limitMs`) until every receiver has every event the run made,
   * then deletes the endpoints (with their deliveries) so later runs and scenarios go without them.
   */
  async drain(ctx: BenchContext, events: number, limitMs: number): Promise<{ events: number; delivered: number; drainSeconds: number }> {
    const t = ctx.fixture.webhooks.load;
    const t0 = performance.now();
    const total = () => this.receivers.reduce((a, r) => a + r.arrived.size, 0);
    // `events` counts the answered requests; one abandoned at the end of the run may have made
    // an event too, so wait until the count is reached and then stays put for a second.
    let delivered = await waitFor(total, events * this.receivers.length, limitMs);
    for (let last = -1; delivered !== last && performance.now() - t0 < limitMs; ) {
      last = delivered;
      await sleep(1000);
      delivered = total();
    }
    const drainSeconds = (performance.now() - t0) / 1000;
    for (const id of this.ids) await deleteEndpoint(ctx.base, t.tenantId, t.manageKey, id).catch(() => {});
    await Promise.all(this.receivers.map((r) => r.close()));
    return { events: events * this.receivers.length, delivered, drainSeconds };
  }
}
