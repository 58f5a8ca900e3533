// What deleting part of the hierarchy does beyond the foreign keys that cascade to the rows
// beneath: decisions stay (the record of what was decided) with their links to the deleted rows
// cleared, and the artifacts owned by the deleted rows go with them (an artifact names its owner
// by (entity_type, entity_id), which no foreign key can). Call before the DELETE, in its
// transaction. The decisions' own keys clear the links too (ON DELETE SET NULL (column)), but
// PostgreSQL re-checks a row that two cascade paths update in one statement against keys whose
// rows are already gone, so the links are cleared here first and the cascade finds nothing.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { artifacts, decisions, milestones, runs, tasks, workstreams } from './tables.ts';

export type Removed = { initiativeId: string } | { workstreamId: string } | { milestoneId: string } | { taskId: string };

/** The ids of each kind that the removal deletes, as SQL subqueries. */
function scopeOf(tenantId: string, removed: Removed) {
  const none = sql`select null::uuid where false`;
  if ('initiativeId' in removed) {
    const i = removed.initiativeId;
    return {
      initiatives: sql`select ${i}::uuid`,
      workstreams: sql`select id from ${workstreams} where tenant_id = ${tenantId} and initiative_id = ${i}`,
      milestones: sql`select id from ${milestones} where tenant_id = ${tenantId} and initiative_id = ${i}`,
      tasks: sql`select id from ${tasks} where tenant_id = ${tenantId} and initiative_id = ${i}`,
      runs: sql`select id from ${runs} where tenant_id = ${tenantId} and initiative_id = ${i}
                union select id from ${runs} where tenant_id = ${tenantId} and task_id in (select id from ${tasks} where tenant_id = ${tenantId} and initiative_id = ${i})`,
    };
  }
  if ('workstreamId' in removed) {
    const w = removed.workstreamId;
    return {
      initiatives: none,
      workstreams: sql`select ${w}::uuid`,
      milestones: sql`select id from ${milestones} where tenant_id = ${tenantId} and workstream_id = ${w}`,
      tasks: sql`select id from ${tasks} where tenant_id = ${tenantId} and workstream_id = ${w}`,
      runs: sql`select id from ${runs} where tenant_id = ${tenantId} and task_id in (select id from ${tasks} where tenant_id = ${tenantId} and workstream_id = ${w})`,
    };
  }
  if ('milestoneId' in removed) {
    return { initiatives: none, workstreams: none, milestones: sql`select ${removed.milestoneId}::uuid`, tasks: none, runs: none };
  }
  const t = removed.taskId;
  return {
    initiatives: none,
    workstreams: none,
    milestones: none,
    tasks: sql`select ${t}::uuid`,
    runs: sql`select id from ${runs} where tenant_id = ${tenantId} and task_id = ${t}`,
  };
}

const unlink = (column: string, ids: SQL) => sql`case when ${sql.raw(column)} in (${ids}) then null else ${sql.raw(column)} end`;

export async function beforeRemoval(tx: Db, tenantId: string, removed: Removed, now: Date): Promise<void> {
  const s = scopeOf(tenantId, removed);
  await tx.execute(sql`
    update ${decisions} set
      initiative_id = ${unlink('initiative_id', s.initiatives)},
      task_id = ${unlink('task_id', s.tasks)},
      run_id = ${unlink('run_id', s.runs)},
      updated_at = ${now.toISOString()}::timestamptz
    where tenant_id = ${tenantId} and (initiative_id in (${s.initiatives}) or task_id in (${s.tasks}) or run_id in (${s.runs}))`);
  await tx.execute(sql`
    delete from ${artifacts}
    where tenant_id = ${tenantId} and (
      (entity_type = 'initiative' and entity_id in (${s.initiatives}))
      or initiative_id in (${s.initiatives})
      or (entity_type = 'workstream' and entity_id in (${s.workstreams}))
      or (entity_type = 'milestone' and entity_id in (${s.milestones}))
      or (entity_type = 'task' and entity_id in (${s.tasks})))`);
}
