// One tools/call: choose the variant, check the permission, validate the arguments with the
// operation's own schemas, build the same context the REST door builds, and run the operation's
// own `run`. Every failure becomes an `isError` result (results.ts), never a JSON-RPC error or a
// 500, so a model reads what went wrong and what to call next.
import { z } from 'zod';
import { clientApi } from '../platform/apis.ts';
import { AppError, type FieldErrors } from '../platform/errors.ts';
import { ANY_CREDENTIAL, RawResponse, type OperationInput } from '../platform/operations.ts';
import type { Principal, ServiceContext } from '../platform/principal.ts';
import type { Runtime } from '../platform/runtime.ts';
import type { BuiltTool, CallPlan } from './registry.ts';
import { errorResult, invalidArguments, successResult, type ToolOutcome } from './results.ts';
import type { InputPart } from './tool-spec.ts';

export interface CallContext {
  rt: Runtime;
  principal: Principal;
  requestId: string;
}

export async function callTool(call: CallContext, tool: BuiltTool, rawArgs: unknown): Promise<ToolOutcome> {
  try {
    return await runCall(call, tool, rawArgs);
  } catch (err) {
    if (err instanceof AppError) return errorResult(tool, call.principal, err);
    call.rt.log.error({ err, tool: tool.spec.name, requestId: call.requestId }, 'MCP tool call failed');
    return errorResult(tool, call.principal, new AppError(500, 'internal', 'The tool failed unexpectedly; retry with backoff'));
  }
}

async function runCall(call: CallContext, tool: BuiltTool, rawArgs: unknown): Promise<ToolOutcome> {
  if (rawArgs !== undefined && (rawArgs === null || typeof rawArgs !== 'object' || Array.isArray(rawArgs))) {
    return invalidArguments(tool, call.principal, { arguments: ['Must be an object'] });
  }
  const args = (rawArgs ?? {}) as Record<string, unknown>;
  const plan = chooseVariant(tool, args);
  if ('fieldErrors' in plan) return invalidArguments(tool, call.principal, plan.fieldErrors);

  const { op } = plan;
  if (op.permission !== ANY_CREDENTIAL && !call.principal.permissions.has(op.permission)) {
    return errorResult(tool, call.principal, new AppError(403, 'insufficient_scope', `This credential lacks the "${op.permission}" permission`), op.permission);
  }

  const split = splitArguments(plan, args, call.principal);
  if (split.fieldErrors) return invalidArguments(tool, call.principal, split.fieldErrors);
  const parsed = parseInput(plan, split.input!);
  if (parsed.fieldErrors) return invalidArguments(tool, call.principal, parsed.fieldErrors);
  const input = parsed.input! as OperationInput<z.ZodType, z.ZodType, z.ZodType>;

  // Another tenant's id is simply not found, as every id of another workspace is.
  const tenantId = (input.params as { tenantId?: string } | undefined)?.tenantId;
  if (tenantId !== undefined && call.principal.tenantId !== null && call.principal.tenantId !== tenantId.toLowerCase()) {
    throw new AppError(404, 'not_found', 'Resource not found');
  }
  const base: ServiceContext = { principal: call.principal, requestId: call.requestId, rt: call.rt };
  const ctx = tool.spec.api === 'client' ? await clientApi.context(base, input) : base;
  const answer = await op.run(ctx, input).catch((err: unknown) => {
    throw plan.variant.argsInto ? asToolArguments(err, plan.variant.argsInto.field) : err;
  });
  if (answer instanceof RawResponse) throw new AppError(500, 'internal', 'This operation answered a download, which a tool cannot return');
  // The answer as the REST door sends it: encoded by the operation's output schema (which also
  // drops what the schema does not publish).
  const encoded = plan.output ? z.safeEncode(plan.output, answer) : { success: true as const, data: answer };
  if (!encoded.success) {
    call.rt.log.error({ err: encoded.error, tool: tool.spec.name, operation: op.id }, 'MCP tool answer does not match its schema');
    throw new AppError(500, 'internal', 'The answer could not be encoded; retry with backoff');
  }
  return successResult(tool, plan, encoded.data as Record<string, unknown>);
}

function chooseVariant(tool: BuiltTool, args: Record<string, unknown>): CallPlan | { fieldErrors: FieldErrors } {
  const fieldErrors: FieldErrors = {};
  for (const [name, allowed] of Object.entries(tool.choices)) {
    const value = args[name];
    if (typeof value !== 'string' || !allowed.includes(value)) fieldErrors[name] = [`Required: one of ${allowed.join(', ')}`];
  }
  if (Object.keys(fieldErrors).length) return { fieldErrors };
  const plan = tool.plans.find((p) => Object.entries(p.variant.when).every(([k, v]) => args[k] === v));
  if (plan) return plan;
  const combos = tool.plans.map((p) => Object.entries(p.variant.when).map(([k, v]) => `${k}=${v}`).join(' ')).join('; ');
  return { fieldErrors: { [Object.keys(tool.choices).at(-1)!]: [`This combination is not available; the available ones are: ${combos}`] } };
}

function splitArguments(plan: CallPlan, args: Record<string, unknown>, principal: Principal) {
  const input: Record<InputPart, Record<string, unknown>> = { params: {}, query: {}, body: {} };
  const fieldErrors: FieldErrors = {};
  for (const [arg, value] of Object.entries(args)) {
    if (arg in plan.variant.when) continue;
    const target = plan.fields.get(arg);
    if (!target) {
      const known = [...plan.fields.keys()];
      fieldErrors[arg] = [`Not an argument of this call; its arguments are: ${known.join(', ') || 'none'}`];
      continue;
    }
    if (value === undefined) continue;
    const [part, field] = target;
    const dot = field.indexOf('.');
    if (dot > 0) {
      const outer = field.slice(0, dot);
      ((input[part][outer] ??= {}) as Record<string, unknown>)[field.slice(dot + 1)] = value;
    } else input[part][field] = value;
  }
  if (Object.keys(fieldErrors).length) return { fieldErrors, input: null };
  // A tenant's own credentials may leave their tenant out.
  if (plan.fields.has('tenantId') && input.params.tenantId === undefined && principal.tenantId !== null) input.params.tenantId = principal.tenantId;
  for (const part of ['params', 'query', 'body'] as const) Object.assign(input[part], plan.variant.fixed?.[part]);
  return { input, fieldErrors: null };
}

function parseInput(plan: CallPlan, raw: Record<InputPart, Record<string, unknown>>) {
  const input: Partial<Record<InputPart, unknown>> = {};
  const fieldErrors: FieldErrors = {};
  for (const part of ['params', 'query', 'body'] as const) {
    const schema = plan.schemas[part];
    if (!schema) continue;
    let value: unknown = raw[part];
    // An operation whose body is optional (an action's reason) takes no body when none is given.
    if (part === 'body' && Object.keys(raw.body).length === 0 && schema.safeParse(undefined).success) value = undefined;
    let result = schema.safeParse(value);
    // On REST a query is text; a tool's caller sends numbers and booleans as JSON.
    if (!result.success && part === 'query') result = schema.safeParse(asQueryText(raw.query));
    if (result.success) {
      input[part] = result.data;
      continue;
    }
    for (const issue of result.error.issues) {
      const path = issue.path.map(String);
      const key = argumentName(plan, part, path);
      (fieldErrors[key] ??= []).push(issue.message);
    }
  }
  if (Object.keys(fieldErrors).length) return { fieldErrors, input: null };
  return { input, fieldErrors: null };
}

/** The name the caller knows a failing field by: `id` for `decisionId`, `type` for `args.type`. */
function argumentName(plan: CallPlan, part: InputPart, path: string[]): string {
  for (let n = Math.min(path.length, 2); n >= 1; n--) {
    const arg = plan.argOf.get(`${part}.${path.slice(0, n).join('.')}`);
    if (arg) return [arg, ...path.slice(n)].join('.');
  }
  return path.join('.') || 'arguments';
}

/** An operation that validates the tool's arguments itself names them `args.type`; the caller sent `type`. */
function asToolArguments(err: unknown, field: string): unknown {
  if (!(err instanceof AppError) || !err.fieldErrors) return err;
  const prefix = `${field}.`;
  const renamed = Object.fromEntries(Object.entries(err.fieldErrors).map(([k, v]) => [k.startsWith(prefix) ? k.slice(prefix.length) : k, v]));
  return new AppError(err.status, err.code, err.message, renamed, err.headers);
}

function asQueryText(query: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) out[k] = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  return out;
}
