// Failed authentications per client IP and minute, so keys cannot be guessed at speed. Kept in
// memory per node: with N nodes behind a balancer an attacker gets N × the limit per minute,
// still far too slow to search a 238-bit key space.
import { AppError } from './errors.ts';
import { MinuteCounter } from './minute-counter.ts';

export class AuthFailureLimiter {
  private counter: MinuteCounter;

  constructor(perMinute: number) {
    this.counter = new MinuteCounter(perMinute);
  }

  /** Throws 429 while this IP is over its failure budget for the current minute. */
  check(ip: string, now = Date.now()): void {
    const retryAfter = this.counter.retryAfter(ip, now);
    if (!retryAfter) return;
    throw new AppError(429, 'rate_limited', 'Too many failed authentications from this address; slow down', undefined, {
      'retry-after': String(retryAfter),
    });
  }

  record(ip: string, now = Date.now()): void {
    this.counter.add(ip, now);
  }
}
