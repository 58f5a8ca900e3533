// Wire schemas of employees and their request bodies (docs/reviews-api-contract.md).
import { z } from 'zod';
import { EXAMPLE_SHOP_ID, EXAMPLE_TENANT_ID } from './shop-schemas.ts';

export const employeeSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    shopId: z.uuid(),
    shopName: z.string(),
    name: z.string(),
    code: z.string().describe('The short, unguessable public code of the review link'),
    reviewUrl: z.string().describe('PUBLIC_URL/r/<code>'),
    active: z.boolean().describe('false: deactivated; the history stays and the link shows a "no longer here" page'),
    createdAt: z.iso.datetime(),
  })
  .meta({
    id: 'Employee',
    example: {
      id: '0193b5d2-9b11-7c3d-9e4f-5a6b7c8d9e01',
      tenantId: EXAMPLE_TENANT_ID,
      shopId: EXAMPLE_SHOP_ID,
      shopName: 'Bright Smile Dental — Riverside',
      name: 'Mei Lin',
      code: 'k3F9xQ2pLm',
      reviewUrl: 'https://reviews.example.com/r/k3F9xQ2pLm',
      active: true,
      createdAt: '2026-11-01T09:35:00.000Z',
    },
  });

const employeeName = z.string().trim().min(1, 'Must not be empty').max(200, 'Must be at most 200 characters');

export const createEmployeeBodySchema = z
  .strictObject({
    shopId: z.uuid().describe("One of this tenant's shops"),
    name: employeeName,
  })
  .meta({ id: 'CreateEmployeeRequest', example: { shopId: EXAMPLE_SHOP_ID, name: 'Mei Lin' } });

export const updateEmployeeBodySchema = z
  .strictObject({
    name: employeeName.optional(),
    shopId: z.uuid().optional().describe("Move to another of this tenant's shops"),
    active: z.boolean().optional().describe('false deactivates, true reactivates'),
  })
  .meta({ id: 'UpdateEmployeeRequest', description: 'Absent fields are left unchanged.', example: { active: false } });

export type UpdateEmployeeBody = z.infer<typeof updateEmployeeBodySchema>;
