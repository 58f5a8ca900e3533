// An operation is defined once — id, words, permission, input and output schemas, and `run` —
// and every door is generated from that definition: the REST route (api.ts), its OpenAPI entry,
// its agent.json entry, the permission-matrix test, and the MCP tools. `run` receives an explicit
// context and the parsed input; it never sees Fastify, so every door calls the same code.
import type { z } from 'zod';
import type { ServiceContext } from './principal.ts';
import type { WorkspaceContext } from './workspace.ts';

export const ANY_CREDENTIAL = '*';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type Schema = z.ZodType | undefined;
type Parsed<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

/** What `run` receives: the parsed path parameters, query and body. */
export interface OperationInput<P extends Schema, Q extends Schema, B extends Schema> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
}

/**
 * An answer that is not JSON (a CSV download, an image, a printable page), sent as it is with
 * its headers. Errors stay JSON.
 */
export class RawResponse {
  constructor(
    readonly contentType: string,
    readonly body: string | Buffer,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** The documented answer of an operation that may answer something other than JSON. */
export interface RawOutput {
  description: string;
  content: Record<string, { schema: z.ZodType }>;
}

export interface Operation<Ctx extends ServiceContext = ServiceContext, P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema, O = unknown> {
  /** The product's name for it: `createEmployee`, `approveDecision`. Also the OpenAPI operationId and the MCP tool name. */
  id: string;
  summary: string;
  description?: string;
  tags: string[];
  /** The permission it needs, or ANY_CREDENTIAL for any valid credential. */
  permission: string;
  method: HttpMethod;
  /** The path inside its API, in Fastify's syntax: `/tenants/:tenantId/employees`. */
  path: string;
  input: { params?: P; query?: Q; body?: B };
  /**
   * The JSON answer's schema (the 2xx response), `null` for an empty 204, or a RawOutput when
   * `run` may return a RawResponse.
   */
  output: z.ZodType | RawOutput | null;
  /** The success status: 201 for creations; 204 when output is null; 200 otherwise. */
  status?: 200 | 201 | 204;
  /** Further documented error answers beyond the standard ones (409 …), status → when. */
  errors?: Partial<Record<number, string>>;
  /** Top-level fields of the answer that hold a secret shown once (an idempotent replay shows null). */
  secretFields?: string[];
  /**
   * The answers are shared, immutable objects (a per-node cache hands out the same report to
   * every caller), so each is serialized once and its JSON reused.
   */
  sharedAnswers?: boolean;
  /** Served, but not published in OpenAPI or agent.json (the dashboard's session-only calls). */
  hidden?: boolean;
  run(ctx: Ctx, input: OperationInput<P, Q, B>): Promise<O>;
}

/**
 * Defines an operation whose `run` gets the platform's ServiceContext. Modules with a richer
 * context (Work's workspace) wrap this in their own helper.
 */
export const defineOperation = <P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined, O = unknown>(
  op: Operation<ServiceContext, P, Q, B, O>,
) => op as Operation<ServiceContext, P, Q, B, O> as AnyOperation;

/** Defines an operation of /api/client: `run` gets the workspace the call acts in (ctx.workspaceId). */
export const defineWorkspaceOperation = <P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined, O = unknown>(
  op: Operation<WorkspaceContext, P, Q, B, O>,
) => op as Operation<WorkspaceContext, P, Q, B, O> as AnyOperation<WorkspaceContext>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOperation<Ctx extends ServiceContext = any> = Operation<Ctx, any, any, any, any>;

/** One published operation, as agent.json lists it. */
export interface Capability {
  id: string;
  method: string;
  path: string;
  permission: string | null;
  summary: string;
}

/** `/api/v1/tenants/:tenantId` → `/api/v1/tenants/{tenantId}` */
export const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
