// The compiled serializers (src/platform/compiled-serializer.ts) write exactly what zod's encoding
// followed by JSON.stringify wrote, for every operation's answer schema and every API's error
// schema: each is fed data generated from the schema itself, once with every optional field
// present and once sparse (optional fields absent, nullable ones null), with an undeclared field
// added to every object (which both must drop).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { jsonSchemaOf, type JsonSchema } from '../../src/platform/json-schema.ts';
import { clientApi, v1Api } from '../../src/platform/apis.ts';
import { compileSerializer } from '../../src/platform/compiled-serializer.ts';
import { withWarningsField } from '../../src/platform/lenient-fields.ts';
import type { AnyOperation } from '../../src/platform/operations.ts';
import { platformOperations } from '../../src/platform/routes/index.ts';
import { connectedAppOperations } from '../../src/oauth/connected-apps-routes.ts';
import { MODULES } from '../../src/modules.ts';

type Shape = 'full' | 'sparse';

const FORMATS: Record<string, string> = {
  uuid: '0193b5d2-9b11-7c3d-9e4f-5a6b7c8d9e01',
  'date-time': '2026-11-01T09:35:00.000Z',
  date: '2026-11-01',
  email: 'mei@example.com',
  uri: 'https://example.com/a?b=1',
  url: 'https://example.com/a?b=1',
};

/** Strings tried against a `pattern` keyword, first fit wins. */
const PATTERN_CANDIDATES = ['x', '#1a2b3c', 'abc123', 'mei-lin', 'a.b', 'en'];

/** A value the JSON Schema describes: escapes and non-ASCII in strings, the edges of nullability. */
function sample(s: JsonSchema, shape: Shape, depth = 0): unknown {
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (Array.isArray(s.anyOf)) {
    const branches = s.anyOf as JsonSchema[];
    const nullable = branches.find((b) => b.type === 'null');
    if (nullable && shape === 'sparse') return null;
    return sample(branches.find((b) => b.type !== 'null') ?? branches[0]!, shape, depth + 1);
  }
  if (Array.isArray(s.type)) {
    const types = s.type as string[];
    if (types.includes('null') && shape === 'sparse') return null;
    return sample({ ...s, type: types.find((t) => t !== 'null') ?? types[0] }, shape, depth + 1);
  }
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  switch (s.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set((s.required as string[] | undefined) ?? []);
      for (const [key, prop] of Object.entries((s.properties ?? {}) as Record<string, JsonSchema>)) {
        if (shape === 'full' || required.has(key)) out[key] = sample(prop, shape, depth + 1);
      }
      if (s.additionalProperties && typeof s.additionalProperties === 'object') out.extraKey = sample(s.additionalProperties as JsonSchema, shape, depth + 1);
      else if (s.additionalProperties === false) out.notDeclared = 'dropped';
      return out;
    }
    case 'array': {
      const n = shape === 'full' ? Math.max(2, Number(s.minItems ?? 0)) : Number(s.minItems ?? 0);
      return Array.from({ length: n }, () => sample((s.items ?? {}) as JsonSchema, shape, depth + 1));
    }
    case 'string':
      if (typeof s.format === 'string' && FORMATS[s.format]) return FORMATS[s.format];
      if (typeof s.pattern === 'string') {
        const re = new RegExp(s.pattern);
        const fits = PATTERN_CANDIDATES.find((c) => re.test(c));
        assert.ok(fits, `no sample string fits /${s.pattern}/: add one to PATTERN_CANDIDATES`);
        return fits;
      }
      if (typeof s.maxLength === 'number') return 'x'.repeat(Math.max(1, Number(s.minLength ?? 1)));
      return 'Mei "Lin" — 美\n\\ \u2028';
    case 'integer':
      return typeof s.minimum === 'number' ? s.minimum : 42;
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 4.5;
    case 'boolean':
      return shape === 'full';
    case 'null':
      return null;
    default:
      return { anything: [1, 'two', null, { three: true }] };
  }
}

const v1 = [...platformOperations, ...connectedAppOperations, ...MODULES.flatMap((m) => m.v1 ?? [])];
const client = MODULES.flatMap((m) => m.client ?? []);

/** Every JSON answer schema the routes serialize, named. */
function answerSchemas(): [string, z.ZodType][] {
  const of = (ops: AnyOperation[], lenient: boolean) =>
    ops.flatMap((op): [string, z.ZodType][] => {
      if (op.output instanceof z.ZodType) return [[op.id, lenient ? withWarningsField(op.output) : op.output]];
      if (op.output && 'content' in op.output) {
        return Object.entries(op.output.content)
          .filter(([type]) => type.includes('json'))
          .map(([type, c]): [string, z.ZodType] => [`${op.id} (${type})`, c.schema]);
      }
      return [];
    });
  return [
    ...of(v1, false),
    ...of(client, Boolean(clientApi.readsLeniently)),
    ['v1 error', v1Api.errorSchema(400, 'error')],
    ['client error', clientApi.errorSchema(400, 'error')],
    ['client 401', clientApi.errorSchema(401, 'unauthorized')],
  ];
}

test('every answer schema: the compiled serializer writes what zod and JSON.stringify write', () => {
  const schemas = answerSchemas();
  assert.ok(schemas.length > 100, `only ${schemas.length} answer schemas found`);
  let compiled = 0;
  let compared = 0;
  const failures: string[] = [];
  for (const [name, schema] of schemas) {
    const serialize = compileSerializer(schema);
    if (!serialize) continue;
    compiled++;
    const json = jsonSchemaOf(schema, 'output');
    for (const shape of ['full', 'sparse'] as const) {
      const data = sample(json, shape);
      const encoded = z.safeEncode(schema, data);
      if (!encoded.success) {
        failures.push(`${name} (${shape}): the generated sample does not fit the schema: ${encoded.error.issues[0]?.message} at ${encoded.error.issues[0]?.path.join('.')}`);
        continue;
      }
      compared++;
      const expected = JSON.stringify(encoded.data);
      let actual: string;
      try {
        actual = serialize(data);
      } catch (err) {
        failures.push(`${name} (${shape}): the compiled serializer threw ${(err as Error).message}`);
        continue;
      }
      if (actual !== expected) failures.push(`${name} (${shape}):\n  zod:      ${expected.slice(0, 400)}\n  compiled: ${actual.slice(0, 400)}`);
    }
  }
  assert.deepEqual(failures, []);
  // Most answers are plain objects and compile; the rest (unions) keep zod's encoding.
  assert.ok(compiled >= schemas.length * 0.6, `only ${compiled} of ${schemas.length} answer schemas compiled`);
  assert.equal(compared, compiled * 2);
});

test('nulls are kept, undeclared fields dropped, and a missing required field is an error as with zod', () => {
  const schema = z.object({ at: z.iso.datetime(), name: z.string().nullable() });
  const serialize = compileSerializer(schema)!;
  assert.ok(serialize);
  assert.equal(serialize({ at: '2026-11-01T09:35:00.000Z', name: null, extra: 1 }), '{"at":"2026-11-01T09:35:00.000Z","name":null}');
  assert.equal(serialize({ at: '2026-11-01T09:35:00.000Z', name: 'a"b' }), JSON.stringify({ at: '2026-11-01T09:35:00.000Z', name: 'a"b' }));
  // A date-time field is escaped like any string.
  assert.equal(serialize({ at: 'x"}', name: null }), '{"at":"x\\"}","name":null}');
  // A missing required field is an error (a 500 the route reports), as zod's encoding made it.
  assert.throws(() => serialize({ name: 'x' }));
});
