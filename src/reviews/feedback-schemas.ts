// Wire schemas of private feedback: the item, the list's filters and the resolve request
// (docs/reviews-api-contract.md).
import { z } from 'zod';
import { exportFormatQuery } from '../platform/csv.ts';

export const feedbackItemSchema = z
  .object({
    sessionId: z.uuid().describe('The review session (one customer visit)'),
    shopId: z.uuid(),
    shopName: z.string(),
    employeeId: z.uuid(),
    employeeName: z.string(),
    rating: z.number().int().min(1).max(5).nullable().describe('The star rating of the visit, if one was given'),
    message: z.string(),
    contact: z.string().nullable().describe("What the customer chose to leave; erased after the tenant's feedbackContactRetentionDays"),
    resolved: z.boolean(),
    resolvedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime().describe('When the feedback was left'),
  })
  .meta({
    id: 'FeedbackItem',
    example: {
      sessionId: '0193b5e0-1d2c-7f3a-9b8c-7d6e5f4a3b2c',
      shopId: '0193b5d2-7c1b-7b2e-8f4e-2b1c3d4e5f61',
      shopName: 'Bright Smile Dental — Orchard',
      employeeId: '0193b5d2-9a00-7c4e-8d1f-3a2b1c0d9e8f',
      employeeName: 'Mei Lin',
      rating: 2,
      message: 'Waited 40 minutes past my appointment time.',
      contact: 'alex@example.com',
      resolved: false,
      resolvedAt: null,
      createdAt: '2026-11-22T10:15:00.000Z',
    },
  });

export const feedbackQuery = {
  resolved: z.enum(['true', 'false']).optional().describe('Only resolved (true) or unresolved (false) feedback'),
  shopId: z.uuid().optional().describe('Only feedback from visits to this shop'),
  employeeId: z.uuid().optional().describe("Only feedback from this employee's visitors"),
};

/** On the list only: a CSV holds every match, so `limit` and `offset` do not apply to it. */
export const feedbackFormatQuery = { format: exportFormatQuery };

export const resolveFeedbackBody = z
  .strictObject({
    sessionId: z.uuid().describe('The session that holds the feedback'),
    resolved: z.boolean(),
  })
  .meta({ id: 'ResolveFeedbackRequest', example: { sessionId: '0193b5e0-1d2c-7f3a-9b8c-7d6e5f4a3b2c', resolved: true } });
