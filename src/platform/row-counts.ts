// A list's total from the counts the database keeps per tenant (tenant_row_counts, migration
// 0019): a sum over a few slots instead of a count over every row of the tenant.
import { and, eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../db/index.ts';
import { tenantRowCounts } from './tables.ts';

/** The tables whose rows migration 0019's triggers count. */
export type CountedTable = 'employees' | 'tasks' | 'decisions';

const slotsOf = (table: CountedTable) =>
  and(eq(tenantRowCounts.tenantId, sql.placeholder('t')), eq(tenantRowCounts.tableName, table));
const sumOfSlots = sql<number>`coalesce(sum(${tenantRowCounts.n}), 0)::int`;

/**
 * A tenant's (placeholder `t`) rows in `table`, as a column of a list's page: the page and its
 * total in one statement, and one snapshot.
 */
export const keptTotal = (table: CountedTable) =>
  sql<number>`(select ${sumOfSlots} from ${tenantRowCounts} where ${slotsOf(table)})`;

/** A prepared `[{ n }]` of a tenant's (placeholder `t`) rows in `table`, as pageAndTotal takes it. */
export const tenantRowCount = (table: CountedTable) =>
  preparedQuery((db) =>
    db
      .select({ n: sumOfSlots })
      .from(tenantRowCounts)
      .where(slotsOf(table))
      .prepare(`${table}_row_count`),
  );
