// How many HTTP requests this node is answering right now. Background work that shares the
// node's cores (the webhook worker) reads it to give way to requests while they queue up.
import type { ServerResponse } from 'node:http';

export class RequestGauge {
  inFlight = 0;

  /** Counts a request until its response is finished or its connection closed ('close' comes once, either way). */
  track(response: ServerResponse): void {
    this.inFlight++;
    response.once('close', () => this.inFlight--);
  }
}
