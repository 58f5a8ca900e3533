// Employees: the people customers review. Each has a short, unguessable public code; the review
// link PUBLIC_URL/r/<code> is computed when read, so changing PUBLIC_URL moves every link.
import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { fixedStatement, preparedQuery, queryRows, uniqueViolation, type Db } from '../db/index.ts';
import { badRequest, conflict, notFound } from '../platform/errors.ts';
import { emitEvent, insertEventsSql } from '../platform/events.ts';
import { coalescer } from '../platform/coalescer.ts';
import { eventId, uuidv7 } from '../platform/ids.ts';
import { tenants } from '../platform/tables.ts';
import { keptTotal, tenantRowCount } from '../platform/row-counts.ts';
import { pageWithTotal } from '../platform/pagination.ts';
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

/**
 * Employees with their shop's name (a deleted shop keeps its name for its former staff), and
 * any `more` columns.
 */
const selectEmployees = <More extends Record<string, SQL>>(db: Db, more = {} as More) =>
  db
    .select({ ...employeeColumns, ...more })
    .from(employees)
    .innerJoin(shops, and(eq(shops.tenantId, employees.tenantId), eq(shops.id, employees.shopId)));

const unknownShop = () => badRequest({ shopId: ["Must be one of this tenant's shops"] });

// The list's statement (and the count an empty page past the start needs), prepared once: no SQL
// built per call. No `limit` binds NULL, which PostgreSQL reads as no limit at all.
export const employeePage = preparedQuery((db) =>
  selectEmployees(db, { total: keptTotal('employees') })
    .where(eq(employees.tenantId, sql.placeholder('t')))
    .orderBy(asc(employees.createdAt), asc(employees.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare('employee_page'),
);
export const employeeCount = tenantRowCount('employees');

const employeeById = preparedQuery((db) =>
  selectEmployees(db)
    .where(and(eq(employees.tenantId, sql.placeholder('t')), eq(employees.id, sql.placeholder('id'))))
    .prepare('employee_by_id'),
);

/** Every employee across all shops, oldest first; all of them unless a limit is given. */
export async function listEmployees(ctx: ServiceContext, tenantId: string, page: { limit?: number; offset: number }) {
  const t = authorizeTenant(ctx, tenantId, 'employees:read');
  const db = ctx.rt.db;
  const [rows, n] = await pageWithTotal(
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
 * unknown tenant, for a platform key, is a 404).
 */
export async function createEmployee(ctx: ServiceContext, tenantId: string, body: { shopId: string; name: string }): Promise<EmployeeView> {
  const t = authorizeTenant(ctx, tenantId, 'employees:write');
  const shopId = body.shopId.toLowerCase();
  if (!isUuid(shopId)) throw unknownShop();
  const publicUrl = ctx.rt.config.publicUrl;
  const created = await employeeInserter(ctx.rt.db)(t, { id: uuidv7(), shopId, name: body.name, createdAt: new Date(), publicUrl });
  if (created === 'unknown tenant') throw notFound();
  if (created === 'unknown shop') throw unknownShop();
  return created;
}

interface NewEmployee {
  id: string;
  shopId: string;
  name: string;
  createdAt: Date;
  publicUrl: string;
}
type Inserted = EmployeeView | 'unknown tenant' | 'unknown shop';

/**
 * Creating employees is the hot path of onboarding (bulk imports create hundreds at once), so the
 * creates that arrive together on this node go into ONE statement per tenant (coalescer.ts): for
 * 50 concurrent creates, a few statements and commits instead of 50. Each create's shop is
 * checked on its own; one whose shop is not a live shop of the tenant is left out and answered
 * 400, the others are written.
 */
const employeeInserters = new WeakMap<Db, (tenantId: string, employee: NewEmployee) => Promise<Inserted>>();
function employeeInserter(db: Db) {
  let inserter = employeeInserters.get(db);
  if (!inserter) employeeInserters.set(db, (inserter = coalescer((tenantId: string, batch: NewEmployee[]) => insertTogether(db, tenantId, batch), { lanes: 2, max: 64 })));
  return inserter;
}

async function insertTogether(db: Db, tenantId: string, batch: NewEmployee[]): Promise<Inserted[]> {
  for (let attempt = 1; ; attempt++) {
    // Each employee as employeeView shows it but for the shop's name, which the statement reads
    // (and adds to the employee.created data). A code collision draws new codes for the batch.
    const views = batch.map((e) => {
      const code = newEmployeeCode();
      return { id: e.id, tenantId, shopId: e.shopId, name: e.name, code, reviewUrl: reviewUrlOf(e.publicUrl, code), active: true, createdAt: e.createdAt.toISOString() };
    });
    const rows = views.map((v, ord) => ({ ord, id: v.id, shop_id: v.shopId, name: v.name, code: v.code, at: v.createdAt, event_id: eventId(), data: v }));
    try {
      const answers = await insertEmployeesStatement(db, { tenantId, batch: JSON.stringify(rows) });
      return answers.map((a, i): Inserted => (a.inserted ? { ...views[i]!, shopName: a.shop_name! } : a.tenant_found ? 'unknown shop' : 'unknown tenant'));
    } catch (err) {
      if (uniqueViolation(err) !== 'employees_code_key' || attempt >= CODE_ATTEMPTS) throw err;
    }
  }
}

/**
 * The batch is one JSON parameter. Atomic on its own, with no BEGIN/COMMIT: it checks each
 * employee's shop, inserts the employees and writes their employee.created outbox rows — the
 * rows emitEvent would write (insertEventsSql; its catalogue entry asks for no NOTIFY, see
 * events.ts) — in one round trip. Each shop row is held FOR SHARE so a concurrent deleteShop
 * (which takes it FOR UPDATE) waits and then counts these employees. The shops are looked up one
 * per employee (`lateral`), so the plan never depends on how many come. Its text is rendered once
 * (fixedStatement): Drizzle rendering the statement on every call cost more CPU than the rest of
 * the request. One answer row per employee, in order.
 */
const insertEmployeesStatement = fixedStatement<{ tenant_found: boolean; shop_name: string | null; inserted: boolean }>(() => {
  const tenantId = sql.placeholder('tenantId');
  return sql`with batch as (
      select * from jsonb_to_recordset(${sql.placeholder('batch')}::jsonb)
        as b(ord int, id uuid, shop_id uuid, name text, code text, at timestamptz, event_id text, data jsonb)
    ), shop as (
      select b.ord, s.id, s.name from batch b, lateral (
        select ${shops.id}, ${shops.name} from ${shops}
        where ${shops.tenantId} = ${tenantId} and ${shops.id} = b.shop_id and ${shops.deletedAt} is null
        for share
      ) s
    ), ins as (
      insert into ${employees} (tenant_id, id, shop_id, name, code, active, created_at, updated_at)
      select ${tenantId}, b.id, shop.id, b.name, b.code, true, b.at, b.at
      from batch b join shop using (ord)
      order by b.ord
      returning id
    ), evt as (
      ${insertEventsSql(sql`${tenantId}`, [
        {
          type: 'employee.created',
          id: sql`b.event_id`,
          ord: sql`b.ord`,
          data: sql`b.data || jsonb_build_object('shopName', shop.name)`,
          from: sql`batch b join shop using (ord) join ins on ins.id = b.id`,
        },
      ])}
    )
    select exists (select 1 from ${tenants} where ${tenants.id} = ${tenantId}) as tenant_found,
           shop.name as shop_name, ins.id is not null as inserted
    from batch b left join shop using (ord) left join ins on ins.id = b.id
    order by b.ord`;
});

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
