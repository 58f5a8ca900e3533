// Wire schemas of funnel analytics: the report and its query (docs/reviews-api-contract.md).
import { z } from 'zod';
import { exportFormatQuery } from '../platform/csv.ts';

const count = z.number().int();
const fraction = z.number().min(0).max(1).nullable();

const metricsShape = {
  scans: count.describe('Review page opened (one per visit)'),
  ratings: count.describe('Visits that submitted a star rating'),
  positive: count.describe("Ratings at or above the tenant's threshold"),
  negative: count.describe('Ratings below the threshold'),
  reviewClicks: count.describe('googleClicks + xhsClicks'),
  googleClicks: count.describe('Visits that clicked through to Google'),
  xhsClicks: count.describe('Visits that clicked through to Xiaohongshu'),
  feedback: count.describe('Visits that left private feedback'),
  averageRating: z.number().nullable().describe('Mean rating, 2 decimals; null with no ratings'),
  ratingRate: fraction.describe('ratings / scans, 4 decimals, at most 1; null when scans is 0'),
  reviewRate: fraction.describe('reviewClicks / ratings, 4 decimals, at most 1; null when ratings is 0'),
};

const metricsExample = {
  scans: 120,
  ratings: 96,
  positive: 81,
  negative: 15,
  reviewClicks: 64,
  googleClicks: 50,
  xhsClicks: 14,
  feedback: 11,
  averageRating: 4.42,
  ratingRate: 0.8,
  reviewRate: 0.6667,
};

const employeeFunnelSchema = z
  .object({ employeeId: z.uuid(), name: z.string(), shopId: z.uuid().describe("The employee's current shop"), shopName: z.string(), ...metricsShape })
  .meta({
    id: 'EmployeeFunnel',
    example: {
      employeeId: '0193b5d2-9a00-7c4e-8d1f-3a2b1c0d9e8f',
      name: 'Mei Lin',
      shopId: '0193b5d2-7c1b-7b2e-8f4e-2b1c3d4e5f61',
      shopName: 'Bright Smile Dental — Orchard',
      ...metricsExample,
    },
  });

const shopFunnelSchema = z
  .object({ shopId: z.uuid(), name: z.string(), ...metricsShape })
  .meta({ id: 'ShopFunnel', example: { shopId: '0193b5d2-7c1b-7b2e-8f4e-2b1c3d4e5f61', name: 'Bright Smile Dental — Orchard', ...metricsExample } });

const dailyFunnelSchema = z
  .object({ date: z.iso.date().describe('A tenant-local calendar day'), ...metricsShape })
  .meta({ id: 'DailyFunnel', example: { date: '2026-11-22', ...metricsExample } });

export const analyticsReportSchema = z
  .object({
    days: z.union([z.literal(7), z.literal(30), z.literal(90)]).describe('The window in days (7, 30 or 90)'),
    from: z.iso.date().describe('First day of the window (tenant-local)'),
    to: z.iso.date().describe("Last day of the window: today in the tenant's time zone"),
    summary: z
      .object({ ...metricsShape, unresolvedFeedback: count.describe('All currently unresolved feedback, not only the window’s') })
      .describe('Totals over the window'),
    employees: z.array(employeeFunnelSchema).describe('Every active employee (zeros when idle) plus inactive ones with activity in the window, by name'),
    shops: z.array(shopFunnelSchema).describe('Every shop, plus deleted ones with activity in the window, by name'),
    daily: z.array(dailyFunnelSchema).describe('Exactly `days` entries, oldest first, including days with no activity'),
  })
  .meta({
    id: 'AnalyticsReport',
    example: {
      days: 7,
      from: '2026-11-16',
      to: '2026-11-22',
      summary: { ...metricsExample, unresolvedFeedback: 3 },
      employees: [
        {
          employeeId: '0193b5d2-9a00-7c4e-8d1f-3a2b1c0d9e8f',
          name: 'Mei Lin',
          shopId: '0193b5d2-7c1b-7b2e-8f4e-2b1c3d4e5f61',
          shopName: 'Bright Smile Dental — Orchard',
          ...metricsExample,
        },
      ],
      shops: [{ shopId: '0193b5d2-7c1b-7b2e-8f4e-2b1c3d4e5f61', name: 'Bright Smile Dental — Orchard', ...metricsExample }],
      daily: [{ date: '2026-11-22', ...metricsExample }],
    },
  });

export const ANALYTICS_CSV_ROWS = ['employees', 'shops', 'daily'] as const;
export type AnalyticsCsvRows = (typeof ANALYTICS_CSV_ROWS)[number];

export const analyticsQuery = z.strictObject({
  days: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('7, 30 or 90. Any other or missing value means 30 (not an error)'),
  format: exportFormatQuery,
  rows: z
    .enum(ANALYTICS_CSV_ROWS, { error: 'Must be employees, shops or daily' })
    .optional()
    .describe('With format=csv only: which table the file holds — one row per employee (default), per shop, or per day'),
});
