// Opens the one database the process uses: embedded PGlite in DATA_DIR by default, or a
// PostgreSQL server when DATABASE_URL is set. Both speak the same SQL through one Drizzle API.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import postgres from 'postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { fillPlaceholders, sql, type SQL } from 'drizzle-orm';
import * as schema from './schema.ts';
import { withPreparedStatements } from './pglite-prepared.ts';
import { compileRowMapper, type RowMapper } from './row-mapper.ts';

export type Schema = typeof schema;
/** A Drizzle handle: the database itself or an open transaction (both run queries). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /**
   * For the node's background work (the webhook worker): on PostgreSQL a pool of its own
   * (BACKGROUND_POOL_SIZE connections), so that it never holds a connection the requests wait
   * for, whose connections plan each statement for its values, with index scans only (see
   * src/webhooks/index-planned.ts); on the embedded database the one connection, as `db`.
   */
  background: Db;
  /** Runs `fn` on one dedicated connection (advisory locks are per connection). */
  withSession<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** Subscribes to a PostgreSQL notification channel; every node sharing the database hears it. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<void>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number; queueTimeoutMs?: number }
  | { kind: 'pglite'; dataDir: string | null }; // null = in memory (tests)

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === 'postgres'
    ? openPostgres(target.url, target.poolSize ?? 10, target.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS)
    : openPglite(target.dataDir);
}

// Drizzle hands PGlite these pass-through parsers (dates stay strings; Drizzle maps them) with
// every query, and PGlite merges them into its whole parser table on every call — a fifth of a
// primary-key lookup's cost. Installed once on the instance and stripped from each call, the
// result is the same and the merge is gone.
const same = (value: string) => value;
const DRIZZLE_PARSERS = Object.fromEntries(
  [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182].map((oid) => [oid, same]),
);

type Queryable = Pick<PGlite, 'query'> & { transaction?: PGlite['transaction'] };

function withoutPerQueryParsers<T extends Queryable>(client: T): T {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'query') {
        return (query: string, params?: unknown[], options?: { parsers?: unknown }) =>
          target.query(query, params, options && { ...options, parsers: undefined });
      }
      if (prop === 'transaction') {
        return (fn: (tx: Queryable) => Promise<unknown>) => target.transaction!((tx) => fn(withoutPerQueryParsers(tx)));
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function openPglite(dataDir: string | null): Promise<Database> {
  if (dataDir) fs.mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  // pg_trgm (trigram search of the Work module's memory) ships with PGlite as a contrib
  // extension that must be loaded here; the migration then runs CREATE EXTENSION as on PostgreSQL.
  const client = await PGlite.create({ ...(dataDir ? { dataDir } : {}), parsers: DRIZZLE_PARSERS, extensions: { pg_trgm } });
  // Each distinct statement text is parsed and planned once, as on PostgreSQL (see pglite-prepared.ts).
  const db = drizzlePglite({ client: withoutPerQueryParsers(withPreparedStatements(client)), schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    background: db,
    // PGlite has a single connection, so every query already runs "in one session".
    withSession: (fn) => fn(db),
    listen: async (channel, onMessage) => {
      await client.listen(channel, onMessage);
    },
    notify: async (channel, payload) => {
      await db.execute(sql`select pg_notify(${channel}, ${payload})`);
    },
    close: () => client.close(),
  };
}

/** How long a query may wait for a pool connection (DATABASE_QUEUE_TIMEOUT_MS). */
export const DEFAULT_QUEUE_TIMEOUT_MS = 5000;

/** Connections of the background pool (Database.background): the worker's rounds run one at a time, its records beside them. */
const BACKGROUND_POOL_SIZE = 2;

async function openPostgres(url: string, poolSize: number, queueTimeoutMs: number): Promise<Database> {
  const client = await postgresPool(url, poolSize, queueTimeoutMs);
  const background = await postgresPool(url, BACKGROUND_POOL_SIZE, queueTimeoutMs, { enable_seqscan: 'off', enable_bitmapscan: 'off', plan_cache_mode: 'force_custom_plan' });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    background: drizzlePostgres(background, { schema }) as unknown as Db,
    // A short-lived single-connection client: Drizzle cannot wrap postgres.js reserved connections.
    withSession: async (fn) => {
      const single = postgres(url, { max: 1, onnotice: () => {} });
      try {
        return await fn(drizzlePostgres(single, { schema }) as unknown as Db);
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    listen: async (channel, onMessage) => {
      await client.listen(channel, onMessage);
    },
    notify: async (channel, payload) => {
      await client.notify(channel, payload);
    },
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), background.end({ timeout: 5 })]);
    },
  };
}

/** A postgres.js pool as every handle of the node uses it; `settings` are its connections' from their start. */
async function postgresPool(url: string, max: number, queueTimeoutMs: number, settings: Record<string, string> = {}): Promise<postgres.Sql> {
  const client = postgres(url, {
    max,
    connection: settings,
    onnotice: () => {},
    // An unreachable server fails a connection attempt within the queue timeout (default 30 s).
    connect_timeout: Math.max(1, Math.ceil(queueTimeoutMs / 1000)),
    // The wait before reconnecting after a failed attempt, in seconds. postgres.js grows it to
    // 10–20 s (the count of failures is shared by the pool), so a node whose database was away
    // for a few seconds kept failing for twenty more after it came back; capped at 0.5–1 s, the
    // node serves again within about a second of the database's return.
    backoff: (failures: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** failures, 1),
    // Columns we declare as timestamptz come back as Date through Drizzle's own mapping.
  });
  // postgres.js fetches the server's array types on every new connection, and when a connection
  // dies during that fetch (a restart, pg_terminate_backend) the failure escapes as an unhandled
  // rejection, which ends the process. The types are the server's and every connection of the
  // pool shares the parsers learnt: fetch them once, on the first connection, then never again.
  await client`select 1`;
  client.options.fetch_types = false;
  // Drizzle asks postgres.js to prepare only queries given a name. Every statement we send has a
  // fixed text (variable-size writes travel as arrays, see pgArray), so preparing them all is
  // safe and saves PostgreSQL a parse and plan, and the driver a round trip, on every call.
  const unsafe = client.unsafe.bind(client);
  client.unsafe = ((query: string, params?: unknown[], options?: object) =>
    boundedWait(unsafe(query, params as never, { ...options, prepare: !query.startsWith(PLANNED_PER_CALL) }), queueTimeoutMs)) as typeof client.unsafe;
  return client;
}

/**
 * A query that waited longer than DATABASE_QUEUE_TIMEOUT_MS for a connection: every connection
 * was busy (slow queries), or none could be opened. The request answers 503 (http-errors.ts).
 */
export class PoolTimeoutError extends Error {
  constructor(ms: number) {
    super(`No database connection was free within ${ms} ms`);
  }
}

/** The parts of a postgres.js query the bound below uses (not in its types). */
interface PendingQuery {
  /** Set when the query is handed to a connection (running, or pipelined behind the running one). */
  state: unknown;
  strings: string[];
  args: unknown[];
  options: { onexecute?: unknown; prepare?: boolean };
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Bounds the time a query waits for a connection. postgres.js queues a query while no connection
 * can take it (all held by slow queries, or being opened to an unreachable server) and never
 * gives up, so every request would hang. A query not on a connection after `ms` fails with
 * PoolTimeoutError, and what it will run when its turn comes is emptied to `select 1`: its
 * effect never happens, and the pool's bookkeeping goes on as for any query. (postgres.js's own
 * cancel() left a connection that was being opened for the query out of the pool for good, and on
 * a pipelined query made it fail another query with a TypeError.) A query already on a connection
 * is left alone — running, or pipelined behind a running statement on a connection that is not
 * in a transaction (postgres.js sends up to 100 ahead): those wait for as long as it runs. So the
 * bound holds when the pool is held by transactions (their connections take nothing else), by
 * connections being opened, or by 100 statements per connection. (A lower max_pipeline would
 * bound more, but postgres.js then skips `begin`'s reservation of its connection when the BEGIN
 * is pipelined, and the transaction's statements run on a shared connection: UNSAFE_TRANSACTION.)
 */
function boundedWait<Q>(query: Q, ms: number): Q {
  const q = query as unknown as PendingQuery;
  const { resolve, reject } = q;
  const timer = setTimeout(() => {
    if (q.state) return; // on a connection
    q.strings = ['select 1'];
    q.args = [];
    q.options = { prepare: false }; // and no onexecute: an emptied BEGIN must not reserve a connection
    reject(new PoolTimeoutError(ms));
  }, ms);
  q.resolve = (value) => (clearTimeout(timer), resolve(value));
  q.reject = (err) => (clearTimeout(timer), reject(err));
  return query;
}

/** Driver errors that mean the server is unreachable, restarting or refusing connections. */
const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown: the backend was terminated (a restart, pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
]);

/**
 * Whether a failed query failed because of the database rather than the request: 'busy' (no
 * connection free in time, or the statement was cancelled), 'unavailable' (unreachable,
 * restarting), or null. Drizzle wraps driver errors in `cause`.
 */
export function databaseFailure(err: unknown): 'busy' | 'unavailable' | null {
  for (let e = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if (e instanceof PoolTimeoutError) return 'busy';
    const code = String((e as { code?: unknown }).code ?? '');
    if (code === '57014') return 'busy'; // query_canceled
    if (UNREACHABLE.has(code) || code.startsWith('08')) return 'unavailable'; // class 08: connection exception
  }
  return null;
}

/**
 * A statement that starts with this comment is planned for its values on every call instead of
 * prepared once (postgres.js sends it unnamed; pglite-prepared.ts passes comment-led text to
 * PGlite's own path). Meant for statements whose best plan depends on the values (a search's
 * words decide whether an index finds 60 rows or 60,000), where one plan for all values does
 * much worse.
 */
export const PLANNED_PER_CALL = '/* planned per call */ ';

/** Raw SQL rows, whichever driver runs them (PGlite answers `{ rows }`, postgres.js an array). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/**
 * A query built and prepared once per database handle. Drizzle otherwise rebuilds the SQL on
 * every call, which costs more CPU than the database spends answering a primary-key lookup.
 * Its rows are mapped by a function compiled once for its columns (row-mapper.ts); every
 * handle's query has the same columns, so one mapper serves them all (a transaction's handle
 * builds the query again, but compiles nothing).
 */
export function preparedQuery<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  let mapRows: RowMapper | null | undefined;
  return (db) => {
    let query = cache.get(db);
    if (!query) {
      query = build(db);
      if (mapRows === undefined) mapRows = compileRowMapper(query);
      if (mapRows) (query as { customResultMapper?: RowMapper }).customResultMapper = mapRows;
      cache.set(db, query);
    }
    return query;
  };
}

/**
 * The SQL text and the values a prepared query sends for `values` (its placeholders filled): what
 * the bench's raw-driver ceiling runs, so the ceiling is measured on the route's very statement.
 */
export function sentQuery(prepared: { getQuery(): { sql: string; params: unknown[] } }, values: Record<string, unknown>): { sql: string; params: unknown[] } {
  const { sql: text, params } = prepared.getQuery();
  return { sql: text, params: fillPlaceholders(params, values) };
}

/**
 * A raw statement whose text is rendered once: `build` names its values with `sql.placeholder()`,
 * and each call binds them and sends the text straight to the driver. For the hottest writes,
 * where Drizzle rendering a long statement on every call would cost more CPU than the rest of the
 * request. Runs on the database itself, not inside a transaction (it is one statement).
 */
export function fixedStatement<Row>(build: () => SQL): (db: Db, values: Record<string, unknown>) => Promise<Row[]> {
  let rendered: { sql: string; params: unknown[] } | undefined;
  return async (db, values) => {
    rendered ??= new PgDialect().sqlToQuery(build());
    const params = fillPlaceholders(rendered.params, values);
    const client = (db as unknown as { $client: { unsafe?: (q: string, p: unknown[]) => Promise<Row[]>; query: (q: string, p: unknown[]) => Promise<{ rows: Row[] }> } }).$client;
    // postgres.js (prepared, see openPostgres) answers an array; PGlite `{ rows }`.
    return client.unsafe ? client.unsafe(rendered.sql, params) : (await client.query(rendered.sql, params)).rows;
  };
}

/**
 * A PostgreSQL array literal (`{"a","b",NULL}`) to bind as one text parameter and cast, e.g.
 * `unnest(${pgArray(ids)}::uuid[])`: one statement shape for any number of rows, on both drivers.
 */
export function pgArray(values: readonly (string | number | null)[]): string {
  const items = values.map((v) => (v === null ? 'NULL' : `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`));
  return `{${items.join(',')}}`;
}

/**
 * The unique constraint a failed statement violated, or null for any other error. Drizzle wraps
 * driver errors in `cause`, and PGlite and postgres.js name the constraint differently.
 */
export function uniqueViolation(err: unknown): string | null {
  for (let e = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const { code, constraint_name, constraint } = e as Record<string, unknown>;
    if (code === '23505') return String(constraint_name ?? constraint ?? '');
  }
  return null;
}
