// The Reviews module's MCP tools, each variant one /api/v1 operation. `tenantId` may be left out
// by a tenant's own credentials (it is theirs); platform credentials name it.
import type { ToolSpec } from './tool-spec.ts';

const TENANTS_HINT = 'List the tenants with reviews_tenants action=list (tenant credentials see only their own)';
// Downloads (CSV) are for the REST door; a tool answers JSON.
const JSON_ONLY = { query: { format: 'json' } };

export const reviewsTools: ToolSpec[] = [
  {
    name: 'reviews_tenants',
    title: 'Review tenants',
    description: 'The tenants (businesses) this credential may see: `list`, or `get` one by `tenantId` (name, slug, time zone, language, brand, listings, plan).',
    api: 'v1',
    discriminators: { action: 'list or get' },
    variants: [
      { when: { action: 'list' }, operation: 'listTenants' },
      { when: { action: 'get' }, operation: 'getTenant' },
    ],
    notFoundHint: TENANTS_HINT,
  },
  {
    name: 'reviews_shops',
    title: 'Shops',
    description: 'A tenant’s shops (locations): `list`, `get`, `create`, `update`.',
    api: 'v1',
    discriminators: { action: 'list, get, create or update' },
    variants: [
      { when: { action: 'list' }, operation: 'listShops' },
      { when: { action: 'get' }, operation: 'getShop' },
      { when: { action: 'create' }, operation: 'createShop' },
      { when: { action: 'update' }, operation: 'updateShop' },
    ],
    notFoundHint: 'List the shops with reviews_shops action=list',
  },
  {
    name: 'reviews_employees',
    title: 'Employees',
    description:
      'A tenant’s employees, each with the review link customers open (`reviewUrl`, also printed as a QR code at GET /api/v1/tenants/{tenantId}/employees/{employeeId}/qr): `list`, `get`, `create`, `update` (rename, move shop, deactivate).',
    api: 'v1',
    discriminators: { action: 'list, get, create or update' },
    variants: [
      { when: { action: 'list' }, operation: 'listEmployees' },
      { when: { action: 'get' }, operation: 'getEmployee' },
      { when: { action: 'create' }, operation: 'createEmployee' },
      { when: { action: 'update' }, operation: 'updateEmployee' },
    ],
    notFoundHint: 'List the employees with reviews_employees action=list',
  },
  {
    name: 'reviews_templates',
    title: 'Review templates',
    description: 'The review texts customers pick from: `list`, `create`, `update`.',
    api: 'v1',
    discriminators: { action: 'list, create or update' },
    variants: [
      { when: { action: 'list' }, operation: 'listTemplates' },
      { when: { action: 'create' }, operation: 'createTemplate' },
      { when: { action: 'update' }, operation: 'updateTemplate' },
    ],
    notFoundHint: 'List the templates with reviews_templates action=list',
  },
  {
    name: 'reviews_analytics',
    title: 'Review analytics',
    description: 'The review funnel (scans, reviews, feedback) per shop and employee over the last `days`: 7, 30 (default) or 90.',
    api: 'v1',
    discriminators: {},
    variants: [{ when: {}, operation: 'getAnalytics', fixed: JSON_ONLY }],
    notFoundHint: TENANTS_HINT,
  },
  {
    name: 'reviews_feedback',
    title: 'Private feedback',
    description: 'Feedback customers left privately instead of a public review: `list` (newest first, filters), `resolve` one by its `sessionId`.',
    api: 'v1',
    discriminators: { action: 'list or resolve' },
    variants: [
      { when: { action: 'list' }, operation: 'listFeedback', fixed: JSON_ONLY },
      { when: { action: 'resolve' }, operation: 'resolveFeedback' },
    ],
    notFoundHint: 'List the feedback with reviews_feedback action=list',
  },
];
