// `column = any(array)` with the array bound as ONE parameter: the statement text is the same
// for any number of values, as every prepared statement on PostgreSQL must be (db/index.ts).
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { pgArray } from '../db/index.ts';

export const anyUuid = (column: AnyColumn | SQL, ids: readonly string[]): SQL => sql`${column} = any(${pgArray(ids)}::uuid[])`;
export const anyText = (column: AnyColumn | SQL, values: readonly string[]): SQL => sql`${column} = any(${pgArray(values)}::text[])`;
