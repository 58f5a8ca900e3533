// Idempotency-Key on every POST and PATCH: the first request with a key claims it
// (INSERT … ON CONFLICT DO NOTHING) and its response is stored; a retry with the same key and
// body replays that response; a different body is 422; a retry while the first still runs is
// 409. Keys are scoped to the credential and kept 24 hours. 5xx responses are not stored (our
// writes are transactions, so a 5xx changed nothing and the retry must run again). Secrets a
// route declares in `config.secretFields` are stored as null: a secret is shown once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { and, eq, lt, lte, or } from 'drizzle-orm';
import { AppError, badRequest } from './errors.ts';
import { idempotencyKeys } from './tables.ts';
import { sha256Hex } from './secrets.ts';
import type { Runtime } from './runtime.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Top-level response fields that hold a secret shown once (stored as null for replays). */
    secretFields?: string[];
  }
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
}

const TTL_MS = 24 * 3600_000;
/** A claim still "running" after this long belongs to a request that died; it may be retaken. */
const ABANDONED_AFTER_MS = 60_000;
const MAX_KEY_LENGTH = 255;
const REPLAYED_HEADERS = ['content-type', 'location'];

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const fingerprintOf = (request: FastifyRequest) =>
  sha256Hex(`${request.method} ${request.url.split('?')[0]}\n${canonicalJson(request.body ?? null)}`);

function withoutSecrets(payload: string, fields: string[] | undefined): string {
  if (!fields?.length) return payload;
  try {
    const body = JSON.parse(payload) as Record<string, unknown>;
    for (const f of fields) if (f in body) body[f] = null;
    return JSON.stringify(body);
  } catch {
    return payload;
  }
}

/**
 * A replayed error body names this request's id, so it matches the x-request-id header (the
 * Reviews shape has `requestId`, the Work API's `error.request_id`).
 */
function withRequestId(body: string | null, id: string): string | undefined {
  if (!body?.includes('"requestId"') && !body?.includes('"request_id"')) return body ?? undefined;
  try {
    const parsed = JSON.parse(body);
    if (typeof parsed.error === 'object' && parsed.error && 'request_id' in parsed.error) {
      return JSON.stringify({ ...parsed, error: { ...parsed.error, request_id: id } });
    }
    return 'requestId' in parsed ? JSON.stringify({ ...parsed, requestId: id }) : body;
  } catch {
    return body;
  }
}

export const idempotencyPlugin = fp(async (app: FastifyInstance, { rt }: { rt: Runtime }) => {
  app.decorateRequest('idempotency', null);
  const db = rt.db;

  async function claim(scope: string, key: string, fingerprint: string): Promise<boolean> {
    const inserted = await db
      .insert(idempotencyKeys)
      .values({ scope, key, fingerprint, state: 'running', expiresAt: new Date(Date.now() + TTL_MS) })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    return inserted.length === 1;
  }

  // Only a POST or a PATCH can carry an Idempotency-Key, so the two hooks go on those routes
  // alone: every other request skips them (an async hook costs a promise and a microtask turn).
  // Route hooks run after the application's, so the order stays: the claim after emptyBodies, the
  // stored answer after the rate-limit and CORS headers are set.
  app.addHook('onRoute', (route) => {
    if (![route.method].flat().some((m) => m === 'POST' || m === 'PATCH')) return;
    route.preValidation = [...[route.preValidation ?? []].flat(), claimKey];
    route.onSend = [...[route.onSend ?? []].flat(), storeAnswer];
  });

  async function claimKey(request: FastifyRequest, reply: FastifyReply) {
    if (request.method !== 'POST' && request.method !== 'PATCH') return;
    const header = request.headers['idempotency-key'];
    if (header === undefined || !request.principal) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw badRequest({ 'Idempotency-Key': [`Must be 1 to ${MAX_KEY_LENGTH} characters`] });
    }
    const scope = request.principal.credentialId;
    const fingerprint = fingerprintOf(request);

    if (!(await claim(scope, key, fingerprint))) {
      const [prior] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
      const now = Date.now();
      const expired = !prior || prior.expiresAt.getTime() <= now;
      const abandoned = prior?.state === 'running' && prior.createdAt.getTime() < now - ABANDONED_AFTER_MS;
      if (expired || abandoned) {
        // Retake the key: remove the record only while it is still stale (a concurrent retaker's
        // fresh claim survives), then claim afresh. Not `created_at = prior.createdAt`: PostgreSQL
        // keeps microseconds that a JS Date drops, so that never matched and the key stayed stuck.
        if (prior) {
          await db
            .delete(idempotencyKeys)
            .where(
              and(
                eq(idempotencyKeys.scope, scope),
                eq(idempotencyKeys.key, key),
                or(
                  lte(idempotencyKeys.expiresAt, new Date(now)),
                  and(eq(idempotencyKeys.state, 'running'), lt(idempotencyKeys.createdAt, new Date(now - ABANDONED_AFTER_MS))),
                ),
              ),
            );
        }
        if (!(await claim(scope, key, fingerprint))) {
          throw new AppError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly');
        }
      } else if (prior.fingerprint !== fingerprint) {
        throw new AppError(422, 'idempotency_mismatch', 'This Idempotency-Key was used with a different request; use a new key');
      } else if (prior.state !== 'done') {
        throw new AppError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly');
      } else {
        reply.headers(prior.headers ?? {});
        reply.header('idempotent-replayed', 'true');
        return reply.code(prior.status!).send(withRequestId(prior.body, request.id));
      }
    }
    request.idempotency = { scope, key };
  }

  async function storeAnswer(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const claimed = request.idempotency;
    if (!claimed) return payload;
    request.idempotency = null;
    const where = and(eq(idempotencyKeys.scope, claimed.scope), eq(idempotencyKeys.key, claimed.key));
    if (reply.statusCode >= 500) {
      await db.delete(idempotencyKeys).where(where);
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const h of REPLAYED_HEADERS) {
      const v = reply.getHeader(h);
      if (v !== undefined) headers[h] = String(v);
    }
    const body = typeof payload === 'string' ? withoutSecrets(payload, request.routeOptions.config.secretFields) : null;
    await db.update(idempotencyKeys).set({ state: 'done', status: reply.statusCode, headers, body }).where(where);
    return payload;
  }
});

