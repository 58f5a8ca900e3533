// The REST door: mounts one API (`/api/v1`, `/api/client`) as its own scoped Fastify plugin —
// its error body, its not-found answer, its hooks — and turns each operation definition into a
// route whose OpenAPI entry and agent.json entry come from that same definition.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { contextOf } from './authenticate.ts';
import { AppError } from './errors.ts';
import { noRouteMessage, toAppError } from './http-errors.ts';
import { readRequestLeniently, withRequestWarnings, withWarningsField } from './lenient-fields.ts';
import { ANY_CREDENTIAL, openApiPath, RawResponse, type AnyOperation, type Capability, type OperationInput } from './operations.ts';
import type { ServiceContext } from './principal.ts';
import type { Runtime } from './runtime.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission the route needs; `ANY_CREDENTIAL` for "any valid credential". Unset = public. */
    permission?: string;
  }
}

export interface Api<Ctx extends ServiceContext = ServiceContext> {
  /** `/api/v1` */
  prefix: string;
  /** Renders a failure in this API's error body. */
  renderError(request: FastifyRequest, reply: FastifyReply, err: AppError): FastifyReply;
  /** The documented body of an error answer of this API (status → schema with the description). */
  errorSchema(status: number, description: string): z.ZodType;
  /** The standard error answers every authenticated operation documents. */
  standardErrors: Record<number, string>;
  /** The context `run` receives, built from the authenticated request and the parsed input. */
  context(base: ServiceContext, input: OperationInput<z.ZodType, z.ZodType, z.ZodType>): Promise<Ctx> | Ctx;
  /**
   * Its clients send fields the operations do not know: accepted, read under their other casing
   * or declared alias, and named in the answer's `warnings` (lenient-fields.ts). Otherwise an
   * unknown field is whatever the operation's schema says (a strict one: 400).
   */
  readsLeniently?: boolean;
  /** This API's own hooks (response headers …), added to its scope only. */
  hooks?(scope: FastifyInstance): void;
}

export interface MountOptions {
  operations: AnyOperation[];
  /** Routes of this API that are not operations (the dashboard's cookie sign-in), in its scope. */
  routes?: (scope: FastifyInstance, rt: Runtime) => void;
}

/** Registers an API and appends its published operations to `published` (agent.json's list). */
export async function mountApi<Ctx extends ServiceContext>(app: FastifyInstance, rt: Runtime, api: Api<Ctx>, options: MountOptions, published: Capability[]) {
  await app.register(
    async (scope) => {
      scope.setErrorHandler((err: FastifyError, request, reply) => api.renderError(request, reply, toAppError(err, request)));
      scope.setNotFoundHandler((request, reply) =>
        api.renderError(request, reply, new AppError(404, 'not_found', noRouteMessage(request.method))),
      );
      api.hooks?.(scope);
      const serialized = new SharedAnswers();
      for (const op of options.operations) {
        route(scope, rt, api, op, serialized);
        if (!op.hidden) {
          published.push({
            id: op.id,
            method: op.method,
            path: openApiPath(api.prefix + op.path),
            permission: op.permission === ANY_CREDENTIAL ? null : op.permission,
            summary: op.summary,
          });
        }
      }
      options.routes?.(scope, rt);
    },
    { prefix: api.prefix },
  );
}

function route<Ctx extends ServiceContext>(scope: FastifyInstance, rt: Runtime, api: Api<Ctx>, op: AnyOperation<Ctx>, serialized: SharedAnswers) {
  const status = op.status ?? 200;
  const response: Record<number, unknown> = { [status]: api.readsLeniently ? withWarningsField(op.output) : op.output };
  for (const [code, description] of Object.entries({ ...api.standardErrors, ...op.errors })) {
    response[Number(code)] = api.errorSchema(Number(code), description!);
  }
  const needs = op.permission === ANY_CREDENTIAL ? 'Any valid key.' : `Requires the \`${op.permission}\` permission.`;
  scope.route({
    method: op.method,
    url: op.path,
    config: { permission: op.permission, secretFields: op.secretFields, emptyBody: emptyBodyOf(op.input.body) },
    ...(api.readsLeniently && (op.input.body || op.input.query) ? { preValidation: readRequestLeniently(op.input.body, op.input.query) } : {}),
    schema: {
      operationId: op.id,
      tags: op.tags,
      summary: op.summary,
      description: [op.description, needs].filter(Boolean).join('\n\n'),
      security: [{ bearerAuth: [] }],
      ...(op.hidden ? { hide: true } : {}),
      ...(op.input.params ? { params: op.input.params } : {}),
      ...(op.input.query ? { querystring: op.input.query } : {}),
      ...(op.input.body ? { body: op.input.body } : {}),
      response,
    },
    handler: async (request, reply) => {
      const input = { params: request.params, query: request.query, body: request.body } as OperationInput<z.ZodType, z.ZodType, z.ZodType>;
      const ctx = await api.context(contextOf(request, rt), input);
      const answer = await op.run(ctx, input);
      reply.code(status);
      if (answer instanceof RawResponse) return reply.type(answer.contentType).headers(answer.headers).send(answer.body);
      // An answer with warnings is this request's own, so it is never the shared one.
      const result = api.readsLeniently ? withRequestWarnings(request, answer) : answer;
      if (op.sharedAnswers && result === answer && result && typeof result === 'object') {
        // A string with a JSON content type is sent as it is (the schema already ran on it once).
        // A RawOutput (JSON or CSV …) has a serializer per content type; a plain schema, per status.
        const json = op.output instanceof z.ZodType ? undefined : 'application/json';
        return reply.type('application/json; charset=utf-8').send(serialized.of(result, () => reply.serializeInput(result, String(status), json) as string));
      }
      return reply.send(result);
    },
  });
}

/** An empty POST means "all defaults" to an operation whose body fields are all optional. */
function emptyBodyOf(body: z.ZodType | undefined): 'defaults' | 'refused' | undefined {
  const accepts = (value: unknown) => {
    try {
      return body!.safeParse(value).success;
    } catch {
      return false; // an async refinement: it needs real input
    }
  };
  if (!body || accepts(undefined)) return undefined;
  return accepts({}) ? 'defaults' : 'refused';
}

/**
 * Per node: the JSON of answers that a per-node cache shares between callers (a 90-day report is
 * tens of kilobytes, too costly to encode on every poll). Keyed by the answer object itself, so
 * an entry lives exactly as long as the cache that holds the answer; nothing to share or drop.
 */
class SharedAnswers {
  private readonly json = new WeakMap<object, string>();
  of(answer: object, serialize: () => string): string {
    let body = this.json.get(answer);
    if (body === undefined) this.json.set(answer, (body = serialize()));
    return body;
  }
}
