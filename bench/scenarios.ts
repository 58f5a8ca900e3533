// What `npm run bench` measures. To add a scenario: seed what it needs in `seed` (the data lands
// in `Fixture`), then append an entry to `scenarios`. Each runs against the live server with
// autocannon; `route` (the Fastify route pattern) lets the harness check that every request to
// an audited route left exactly one audit row.
import type { Db } from '../src/db/index.ts';
import { mintKey } from '../src/platform/keys.ts';
import { createTenant } from '../src/reviews/tenants.ts';

/** Far above anything a run can send, so the rate limiter admits everything (it still counts). */
export const BENCH_HOURLY_LIMIT = 1_000_000_000;
/** Keys the tenant holds in total, so the api-keys list returns a realistic page. */
const TENANT_KEYS = 10;

export interface Fixture {
  tenantId: string;
  /** The secret of a tenant key with every tenant permission and BENCH_HOURLY_LIMIT. */
  tenantKey: string;
  tenantKeyId: string;
}

/** Seeds a migrated, otherwise empty database (the server is not running yet). */
export async function seed(db: Db): Promise<Fixture> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const tenant = await createTenant(db, { slug: `bench-${suffix}`, name: 'Bench Dental', vertical: 'clinic' });
  // minter = null: the operator's path, so no cap from a minting key applies to the limit.
  const main = await mintKey(db, { kind: 'tenant', tenantId: tenant.id, name: 'bench', hourlyLimit: BENCH_HOURLY_LIMIT }, null);
  for (let i = 1; i < TENANT_KEYS; i++) {
    await mintKey(db, { kind: 'tenant', tenantId: tenant.id, name: `bench filler ${i}` }, null);
  }
  return { tenantId: tenant.id, tenantKey: main.key, tenantKeyId: main.apiKey.id };
}

export interface Targets {
  /** Average requests per second at least this. */
  minRps?: number;
  /** 99th percentile latency at most this many milliseconds. */
  maxP99Ms?: number;
  /** req/s ÷ the driver-only ceiling at least this (0–1). */
  minCeilingRatio?: number;
}

export interface Scenario {
  name: string;
  /** One line for the README and the JSON. */
  description: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path(f: Fixture): string;
  headers?(f: Fixture): Record<string, string>;
  body?(f: Fixture): unknown;
  /** The Fastify route pattern when the route writes audit rows (authenticated surfaces). */
  auditedRoute?: string;
  /** The scenario whose req/s is compared with the ceiling. Exactly one should be primary. */
  primary?: boolean;
  targets?: { postgres?: Targets; pglite?: Targets };
}

const bearer = (f: Fixture) => ({ authorization: `Bearer ${f.tenantKey}` });

export const scenarios: Scenario[] = [
  {
    name: 'get-tenant',
    description:
      'GET /api/v1/tenants/{id} with a tenant key: auth (cached key), rate limit, one primary-key SELECT, zod response serialization, one audit row.',
    method: 'GET',
    path: (f) => `/api/v1/tenants/${f.tenantId}`,
    headers: bearer,
    auditedRoute: '/api/v1/tenants/:tenantId',
    primary: true,
    targets: {
      postgres: { minRps: 8000, maxP99Ms: 25, minCeilingRatio: 0.6 },
      pglite: { minRps: 2500 },
    },
  },
  {
    name: 'list-api-keys',
    description: `GET /api/v1/tenants/{id}/api-keys (${TENANT_KEYS} keys): the same request path with three queries (tenant exists, page, count) and a larger body.`,
    method: 'GET',
    path: (f) => `/api/v1/tenants/${f.tenantId}/api-keys`,
    headers: bearer,
    auditedRoute: '/api/v1/tenants/:tenantId/api-keys',
  },
  {
    name: 'healthz',
    description: 'GET /healthz: unauthenticated, no database, no audit. The HTTP + Fastify baseline of this machine.',
    method: 'GET',
    path: () => '/healthz',
  },
];
