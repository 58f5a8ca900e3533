// What `npm run bench` measures. To add a scenario: seed what it needs in `seed` (the data lands
// in `Fixture`), then append an entry to `scenarios`. Each runs against the live server with
// autocannon; `auditedRoute` (the Fastify route pattern) and `credential` (the key it sends) let
// the harness check that every request to an audited route left exactly one audit row and one
// rate-limit count.
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { pgArray, sentQuery, type Db } from '../src/db/index.ts';
import { tenantById } from '../src/platform/tenants.ts';
import { employeePage } from '../src/reviews/employees.ts';
import { shopPage } from '../src/reviews/shops.ts';
import { decisionPage } from '../src/work/decisions.ts';
import { taskById } from '../src/work/views.ts';
import { uuidv7 } from '../src/platform/ids.ts';
import { mintKey, tenantKeyPage } from '../src/platform/keys.ts';
import { windowCounts } from '../src/platform/rate-limits.ts';
import { MODULES } from '../src/modules.ts';
import { createTenant } from '../src/platform/tenants.ts';
import { VisitSigner, VISIT_COOKIE } from '../src/reviews/pages/visit.ts';
import type { CpuUse } from './cpu.ts';
import { ThreeEndpoints, webhookDelivery, type BenchContext } from './webhooks.ts';

/** Far above anything a run can send, so the rate limiter admits everything (it still counts). */
export const BENCH_HOURLY_LIMIT = 1_000_000_000;
/** Keys the main tenant holds in total, so the api-keys list returns a realistic page. */
const TENANT_KEYS = 10;

/** What an MCP client sends with each message after initialize (2025-era, stateless). */
const MCP_HEADERS = { accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
const mcpCall = (id: number, name: string, args: Record<string, unknown>) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

/** The feedback tenant: review sessions that left private feedback, over the last year. */
const FEEDBACK_SESSIONS = 20_000;
const FEEDBACK_SHOPS = 5;
const FEEDBACK_EMPLOYEES = 100;
const FEEDBACK_SPAN_DAYS = 365;

/** The analytics tenant: one funnel_daily row per employee and day. */
const ANALYTICS_SHOPS = 4;
const ANALYTICS_EMPLOYEES = 200;
const ANALYTICS_DAYS = 90;

/** The review-page tenant: one employee's link and this many open visits (scanned, not yet rated). */
const REVIEW_VISITS = 5000;
const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36';

/** The Work API memory tenant: searchable items in one workspace (orgx-search). */
const WORK_INITIATIVES = 2000;
const WORK_WORKSTREAMS_PER_INITIATIVE = 2;
const WORK_TASKS_PER_WORKSTREAM = 22;
const WORK_DECISIONS = 6000;
const WORK_ARTIFACTS = 4000;
/** Distinct two-word queries orgx-search cycles through (each taken from a seeded title). */
const WORK_QUERIES = 500;
/** The Work API live tenant: initiatives in play (live-initiatives), each with a workstream (create-task). */
const LIVE_INITIATIVES = 60;
/** Tasks already in each of its workstreams, and how many of them are done. */
const LIVE_TASKS = 50;
const LIVE_TASKS_DONE = 20;

/** The list tenant: employees across its shops (list-employees reads 50 of them), and shops (list-shops). */
const LIST_EMPLOYEES = 5050;
const LIST_SHOPS = 60;
/** The page size the list scenarios ask for. */
const LIST_PAGE = 50;

/** Rows per seeding statement (one array parameter per column, so no parameter limit applies). */
const SEED_CHUNK = 5000;

/** A webhook scenario's tenant: `key` makes the events, `manageKey` registers the endpoints. */
export interface WebhookTenant {
  tenantId: string;
  key: BenchKey;
  manageKey: BenchKey;
  shopId: string;
}

export interface BenchKey {
  /** The api_keys id: the rate-limit bucket and the audit rows' principal_id. */
  id: string;
  /** The secret sent as `Authorization: Bearer …`. */
  secret: string;
}

export interface Fixture {
  /** The main tenant (get-tenant, list-api-keys, create-employee). */
  tenantId: string;
  /** A tenant key of the main tenant with every tenant permission and BENCH_HOURLY_LIMIT. */
  tenantKey: BenchKey;
  /** The ids of the main tenant's TENANT_KEYS keys (list-api-keys' ceiling reads their counts). */
  tenantKeyIds: string[];
  /** The main tenant's (default) shop, where create-employee adds its employees. */
  shopId: string;
  /** A tenant with FEEDBACK_SESSIONS feedback sessions, and its key. */
  feedback: { tenantId: string; key: BenchKey; sessions: number };
  /** A tenant with ANALYTICS_EMPLOYEES employees and ANALYTICS_DAYS days of rollups, and its key. */
  analytics: { tenantId: string; key: BenchKey; employees: number; rollupRows: number; feedbackSessions: number };
  /** A platform key (every permission, BENCH_HOURLY_LIMIT) for POST /tenants. */
  platformKey: BenchKey;
  /** The public review page: an employee's code, a returning visitor's cookie, and open visits to rate in. */
  reviewPage: { code: string; returningCookie: string; visits: { cookie: string; csrf: string }[] };
  /** Work API: a workspace of LIVE_INITIATIVES active initiatives with one workstream each, its key, and one of its tasks (get-task). */
  work: { tenantId: string; key: BenchKey; workstreamIds: string[]; taskId: string };
  /** A tenant with LIST_SHOPS shops and LIST_EMPLOYEES employees, and its key (list-employees, list-shops). */
  lists: { tenantId: string; key: BenchKey };
  /** Work API memory: a workspace of ~100,000 searchable items, its key, and two-word queries. */
  memory: { tenantId: string; key: BenchKey; items: number; queries: string[] };
  /**
   * Webhooks: a tenant whose one endpoint the webhook-delivery scenario registers, and one whose
   * three endpoints create-employee-webhooks registers (each with a shop, where events are made).
   */
  webhooks: { delivery: WebhookTenant; load: WebhookTenant };
  /** A short random tag of this run, so names made during the run never collide with another's. */
  runTag: string;
  /** What seeding made and how long it took, for the log and the JSON. */
  seeded: Record<string, number>;
}

// ---- seeding helpers ----

/** A small deterministic PRNG (mulberry32): every run seeds the same data. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}

/** A PostgreSQL array literal (`{"a",NULL}`), bound as one text parameter and cast. */
function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}

/**
 * Inserts `rows` (one value per column, in `columns` order) with one
 * `insert … select * from unnest($1::t1[], $2::t2[], …)` per SEED_CHUNK rows: cheap to build
 * and the same statement shape on both drivers.
 */
async function bulkInsert(db: Db, table: string, columns: readonly (readonly [name: string, pgType: string])[], rows: readonly unknown[][]) {
  for (let i = 0; i < rows.length; i += SEED_CHUNK) {
    const chunk = rows.slice(i, i + SEED_CHUNK);
    const arrays = columns.map(([, type], c) => sql`${arrayLiteral(chunk.map((r) => r[c]))}::${sql.raw(type)}[]`);
    await db.execute(
      sql`insert into ${sql.raw(table)} (${sql.raw(columns.map(([n]) => n).join(', '))}) select * from unnest(${sql.join(arrays, sql`, `)})`,
    );
  }
}

const DAY_MS = 86_400_000;
/** The UTC calendar day of `ms` (the seeded tenants keep the default time zone, UTC). */
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function benchKey(db: Db, tenantId: string | null, name: string): Promise<BenchKey> {
  // minter = null: the operator's path, so no cap from a minting key applies to the limit.
  const minted = await mintKey(db, { kind: tenantId ? 'tenant' : 'platform', tenantId, name, hourlyLimit: BENCH_HOURLY_LIMIT }, null);
  return { id: minted.apiKey.id, secret: minted.key };
}

/** Live shops and active employees of a seeded tenant (codes are unique across all tenants). */
async function seedStaff(db: Db, tenantId: string, shopCount: number, employeeCount: number, tag: string) {
  const now = new Date().toISOString();
  const shops = Array.from({ length: shopCount }, (_, i) => ({ id: uuidv7(), name: `Branch ${i + 1}` }));
  await bulkInsert(
    db,
    'shops',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['name', 'text'], ['is_default', 'boolean'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']],
    shops.map((s, i) => [tenantId, s.id, s.name, i === 0, now, now]),
  );
  const employees = Array.from({ length: employeeCount }, (_, i) => ({ id: uuidv7(), shopId: shops[i % shopCount].id, name: `Staff ${i + 1}`, code: `b${tag}${i}` }));
  await bulkInsert(
    db,
    'employees',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['shop_id', 'uuid'], ['name', 'text'], ['code', 'text'], ['active', 'boolean'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']],
    employees.map((e) => [tenantId, e.id, e.shopId, e.name, e.code, true, now, now]),
  );
  return { shops, employees };
}

const SESSION_COLUMNS = [
  ['tenant_id', 'uuid'],
  ['id', 'uuid'],
  ['shop_id', 'uuid'],
  ['employee_id', 'uuid'],
  ['scanned_at', 'timestamptz'],
  ['scan_day', 'date'],
  ['rating', 'smallint'],
  ['positive', 'boolean'],
  ['rated_at', 'timestamptz'],
  ['rating_day', 'date'],
  ['feedback_message', 'text'],
  ['feedback_contact', 'text'],
  ['feedback_at', 'timestamptz'],
  ['feedback_day', 'date'],
  ['resolved', 'boolean'],
  ['resolved_at', 'timestamptz'],
  ['created_at', 'timestamptz'],
] as const;

const MESSAGES = [
  'Waited over twenty minutes past my appointment time and nobody told me why.',
  'The staff were friendly but the room was cold and the music far too loud.',
  'Billing charged me twice for the same visit; please call me back about it.',
  'Parking was impossible and the entrance is hard to find from the street.',
  '等了很久才有人接待，希望可以改进预约流程。',
  'My booking was lost and I had to explain everything again at the desk.',
  'Good result in the end, but the price was not what I was quoted on the phone.',
];

/** One review session that scanned, rated low and left feedback at `at` (ms), as the funnel writes it. */
function feedbackSession(r: ReturnType<typeof prng>, tenantId: string, shopId: string, employeeId: string, at: number, resolvedShare: number): unknown[] {
  const scanned = at - r.int(30, 300) * 1000;
  const rated = at - r.int(5, 29) * 1000;
  const resolved = r.next() < resolvedShare;
  const resolvedAt = Math.min(at + r.int(1, 72) * 3_600_000, Date.now());
  const iso = (ms: number) => new Date(ms).toISOString();
  return [
    tenantId,
    uuidv7(scanned),
    shopId,
    employeeId,
    iso(scanned),
    utcDay(scanned),
    r.int(1, 3),
    false,
    iso(rated),
    utcDay(rated),
    r.pick(MESSAGES),
    r.next() < 0.4 ? `customer${r.int(1, 99_999)}@example.com` : null,
    iso(at),
    utcDay(at),
    resolved,
    resolved ? iso(resolvedAt) : null,
    iso(scanned),
  ];
}

/**
 * The review-page tenant: a shop with a Google Place ID and a Xiaohongshu handle, one employee,
 * three templates, and REVIEW_VISITS scanned visits with the cookies and CSRF tokens the server
 * (started with the same ORGSTACK_SECRET) will accept.
 */
async function seedReviewPage(db: Db, secret: string, runTag: string): Promise<Fixture['reviewPage']> {
  const tenant = await createTenant(db, MODULES, { slug: `bench-reviews-${runTag}`, name: 'Bench Review Spa', vertical: 'beauty' });
  const shopId = uuidv7();
  const employeeId = uuidv7();
  const code = `r${runTag}x1`;
  await bulkInsert(
    db,
    'shops',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['name', 'text'], ['is_default', 'boolean'], ['google_place_id', 'text'], ['xhs_handle', 'text']],
    [[tenant.id, shopId, 'Harbour Street', true, 'ChIJN1t_tDeuEmsRUsoyG83frY4', 'benchspa']],
  );
  await bulkInsert(db, 'employees', [['tenant_id', 'uuid'], ['id', 'uuid'], ['shop_id', 'uuid'], ['name', 'text'], ['code', 'text']], [[tenant.id, employeeId, shopId, 'Mei Lin', code]]);
  const bodies = [
    'Mei was attentive and the massage was exactly what I needed. Spotless rooms and easy booking.',
    'Lovely, calm place. The staff took time to understand what I wanted and the result was great.',
    'Friendly team, on time, fair prices. I will be back next month.',
    'Great facial, relaxing music and a warm welcome at the desk.',
  ];
  await bulkInsert(
    db,
    'templates',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['vertical', 'text'], ['language', 'text'], ['body', 'text'], ['sort_order', 'int']],
    bodies.map((b, i) => [tenant.id, uuidv7(), 'beauty', 'en', b, i]),
  );
  const now = Date.now();
  const ids = Array.from({ length: REVIEW_VISITS }, (_, i) => uuidv7(now - (REVIEW_VISITS - i) * 10));
  await bulkInsert(
    db,
    'review_sessions',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['shop_id', 'uuid'], ['employee_id', 'uuid'], ['scanned_at', 'timestamptz'], ['scan_day', 'date']],
    ids.map((id) => [tenant.id, id, shopId, employeeId, new Date(now).toISOString(), utcDay(now)]),
  );
  const signer = new VisitSigner(secret);
  const cookieOf = (sessionId: string, rating: number | null) => `${VISIT_COOKIE}=${signer.encode(code, { sessionId, rating, feedbackSent: false })}`;
  return {
    code,
    // A returning visitor who already rated 5: the page renders its fullest state (buttons, templates).
    returningCookie: cookieOf(ids[0], 5),
    visits: ids.map((id) => ({ cookie: cookieOf(id, null), csrf: signer.csrfToken(id) })),
  };
}

// ---- Work API ----

/** The live workspace: LIVE_INITIATIVES active initiatives, each with one active workstream of LIVE_TASKS tasks. */
async function seedWorkLive(db: Db, runTag: string): Promise<Fixture['work']> {
  const tenant = await createTenant(db, MODULES, { slug: `bench-work-${runTag}`, name: 'Bench Work Co', vertical: 'clinic' });
  const key = await benchKey(db, tenant.id, 'bench work');
  const now = Date.now();
  const initiatives = Array.from({ length: LIVE_INITIATIVES }, (_, i) => ({ id: uuidv7(now - (LIVE_INITIATIVES - i) * 1000), n: i + 1 }));
  const iso = (ms: number) => new Date(ms).toISOString();
  await bulkInsert(
    db,
    'initiatives',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['title', 'text'], ['summary', 'text'], ['status', 'text'], ['priority', 'text'], ['task_count', 'int'], ['done_count', 'int'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']],
    initiatives.map((x) => [tenant.id, x.id, `Initiative ${x.n}`, `Goals and scope of initiative ${x.n}`, 'active', 'medium', LIVE_TASKS, LIVE_TASKS_DONE, iso(now - (LIVE_INITIATIVES - x.n) * 1000), iso(now)]),
  );
  const workstreamIds = initiatives.map(() => uuidv7());
  await bulkInsert(
    db,
    'workstreams',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['initiative_id', 'uuid'], ['name', 'text'], ['status', 'text'], ['task_count', 'int'], ['done_count', 'int'], ['last_sequence', 'int']],
    initiatives.map((x, i) => [tenant.id, workstreamIds[i], x.id, 'Delivery', 'active', LIVE_TASKS, LIVE_TASKS_DONE, LIVE_TASKS]),
  );
  // Work already under way, so the planner's statistics know this workspace has tasks, and each
  // new task moves its initiative's progress (an initiative.updated event per create-task).
  const taskRows = initiatives.flatMap((x, i) =>
    Array.from({ length: LIVE_TASKS }, (_, n) => [tenant.id, uuidv7(), x.id, workstreamIds[i], `Task ${n + 1} of initiative ${x.n}`, n < LIVE_TASKS_DONE ? 'done' : 'todo', n + 1]),
  );
  await bulkInsert(
    db,
    'tasks',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['initiative_id', 'uuid'], ['workstream_id', 'uuid'], ['title', 'text'], ['status', 'text'], ['sequence', 'int']],
    taskRows,
  );
  // A task still to do, in the middle of the workspace (get-task).
  const taskId = String(taskRows[Math.floor(taskRows.length / 2) + LIVE_TASKS_DONE][1]);
  return { tenantId: tenant.id, key, workstreamIds, taskId };
}

/** Words of the memory corpus: common work words, then generated ones (a long tail, as real text has). */
function vocabulary(r: ReturnType<typeof prng>): string[] {
  const common = `launch pricing invoice billing customer onboarding churn campaign landing page email headline budget vendor contract security audit
    compliance privacy policy deploy pipeline release rollback latency database migration index backup dashboard report metrics funnel retention
    hiring interview roadmap quarter strategy partner integration webhook payment checkout refund support ticket escalation outage incident
    review approval design prototype research survey feedback analytics forecast revenue margin inventory shipping warehouse supplier legal`
    .split(/\s+/)
    .filter(Boolean);
  const syllables = ['ka', 'lo', 'mi', 'ren', 'tor', 'vel', 'sin', 'dar', 'po', 'quen', 'bri', 'sto', 'fal', 'nex', 'or', 'ul', 'tra', 'mon', 'ze', 'gar'];
  const words = new Set(common);
  while (words.size < 1000) words.add(Array.from({ length: r.int(2, 3) }, () => r.pick(syllables)).join(''));
  return [...words];
}

/**
 * The memory workspace: WORK_INITIATIVES initiatives × WORK_WORKSTREAMS_PER_INITIATIVE
 * workstreams × WORK_TASKS_PER_WORKSTREAM tasks, WORK_DECISIONS decisions and WORK_ARTIFACTS
 * artifacts (100,000 searchable items), titles of 4–7 and bodies of 12–30 words from a 1,000-word
 * vocabulary; and WORK_QUERIES two-word queries, each two adjacent, different words of a seeded title.
 */
async function seedWorkMemory(db: Db, runTag: string): Promise<Fixture['memory']> {
  const tenant = await createTenant(db, MODULES, { slug: `bench-memory-${runTag}`, name: 'Bench Memory Co', vertical: 'clinic' });
  const key = await benchKey(db, tenant.id, 'bench memory');
  const r = prng(7);
  const vocab = vocabulary(r);
  const words = (lo: number, hi: number) => Array.from({ length: r.int(lo, hi) }, () => r.pick(vocab)).join(' ');
  const title = () => {
    const t = words(4, 7);
    return t[0].toUpperCase() + t.slice(1);
  };
  const now = Date.now();
  const at = () => new Date(now - r.int(0, 180 * 24 * 60) * 60_000).toISOString();
  const t = tenant.id;

  const initiatives = Array.from({ length: WORK_INITIATIVES }, () => ({ id: uuidv7(), title: title(), at: at() }));
  const workstreams = initiatives.flatMap((i) => Array.from({ length: WORK_WORKSTREAMS_PER_INITIATIVE }, (_, k) => ({ id: uuidv7(), initiativeId: i.id, name: `Stream ${k + 1}` })));
  const taskRows: unknown[][] = [];
  const titles: string[] = [];
  const counts = new Map<string, { tasks: number; done: number }>();
  for (const w of workstreams) {
    const c = counts.get(w.initiativeId) ?? { tasks: 0, done: 0 };
    for (let k = 0; k < WORK_TASKS_PER_WORKSTREAM; k++) {
      const status = r.pick(['todo', 'todo', 'in_progress', 'done', 'done', 'blocked'] as const);
      const tt = title();
      titles.push(tt);
      const when = at();
      taskRows.push([t, uuidv7(), w.initiativeId, w.id, tt, words(12, 30), status, r.pick(['low', 'medium', 'high']), k + 1, when, when]);
      c.tasks++;
      if (status === 'done') c.done++;
    }
    counts.set(w.initiativeId, c);
  }
  await bulkInsert(
    db,
    'initiatives',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['title', 'text'], ['summary', 'text'], ['status', 'text'], ['priority', 'text'], ['task_count', 'int'], ['done_count', 'int'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']],
    initiatives.map((i) => [t, i.id, i.title, words(12, 30), r.pick(['active', 'active', 'draft', 'at_risk', 'completed']), 'medium', counts.get(i.id)!.tasks, counts.get(i.id)!.done, i.at, i.at]),
  );
  await bulkInsert(
    db,
    'workstreams',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['initiative_id', 'uuid'], ['name', 'text'], ['status', 'text'], ['task_count', 'int'], ['last_sequence', 'int']],
    workstreams.map((w) => [t, w.id, w.initiativeId, w.name, 'active', WORK_TASKS_PER_WORKSTREAM, WORK_TASKS_PER_WORKSTREAM]),
  );
  await bulkInsert(
    db,
    'tasks',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['initiative_id', 'uuid'], ['workstream_id', 'uuid'], ['title', 'text'], ['description', 'text'], ['status', 'text'], ['priority', 'text'], ['sequence', 'int'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']],
    taskRows,
  );
  await bulkInsert(
    db,
    'decisions',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['title', 'text'], ['summary', 'text'], ['urgency', 'text'], ['status', 'text'], ['initiative_id', 'uuid'], ['requested_by_type', 'text'], ['due_at', 'timestamptz'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']],
    Array.from({ length: WORK_DECISIONS }, () => {
      const when = at();
      return [t, uuidv7(), title(), words(12, 30), r.pick(['low', 'medium', 'high', 'critical']), r.pick(['pending', 'approved', 'rejected']), r.pick(initiatives).id, 'agent', when, when, when];
    }),
  );
  await bulkInsert(
    db,
    'artifacts',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['entity_type', 'text'], ['entity_id', 'uuid'], ['initiative_id', 'uuid'], ['name', 'text'], ['artifact_type', 'text'], ['artifact_url', 'text'], ['preview_markdown', 'text'], ['status', 'text'], ['created_by_type', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']],
    Array.from({ length: WORK_ARTIFACTS }, (_, k) => {
      const i = r.pick(initiatives);
      const when = at();
      return [t, uuidv7(), 'initiative', i.id, i.id, title(), 'document', `https://files.example.com/${k}`, words(12, 30), r.pick(['draft', 'in_review', 'approved']), 'agent', when, when];
    }),
  );
  // Two different words (a title may repeat one, and "x x" is a one-word query).
  const queries: string[] = [];
  while (queries.length < WORK_QUERIES) {
    const w = r.pick(titles).toLowerCase().split(' ');
    const a = r.int(0, w.length - 2);
    if (w[a] !== w[a + 1]) queries.push(`${w[a]} ${w[a + 1]}`);
  }
  return { tenantId: t, key, items: initiatives.length + taskRows.length + WORK_DECISIONS + WORK_ARTIFACTS, queries };
}

/** A tenant with a default shop and a bench key, for the webhook scenarios (endpoints come later, through the API). */
async function seedWebhookTenant(db: Db, runTag: string, tag: string) {
  const tenant = await createTenant(db, MODULES, { slug: `bench-webhooks-${tag}-${runTag}`, name: `Bench Webhooks ${tag}`, vertical: 'clinic' });
  const key = await benchKey(db, tenant.id, `bench webhooks ${tag}`);
  // Endpoints are registered and disabled with a key of their own, so the load key's rate-limit
  // count is exactly the requests the load generator sent with it.
  const manageKey = await benchKey(db, tenant.id, `bench webhooks ${tag} (endpoints)`);
  const shopId = uuidv7();
  await bulkInsert(db, 'shops', [['tenant_id', 'uuid'], ['id', 'uuid'], ['name', 'text'], ['is_default', 'boolean']], [[tenant.id, shopId, 'Bench Webhooks', true]]);
  return { tenantId: tenant.id, key, manageKey, shopId };
}

/** Seeds a migrated, otherwise empty database (the server is not running yet, and will use `secret`). */
export async function seed(db: Db, secret: string): Promise<Fixture> {
  const runTag = Math.random().toString(36).slice(2, 8);
  const seeded: Record<string, number> = {};
  const t0 = performance.now();

  // The main tenant: get-tenant, list-api-keys, and create-employee in its default shop.
  const tenant = await createTenant(db, MODULES, { slug: `bench-${runTag}`, name: 'Bench Dental', vertical: 'clinic' });
  const tenantKey = await benchKey(db, tenant.id, 'bench');
  const tenantKeyIds = [tenantKey.id];
  for (let i = 1; i < TENANT_KEYS; i++) {
    tenantKeyIds.push((await mintKey(db, { kind: 'tenant', tenantId: tenant.id, name: `bench filler ${i}` }, null)).apiKey.id);
  }
  const shopId = uuidv7();
  await bulkInsert(
    db,
    'shops',
    [['tenant_id', 'uuid'], ['id', 'uuid'], ['name', 'text'], ['is_default', 'boolean']],
    [[tenant.id, shopId, 'Bench Dental', true]],
  );
  const platformKey = await benchKey(db, null, 'bench platform');

  // The feedback tenant: FEEDBACK_SESSIONS sessions with feedback over the last year, 60 % resolved.
  const r = prng(4);
  const fbTenant = await createTenant(db, MODULES, { slug: `bench-feedback-${runTag}`, name: 'Bench Feedback Clinic', vertical: 'clinic' });
  const fbKey = await benchKey(db, fbTenant.id, 'bench feedback');
  const fbStaff = await seedStaff(db, fbTenant.id, FEEDBACK_SHOPS, FEEDBACK_EMPLOYEES, `f${runTag}`);
  const now = Date.now();
  const fbRows = Array.from({ length: FEEDBACK_SESSIONS }, () => {
    const e = r.pick(fbStaff.employees);
    return feedbackSession(r, fbTenant.id, e.shopId, e.id, now - Math.floor(r.next() * FEEDBACK_SPAN_DAYS * DAY_MS), 0.6);
  });
  await bulkInsert(db, 'review_sessions', SESSION_COLUMNS, fbRows);

  // The analytics tenant: one rollup row per employee and day of the 90-day window ending today
  // (UTC, the tenant's time zone), and the feedback sessions behind their `feedback` counts
  // (the report's unresolvedFeedback counts those sessions).
  const anTenant = await createTenant(db, MODULES, { slug: `bench-analytics-${runTag}`, name: 'Bench Analytics Salon', vertical: 'beauty' });
  const anKey = await benchKey(db, anTenant.id, 'bench analytics');
  const anStaff = await seedStaff(db, anTenant.id, ANALYTICS_SHOPS, ANALYTICS_EMPLOYEES, `a${runTag}`);
  const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  const rollups: unknown[][] = [];
  const anSessions: unknown[][] = [];
  for (let d = ANALYTICS_DAYS - 1; d >= 0; d--) {
    const dayStart = today - d * DAY_MS;
    const day = utcDay(dayStart);
    for (const e of anStaff.employees) {
      const scans = r.int(0, 20);
      const ratings = Math.round(scans * (0.5 + r.next() * 0.4));
      const negative = Math.round(ratings * r.next() * 0.25);
      const positive = ratings - negative;
      const ratingSum = positive * r.int(4, 5) + negative * r.int(1, 3);
      const googleClicks = Math.round(positive * (0.4 + r.next() * 0.4));
      const xhsClicks = Math.round((positive - googleClicks) * r.next() * 0.5);
      const feedback = Math.min(negative, r.next() < 0.3 ? r.int(1, 2) : 0);
      rollups.push([anTenant.id, day, e.shopId, e.id, scans, ratings, ratingSum, positive, negative, googleClicks, xhsClicks, feedback]);
      for (let k = 0; k < feedback; k++) {
        // Within the day, and not in the future (today's rows stay before now).
        const at = dayStart + Math.floor(r.next() * Math.min(DAY_MS - 1, Math.max(1, now - dayStart - 1)));
        anSessions.push(feedbackSession(r, anTenant.id, e.shopId, e.id, Math.max(dayStart + 300_000, at), 0.7));
      }
    }
  }
  await bulkInsert(
    db,
    'funnel_daily',
    [
      ['tenant_id', 'uuid'],
      ['day', 'date'],
      ['shop_id', 'uuid'],
      ['employee_id', 'uuid'],
      ['scans', 'int'],
      ['ratings', 'int'],
      ['rating_sum', 'int'],
      ['positive', 'int'],
      ['negative', 'int'],
      ['google_clicks', 'int'],
      ['xhs_clicks', 'int'],
      ['feedback', 'int'],
    ],
    rollups,
  );
  await bulkInsert(db, 'review_sessions', SESSION_COLUMNS, anSessions);
  const listTenant = await createTenant(db, MODULES, { slug: `bench-lists-${runTag}`, name: 'Bench Lists Clinic', vertical: 'clinic' });
  const listKey = await benchKey(db, listTenant.id, 'bench lists');
  await seedStaff(db, listTenant.id, LIST_SHOPS, LIST_EMPLOYEES, `l${runTag}`);
  const reviewPage = await seedReviewPage(db, secret, runTag);
  const webhooks = { delivery: await seedWebhookTenant(db, runTag, 'delivery'), load: await seedWebhookTenant(db, runTag, 'load') };
  const work = await seedWorkLive(db, runTag);
  const memory = await seedWorkMemory(db, runTag);
  // Fresh statistics, and the GIN indexes' pending lists merged (bulk inserts land there, and every
  // search would scan them), as autovacuum keeps a long-lived database.
  await db.execute(sql`vacuum analyze`);

  seeded.reviewSessions = fbRows.length + anSessions.length;
  seeded.funnelDailyRows = rollups.length;
  seeded.employees = fbStaff.employees.length + anStaff.employees.length + LIST_EMPLOYEES;
  seeded.workItems = memory.items;
  seeded.ms = Math.round(performance.now() - t0);
  return {
    tenantId: tenant.id,
    tenantKey,
    tenantKeyIds,
    shopId,
    feedback: { tenantId: fbTenant.id, key: fbKey, sessions: fbRows.length },
    analytics: { tenantId: anTenant.id, key: anKey, employees: anStaff.employees.length, rollupRows: rollups.length, feedbackSessions: anSessions.length },
    platformKey,
    reviewPage,
    work,
    lists: { tenantId: listTenant.id, key: listKey },
    memory,
    webhooks,
    runTag,
    seeded,
  };
}

// ---- scenarios ----

export interface Targets {
  /** Average requests per second at least this. */
  minRps?: number;
  /** 99th percentile latency at most this many milliseconds. */
  maxP99Ms?: number;
  /** req/s ÷ the driver-only ceiling at least this (0–1). */
  minCeilingRatio?: number;
}

export interface Scenario {
  name: string;
  /** One line for the README and the JSON. */
  description: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path(f: Fixture): string;
  /** The API key sent as `Authorization: Bearer`; its id is the rate-limit bucket checked after the run. */
  credential?(f: Fixture): BenchKey;
  headers?(f: Fixture): Record<string, string>;
  /** One JSON body sent with every request. */
  body?(f: Fixture): unknown;
  /**
   * A fresh JSON body for each request instead (`n` counts the scenario's requests, warmup
   * included, from 0): for routes whose requests must differ, such as names that must be new.
   */
  bodyEach?(f: Fixture, n: number): unknown;
  /** Or a whole request of its own (headers added, raw body) for each request: a form post per visit. */
  requestEach?(f: Fixture, n: number): { headers?: Record<string, string>; body?: string };
  /** autocannon connections for this scenario; the harness default (BENCH_CONNECTIONS, 50) otherwise. */
  connections?: number;
  /** The Fastify route pattern when the route writes audit rows (authenticated surfaces). */
  auditedRoute?: string;
  /**
   * The statements one request of this route runs, as the route sends them (its prepared
   * queries' own text, `sentQuery`): the harness runs them straight through the driver, issued
   * together as the route issues them, at the scenario's concurrency, and divides the scenario's
   * req/s by that rate (its ceiling). `db` only renders SQL (it has no connection).
   */
  ceiling?(f: Fixture, db: Db): CeilingStatement[];
  /** The REST scenario this one is the MCP twin of: the report prints both req/s and the ratio. */
  twin?: string;
  targets?: { postgres?: Targets; pglite?: Targets };
  /**
   * Not an autocannon run: the scenario measures something else (webhook delivery) itself. Its
   * `reqPerSec` column is then its own rate (deliveries/s) and p50/p99 its own latencies.
   */
  run?(ctx: BenchContext): Promise<CustomRun>;
  /** Before each of its runs (the first one's warmup included), e.g. registering webhook endpoints. */
  before?(ctx: BenchContext): Promise<void>;
  /** After each run, with the requests it answered (warmup included): lines for the report and JSON. */
  after?(ctx: BenchContext, answered: number): Promise<{ details: string[]; data: unknown }>;
  /** Its req/s at least this share of another scenario's in the same run (both must run). */
  compareWith?: { scenario: string; minRatio: { postgres?: number; pglite?: number } };
}

/** One statement of a ceiling: its text and the values bound. */
export interface CeilingStatement {
  sql: string;
  params: unknown[];
}

/** What a scenario with its own `run` reports. */
export interface CustomRun {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  completed: number;
  cpu: CpuUse;
  details: string[];
  data: unknown;
}

const webhookLoad = new ThreeEndpoints();
const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} ms` : '—');
const cores = (c: CpuUse) => `server ${c.server?.toFixed(2) ?? '-'}, pg ${c.postgres?.toFixed(2) ?? '-'}, bench ${c.loadGenerator.toFixed(2)}, other ${c.other?.toFixed(2) ?? '-'} cores`;

export const scenarios: Scenario[] = [
  {
    name: 'get-tenant',
    description:
      'GET /api/v1/tenants/{id} with a tenant key: auth (cached key), rate limit, one primary-key SELECT, zod response serialization, one audit row.',
    method: 'GET',
    path: (f) => `/api/v1/tenants/${f.tenantId}`,
    credential: (f) => f.tenantKey,
    auditedRoute: '/api/v1/tenants/:tenantId',
    ceiling: (f, db) => [sentQuery(tenantById(db), { id: f.tenantId })],
    targets: {
      postgres: { minRps: 8000, maxP99Ms: 25, minCeilingRatio: 0.6 },
      pglite: { minRps: 2500 },
    },
  },
  {
    name: 'list-api-keys',
    description: `GET /api/v1/tenants/{id}/api-keys (${TENANT_KEYS} keys): the same request path with two prepared statements (the page, then the keys' requests this hour; a page shorter than its limit needs no count) and a larger body.`,
    method: 'GET',
    path: (f) => `/api/v1/tenants/${f.tenantId}/api-keys`,
    credential: (f) => f.tenantKey,
    auditedRoute: '/api/v1/tenants/:tenantId/api-keys',
    // The route waits for the page, then reads the counts; the ceiling sends both at once.
    ceiling: (f, db) => [
      sentQuery(tenantKeyPage(db), { t: f.tenantId, limit: 100, offset: 0 }),
      sentQuery(windowCounts(db), { start: new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString(), buckets: pgArray(f.tenantKeyIds) }),
    ],
    targets: { postgres: { minCeilingRatio: 0.4 } },
  },
  {
    name: 'list-employees',
    description: `GET /api/v1/tenants/{id}/employees?limit=${LIST_PAGE} (${LIST_PAGE} of ${LIST_EMPLOYEES.toLocaleString('en-US')} employees): one prepared statement, the page (joined with the shops) with the total the database keeps; ${LIST_PAGE} rows serialized.`,
    method: 'GET',
    path: (f) => `/api/v1/tenants/${f.lists.tenantId}/employees?limit=${LIST_PAGE}`,
    credential: (f) => f.lists.key,
    auditedRoute: '/api/v1/tenants/:tenantId/employees',
    ceiling: (f, db) => [sentQuery(employeePage(db), { t: f.lists.tenantId, limit: LIST_PAGE, offset: 0 })],
    targets: { postgres: { minCeilingRatio: 0.4 } },
  },
  {
    name: 'list-shops',
    description: `GET /api/v1/tenants/{id}/shops?limit=${LIST_PAGE} (${LIST_PAGE} of ${LIST_SHOPS} shops): one prepared statement, the page with the count of the live shops inside it.`,
    method: 'GET',
    path: (f) => `/api/v1/tenants/${f.lists.tenantId}/shops?limit=${LIST_PAGE}`,
    credential: (f) => f.lists.key,
    auditedRoute: '/api/v1/tenants/:tenantId/shops',
    ceiling: (f, db) => [sentQuery(shopPage(db), { t: f.lists.tenantId, limit: LIST_PAGE, offset: 0 })],
    targets: { postgres: { minCeilingRatio: 0.4 } },
  },
  {
    name: 'list-decisions',
    description: `GET /api/client/decisions (Work API inbox, default page of 50) in a workspace of ${WORK_DECISIONS.toLocaleString('en-US')} decisions: one prepared statement, the page (options and key names gathered in it) with the total the database keeps.`,
    method: 'GET',
    path: () => '/api/client/decisions',
    credential: (f) => f.memory.key,
    auditedRoute: '/api/client/decisions',
    ceiling: (f, db) => [sentQuery(decisionPage(db), { t: f.memory.tenantId, limit: 50, offset: 0 })],
    targets: { postgres: { minCeilingRatio: 0.4 } },
  },
  {
    name: 'get-task',
    description: 'GET /api/client/tasks/{id} (Work API): one prepared statement (the task, its dependencies and agents).',
    method: 'GET',
    path: (f) => `/api/client/tasks/${f.work.taskId}`,
    credential: (f) => f.work.key,
    auditedRoute: '/api/client/tasks/:taskId',
    ceiling: (f, db) => [sentQuery(taskById(db), { t: f.work.tenantId, id: f.work.taskId })],
  },
  {
    name: 'healthz',
    description: 'GET /healthz: unauthenticated, no database, no audit. The HTTP + Fastify baseline of this machine.',
    method: 'GET',
    path: () => '/healthz',
  },
  {
    name: 'create-employee',
    description:
      'POST /api/v1/tenants/{id}/employees {shopId, name}: body validation, one statement that checks the shop and inserts the employee and its employee.created event, a 201 with the new employee. Every request adds a row.',
    method: 'POST',
    path: (f) => `/api/v1/tenants/${f.tenantId}/employees`,
    credential: (f) => f.tenantKey,
    body: (f) => ({ shopId: f.shopId, name: 'Mei Lin' }),
    auditedRoute: '/api/v1/tenants/:tenantId/employees',
    targets: { postgres: { minRps: 3000 } },
  },
  {
    name: 'create-employee-webhooks',
    description:
      'create-employee in a tenant with three webhook endpoints (local receivers answering 204) subscribed to everything, registered before the run: every request makes three deliveries, which the same server makes meanwhile. Compared with create-employee in the same run; afterwards the backlog is drained and counted.',
    method: 'POST',
    path: (f) => `/api/v1/tenants/${f.webhooks.load.tenantId}/employees`,
    credential: (f) => f.webhooks.load.key,
    body: (f) => ({ shopId: f.webhooks.load.shopId, name: 'Mei Lin' }),
    auditedRoute: '/api/v1/tenants/:tenantId/employees',
    before: (ctx) => webhookLoad.register(ctx),
    async after(ctx, answered) {
      const d = await webhookLoad.drain(ctx, answered, 120_000);
      return {
        details: [`deliveries: ${d.delivered.toLocaleString('en-US')} of ${d.events.toLocaleString('en-US')} (3 per answered request) at the receivers, the last ${d.drainSeconds.toFixed(1)} s after the run ended`],
        data: d,
      };
    },
    compareWith: { scenario: 'create-employee', minRatio: { postgres: 0.9 } },
  },
  {
    name: 'webhook-delivery',
    description:
      'Webhook delivery to one endpoint (a local receiver answering 204): deliveries/s from the first committed event of a backlog to the last acknowledged delivery, then events at 500/s and their commit→delivery latency (p50/p99 columns). PostgreSQL: events committed straight into the outbox by the bench; PGlite: made by create-employee requests.',
    method: 'POST',
    path: () => '(events → receiver)',
    async run(ctx) {
      const pg = ctx.dbUrl !== undefined;
      const r = await webhookDelivery(ctx, {
        burstEvents: Number(process.env.BENCH_WEBHOOK_EVENTS ?? (pg ? 20_000 : 5_000)),
        pacedRate: 500,
        pacedSeconds: Number(process.env.BENCH_WEBHOOK_SECONDS ?? 10),
      });
      return {
        reqPerSec: Math.round(r.burst.perSecond),
        p50Ms: r.paced.p50Ms,
        p99Ms: r.paced.p99Ms,
        maxMs: r.paced.maxMs,
        completed: r.burst.delivered,
        cpu: r.burst.cpu,
        details: [
          `how: ${r.how}`,
          `backlog: ${r.burst.delivered.toLocaleString('en-US')}/${r.burst.events.toLocaleString('en-US')} delivered in ${r.burst.seconds.toFixed(2)} s = ${Math.round(r.burst.perSecond).toLocaleString('en-US')} deliveries/s (${r.burst.duplicates} repeats); ${cores(r.burst.cpu)}`,
          `paced: ${r.paced.delivered.toLocaleString('en-US')}/${r.paced.events.toLocaleString('en-US')} at ${r.paced.rate} events/s for ${r.paced.seconds} s: commit→delivery p50 ${ms(r.paced.p50Ms)}, p99 ${ms(r.paced.p99Ms)}, max ${ms(r.paced.maxMs)}; ${cores(r.paced.cpu)}`,
        ],
        data: r,
      };
    },
    targets: { postgres: { minRps: 2000, maxP99Ms: 500 }, pglite: { minRps: 500, maxP99Ms: 500 } },
  },
  {
    name: 'list-feedback',
    description: `GET /api/v1/tenants/{id}/feedback, first page of 100 of ${FEEDBACK_SESSIONS.toLocaleString('en-US')} feedback sessions (newest first, shop and employee names joined, total count). Pages are cached per node for 2 s.`,
    method: 'GET',
    path: (f) => `/api/v1/tenants/${f.feedback.tenantId}/feedback`,
    credential: (f) => f.feedback.key,
    auditedRoute: '/api/v1/tenants/:tenantId/feedback',
    targets: { postgres: { minRps: 4000 } },
  },
  {
    name: 'analytics-90',
    description: `GET /api/v1/tenants/{id}/analytics?days=90 for a tenant with ${ANALYTICS_EMPLOYEES} employees in ${ANALYTICS_SHOPS} shops and ${ANALYTICS_DAYS} days of rollups (${(ANALYTICS_EMPLOYEES * ANALYTICS_DAYS).toLocaleString('en-US')} funnel_daily rows). Reports are cached per node (2 s fresh, then refreshed in the background).`,
    method: 'GET',
    path: (f) => `/api/v1/tenants/${f.analytics.tenantId}/analytics?days=90`,
    credential: (f) => f.analytics.key,
    auditedRoute: '/api/v1/tenants/:tenantId/analytics',
    targets: { postgres: { minRps: 1500, maxP99Ms: 50 } },
  },
  {
    name: 'provision-demo',
    description:
      'POST /api/v1/tenants in demo mode (a maps URL with cid=, no websiteUrl, no ownerEmail: no outbound fetch) with a platform key, a new name each request: scrypt of the temporary password, then one transaction (tenant, shop, user, 20 templates, billing, event). 10 connections.',
    method: 'POST',
    path: () => '/api/v1/tenants',
    credential: (f) => f.platformKey,
    bodyEach: (f, n) => ({
      name: `Bench Demo ${f.runTag} ${n}`,
      vertical: 'clinic',
      mapsUrl: `https://maps.google.com/?cid=${1_000_000_000 + n}`,
    }),
    connections: 10,
    auditedRoute: '/api/v1/tenants',
    targets: { postgres: { minRps: 20 } },
  },
  {
    name: 'review-page-return',
    description:
      'GET /r/{code} by a returning visitor (signed visit cookie, already rated): the cached link, the cookie checked, the full page rendered (Google and Xiaohongshu buttons, 3 templates); no database.',
    method: 'GET',
    path: (f) => `/r/${f.reviewPage.code}`,
    headers: (f) => ({ cookie: f.reviewPage.returningCookie, 'user-agent': PHONE_UA, 'accept-language': 'en-GB,en;q=0.9' }),
    targets: { postgres: { minRps: 5000, maxP99Ms: 30 } },
  },
  {
    name: 'review-page-scan',
    description: 'GET /r/{code} by a new visitor (no cookie): a scan — one review_sessions INSERT, a rollup increment in memory, a Set-Cookie, the page.',
    method: 'GET',
    path: (f) => `/r/${f.reviewPage.code}`,
    headers: () => ({ 'user-agent': PHONE_UA }),
    targets: { postgres: { minRps: 2000 } },
  },
  {
    name: 'review-rate',
    description: `POST /r/{code}/rating as the page's script sends it (form body, Accept: application/json), cycling over ${REVIEW_VISITS.toLocaleString('en-US')} open visits with a changed rating each time: CSRF check, limits, a transaction (row lock, UPDATE, review.rated event), a new cookie.`,
    method: 'POST',
    path: (f) => `/r/${f.reviewPage.code}/rating`,
    requestEach: (f, n) => {
      const visits = f.reviewPage.visits;
      const v = visits[n % visits.length];
      const rating = (Math.floor(n / visits.length) % 5) + 1;
      return {
        headers: { cookie: v.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': PHONE_UA },
        body: `csrf=${v.csrf}&rating=${rating}`,
      };
    },
    targets: { postgres: { minRps: 1500 } },
  },
  {
    name: 'live-initiatives',
    description: `GET /api/client/live/initiatives (Work API, OrgX contract) for a workspace of ${LIVE_INITIATIVES} active initiatives: auth, the workspace, a page of 50 and the count (two prepared statements).`,
    method: 'GET',
    path: () => '/api/client/live/initiatives',
    credential: (f) => f.work.key,
    auditedRoute: '/api/client/live/initiatives',
    targets: { postgres: { minRps: 5000 } },
  },
  {
    name: 'orgx-search',
    description: `POST /api/client/tools/execute {tool_id: orgx_search, args: {query, limit: 10}} over ${(
      WORK_INITIATIVES * (1 + WORK_WORKSTREAMS_PER_INITIATIVE * WORK_TASKS_PER_WORKSTREAM) + WORK_DECISIONS + WORK_ARTIFACTS
    ).toLocaleString('en-US')} items (initiatives, tasks, decisions, artifacts) of one workspace, cycling over ${WORK_QUERIES} two-word queries: full text (GIN) or substring (trigram GIN), ranked, snippets for the top 10, and the total. 20 connections.`,
    method: 'POST',
    path: () => '/api/client/tools/execute',
    credential: (f) => f.memory.key,
    bodyEach: (f, n) => ({ tool_id: 'orgx_search', args: { query: f.memory.queries[n % f.memory.queries.length], limit: 10 } }),
    // The p99 target is about the search, not the queue: at 50 connections a request waits for
    // 49 others on two cores whatever the query costs.
    connections: 20,
    auditedRoute: '/api/client/tools/execute',
    targets: { postgres: { minRps: 300, maxP99Ms: 100 } },
  },
  {
    name: 'create-task',
    description: `POST /api/client/tasks {workstream_id, title} cycling over ${LIVE_INITIATIVES} workstreams of different initiatives: each workstream already holding ${LIVE_TASKS} tasks (${LIVE_TASKS_DONE} done): validation, then the statement that creates the tasks waiting at that moment together (initiative row locks, checks, next sequences, inserts, counts, task.created and initiative.updated events), a 201 with the task.`,
    method: 'POST',
    path: () => '/api/client/tasks',
    credential: (f) => f.work.key,
    bodyEach: (f, n) => ({ workstream_id: f.work.workstreamIds[n % f.work.workstreamIds.length], title: `Bench task ${n}` }),
    auditedRoute: '/api/client/tasks',
    targets: { postgres: { minRps: 2000 } },
  },
  {
    name: 'orgx-search-initiatives',
    description: `POST /api/client/tools/execute {tool_id: orgx_search, args: {type: initiative}} in the live workspace (${LIVE_INITIATIVES} active initiatives, their tasks): no query, so the 10 most recently updated initiatives and their count. The REST twin of mcp-live.`,
    method: 'POST',
    path: () => '/api/client/tools/execute',
    credential: (f) => f.work.key,
    body: () => ({ tool_id: 'orgx_search', args: { type: 'initiative' } }),
    auditedRoute: '/api/client/tools/execute',
  },
  {
    name: 'mcp-search',
    description:
      'POST /mcp tools/call orgx_search {query, limit: 10} (MCP 2025-11-25, stateless: an SDK server and transport per request, a JSON answer) over the orgx-search workspace and queries: the same operation as orgx-search, through the MCP door. 20 connections.',
    method: 'POST',
    path: () => '/mcp',
    credential: (f) => f.memory.key,
    headers: () => MCP_HEADERS,
    bodyEach: (f, n) => mcpCall(n, 'orgx_search', { query: f.memory.queries[n % f.memory.queries.length], limit: 10 }),
    connections: 20,
    auditedRoute: 'mcp:orgx_search',
    twin: 'orgx-search',
  },
  {
    name: 'mcp-live',
    description: 'POST /mcp tools/call orgx_search {type: initiative} in the live workspace: the same operation as orgx-search-initiatives, through the MCP door.',
    method: 'POST',
    path: () => '/mcp',
    credential: (f) => f.work.key,
    headers: () => MCP_HEADERS,
    bodyEach: (_f, n) => mcpCall(n, 'orgx_search', { type: 'initiative' }),
    auditedRoute: 'mcp:orgx_search',
    twin: 'orgx-search-initiatives',
  },
];
