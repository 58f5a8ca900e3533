import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../platform/authenticate.ts';
import { errorResponse } from '../../platform/http-errors.ts';
import { paginationSchema } from '../../platform/pagination.ts';
import type { Runtime } from '../../platform/runtime.ts';
import { createEmployee, getEmployee, listEmployees, updateEmployee } from '../employees.ts';
import { createEmployeeBodySchema, employeeSchema, updateEmployeeBodySchema } from '../resource-schemas.ts';
import { tenantIdParams } from '../schemas.ts';

const employeeParams = tenantIdParams.extend({ employeeId: z.uuid().describe('The employee id') });
const employeeResponse = z.object({ employee: employeeSchema });

/** Unlike other lists, no `limit` means every employee (reviews-api.md §5, §6). */
const employeeListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional().describe('Page size, 1–500 (default: every employee)'),
  offset: z.coerce.number().int().min(0).default(0).describe('Items to skip (default 0)'),
});

export function employeeRoutes(app: FastifyInstance, rt: Runtime) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Employees'];

  r.get(
    '/api/v1/tenants/:tenantId/employees',
    {
      config: { permission: 'employees:read' },
      schema: {
        operationId: 'listEmployees',
        tags,
        summary: 'List all employees across all shops',
        description: 'Oldest first. Every employee when no `limit` is given (then `pagination.limit` is the number returned).',
        params: tenantIdParams,
        querystring: employeeListQuery,
        response: { 200: z.object({ employees: z.array(employeeSchema), total: z.number().int(), pagination: paginationSchema }) },
      },
    },
    async (req) => {
      const { items, total } = await listEmployees(contextOf(req, rt), req.params.tenantId, req.query);
      const limit = req.query.limit ?? items.length;
      return {
        employees: items,
        total,
        pagination: { limit, offset: req.query.offset, has_more: req.query.offset + items.length < total },
      };
    },
  );

  r.post(
    '/api/v1/tenants/:tenantId/employees',
    {
      config: { permission: 'employees:write' },
      schema: {
        operationId: 'createEmployee',
        tags,
        summary: 'Create an employee',
        description: "The shop must be one of this tenant's shops (otherwise 400 with `fieldErrors.shopId`). The employee gets a short, unguessable `code` and `reviewUrl`.",
        params: tenantIdParams,
        body: createEmployeeBodySchema,
        response: { 201: employeeResponse },
      },
    },
    async (req, reply) => reply.code(201).send({ employee: await createEmployee(contextOf(req, rt), req.params.tenantId, req.body) }),
  );

  r.get(
    '/api/v1/tenants/:tenantId/employees/:employeeId',
    {
      config: { permission: 'employees:read' },
      schema: {
        operationId: 'getEmployee',
        tags,
        summary: 'Get an employee',
        params: employeeParams,
        response: { 200: employeeResponse },
      },
    },
    async (req) => ({ employee: await getEmployee(contextOf(req, rt), req.params.tenantId, req.params.employeeId) }),
  );

  r.patch(
    '/api/v1/tenants/:tenantId/employees/:employeeId',
    {
      config: { permission: 'employees:write' },
      schema: {
        operationId: 'updateEmployee',
        tags,
        summary: 'Rename, move or (de)activate an employee',
        description:
          'Deactivated employees keep their history; their link shows a polite "no longer here" page. A new `shopId` must be one of this tenant\'s shops (400 `fieldErrors.shopId`).',
        params: employeeParams,
        body: updateEmployeeBodySchema,
        response: { 200: employeeResponse, 409: errorResponse("Reactivating an employee whose shop was deleted needs a shopId to move them") },
      },
    },
    async (req) => ({ employee: await updateEmployee(contextOf(req, rt), req.params.tenantId, req.params.employeeId, req.body) }),
  );
}
