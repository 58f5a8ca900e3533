// Lenient requests, never silent ones (docs/work-api-contract.md §2): an API whose clients send
// extra fields (the OrgX-compatible /api/client) accepts them, but its answer names each one it
// ignored in `warnings: [{ field, message }]` — nested ones too (`options.0.colour`) — and a field
// sent in its other casing (`taskId` for `task_id`, `task_id` for `taskId`) or by a name a schema
// declares with `alsoKnownAs` (a workstream's `title` for `name`) is read as that field. Sending
// both names with different values is a 400: there is no way to tell which one was meant.
//
// It works from the route's own zod schemas (body and query), so every operation of the API gets
// it from its definition (an Api with `readsLeniently`, see api.ts), and the 2xx answers' schemas
// gain the optional `warnings`.
import type { FastifyRequest, preValidationHookHandler } from 'fastify';
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

/**
 * The preValidation step of a lenient API's route (api.ts): reads the query and body by the
 * operation's schemas before they validate, and keeps the warnings for the answer.
 */
export function readRequestLeniently(body: z.ZodType | undefined, query: z.ZodType | undefined): preValidationHookHandler {
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

/** The answer with the request's warnings added to its own (an operation may name some itself). */
export function withRequestWarnings<T>(request: FastifyRequest, answer: T): T {
  const warnings = warningsOf.get(request);
  if (!warnings || !isPlainObject(answer)) return answer;
  const own = Array.isArray(answer.warnings) ? (answer.warnings as FieldWarning[]) : [];
  return { ...answer, warnings: [...own, ...warnings] };
}

/** A 2xx answer's schema, with the optional `warnings` every answer of a lenient API may carry. */
export const withWarningsField = <S>(schema: S): S => (schema instanceof z.ZodObject ? (schema.extend({ warnings: warningsSchema.optional() }) as S) : schema);
