// JSON Schemas from the operations' own zod schemas, for MCP tool inputs and outputs and for the
// compiled response serializers (compiled-serializer.ts). Tool schemas
// travel in every tools/list answer and are read by models and clients that do not resolve
// references well, so named schemas (`.meta({ id })`, which zod emits as `$ref`s into `$defs`)
// are inlined, and keywords that are documentation for OpenAPI only (`example`) are dropped.
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const raw = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  const defs = (raw.$defs ?? {}) as Record<string, JsonSchema>;
  const { $schema: _s, $defs: _d, ...root } = raw;
  return inline(root, defs, 0) as JsonSchema;
}

function inline(node: unknown, defs: Record<string, JsonSchema>, depth: number, names = false): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, defs, depth));
  if (!node || typeof node !== 'object') return node;
  const obj = node as JsonSchema;
  const out: JsonSchema = {};
  // The keys of `properties` are field names, not keywords: a field may be called `example`.
  if (names) {
    for (const [key, value] of Object.entries(obj)) out[key] = inline(value, defs, depth);
    return out;
  }
  const ref = typeof obj.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(obj.$ref) : null;
  // A self-referencing schema (none today) stops being inlined after a few levels.
  if (ref && defs[ref[1]] && depth < 8) Object.assign(out, inline(defs[ref[1]], defs, depth + 1));
  for (const [key, value] of Object.entries(obj)) {
    if (key === '$ref' && ref && defs[ref[1]] && depth < 8) continue;
    if (key === 'example') continue;
    out[key] = inline(value, defs, depth, key === 'properties' || key === 'patternProperties');
  }
  return out;
}

/** The object shape of a schema, looking through `.optional()`/`.nullable()`, or null. */
export function objectShapeOf(schema: z.ZodType | undefined): Record<string, z.ZodType> | null {
  let s: unknown = schema;
  for (let i = 0; i < 5 && s; i++) {
    if (s instanceof z.ZodObject) return s.shape as Record<string, z.ZodType>;
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodPipe) s = s.in;
    else return null;
  }
  return null;
}

/** The object JSON Schema of one input part (params, query or body), looking through nullish. */
export function objectJsonSchemaOf(schema: z.ZodType): { properties: Record<string, JsonSchema>; required: string[] } {
  let js = jsonSchemaOf(schema, 'input');
  // `X.nullish()` becomes anyOf [X, null]: the object is the member with properties.
  if (!js.properties && Array.isArray(js.anyOf)) js = (js.anyOf as JsonSchema[]).find((m) => m.properties) ?? js;
  return { properties: (js.properties ?? {}) as Record<string, JsonSchema>, required: (js.required ?? []) as string[] };
}
