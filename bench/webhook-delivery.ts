// `npm run bench:webhooks` (PostgreSQL): webhook delivery from committed event to acknowledged
// delivery, against a real server process and a local receiver answering 204.
//   1. burst: BENCH_WEBHOOK_EVENTS events committed at once (500 per statement); deliveries/s
//      until the receiver has had every one;
//   2. paced: 500 events/s for BENCH_WEBHOOK_SECONDS s; commit→arrival latency p50/p99.
// Like the other benchmarks it prints figures and never fails on them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, pgArray } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { MODULES } from '../src/modules.ts';
import { eventId } from '../src/platform/ids.ts';
import { mintKey } from '../src/platform/keys.ts';
import { createTenant } from '../src/platform/tenants.ts';
import { createBenchDatabase, freePort, sleep, startServer } from './lib.ts';

const root = path.resolve(import.meta.dirname, '..');
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  console.error('bench/webhook-delivery.ts needs DATABASE_URL (PostgreSQL): the embedded database belongs to the server process.');
  process.exit(2);
}
const BURST = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000);
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 10);
const SECRET = 'bench-secret-bench-secret-bench-secret-01';

const arrived = new Map<string, number>();
const receiver = http.createServer((req, res) => {
  const id = String(req.headers['webhook-id']);
  if (!arrived.has(id)) arrived.set(id, performance.now());
  req.resume();
  req.on('end', () => res.writeHead(204).end());
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const bench = await createBenchDatabase(adminUrl);
const database = await openDatabase({ kind: 'postgres', url: bench.url, poolSize: 4 });
let server: Awaited<ReturnType<typeof startServer>> | undefined;
try {
  await migrate(database);
  const tenant = await createTenant(database.db, MODULES, { name: 'Webhook bench', slug: 'webhook-bench' });
  const { key } = await mintKey(database.db, { kind: 'tenant', tenantId: tenant.id, hourlyLimit: 1_000_000_000 }, null);
  const port = await freePort();
  server = await startServer({
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: bench.url,
      ORGSTACK_SECRET: SECRET,
      WEBHOOK_ALLOW_LOOPBACK: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
  });
  const created = await fetch(`http://127.0.0.1:${port}/api/v1/tenants/${tenant.id}/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiverUrl, eventTypes: ['*'] }),
  });
  if (created.status !== 201) throw new Error(`registering the endpoint: ${created.status} ${await created.text()}`);

  /** Commits `n` events in one statement; answers their ids and the commit time. */
  const commit = async (n: number) => {
    const ids = Array.from({ length: n }, () => eventId());
    await database.db.execute(
      sql`insert into events (id, type, tenant_id, data) select id, 'tenant.updated', ${tenant.id}::uuid, '{"bench":true}'::jsonb from unnest(${pgArray(ids)}::text[]) id`,
    );
    return { ids, at: performance.now() };
  };
  const waitFor = async (ids: string[], limitMs: number) => {
    const deadline = performance.now() + limitMs;
    while (ids.some((id) => !arrived.has(id)) && performance.now() < deadline) await sleep(5);
    return ids.filter((id) => arrived.has(id)).length;
  };

  // 1. Burst.
  await waitFor((await commit(50)).ids, 30_000); // warm up
  const t0 = performance.now();
  const burstIds: string[] = [];
  for (let done = 0; done < BURST; done += 500) burstIds.push(...(await commit(Math.min(500, BURST - done))).ids);
  const got = await waitFor(burstIds, 120_000);
  const burstS = (performance.now() - t0) / 1000;

  // 2. Paced: 5 events every 10 ms.
  const paced: { ids: string[]; at: number }[] = [];
  const start = performance.now();
  for (let tick = 0; tick < SECONDS * 100; tick++) {
    paced.push(await commit(5));
    const next = start + (tick + 1) * 10;
    if (next > performance.now()) await sleep(next - performance.now());
  }
  const pacedIds = paced.flatMap((p) => p.ids);
  const pacedGot = await waitFor(pacedIds, 60_000);
  const latencies = paced.flatMap((p) => p.ids.filter((id) => arrived.has(id)).map((id) => arrived.get(id)! - p.at)).sort((a, b) => a - b);
  const q = (x: number) => latencies[Math.min(latencies.length - 1, Math.floor(x * latencies.length))]?.toFixed(0) ?? '—';

  console.log(`webhook-delivery on PostgreSQL (one endpoint, receiver answering 204)`);
  console.log(`  burst:  ${got}/${BURST} delivered in ${burstS.toFixed(2)} s = ${Math.round(got / burstS)} deliveries/s (commit to acknowledged)`);
  console.log(`  paced:  ${pacedGot}/${pacedIds.length} at 500 events/s for ${SECONDS} s; commit→arrival p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms`);
  if (server.problems.length) console.log(`  server warnings:\n    ${server.problems.slice(0, 5).join('\n    ')}`);
} finally {
  await server?.stop();
  await database.close();
  await bench.drop();
  receiver.close();
}
