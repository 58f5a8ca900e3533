// Platform credentials may name any tenant id in a path; one that does not exist is a 404, not
// an empty list or a foreign-key error further down.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { notFound } from './errors.ts';
import { tenants } from './tables.ts';

/**
 * `lock` takes the tenant row "for no key update": it serializes structure changes of one tenant
 * (shops) without blocking the foreign-key checks (key share) that inserts of its rows take.
 */
export async function requireTenantExists(db: Db, tenantId: string, lock = false): Promise<void> {
  const q = db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId));
  const [row] = lock ? await q.for('no key update') : await q;
  if (!row) throw notFound();
}
