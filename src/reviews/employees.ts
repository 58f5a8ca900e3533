// Employees: the people customers review. Each has a short, unguessable public code; the review
// link PUBLIC_URL/r/<code> is computed when read, so changing PUBLIC_URL moves every link.
import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import { fixedStatement, preparedQuery, queryRows, uniqueViolation, type Db } from '../db/index.ts';
import { badRequest, conflict, notFound } from '../platform/errors.ts';
import { emitEvent, insertEventsSql } from '../platform/events.ts';
import { eventId, uuidv7 } from '../platform/ids.ts';
import { tenants } from '../platform/tables.ts';
import { pageAndTotal } from '../platform/pagination.ts';
import { authorizeTenant, isUuid, type ServiceContext } from '../platform/principal.ts';
import { randomToken } from '../platform/secrets.ts';
import type { UpdateEmployeeBody } from './employee-schemas.ts';
import { employees, shops } from './tables.ts';
import { requireTenantExists } from '../platform/tenant-exists.ts';

const CODE_LENGTH = 10; // 62^10 ≈ 2^59.5: not guessable by scanning the review links
const CODE_ATTEMPTS = 5;

export const newEmployeeCode = () => randomToken(CODE_LENGTH);

export interface EmployeeRow {
  id: string;
  tenantId: string;
  shopId: string;
  shopName: string;
  name: string;
  code: string;
  active: boolean;
  createdAt: Date;
}

export const reviewUrlOf = (publicUrl: string, code: string) => `${publicUrl}/r/${code}`;

export function employeeView(e: EmployeeRow, publicUrl: string) {
  return {
    id: e.id,
    tenantId: e.tenantId,
    shopId: e.shopId,
    shopName: e.shopName,
    name: e.name,
    code: e.code,
    reviewUrl: reviewUrlOf(publicUrl, e.code),
    active: e.active,
    createdAt: e.createdAt.toISOString(),
  };
}
export type EmployeeView = ReturnType<typeof employeeView>;

const employeeColumns = {
  id: employees.id,
  tenantId: employees.tenantId,
  shopId: employees.shopId,
  shopName: shops.name,
  name: employees.name,
  code: employees.code,
  active: employees.active,
  createdAt: employees.createdAt,
};

/** Employees with their shop's name (a deleted shop keeps its name for its former staff). */
const selectEmployees = (db: Db) =>
  db
    .select(employeeColumns)
    .from(employees)
    .innerJoin(shops, and(eq(shops.tenantId, employees.tenantId), eq(shops.id, employees.shopId)));

const unknownShop = () => badRequest({ shopId: ["Must be one of this tenant's shops"] });

// The list's two statements, prepared once (no SQL built per call). No `limit` binds NULL,
// which PostgreSQL reads as no limit at all.
export const employeePage = preparedQuery((db) =>
  selectEmployees(db)
    .where(eq(employees.tenantId, sql.placeholder('t')))
    .orderBy(asc(employees.createdAt), asc(employees.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('employee_page'),
);
export const employeeCount = preparedQuery((db) =>
  db.select({ n: count() }).from(employees).where(eq(employees.tenantId, sql.placeholder('t'))).prepare('employee_count'),
);

const employeeById = preparedQuery((db) =>
  selectEmployees(db)
    .where(and(eq(employees.tenantId, sql.placeholder('t')), eq(employees.id, sql.placeholder('id'))))
    .prepare('employee_by_id'),
);

/** Every employee across all shops, oldest first; all of them unless a limit is given. */
export async function listEmployees(ctx: ServiceContext, tenantId: string, page: { limit?: number; offset: number }) {
  const t = authorizeTenant(ctx, tenantId, 'employees:read');
  const db = ctx.rt.db;
  const [rows, n] = await pageAndTotal(
    page,
    () => employeePage(db).execute({ t, limit: page.limit ?? null, offset: page.offset }),
    () => employeeCount(db).execute({ t }),
  );
  if (n === 0) await requireTenantExists(db, t);
  const publicUrl = ctx.rt.config.publicUrl;
  return { items: rows.map((r) => employeeView(r, publicUrl)), total: n };
}

export async function getEmployee(ctx: ServiceContext, tenantId: string, employeeId: string): Promise<EmployeeView> {
  const t = authorizeTenant(ctx, tenantId, 'employees:read');
  if (!isUuid(employeeId)) throw notFound();
  const [row] = await employeeById(ctx.rt.db).execute({ t, id: employeeId.toLowerCase() });
  if (!row) throw notFound();
  return employeeView(row, ctx.rt.config.publicUrl);
}

/**
 * Creates an employee in one of the tenant's live shops (else 400 `fieldErrors.shopId`; an
 * unknown tenant, for a platform key, is a 404). A code collision draws another code.
 */
export async function createEmployee(ctx: ServiceContext, tenantId: string, body: { shopId: string; name: string }): Promise<EmployeeView> {
  const t = authorizeTenant(ctx, tenantId, 'employees:write');
  const shopId = body.shopId.toLowerCase();
  if (!isUuid(shopId)) throw unknownShop();
  for (let attempt = 1; ; attempt++) {
    try {
      return await insertEmployee(ctx, t, shopId, body.name);
    } catch (err) {
      if (uniqueViolation(err) !== 'employees_code_key' || attempt >= CODE_ATTEMPTS) throw err;
    }
  }
}

/**
 * The hot path of onboarding (bulk imports create hundreds at once), so it is ONE statement,
 * atomic on its own: it checks the shop, inserts the employee and writes the employee.created
 * outbox row — the row emitEvent would write (insertEventsSql; its catalogue entry asks for no NOTIFY,
 * see events.ts) — in one round trip, with no BEGIN/COMMIT. On PostgreSQL this served about 1.2–1.4× the requests
 * per second of the same work as a transaction of separate statements (BEGIN, insert, emitEvent,
 * COMMIT). The shop row is held FOR SHARE so a concurrent deleteShop (which takes it FOR UPDATE)
 * waits and then counts this employee. Its text is rendered once (fixedStatement): Drizzle
 * rendering the CTE on every call was ≈ 40 % of this function's CPU in a profile.
 */
const insertEmployeeStatement = fixedStatement<{ tenant_found: boolean; shop_name: string | null; inserted: number | string }>(() => {
  const p = (name: string) => sql.placeholder(name);
  return sql`with shop as (
      select ${shops.id}, ${shops.name} from ${shops}
      where ${shops.tenantId} = ${p('tenantId')} and ${shops.id} = ${p('shopId')} and ${shops.deletedAt} is null
      for share
    ), ins as (
      insert into ${employees} (tenant_id, id, shop_id, name, code, active, created_at, updated_at)
      select ${p('tenantId')}, ${p('id')}, shop.id, ${p('name')}, ${p('code')}, true, ${p('at')}::timestamptz, ${p('at')}::timestamptz
      from shop
      returning 1
    ), evt as (
      ${insertEventsSql(sql`${p('tenantId')}`, [
        {
          type: 'employee.created',
          id: sql`${p('eventId')}::text`,
          data: sql`${p('data')}::jsonb || jsonb_build_object('shopName', shop.name)`,
          from: sql`shop, ins`,
        },
      ])}
    )
    select exists (select 1 from ${tenants} where ${tenants.id} = ${p('tenantId')}) as tenant_found,
           (select name from shop) as shop_name,
           (select count(*) from ins) as inserted`;
});

async function insertEmployee(ctx: ServiceContext, tenantId: string, shopId: string, name: string): Promise<EmployeeView> {
  const id = uuidv7();
  const code = newEmployeeCode();
  const createdAt = new Date();
  const at = createdAt.toISOString();
  const publicUrl = ctx.rt.config.publicUrl;
  // The event's data is the employee view; only the shop's name comes from the statement itself.
  const withoutShopName = { id, tenantId, shopId, name, code, reviewUrl: reviewUrlOf(publicUrl, code), active: true, createdAt: at };
  const [found] = await insertEmployeeStatement(ctx.rt.db, { tenantId, shopId, id, name, code, at, eventId: eventId(), data: JSON.stringify(withoutShopName) });
  if (!found.tenant_found) throw notFound();
  if (found.shop_name === null || Number(found.inserted) !== 1) throw unknownShop();
  return employeeView({ id, tenantId, shopId, shopName: found.shop_name, name, code, active: true, createdAt }, publicUrl);
}

/**
 * Renames, moves (to a live shop of this tenant, else 400 `fieldErrors.shopId`), deactivates or
 * reactivates. Reactivating someone whose shop was deleted needs a move in the same request (409).
 */
export async function updateEmployee(ctx: ServiceContext, tenantId: string, employeeId: string, body: UpdateEmployeeBody): Promise<EmployeeView> {
  const t = authorizeTenant(ctx, tenantId, 'employees:write');
  if (!isUuid(employeeId)) throw notFound();
  const id = employeeId.toLowerCase();
  const targetShopId = body.shopId?.toLowerCase();
  return ctx.rt.db.transaction(async (tx) => {
    const [row] = await selectEmployees(tx)
      .where(and(eq(employees.tenantId, t), eq(employees.id, id)))
      .for('update', { of: employees });
    if (!row) throw notFound();

    const moves = targetShopId !== undefined && targetShopId !== row.shopId;
    const reactivates = body.active === true && !row.active;
    let shopName = row.shopName;
    if (moves || reactivates) {
      // FOR SHARE: a concurrent deleteShop waits for this transaction, then counts this employee.
      const [shop] = await tx
        .select({ name: shops.name })
        .from(shops)
        .where(and(eq(shops.tenantId, t), eq(shops.id, targetShopId ?? row.shopId), isNull(shops.deletedAt)))
        .for('share');
      if (!shop) {
        if (targetShopId !== undefined) throw unknownShop();
        throw conflict("This employee's shop was deleted; give a shopId to move them when reactivating");
      }
      shopName = shop.name;
    }

    const changes: Partial<typeof employees.$inferInsert> = {};
    if (body.name !== undefined && body.name !== row.name) changes.name = body.name;
    if (moves) changes.shopId = targetShopId;
    if (body.active !== undefined && body.active !== row.active) changes.active = body.active;
    const publicUrl = ctx.rt.config.publicUrl;
    if (Object.keys(changes).length === 0) return employeeView(row, publicUrl);

    const [updated] = await tx
      .update(employees)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(employees.tenantId, t), eq(employees.id, id)))
      .returning();
    const view = employeeView({ ...updated, shopName }, publicUrl);
    await emitEvent(tx, t, 'employee.updated', view);
    return view;
  });
}
