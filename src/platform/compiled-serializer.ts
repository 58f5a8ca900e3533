// Responses are written by serializers compiled once per route from the operation's own zod
// response schema (converted to JSON Schema, as OpenAPI gets it, and compiled by
// fast-json-stringify, Fastify's own). Encoding every answer through zod and then JSON.stringify
// cost a sixth of a 50-row list's CPU; the compiled function writes the declared fields straight
// into the string. The schema stays the one source: OpenAPI, the MCP tools and these serializers
// all come from it, so none can drift (test/platform/compiled-serializer.test.ts checks that both
// ways agree for every operation).
import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { jsonSchemaOf, type JsonSchema } from './json-schema.ts';

export type Serialize = (data: unknown) => string;

/**
 * The compiled serializer of a zod response schema, or null when the schema holds something
 * fast-json-stringify would write differently from zod (a transform, a schema it cannot express):
 * those keep zod's encoding.
 */
export function compileSerializer(schema: z.ZodType): Serialize | null {
  let json: JsonSchema;
  try {
    json = forFastJson(jsonSchemaOf(schema, 'output')) as JsonSchema;
  } catch {
    return null;
  }
  if (!expressible(json)) return null;
  try {
    return fastJson(json as unknown as Parameters<typeof fastJson>[0]) as Serialize;
  } catch {
    return null;
  }
}

/** Fastify's serializer compiler: compiled where the schema allows, zod's encoding otherwise. */
export const compiledSerializerCompiler: FastifySerializerCompiler<unknown> = (route) => {
  const schema = route.schema;
  if (schema instanceof z.ZodType) {
    const compiled = compileSerializer(schema);
    if (compiled) return compiled;
  }
  return zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]);
};

/**
 * Adapts zod's JSON Schema to fast-json-stringify. zod writes a nullable object as `anyOf: [X, {type: 'null'}]`; fast-json-stringify would pick the
 * branch by validating each value against X with Ajv, on every call. `nullable: true` (which it
 * reads) says the same and costs one comparison.
 */
function forFastJson(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forFastJson);
  if (!node || typeof node !== 'object') return node;
  const obj = node as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(obj)) out[key] = forFastJson(value);
  // zod writes a nullable primitive as `type: [X, 'null']`.
  if (Array.isArray(out.type) && out.type.length === 2 && out.type.includes('null')) {
    return { ...out, type: out.type.find((t) => t !== 'null'), nullable: true };
  }
  const branches = out.anyOf as JsonSchema[] | undefined;
  if (Array.isArray(branches) && branches.length === 2) {
    const nullAt = branches.findIndex((b) => b.type === 'null' && Object.keys(b).length === 1);
    const other = branches[1 - nullAt];
    if (nullAt >= 0 && other && typeof other.type === 'string') {
      const { anyOf: _a, ...rest } = out;
      return { ...rest, ...other, nullable: true };
    }
  }
  return out;
}

/**
 * Keywords whose meaning fast-json-stringify and zod do not share: unions it must decide by
 * validating (zod picks the first branch that parses, Ajv the first that validates, and a
 * branch may strip fields the other keeps), and `$ref`s left over from a recursive schema.
 */
function expressible(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(expressible);
  if (!node || typeof node !== 'object') return true;
  const obj = node as JsonSchema;
  if ('anyOf' in obj || 'oneOf' in obj || 'allOf' in obj || '$ref' in obj || 'not' in obj || 'if' in obj) return false;
  // A tuple, or a type list other than the nullable form above, is rare in answers: zod's way.
  if (Array.isArray(obj.type) || 'prefixItems' in obj) return false;
  return Object.values(obj).every(expressible);
}
