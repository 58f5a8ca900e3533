// Lenient requests, never silent ones (docs/work-api-contract.md §2): an API whose clients send
// extra fields (the OrgX-compatible /api/client) accepts them, but its answer names each one it
// ignored in `warnings: [{ field, message }]` — nested ones too (`options.0.colour`) — and a field
// sent in its other casing (`taskId` for `task_id`, `task_id` for `taskId`) or by a name a schema
// declares with `alsoKnownAs` (a workstream's `title` for `name`) is read as that field. Sending
// both names with different values is a 400: there is no way to tell which one was meant.
//
// It works from the route's own zod schemas (body and query), so every operation of the API gets
// it from its definition, and the 2xx answers' schemas gain the optional `warnings`.
import type { FastifyInstance, FastifyReply, FastifyRequest, preValidationHookHandler, RouteOptions } from 'fastify';
import { z } from 'zod';
import { badRequest, type FieldErrors } from './errors.ts';

export interface FieldWarning {
  field: string;
  message: string;
}

export const warningsSchema = z
  .array(z.object({ field: z.string(), message: z.string() }))
  .describe('Request fields that were not used (unknown names), each with why; absent when there were none');

/** At most this many warnings are listed; one more says how many were left out. */
const MAX_WARNINGS = 50;

const aliases = new WeakMap<object, readonly string[]>();

/** The field, also accepted under these names (each in either casing). */
export function alsoKnownAs<T extends z.ZodType>(schema: T, ...names: string[]): T {
  const copy = schema.clone() as T;
  aliases.set(copy, names);
  return copy;
}

const toCamel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const toSnake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const casings = (k: string) => [...new Set([toCamel(k), toSnake(k)])];

// zod's definition of a schema: the few kinds a request schema is built of.
interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

/** The schema beneath optional/nullable/default wrappers and pipes, and the aliases declared on the way. */
function unwrap(schema: z.ZodType): { schema: z.ZodType; aliases: string[] } {
  const found: string[] = [];
  let s = schema;
  for (let depth = 0; depth < 20; depth++) {
    found.push(...(aliases.get(s) ?? []));
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    // A pipe is read by its input side; a preprocess (a transform first) by what it feeds.
    else if (def.type === 'pipe' && def.in && def.out) s = defOf(def.in).type === 'transform' ? def.out : def.in;
    else break;
  }
  return { schema: s, aliases: found };
}

/** Per object schema: every other name a field is accepted under → the field. */
const nameTables = new WeakMap<object, Map<string, string>>();
function namesOf(object: z.ZodType, shape: Record<string, z.ZodType>): Map<string, string> {
  let names = nameTables.get(object);
  if (names) return names;
  names = new Map();
  for (const [field, fieldSchema] of Object.entries(shape)) {
    for (const name of [...casings(field), ...unwrap(fieldSchema).aliases.flatMap((a) => [a, ...casings(a)])]) {
      if (name !== field && !Object.hasOwn(shape, name) && !names.has(name)) names.set(name, field);
    }
  }
  nameTables.set(object, names);
  return names;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON values compared by content (an alias sent with the same value as its field is fine). */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
  }
  return a === b;
}

interface Findings {
  warnings: FieldWarning[];
  conflicts: FieldErrors;
  /** Warnings beyond MAX_WARNINGS. */
  more: number;
}

const shown = (name: string) => (name.length > 100 ? `${name.slice(0, 100)}…` : name);
const join = (path: string, key: string) => (path ? `${path}.${shown(key)}` : shown(key));

function walk(schema: z.ZodType, value: unknown, path: string, what: string, found: Findings): unknown {
  const { schema: s } = unwrap(schema);
  const def = defOf(s);
  if (def.type === 'array' && def.element && Array.isArray(value)) {
    return value.map((item, i) => walk(def.element!, item, `${path}.${i}`, what, found));
  }
  if (def.type !== 'object' || !def.shape || !isPlainObject(value)) return value;
  const catchall = def.catchall && defOf(def.catchall).type;
  // A strict object reports unknown fields itself (400); a loose one keeps them.
  if (catchall === 'never') return value;
  const shape = def.shape;
  const names = namesOf(s, shape);
  const out: Record<string, unknown> = {};
  const sentAs = new Map<string, string>();
  for (const [key, v] of Object.entries(value)) {
    const field = Object.hasOwn(shape, key) ? key : names.get(key);
    if (field === undefined) {
      if (catchall) out[key] = v;
      else if (found.warnings.length < MAX_WARNINGS) found.warnings.push({ field: join(path, key), message: `Unknown ${what}; ignored` });
      else found.more += 1;
      continue;
    }
    const earlier = sentAs.get(field);
    if (earlier === undefined) {
      sentAs.set(field, key);
      out[field] = v;
    } else if (!sameValue(out[field], v)) {
      const message = `Sent both as ${earlier} and as ${shown(key)}, with different values: send one`;
      (found.conflicts[join(path, key)] ??= []).push(message);
    }
  }
  for (const field of sentAs.keys()) out[field] = walk(shape[field], out[field], join(path, field), what, found);
  return out;
}

/**
 * `value` read by `schema`: aliases renamed to their fields, unknown fields named in `warnings`
 * (`prefix` starts their paths, e.g. `args`). Throws the 400 when an alias and its field disagree.
 */
export function readLeniently(schema: z.ZodType, value: unknown, opts: { prefix?: string; what?: string } = {}): { value: unknown; warnings: FieldWarning[] } {
  const found: Findings = { warnings: [], conflicts: {}, more: 0 };
  const read = walk(schema, value, opts.prefix ?? '', opts.what ?? 'field', found);
  if (Object.keys(found.conflicts).length > 0) throw badRequest(found.conflicts, 'A field was sent under two names with different values');
  if (found.more > 0) found.warnings.push({ field: '*', message: `${found.more} more unknown fields; ignored` });
  return { value: read, warnings: found.warnings };
}

const warningsOf = new WeakMap<FastifyRequest, FieldWarning[]>();
const attached = new WeakSet<FastifyRequest>();

const isZod = (s: unknown): s is z.ZodType => s instanceof z.ZodType;

/** Reads the request leniently before validation; registered on each route that has schemas. */
function readRequest(body: z.ZodType | null, query: z.ZodType | null): preValidationHookHandler {
  return async function readLenientRequest(request: FastifyRequest) {
    const warnings: FieldWarning[] = [];
    if (query) {
      const read = readLeniently(query, request.query, { what: 'query parameter' });
      request.query = read.value;
      warnings.push(...read.warnings);
    }
    if (body && request.body !== undefined && request.body !== null) {
      const read = readLeniently(body, request.body);
      request.body = read.value;
      warnings.push(...read.warnings);
    }
    if (warnings.length > 0) warningsOf.set(request, warnings);
  };
}

function withWarnings(payload: Record<string, unknown>, warnings: FieldWarning[]) {
  const own = Array.isArray(payload.warnings) ? (payload.warnings as FieldWarning[]) : [];
  return { ...payload, warnings: [...own, ...warnings] };
}

/** Adds lenient reading to every route of `scope` registered after it (an API's scope). */
export function acceptExtraFields(scope: FastifyInstance) {
  scope.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as { body?: unknown; querystring?: unknown; response?: Record<string, unknown> } | undefined;
    if (!schema) return;
    const body = isZod(schema.body) ? schema.body : null;
    const query = isZod(schema.querystring) ? schema.querystring : null;
    for (const [status, answer] of Object.entries(schema.response ?? {})) {
      if (status.startsWith('2') && answer instanceof z.ZodObject) schema.response![status] = answer.extend({ warnings: warningsSchema.optional() });
    }
    if (!body && !query) return;
    const existing = route.preValidation === undefined ? [] : Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation];
    route.preValidation = [...existing, readRequest(body, query)];
  });
  // Objects get their warnings before they are serialized (so an idempotent replay has them too);
  // an answer already serialized (a shared live page) gets them spliced in.
  scope.addHook('preSerialization', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const warnings = warningsOf.get(request);
    if (!warnings || reply.statusCode >= 300 || !isPlainObject(payload)) return payload;
    attached.add(request);
    return withWarnings(payload, warnings);
  });
  scope.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const warnings = warningsOf.get(request);
    if (!warnings || attached.has(request) || reply.statusCode >= 300 || typeof payload !== 'string') return payload;
    if (!String(reply.getHeader('content-type') ?? '').startsWith('application/json')) return payload;
    const parsed: unknown = JSON.parse(payload);
    return isPlainObject(parsed) ? JSON.stringify(withWarnings(parsed, warnings)) : payload;
  });
}
