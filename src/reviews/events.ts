// The event types Reviews writes (its part of the catalogue, see src/platform/event-catalogue.ts):
// its resources — shops, employees, templates, whose events carry the resource as the API shows
// it — the funnel of the public review page, and feedback. The resources and the provisioning of
// a tenant change what the tenant's review pages show, so their events tell every node to drop
// what it caches of the tenant (`tenantChanged`); the funnel's do not.
import { z } from 'zod';
import { eventType, exampleOf, type EventCatalogue } from '../platform/events.ts';
import type { PrincipalKind } from '../platform/principal.ts';
import { tenantSchema } from '../platform/tenant-schemas.ts';
import { employeeSchema } from './employee-schemas.ts';
import { shopSchema } from './shop-schemas.ts';
import { templateSchema } from './template-schemas.ts';

const shop = exampleOf(shopSchema);
const employee = exampleOf(employeeSchema);
const template = exampleOf(templateSchema);
const SESSION = '0193b5d2-b1d3-7e5f-8a61-7c8d9e0f1a23';
const AT = '2026-11-02T18:42:10.000Z';

/** Where a funnel event happened: the visit (review session), and the employee and shop it is for. */
const visit = { sessionId: z.uuid(), employeeId: z.uuid(), shopId: z.uuid() };
const visitExample = { sessionId: SESSION, employeeId: employee.id, shopId: shop.id };

const PRINCIPAL_KINDS = ['tenant_key', 'platform_key', 'user_key', 'session', 'oauth_token'] as const satisfies readonly PrincipalKind[];

export const reviewsEvents = {
  'tenant.provisioned': eventType({
    description: 'A tenant was provisioned with its default shop, login user and templates',
    data: z.strictObject({
      tenant: tenantSchema,
      shopId: z.uuid(),
      userId: z.uuid(),
      loginUsername: z.string(),
      mode: z.enum(['owner', 'demo']),
      templatesCreated: z.number().int().min(0),
    }),
    example: {
      tenant: exampleOf(tenantSchema),
      shopId: shop.id,
      userId: '0193b5d2-7c1b-7d40-8a11-6f2e9c0b1a23',
      loginUsername: 'bright-smile-dental',
      mode: 'demo',
      templatesCreated: 20,
    },
    tenantChanged: true,
  }),
  'shop.created': eventType({ description: 'A shop was created', data: shopSchema, example: shop, tenantChanged: true }),
  'shop.updated': eventType({
    description: 'A shop changed (also when it becomes or stops being the default shop)',
    data: shopSchema,
    example: { ...shop, address: '14 River Road, Springfield' },
    tenantChanged: true,
  }),
  'shop.deleted': eventType({
    description: "A shop was deleted; its employees' links stop taking reviews",
    data: shopSchema,
    example: { ...shop, isDefault: false },
    tenantChanged: true,
  }),
  // No NOTIFY: nothing any node caches can be stale, as the new review link's code is drawn at
  // the insert and unguessable (an unknown code is only remembered for seconds, see
  // pages/review-links.ts). Bulk onboarding creates hundreds of employees a second, and every
  // NOTIFY serializes commits on PostgreSQL's notification queue (create-employee served about
  // 40 % fewer requests per second with it, in bench/README.md's method).
  'employee.created': eventType({
    description: 'An employee was created, with their review link',
    data: employeeSchema,
    example: employee,
  }),
  'employee.updated': eventType({
    description: 'An employee was renamed, moved to another shop, deactivated or reactivated',
    data: employeeSchema,
    example: { ...employee, active: false },
    tenantChanged: true,
  }),
  'template.created': eventType({ description: 'A review template was created', data: templateSchema, example: template, tenantChanged: true }),
  'template.updated': eventType({
    description: 'A review template changed (its text, language, order or whether it is shown)',
    data: templateSchema,
    example: { ...template, active: false },
    tenantChanged: true,
  }),
  'template.deleted': eventType({ description: 'A review template was deleted', data: templateSchema, example: template, tenantChanged: true }),
  'review.rated': eventType({
    description: 'A customer rated on the review page (again: a changed rating)',
    data: z.strictObject({
      ...visit,
      rating: z.number().int().min(1).max(5),
      positive: z.boolean().describe("At or above the tenant's rating threshold when rated"),
      previousRating: z.number().int().min(1).max(5).nullable(),
      ratedAt: z.iso.datetime(),
    }),
    example: { ...visitExample, rating: 5, positive: true, previousRating: null, ratedAt: AT },
  }),
  'review.clicked': eventType({
    description: 'A customer went on to leave a public review (once per visit and channel)',
    data: z.strictObject({ ...visit, channel: z.enum(['google', 'xhs']), clickedAt: z.iso.datetime() }),
    example: { ...visitExample, channel: 'google', clickedAt: AT },
  }),
  'feedback.created': eventType({
    description: 'A customer left private feedback (the contact they gave is not in the event)',
    data: z.strictObject({
      ...visit,
      rating: z.number().int().min(1).max(5).nullable(),
      positive: z.boolean().nullable(),
      message: z.string(),
      hasContact: z.boolean(),
      createdAt: z.iso.datetime(),
    }),
    example: { ...visitExample, rating: 2, positive: false, message: 'The wait was long.', hasContact: true, createdAt: AT },
  }),
  'feedback.resolved': eventType({
    description: 'Feedback was marked resolved, or unresolved again',
    data: z.strictObject({
      ...visit,
      resolved: z.boolean(),
      resolvedAt: z.iso.datetime().nullable(),
      byKind: z.enum(PRINCIPAL_KINDS).describe('The kind of credential that resolved it'),
      byId: z.string().describe('Its id (the key, or the user of a session)'),
    }),
    example: { ...visitExample, resolved: true, resolvedAt: AT, byKind: 'session', byId: '0193b5d2-7c1a-7a3e-9f4e-2b1c3d4e5f61' },
  }),
} satisfies EventCatalogue;
