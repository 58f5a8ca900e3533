// The tool registry, built once when the app starts: each tool's JSON input and output schemas,
// annotations and description (the tools/list answer, serialized once), and for each variant the
// plan of a call — which operation, which argument goes to which input part. A request only looks
// things up here; nothing is derived from zod per request.
import { ZodType, type z } from 'zod';
import { ANY_CREDENTIAL, type AnyOperation } from '../platform/operations.ts';
import { jsonSchemaOf, objectJsonSchemaOf, objectShapeOf, type JsonSchema } from '../platform/json-schema.ts';
import type { InputPart, ToolSpec, Variant } from './tool-spec.ts';

/** How one variant's call is made. */
export interface CallPlan {
  variant: Variant;
  op: AnyOperation;
  /** Tool argument → [input part, field name]. */
  fields: Map<string, [InputPart, string]>;
  /** The operation's input schemas (the same objects the REST route validates with). */
  schemas: Partial<Record<InputPart, z.ZodType>>;
  /** Input field → tool argument, for naming field errors as the caller sent them. */
  argOf: Map<string, string>;
  /** The JSON answer's schema (a download operation's JSON form), which shapes the answer as REST does. */
  output: z.ZodType | null;
}

export interface BuiltTool {
  spec: ToolSpec;
  /** The tools/list entry. */
  definition: {
    name: string;
    title: string;
    description: string;
    inputSchema: JsonSchema;
    outputSchema: JsonSchema;
    annotations: { title: string; readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean; openWorldHint: boolean };
  };
  /** Allowed values of each discriminating argument. */
  choices: Record<string, string[]>;
  plans: CallPlan[];
}

// POSTs that read and change nothing (a search, a preflight, the bootstrap).
const READING_POSTS = new Set(['executeTool', 'spawnPreflight', 'postBootstrap']);
const isReading = (op: AnyOperation) => op.method === 'GET' || READING_POSTS.has(op.id);

export function buildRegistry(specs: ToolSpec[], operations: AnyOperation[]): Map<string, BuiltTool> {
  const byId = new Map(operations.map((op) => [op.id, op]));
  const tools = new Map<string, BuiltTool>();
  for (const spec of specs) tools.set(spec.name, buildTool(spec, byId));
  return tools;
}

function buildTool(spec: ToolSpec, byId: Map<string, AnyOperation>): BuiltTool {
  const plans = spec.variants.map((variant) => {
    const op = byId.get(variant.operation);
    if (!op) throw new Error(`MCP tool ${spec.name}: no operation ${variant.operation}`);
    return planOf(spec, variant, op);
  });
  const choices: Record<string, string[]> = {};
  for (const name of Object.keys(spec.discriminators)) choices[name] = [...new Set(spec.variants.map((v) => v.when[name]))];

  // The input schema: the discriminators, then every argument any variant takes. A property that
  // differs between variants (a `status` of a task and of an initiative) is each of its forms.
  const properties: Record<string, JsonSchema> = {};
  for (const [name, description] of Object.entries(spec.discriminators)) properties[name] = { type: 'string', enum: choices[name], description };
  const forms = new Map<string, JsonSchema[]>();
  const lines: string[] = [];
  for (const plan of plans) {
    const { props, required } = argumentsOf(plan);
    for (const [name, schema] of Object.entries(props)) {
      if (name in spec.discriminators) continue;
      const list = forms.get(name) ?? [];
      if (!list.some((s) => JSON.stringify(s) === JSON.stringify(schema))) list.push(schema);
      forms.set(name, list);
    }
    lines.push(variantLine(plan, required));
  }
  for (const [name, list] of forms) properties[name] = list.length === 1 ? list[0] : { anyOf: list };
  const inputSchema: JsonSchema = { type: 'object', properties, required: Object.keys(spec.discriminators), additionalProperties: false };

  const outputs: JsonSchema[] = [];
  for (const plan of plans) {
    const out = plan.output ? jsonSchemaOf(plan.output, 'output') : { type: 'object' };
    if (!outputs.some((s) => JSON.stringify(s) === JSON.stringify(out))) outputs.push(out);
  }
  const outputSchema: JsonSchema = outputs.length === 1 ? outputs[0] : { type: 'object', anyOf: outputs };

  const ops = plans.map((p) => p.op);
  const annotations = {
    title: spec.title,
    readOnlyHint: ops.every(isReading),
    // Changes (updates, lifecycle moves) overwrite what was there; creations only add.
    destructiveHint: ops.some((op) => op.method === 'PATCH' || op.method === 'PUT' || op.method === 'DELETE' || op.id.startsWith('actOn')),
    // Repeating a read, or an update to the same values, has no further effect; a creation does.
    idempotentHint: ops.every((op) => isReading(op) || op.method === 'PATCH' || op.method === 'PUT'),
    openWorldHint: false,
  };
  const description = [spec.description, '', ...lines].join('\n');
  return { spec, definition: { name: spec.name, title: spec.title, description, inputSchema, outputSchema, annotations }, choices, plans };
}

function planOf(spec: ToolSpec, variant: Variant, op: AnyOperation): CallPlan {
  const fields = new Map<string, [InputPart, string]>();
  const argOf = new Map<string, string>();
  const schemas: Partial<Record<InputPart, z.ZodType>> = {};
  const rename = { ...variant.rename };
  const params = objectShapeOf(op.input.params);
  // `id` names the entity an operation's path is about (`decisionId`), the one id parameter
  // besides a tenant's.
  const idParam = params && Object.keys(params).filter((k) => k !== 'tenantId' && k !== 'action' && !(k in (variant.fixed?.params ?? {})));
  if (spec.api === 'client' && idParam?.length === 1 && !Object.values(rename).includes(idParam[0])) rename.id = idParam[0];
  const renamedTo = new Map(Object.entries(rename).map(([arg, field]) => [field, arg]));
  for (const part of ['params', 'query', 'body'] as const) {
    const schema = op.input[part] as z.ZodType | undefined;
    if (!schema) continue;
    schemas[part] = schema;
    if (variant.argsInto && part === 'body') continue;
    const shape = objectShapeOf(schema) ?? {};
    for (const field of Object.keys(shape)) {
      if (variant.fixed?.[part] && field in variant.fixed[part]) continue;
      const arg = renamedTo.get(field) ?? field;
      if (fields.has(arg)) continue; // `workspace_id` is in the query and a POST's body: the query takes it
      fields.set(arg, [part, field]);
      argOf.set(`${part}.${field}`, arg);
    }
  }
  if (variant.argsInto) {
    for (const field of Object.keys(objectShapeOf(variant.argsInto.schema) ?? {})) {
      fields.set(field, ['body', `${variant.argsInto.field}.${field}`]);
      argOf.set(`body.${variant.argsInto.field}.${field}`, field);
    }
  }
  const output = op.output instanceof ZodType ? op.output : (op.output?.content['application/json']?.schema ?? null);
  return { variant, op, fields, schemas, argOf, output };
}

/** The JSON Schema of each argument a variant takes, and which it requires. */
function argumentsOf(plan: CallPlan): { props: Record<string, JsonSchema>; required: string[] } {
  const props: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const partSchemas: Partial<Record<InputPart, ReturnType<typeof objectJsonSchemaOf>>> = {};
  for (const [part, schema] of Object.entries(plan.schemas) as [InputPart, z.ZodType][]) partSchemas[part] = objectJsonSchemaOf(schema);
  const argsSchema = plan.variant.argsInto ? objectJsonSchemaOf(plan.variant.argsInto.schema) : null;
  for (const [arg, [part, field]] of plan.fields) {
    const isArgs = plan.variant.argsInto && part === 'body';
    const source = isArgs ? argsSchema! : partSchemas[part]!;
    const key = isArgs ? field.slice(plan.variant.argsInto!.field.length + 1) : field;
    const schema = source.properties[key];
    if (!schema) continue;
    // Query values arrive as text on REST; a tool takes them as JSON, numbers as numbers.
    props[arg] = schema;
    if (source.required.includes(key)) required.push(arg);
  }
  return { props, required };
}

function variantLine(plan: CallPlan, required: string[]): string {
  const when = Object.entries(plan.variant.when).map(([k, v]) => `${k}=${v}`).join(' ');
  const needs = plan.op.permission === ANY_CREDENTIAL ? 'any credential' : `needs \`${plan.op.permission}\``;
  const args = required.length ? ` Required: ${required.join(', ')}.` : '';
  const head = when ? `- ${when}: ` : '- ';
  return `${head}${plan.op.summary} (${needs}).${args}${plan.variant.note ? ' ' + plan.variant.note : ''}`;
}
