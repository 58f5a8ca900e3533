// The event catalogue: every type the outbox (events.ts) holds, with a one-line description, the
// schema of its `data` and an example. The platform's own types are here; each module lists the
// types it writes in its own events.ts (`Module.events`), and eventCatalogue merges them. Webhook
// endpoints subscribe by these names, and the catalogue test keeps every type the code writes in
// it, with data that parses.
import { z } from 'zod';
import { eventType, exampleOf, type EventCatalogue } from './events.ts';
import { apiKeySchema } from './key-schemas.ts';
import type { Module } from './module.ts';
import { tenantUserSchema } from './routes/users.ts';
import { tenantSchema } from './tenant-schemas.ts';
import { TENANT_ROLES } from './users.ts';

const tenant = exampleOf(tenantSchema);
const user = exampleOf(tenantUserSchema);
const apiKey = exampleOf(apiKeySchema);

/** The tenant as the Tenant resource shows it, and the fields that changed (by their wire names). */
export const tenantUpdatedSchema = z.strictObject({ tenant: tenantSchema, changed: z.array(z.string()) });

export const PLATFORM_EVENTS = {
  'tenant.updated': eventType({
    description: "The tenant's settings, listings, brand, plan or status changed",
    data: tenantUpdatedSchema,
    example: { tenant, changed: ['name', 'brandPrimaryColor'] },
    tenantChanged: true,
  }),
  'tenant.deleted': eventType({
    description: 'The tenant and everything it owned were deleted (the event outlives it)',
    data: z.strictObject({ tenant: tenantSchema }),
    example: { tenant },
    tenantChanged: true,
  }),
  'user.invited': eventType({
    description: 'A person was invited by email to join the tenant',
    data: z.strictObject({ user: tenantUserSchema }),
    example: { user },
  }),
  'user.role_changed': eventType({
    description: "A user's role changed",
    data: z.strictObject({ user: tenantUserSchema, previousRole: z.enum(TENANT_ROLES) }),
    example: { user: { ...user, role: 'admin', pending: false }, previousRole: 'member' },
  }),
  'user.removed': eventType({
    description: 'A user was removed from the tenant, with their sessions and keys',
    data: z.strictObject({ user: tenantUserSchema }),
    example: { user },
  }),
  'api_key.created': eventType({
    description: 'An API key was created (the key itself, never its secret)',
    data: apiKeySchema,
    example: apiKey,
  }),
  'api_key.rolled': eventType({
    description: 'An API key was replaced by a new one; the old key keeps working until it expires',
    data: z.strictObject({ apiKey: apiKeySchema, previous: apiKeySchema }),
    example: {
      apiKey: { ...apiKey, id: '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f62', prefix: 'orgstack_sk_tnt_Zy8wVu7t', createdAt: '2026-11-22T10:00:00.000Z' },
      previous: { ...apiKey, expiresAt: '2026-11-23T10:00:00.000Z' },
    },
  }),
  'api_key.revoked': eventType({
    description: 'An API key was revoked and stops working within seconds',
    data: apiKeySchema,
    example: { ...apiKey, revokedAt: '2026-11-22T10:00:00.000Z' },
  }),
} satisfies EventCatalogue;

/**
 * The platform's types and those of every module, once each: a type listed twice (by the
 * platform and a module, or by two modules) is an error, since one name must mean one shape.
 */
export function eventCatalogue(modules: readonly Pick<Module, 'name' | 'events'>[]): EventCatalogue {
  const merged: Record<string, EventCatalogue[string]> = { ...PLATFORM_EVENTS };
  const owner = new Map(Object.keys(PLATFORM_EVENTS).map((type) => [type, 'the platform']));
  for (const m of modules) {
    for (const [type, entry] of Object.entries(m.events ?? {})) {
      if (owner.has(type)) throw new Error(`Event type ${type} is listed by both ${owner.get(type)} and the ${m.name} module`);
      owner.set(type, `the ${m.name} module`);
      merged[type] = entry;
    }
  }
  return Object.freeze(merged);
}
