// How many HTTP requests this node is answering right now, and when they last queued up.
// Background work that shares the node's cores (the webhook worker) reads it to give way to
// requests while they queue.
import type { ServerResponse } from 'node:http';

export class RequestGauge {
  inFlight = 0;
  /** When `inFlight` last reached `queueing` (performance.now()). */
  private queuedAt = -Infinity;

  /** @param queueing in flight at once that count as a queue (WEBHOOK_YIELD_REQUESTS); 0 = never. */
  constructor(private readonly queueing: number) {}

  /** Counts a request until its response is finished or its connection closed ('close' comes once, either way). */
  track(response: ServerResponse): void {
    if (++this.inFlight >= this.queueing && this.queueing > 0) this.queuedAt = performance.now();
    response.once('close', () => this.inFlight--);
  }

  /**
   * Whether requests queued at any moment of the last `ms`. Under steady load the count dips for
   * a moment now and then (between a batch of responses written and the next requests read);
   * sampled at such a dip, "queueing now" said no about once a second.
   */
  queuedWithin(ms: number): boolean {
    return this.queueing > 0 && (this.inFlight >= this.queueing || performance.now() - this.queuedAt < ms);
  }
}
