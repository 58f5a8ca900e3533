// The delivery worker of one node: fans the outbox out (fan-out.ts), claims due deliveries and
// makes their attempts (attempt.ts), within a global and a per-endpoint concurrency limit.
//
// Every node runs one. A delivery is claimed with FOR UPDATE SKIP LOCKED and a lease, so each
// attempt is made by exactly one node; a node that dies mid-attempt leaves its lease to expire
// and another node makes the attempt. Nodes wake on a NOTIFY (a trigger on the outbox sends it,
// at commit, when the event's tenant has an enabled endpoint; PGlite delivers it in process), and
// poll every second as a safety net and for retries coming due.
import { sql } from 'drizzle-orm';
import { pgArray, queryRows } from '../db/index.ts';
import type { Runtime } from '../platform/runtime.ts';
import { attempt, recordDisabled, type Claimed } from './attempt.ts';
import { fanOut, initCursor } from './fan-out.ts';
import { indexPlanned } from './index-planned.ts';
import { Connections } from './outbound.ts';
import { Recorder } from './recorder.ts';

/** Sent by the outbox trigger (migrations/0008_webhooks.sql) and after a fan-out made deliveries. */
export const WEBHOOKS_CHANNEL = 'orgstack_webhooks';
const POLL_MS = 1000;
/**
 * Rounds (fan out, claim) are coalesced: a commit wakes the worker at most EVENT_WAIT_MS later,
 * so the events committed meanwhile share one fan-out and one claim instead of one each (on the
 * embedded database every request's commit woke a round of two statements of its own). A
 * finished attempt frees one slot: a claim waits until CLAIM_BATCH slots are free or
 * CLAIM_WAIT_MS passed, whichever comes first.
 */
const EVENT_WAIT_MS = 10;
const CLAIM_WAIT_MS = 5;
/**
 * After a fan-out that found events, the next one comes this soon, notified or not: the outbox
 * trigger notifies at most once per 10 ms, by one committing transaction at a time
 * (migrations/0015_webhook_notify_debounce.sql), and the events of the transactions that did not
 * notify may commit just after the round the notification woke.
 */
const FOLLOW_UP_MS = 20;
/**
 * Deliveries give way to requests. While WEBHOOK_YIELD_REQUESTS requests are in flight on the node
 * (its cores are queueing them), or were in the last BUSY_HOLD_MS, rounds (fan out, claim) start
 * at most every BUSY_ROUND_MS, at most BUSY_CONCURRENCY attempts are in flight, at most BUSY_RATE
 * start per second, and a round's fan-out makes at most a round's worth of deliveries (the cursor
 * still moves past events nobody subscribes to, BUSY_FAN_OUT.events a round). Deliveries never
 * stop: they go on at that pace, and catch up at full concurrency once the requests thin out.
 *
 * Why each bound (create-employee with three endpoints subscribed, as a share of its speed
 * without webhooks, in the same bench run):
 * - Each attempt is an HTTP request out, a signature and its share of a claim and a record; at
 *   full speed beside the writes, delivery took most of the machine and cut the writes to half.
 * - The rate, not only the concurrency: with deliveries claimed ahead a freed slot refills at
 *   once, and 32 in flight to a fast receiver were still 2,000 a second.
 * - The fan-out: one batch of the backlog (≈ 250 ms of the database and 6,000 deliveries) began
 *   whenever a round fell in a momentary dip of the queue, and went on batch after batch into the
 *   requests: 73–80 %. With one bounded statement a round and the hold: 83–94 % at 400 a second
 *   (rounds of 50 or 100 ms), whose statements (fan-out, claim, record) still took ≈ 110 ms of
 *   the database's second; at 200 a second and 100 ms rounds 89.5–96 %.
 */
const BUSY_ROUND_MS = 100;
/** A round in a momentary dip of the queue (between responses written and the next requests read) is still busy. */
const BUSY_HOLD_MS = 250;
const BUSY_CONCURRENCY = 32;
const BUSY_RATE = 200;
/** A round's worth of the rate: what a busy round may start, and make. */
const BUSY_PER_ROUND = (BUSY_RATE * BUSY_ROUND_MS) / 1000;
/** A busy round's fan-out: its worth of deliveries, from at most 250 events (2,500 a second). */
const BUSY_FAN_OUT = { events: 250, deliveries: BUSY_PER_ROUND };
/** Claimed per node and endpoint: the slots, and as many again waiting for them. */
const AHEAD = 2;

export class WebhookWorker {
  private inflight = new Map<string, number>();
  /**
   * Claimed ahead, per endpoint, in due order: each waits here (leased) for a slot, which it
   * takes the moment one frees, without a claim's round trip in between (with every slot's next
   * delivery a round trip away, one endpoint got ≈ 2,000 deliveries/s with the node half idle).
   */
  private ready = new Map<string, Claimed[]>();
  private running = new Set<Promise<void>>();
  private cycling = false;
  /** The shortest wait asked for while a round ran: the next round starts after it. */
  private wanted: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  /** Whether the outbox may hold events not fanned out yet (a NOTIFY or the poll said so). */
  private fanOutDue = true;
  /**
   * Whether a claim may find something a fan-out of this node did not just make: a slot came
   * free, the poll (retries coming due), or another node made deliveries.
   */
  private claimDue = true;
  private stopped = false;
  /** Attempts that may start while busy (a token bucket filled at BUSY_RATE, holding BUSY_PER_ROUND). */
  private busyTokens = 0;
  private busyTokensAt = 0;
  private poll: NodeJS.Timeout | undefined;
  /** Slots freed since the last claim. */
  private freed = 0;
  private readonly claimBatch: number;
  /** Finished attempts, written in batches. */
  private readonly recorder: Recorder;
  /** Keep-alive connections per endpoint origin and checked address. */
  private readonly connections: Connections;

  constructor(private readonly rt: Runtime) {
    this.recorder = new Recorder(rt);
    this.connections = new Connections(rt.config.webhooks.endpointConcurrency);
    this.claimBatch = Math.max(1, Math.min(8, Math.floor(rt.config.webhooks.endpointConcurrency / 4)));
  }

  async start(): Promise<void> {
    await initCursor(this.rt.database.background);
    if (!this.rt.config.webhooks.deliver) {
      // WEBHOOK_WORKER=off: another node delivers. On the embedded database there is no other.
      if (this.rt.database.kind === 'pglite') this.rt.log.warn('WEBHOOK_WORKER is off on the embedded database: no node delivers webhooks');
      this.stopped = true;
      return;
    }
    // '' from the outbox trigger (events committed), 'deliveries' from a node's fan-out.
    await this.rt.database.listen(WEBHOOKS_CHANNEL, (payload) => {
      if (this.stopped) return;
      if (payload === 'deliveries') this.claimDue = true;
      this.fanOutDue = true;
      this.schedule(EVENT_WAIT_MS);
    });
    this.poll = setInterval(() => {
      this.connections.sweep();
      this.wake();
    }, POLL_MS);
    this.poll.unref();
    this.schedule(0);
  }

  /** Fan out, claim and deliver soon: the poll, or a service that queued deliveries itself (retry, replay, test). */
  wake(): void {
    // A node that does not deliver tells the nodes that do (their poll would find them within 1 s).
    if (!this.rt.config.webhooks.deliver) {
      if (this.rt.database.kind === 'postgres') void this.rt.database.notify(WEBHOOKS_CHANNEL, 'deliveries').catch(() => {});
      return;
    }
    if (this.stopped) return;
    this.fanOutDue = true;
    this.claimDue = true;
    this.schedule(EVENT_WAIT_MS);
  }

  /** A finished attempt freed its slot: claim, without fanning out (that halves the round's work). */
  private slotFreed(): void {
    if (this.stopped) return;
    this.claimDue = true;
    if (++this.freed >= this.claimBatch || this.total() === 0) this.schedule(0);
    else this.schedule(CLAIM_WAIT_MS);
  }

  /** Whether requests are queueing on this node, or were a moment ago (WEBHOOK_YIELD_REQUESTS; see BUSY_ROUND_MS). */
  private busy(): boolean {
    return this.rt.requests.queuedWithin(BUSY_HOLD_MS);
  }

  /** Starts a round within `ms` (after the current one, when one runs); not sooner than BUSY_ROUND_MS while busy. */
  private schedule(ms: number): void {
    if (this.busy()) ms = Math.max(ms, BUSY_ROUND_MS);
    if (this.cycling) {
      this.wanted = Math.min(this.wanted ?? ms, ms);
      return;
    }
    const due = performance.now() + ms;
    if (this.timer && this.timerDue <= due) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.cycling = true;
      void this.cycle();
    }, ms);
  }

  /** Stops claiming and waits for the attempts in flight (each ends by its timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
    await this.recorder.flushed();
    // Claimed ahead and never attempted: due again at once, for whichever node is left.
    const unsent = [...this.ready.values()].flat();
    this.ready.clear();
    if (unsent.length > 0) await release(this.rt, unsent).catch((err) => this.rt.log.warn({ err }, 'webhook leases not released; they expire'));
    this.connections.close();
  }

  /** One round: fan out if due, then claim and send what this node has room for. */
  private async cycle(): Promise<void> {
    try {
      let claim = this.claimDue;
      this.claimDue = false;
      if (this.fanOutDue) {
        this.fanOutDue = false;
        const fanned = await fanOut(this.rt.database.background, this.busy() ? BUSY_FAN_OUT : undefined);
        if (fanned.events > 0) {
          // What the batch left at once; the events of the commits that did not notify (see
          // FOLLOW_UP_MS) soon.
          this.fanOutDue = true;
          const next = fanned.more ? 0 : FOLLOW_UP_MS;
          this.wanted = Math.min(this.wanted ?? next, next);
        }
        // Other nodes claim too (the embedded database has no other node).
        if (fanned.deliveries > 0 && this.rt.database.kind === 'postgres') await this.rt.database.notify(WEBHOOKS_CHANNEL, 'deliveries');
        // Deliveries only for endpoints already at their limit here wait for a free slot: a
        // claim now would read past their whole backlog to find nothing.
        if (!fanned.held || fanned.endpoints.some((id) => !this.atLimit(id))) claim = true;
      }
      // Every free slot filled: more may be due at once.
      if (claim && (await this.claimAndSend())) {
        this.claimDue = true;
        this.wanted = 0;
      }
    } catch (err) {
      if (!this.stopped) this.rt.log.error({ err }, 'webhook delivery round failed; the poll will retry');
    } finally {
      this.cycling = false;
      const next = this.wanted;
      this.wanted = null;
      if (next !== null && !this.stopped) this.schedule(next);
    }
  }

  /** Claims what this node has room for; true when it filled every free slot (more may be due). */
  private async claimAndSend(): Promise<boolean> {
    const { endpointConcurrency, timeoutMs } = this.rt.config.webhooks;
    // As many again as the slots are claimed ahead (see `ready`).
    const room = AHEAD * this.slots() - this.held();
    if (room <= 0 || this.stopped) {
      // Nothing more to claim, but what is claimed may wait for a slot or, while busy, for the
      // rate's next tokens (sendReady scheduled this round for them).
      this.sendReady();
      return false;
    }
    this.freed = 0;
    // A delivery claimed ahead waits at most one timeout for a slot, then its attempt takes at
    // most one more: its lease outlasts both.
    const leaseSeconds = Math.ceil((3 * timeoutMs) / 1000) + 5;
    const claimed = await claim(this.rt, room, AHEAD * endpointConcurrency, this.heldPerEndpoint(), leaseSeconds);
    // (A slow endpoint at its limit is left out of the claim altogether, so its backlog never
    // fills the window the other endpoints' deliveries are claimed from.)
    for (const d of claimed) {
      const queue = this.ready.get(d.endpointId);
      if (queue) queue.push(d);
      else this.ready.set(d.endpointId, [d]);
    }
    this.sendReady();
    return claimed.length === room;
  }

  /** Fills free slots from the deliveries claimed ahead, one endpoint after another. */
  private sendReady(): void {
    const { endpointConcurrency } = this.rt.config.webhooks;
    const limit = this.slots();
    let total = this.total();
    for (let sent = true; sent && total < limit && !this.stopped; ) {
      sent = false;
      for (const [endpointId, queue] of this.ready) {
        if (total >= limit) break;
        if ((this.inflight.get(endpointId) ?? 0) >= endpointConcurrency) continue;
        if (!this.mayStart()) {
          this.schedule(BUSY_ROUND_MS); // the rest wait for the next round's tokens
          return;
        }
        this.send(queue.shift()!);
        if (queue.length === 0) this.ready.delete(endpointId);
        total++;
        sent = true;
      }
    }
  }

  /** Whether an attempt may start now: always, except at BUSY_RATE while busy. */
  private mayStart(): boolean {
    if (!this.busy()) return true;
    const now = performance.now();
    this.busyTokens = Math.min(BUSY_PER_ROUND, this.busyTokens + ((now - this.busyTokensAt) * BUSY_RATE) / 1000);
    this.busyTokensAt = now;
    if (this.busyTokens < 1) return false;
    this.busyTokens--;
    return true;
  }

  /** Attempts this node may have in flight now (fewer while requests queue, see BUSY_CONCURRENCY). */
  private slots(): number {
    const { concurrency } = this.rt.config.webhooks;
    return this.busy() ? Math.min(concurrency, BUSY_CONCURRENCY) : concurrency;
  }

  /** Whether an endpoint has as many deliveries in flight and claimed ahead as it may. */
  private atLimit(endpointId: string): boolean {
    return this.heldBy(endpointId) >= AHEAD * this.rt.config.webhooks.endpointConcurrency;
  }

  private total(): number {
    let n = 0;
    for (const v of this.inflight.values()) n += v;
    return n;
  }

  /** In flight and claimed ahead. */
  private held(): number {
    let n = this.total();
    for (const queue of this.ready.values()) n += queue.length;
    return n;
  }

  private heldBy(endpointId: string): number {
    return (this.inflight.get(endpointId) ?? 0) + (this.ready.get(endpointId)?.length ?? 0);
  }

  private heldPerEndpoint(): Record<string, number> {
    const ids = new Set([...this.inflight.keys(), ...this.ready.keys()]);
    return Object.fromEntries([...ids].map((id) => [id, this.heldBy(id)]));
  }

  private send(d: Claimed): void {
    this.inflight.set(d.endpointId, (this.inflight.get(d.endpointId) ?? 0) + 1);
    const work = (async () => {
      if (!d.enabled) return recordDisabled(this.rt, d);
      // The slot is free once the answer is in; the delivery stays leased until it is recorded.
      this.recorder.add(d, await attempt(this.rt, d, this.connections));
    })()
      .catch((err) => this.rt.log.error({ err, deliveryId: d.id }, 'webhook attempt could not be recorded; its lease will expire and it is tried again'))
      .finally(() => {
        const left = (this.inflight.get(d.endpointId) ?? 1) - 1;
        if (left > 0) this.inflight.set(d.endpointId, left);
        else this.inflight.delete(d.endpointId);
        this.running.delete(work);
        this.sendReady();
        this.slotFreed();
      });
    this.running.add(work);
  }
}

/** Makes deliveries this node claimed but will not attempt due again at once. */
async function release(rt: Runtime, deliveries: Claimed[]): Promise<void> {
  const ids = JSON.stringify(deliveries.map((d) => ({ tenant_id: d.tenantId, id: d.id })));
  await rt.database.background.execute(sql`update webhook_deliveries d set lease_until = null
    from jsonb_to_recordset(${ids}::jsonb) as r(tenant_id uuid, id uuid)
    where d.tenant_id = r.tenant_id and d.id = r.id and d.status = 'pending'`);
}

/**
 * Leases up to `room` due deliveries, at most `perEndpoint` held per endpoint on this node
 * (`busy`: what this node already holds, in flight or claimed ahead), oldest due first,
 * skipping rows another node is claiming. Answers each with its event and endpoint.
 */
async function claim(rt: Runtime, room: number, perEndpoint: number, busy: Record<string, number>, leaseSeconds: number): Promise<Claimed[]> {
  const full = Object.entries(busy).flatMap(([id, n]) => (n >= perEndpoint ? [id] : []));
  const rows = await indexPlanned(rt.database, (db) =>
    queryRows<Record<string, unknown>>(
      db,
      // One generic plan on PostgreSQL: how many deliveries are due swings from none to
      // thousands, but with index scans only (indexPlanned) the plan is the same for all of them.
      // On the embedded database, planned per call (see index-planned.ts).
      sql`with busy as (select key::uuid as endpoint_id, value::int as n from jsonb_each_text(${JSON.stringify(busy)}::jsonb)),
        due as (
          select d.tenant_id, d.id, d.next_attempt_at,
            row_number() over (partition by d.endpoint_id order by d.next_attempt_at, d.id) + coalesce(b.n, 0) as rank
          from (select tenant_id, id, endpoint_id, next_attempt_at from webhook_deliveries
                where status = 'pending' and next_attempt_at <= now() and (lease_until is null or lease_until <= now())
                  and endpoint_id <> all(${pgArray(full)}::uuid[])
                order by next_attempt_at limit ${Math.max(64, room * 4)}) d
          left join busy b on b.endpoint_id = d.endpoint_id),
        -- The rows to lock are picked first (at most room), then joined by primary key: joined
        -- the other way round the planner hashed the whole table for them.
        pick as (
          select d.tenant_id, d.id from webhook_deliveries d
          join (select tenant_id, id, next_attempt_at from due where rank <= ${perEndpoint} order by next_attempt_at limit ${room}) due
            on due.tenant_id = d.tenant_id and due.id = d.id
          where d.status = 'pending' and (d.lease_until is null or d.lease_until <= now())
          for update of d skip locked)
        update webhook_deliveries d set lease_until = now() + make_interval(secs => ${leaseSeconds})
        from pick, events e, webhook_endpoints w
        where d.tenant_id = pick.tenant_id and d.id = pick.id and e.id = d.event_id and w.tenant_id = d.tenant_id and w.id = d.endpoint_id
        returning d.tenant_id, d.id, d.endpoint_id, d.attempts, e.id as event_id, e.type,
          (extract(epoch from e.created_at) * 1000)::float8 as created_ms, e.data, w.url, w.enabled, w.secret,
          case when w.previous_secret_expires_at > now() then w.previous_secret end as previous_secret`,
    ),
  );
  return rows.map((r) => ({
    tenantId: String(r.tenant_id),
    id: String(r.id),
    endpointId: String(r.endpoint_id),
    attempts: Number(r.attempts),
    eventId: String(r.event_id),
    type: String(r.type),
    createdMs: Number(r.created_ms),
    data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
    url: String(r.url),
    enabled: Boolean(r.enabled),
    secret: String(r.secret),
    previousSecret: r.previous_secret == null ? null : String(r.previous_secret),
  }));
}
