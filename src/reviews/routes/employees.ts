// Employees: people with a personal review link and QR code.
import { z } from 'zod';
import { defineOperation } from '../../platform/operations.ts';
import { DEFAULT_PAGE_SIZE, paginationSchema } from '../../platform/pagination.ts';
import { createEmployee, getEmployee, listEmployees, updateEmployee } from '../employees.ts';
import { createEmployeeBodySchema, employeeSchema, updateEmployeeBodySchema } from '../employee-schemas.ts';
import { tenantIdParams } from '../../platform/tenant-schemas.ts';

const tags = ['Employees'];
const employeeParams = tenantIdParams.extend({ employeeId: z.uuid().describe('The employee id') });
const employeeResponse = z.object({ employee: employeeSchema });

/** Unlike other lists, no `limit` means every employee (docs/reviews-api-contract.md). */
const employeeListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional().describe('Page size, 1–500 (default: every employee)'),
  offset: z.coerce.number().int().min(0).default(0).describe('Items to skip (default 0)'),
});

export const listEmployeesOperation = defineOperation({
  id: 'listEmployees',
  method: 'GET',
  path: '/tenants/:tenantId/employees',
  permission: 'employees:read',
  tags,
  summary: 'List all employees across all shops',
  description:
    'Oldest first. Every employee when no `limit` is given; `pagination.limit` is then the default page size (100), or the number returned when there are more.',
  input: { params: tenantIdParams, query: employeeListQuery },
  output: z.object({ employees: z.array(employeeSchema), total: z.number().int(), pagination: paginationSchema }),
  async run(ctx, { params, query }) {
    const { items, total } = await listEmployees(ctx, params.tenantId, query);
    // Without `limit` every employee is returned: the page size reported is the default one, or
    // the number returned when that is more (so `offset + limit` is always the next page).
    const limit = query.limit ?? Math.max(DEFAULT_PAGE_SIZE, items.length);
    return { employees: items, total, pagination: { limit, offset: query.offset, has_more: query.offset + items.length < total } };
  },
});

export const createEmployeeOperation = defineOperation({
  id: 'createEmployee',
  method: 'POST',
  path: '/tenants/:tenantId/employees',
  permission: 'employees:write',
  tags,
  summary: 'Create an employee',
  description: "The shop must be one of this tenant's shops (otherwise 400 with `fieldErrors.shopId`). The employee gets a short, unguessable `code` and `reviewUrl`.",
  input: { params: tenantIdParams, body: createEmployeeBodySchema },
  output: employeeResponse,
  status: 201,
  run: async (ctx, { params, body }) => ({ employee: await createEmployee(ctx, params.tenantId, body) }),
});

export const getEmployeeOperation = defineOperation({
  id: 'getEmployee',
  method: 'GET',
  path: '/tenants/:tenantId/employees/:employeeId',
  permission: 'employees:read',
  tags,
  summary: 'Get an employee',
  input: { params: employeeParams },
  output: employeeResponse,
  run: async (ctx, { params }) => ({ employee: await getEmployee(ctx, params.tenantId, params.employeeId) }),
});

export const updateEmployeeOperation = defineOperation({
  id: 'updateEmployee',
  method: 'PATCH',
  path: '/tenants/:tenantId/employees/:employeeId',
  permission: 'employees:write',
  tags,
  summary: 'Rename, move or (de)activate an employee',
  description:
    'Deactivated employees keep their history; their link shows a polite "no longer here" page. A new `shopId` must be one of this tenant\'s shops (400 `fieldErrors.shopId`).',
  input: { params: employeeParams, body: updateEmployeeBodySchema },
  output: employeeResponse,
  errors: { 409: 'Reactivating an employee whose shop was deleted needs a shopId to move them' },
  run: async (ctx, { params, body }) => ({ employee: await updateEmployee(ctx, params.tenantId, params.employeeId, body) }),
});

export const employeeOperations = [listEmployeesOperation, createEmployeeOperation, getEmployeeOperation, updateEmployeeOperation];
