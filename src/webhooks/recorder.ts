// Records finished attempts in batches: each attempt's log row, its delivery's next step and its
// endpoint's health, for every attempt finished since the last write, in one statement.
//
// One statement per attempt had been most of the worker's database work (and a round trip each).
// An attempt's slot is freed as soon as its answer is read; its delivery stays leased until the
// batch commits, so no node makes the attempt again meanwhile, and a node that dies first leaves
// the lease to expire (the attempt is then made again: at least once).
import { sql } from 'drizzle-orm';
import { queryRows } from '../db/index.ts';
import type { Runtime } from '../platform/runtime.ts';
import { nextDelay, type Claimed, type Outcome } from './attempt.ts';
import { cancelPending } from './endpoints.ts';
import { indexPlanned } from './index-planned.ts';

/** An endpoint whose every attempt failed for this long is disabled. */
const FAILING_DAYS = 5;
/** Attempts written per statement at most. */
const BATCH = 500;
/** A batch that deadlocks with another node's (both touch endpoint rows) is written again. */
const TRIES = 3;

interface Finished {
  d: Claimed;
  o: Outcome;
}

export class Recorder {
  private queue: Finished[] = [];
  private writing: Promise<void> | null = null;

  constructor(private readonly rt: Runtime) {}

  /** Queues a finished attempt; it is written with the others finished by the end of this turn. */
  add(d: Claimed, o: Outcome): void {
    this.queue.push({ d, o });
    if (!this.writing) this.writing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
  }

  /** Resolves when everything queued so far is written (or has failed and been logged). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, BATCH);
        try {
          await recordBatch(this.rt, batch);
        } catch (err) {
          this.rt.log.error({ err, attempts: batch.length }, 'webhook attempts could not be recorded; their leases will expire and they are tried again');
        }
      }
    } finally {
      this.writing = null;
    }
  }
}

/** Writes attempts, deliveries and endpoint health for a batch; ends the waiting deliveries of endpoints it disabled. */
export async function recordBatch(rt: Runtime, batch: readonly Finished[]): Promise<void> {
  const schedule = rt.config.webhooks.retrySchedule;
  const attempts = batch.map(({ d, o }) => {
    const ok = o.error === null;
    const made = d.attempts + 1;
    const gone = o.status === 410;
    const delay = ok || gone ? null : nextDelay(schedule, made, o.retryAfterSeconds);
    return {
      tenant_id: d.tenantId,
      id: d.id,
      status: o.status,
      error: o.error,
      duration_ms: o.durationMs,
      // PostgreSQL text holds no NUL character.
      response: o.response?.replaceAll('\0', '\uFFFD') ?? null,
      next_status: ok ? 'succeeded' : delay === null ? 'failed' : 'pending',
      attempts: made,
      delay_s: delay,
      ok,
    };
  });
  // Per endpoint, in the order the attempts finished: whether any succeeded or failed, whether
  // the last one failed (it is then failing since the last success of the batch, or before),
  // and whether one answered 410.
  const endpoints = new Map<string, { tenant_id: string; id: string; succeeded: boolean; failed: boolean; last_failed: boolean; gone: boolean }>();
  for (const { d, o } of batch) {
    const key = `${d.tenantId}/${d.endpointId}`;
    const e = endpoints.get(key) ?? { tenant_id: d.tenantId, id: d.endpointId, succeeded: false, failed: false, last_failed: false, gone: false };
    const ok = o.error === null;
    e.succeeded ||= ok;
    e.failed ||= !ok;
    e.last_failed = !ok;
    e.gone ||= o.status === 410;
    endpoints.set(key, e);
  }
  // Endpoint rows in one order on every node, so two nodes' batches lock them alike.
  const health = [...endpoints.values()].sort((a, b) => (a.tenant_id + a.id < b.tenant_id + b.id ? -1 : 1));
  const failingFor = sql`coalesce(w.failing_since, now()) < now() - make_interval(days => ${FAILING_DAYS})`;
  const statement = sql`with o as (
      select * from jsonb_to_recordset(${JSON.stringify(attempts)}::jsonb) as o(tenant_id uuid, id uuid, status int, error text,
        duration_ms int, response text, next_status text, attempts smallint, delay_s float8, ok boolean)),
    d as (
      update webhook_deliveries d set status = o.next_status, attempts = o.attempts, lease_until = null,
        next_attempt_at = case when o.delay_s is null then d.next_attempt_at else now() + make_interval(secs => o.delay_s) end,
        last_status = o.status, last_error = o.error, delivered_at = case when o.ok then now() end, updated_at = now()
      from o where d.tenant_id = o.tenant_id and d.id = o.id
      returning d.tenant_id, d.id),
    -- Only for deliveries still there (an endpoint deleted meanwhile took its deliveries): an
    -- attempt has no foreign key to check that (migrations/0014_webhook_attempts_cascade.sql).
    a as (
      insert into webhook_attempts (tenant_id, delivery_id, status, error, duration_ms, response)
      select o.tenant_id, o.id, o.status, o.error, o.duration_ms, o.response from o join d on d.tenant_id = o.tenant_id and d.id = o.id),
    e as (
      select * from jsonb_to_recordset(${JSON.stringify(health)}::jsonb) as e(tenant_id uuid, id uuid, succeeded boolean, failed boolean,
        last_failed boolean, gone boolean)),
    locked as (
      select w.tenant_id, w.id from webhook_endpoints w join e on w.tenant_id = e.tenant_id and w.id = e.id
      -- A success within the last second changes nothing worth a write: busy endpoints are
      -- not rewritten on every batch.
      where e.failed or w.last_success_at is null or w.last_success_at < now() - interval '1 second' or w.failing_since is not null
      order by w.tenant_id, w.id
      -- NO KEY: the fan-out's inserts hold KEY SHARE locks on endpoint rows (the foreign key).
      for no key update of w),
    w as (
      update webhook_endpoints w set
        last_success_at = case when e.succeeded then now() else w.last_success_at end,
        last_failure_at = case when e.failed then now() else w.last_failure_at end,
        failing_since = case when not e.last_failed then null when e.succeeded then now() else coalesce(w.failing_since, now()) end,
        enabled = w.enabled and not (e.gone or (e.last_failed and not e.succeeded and ${failingFor})),
        disabled_reason = case when not w.enabled then w.disabled_reason when e.gone then 'gone'
          when e.last_failed and not e.succeeded and ${failingFor} then 'failing' end
      from locked, e
      where w.tenant_id = locked.tenant_id and w.id = locked.id and e.tenant_id = w.tenant_id and e.id = w.id
      returning w.tenant_id, w.id, w.enabled, e.failed)
    select tenant_id, id from w where not enabled and failed`;
  let disabled: { tenant_id: string; id: string }[] = [];
  for (let tries = 1; ; tries++) {
    try {
      disabled = await indexPlanned(rt.database, (db) => queryRows<{ tenant_id: string; id: string }>(db, statement));
      break;
    } catch (err) {
      if (tries >= TRIES || !deadlocked(err)) throw err;
    }
  }
  for (const e of disabled) await cancelPending(rt.database.background, String(e.tenant_id), String(e.id));
}

function deadlocked(err: unknown): boolean {
  for (let e = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === '40P01' || code === '40001') return true;
  }
  return false;
}
