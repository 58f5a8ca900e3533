// Named prepared statements for PGlite. `PGlite.query(text, params)` sends Parse, Describe,
// Bind, Describe, Execute and Sync with the unnamed statement on every call (six trips into the
// WASM backend), so PostgreSQL parses and plans each call afresh — most of a primary-key lookup's
// cost. This layer parses each distinct statement text once under a name (as postgres.js does with
// `prepare: true` on PostgreSQL) and then sends only Bind + Execute + Sync, in one trip.
//
// It is transparent to Drizzle: `query(text, params, options)` answers what PGlite's own `query`
// answers ({ rows, fields, command, affectedRows, rowCount }), in 'array' or 'object' row mode,
// with PGlite's serializers and parsers, under PGlite's own mutexes, and fails with the very
// DatabaseError object PGlite's protocol parser produced (code, constraint, …, plus the `query`,
// `params` and `queryOptions` PGlite adds). Anything else — DDL, transaction control, COPY,
// statements with options this layer doesn't model — goes to PGlite's `query` unchanged.
import { messages as pgMessages, protocol, types, type PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';

const { serialize } = protocol;

interface Field {
  readonly name: string;
  readonly dataTypeID: number;
}

interface Statement {
  name: string;
  paramTypes: number[];
  fields: readonly Field[];
  /** A column named `__proto__` would set the prototype if assigned; such rows take the slow path. */
  plainNames: boolean;
}

type BackendMessage = { name: string } & Record<string, unknown>;

// Statements whose plan is worth keeping. Everything else (DDL, BEGIN/COMMIT/SAVEPOINT, SET,
// LISTEN, COPY, DO, text starting with a comment) takes PGlite's ordinary path.
const CACHEABLE = /^\s*(?:select|insert|update|delete|with|values)\b/i;
const MAX_TEXT = 64 * 1024;

const EXECUTE_SYNC = concat([serialize.execute({}), serialize.sync()]);
const SYNC = serialize.sync();

function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function cacheable(text: unknown, options: QueryOptions | undefined): text is string {
  return (
    typeof text === 'string' &&
    text.length <= MAX_TEXT &&
    !options?.blob &&
    !options?.paramTypes &&
    CACHEABLE.test(text)
  );
}

/** The plan no longer fits (a column of a `select *` changed) or the statement is gone: prepare again. */
function isStale(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return (
    e instanceof pgMessages.DatabaseError &&
    (code === '26000' || (code === '0A000' && /cached plan must not change result type/.test((e as Error).message)))
  );
}

/** What PGlite's makePGliteError adds to a DatabaseError before throwing it. */
function decorate(e: unknown, query: string, params: unknown[] | undefined, options: QueryOptions | undefined): unknown {
  if (e instanceof pgMessages.DatabaseError) {
    Object.assign(e, { query, params, queryOptions: options });
  }
  return e;
}

export interface PreparedStatementOptions {
  /** Most statements kept prepared; the least recently used is closed past this. Default 500. */
  max?: number;
}

/**
 * Wraps a PGlite instance so `query` (and `query` on the object `transaction` hands its callback)
 * runs each cacheable statement text as a named prepared statement. Every other property is the
 * instance's own.
 */
export function withPreparedStatements(pg: PGlite, { max = 500 }: PreparedStatementOptions = {}): PGlite {
  const cache = new Map<string, Statement>(); // insertion order = least recently used first
  const toClose: string[] = []; // evicted statements, closed ahead of the next Parse
  let seq = 0;

  async function prepare(text: string, options: QueryOptions | undefined): Promise<Statement> {
    const name = `orgstack_${++seq}`;
    const closing = toClose.splice(0);
    const message = concat([
      ...closing.map((n) => serialize.close({ type: 'S', name: n })),
      serialize.parse({ name, text }),
      serialize.describe({ type: 'S', name }),
      SYNC,
    ]);
    // Close runs even in an aborted transaction and ahead of a failing Parse, so the evicted
    // names are gone whatever this answers.
    const messages = (await pg.execProtocolStream(message, { syncToFs: false, onNotice: options?.onNotice })) as unknown as BackendMessage[];
    let paramTypes: number[] = [];
    let fields: Field[] = [];
    for (const m of messages) {
      if (m.name === 'parameterDescription') paramTypes = m.dataTypeIDs as number[];
      else if (m.name === 'rowDescription') {
        fields = (m.fields as Field[]).map((f) => Object.freeze({ name: f.name, dataTypeID: f.dataTypeID }));
      }
    }
    const statement: Statement = {
      name,
      paramTypes,
      fields: Object.freeze(fields),
      plainNames: fields.every((f) => f.name !== '__proto__'),
    };
    cache.set(text, statement);
    if (cache.size > max) {
      const [oldText, old] = cache.entries().next().value as [string, Statement];
      cache.delete(oldText);
      toClose.push(old.name);
    }
    return statement;
  }

  function forget(text: string, statement: Statement) {
    if (cache.get(text) === statement) cache.delete(text);
    toClose.push(statement.name);
  }

  async function execute(statement: Statement, params: unknown[], options: QueryOptions | undefined): Promise<Results> {
    // Parameters serialized exactly as PGlite's query does, by the statement's parameter types.
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const oid = statement.paramTypes[i]!;
      const serializer = options?.serializers?.[oid] ?? pg.serializers[oid];
      return serializer ? serializer(param) : (param as { toString(): string }).toString();
    });
    const message = concat([serialize.bind({ statement: statement.name, values: values as (string | null)[] }), EXECUTE_SYNC]);
    const messages = (await pg.execProtocolStream(message, { syncToFs: false, onNotice: options?.onNotice })) as unknown as BackendMessage[];

    const parsers = options?.parsers ? { ...pg.parsers, ...options.parsers } : pg.parsers;
    const { fields } = statement;
    const arrayMode = options?.rowMode === 'array';
    const rows: unknown[] = [];
    let result: Results | undefined;
    for (const m of messages) {
      if (m.name === 'dataRow') {
        const cells = m.fields as (string | null)[];
        if (arrayMode) {
          const row = new Array(cells.length);
          for (let i = 0; i < cells.length; i++) row[i] = types.parseType(cells[i] as string | null, fields[i]!.dataTypeID, parsers);
          rows.push(row);
        } else if (statement.plainNames) {
          const row: Record<string, unknown> = {};
          for (let i = 0; i < cells.length; i++) row[fields[i]!.name] = types.parseType(cells[i] as string | null, fields[i]!.dataTypeID, parsers);
          rows.push(row);
        } else {
          rows.push(Object.fromEntries(cells.map((cell, i) => [fields[i]!.name, types.parseType(cell, fields[i]!.dataTypeID, parsers)])));
        }
      } else if (m.name === 'commandComplete') {
        // As PGlite's parseResults: the tag's last word is the row count when it is a number.
        const parts = (m.text as string).split(' ');
        const command = parts[0]!;
        const rowCount = parseInt(parts[parts.length - 1]!, 10);
        const affectedRows =
          command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'COPY' || command === 'MERGE' ? rowCount : 0;
        result = { rows: rows as Results['rows'], fields: fields as Results['fields'], command, affectedRows };
        if (!Number.isNaN(rowCount)) result.rowCount = rowCount;
      }
    }
    return result ?? { affectedRows: 0, rows: [], fields: [] };
  }

  /** Runs `text` as a named statement; the caller holds PGlite's query mutex. */
  async function run(text: string, params: unknown[] = [], options: QueryOptions | undefined): Promise<Results> {
    let statement = cache.get(text);
    try {
      if (statement) {
        cache.delete(text); // most recently used goes last
        cache.set(text, statement);
      } else {
        statement = await prepare(text, options);
      }
      try {
        return await execute(statement, params, options);
      } catch (e) {
        if (!isStale(e)) throw e;
        forget(text, statement);
        // Outside a transaction block nothing was lost: prepare again and retry once. Inside
        // one, the error has aborted the transaction, so it surfaces (the next use re-prepares).
        if (pg.isInTransaction()) throw e;
        return await execute(await prepare(text, options), params, options);
      }
    } catch (e) {
      throw decorate(e, text, params, options);
    }
  }

  const query = async (text: string, params?: unknown[], options?: QueryOptions): Promise<Results> => {
    if (!cacheable(text, options)) return pg.query(text, params, options);
    await pg._checkReady();
    // The same locks as PGlite's query: wait for any open transaction, then for the backend.
    return pg._runExclusiveTransaction(() =>
      pg._runExclusiveQuery(async () => {
        const result = await run(text, params, options);
        await pg.syncToFs();
        return result;
      }),
    );
  };

  function wrapTransaction(tx: Transaction): Transaction {
    const txQuery = async (text: string, params?: unknown[], options?: QueryOptions): Promise<Results> => {
      if (!cacheable(text, options)) return tx.query(text, params, options);
      if (tx.closed) throw new Error('Transaction is closed');
      // The transaction already holds PGlite's transaction lock; take only the backend's.
      return pg._runExclusiveQuery(() => run(text, params, options));
    };
    return new Proxy(tx, {
      get(target, prop) {
        if (prop === 'query') return txQuery;
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  return new Proxy(pg, {
    get(target, prop) {
      if (prop === 'query') return query;
      if (prop === 'transaction') {
        return <T>(fn: (tx: Transaction) => Promise<T>) => target.transaction((tx) => fn(wrapTransaction(tx)));
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
