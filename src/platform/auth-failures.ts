// Failed authentications per client IP and minute, so keys cannot be guessed at speed. Kept in
// memory per node: with N nodes behind a balancer an attacker gets N × the limit per minute,
// still far too slow to search a 238-bit key space.
import { AppError } from './errors.ts';

const MINUTE = 60_000;
const MAX_TRACKED_IPS = 100_000;

export class AuthFailureLimiter {
  private minute = 0;
  private counts = new Map<string, number>();

  constructor(private perMinute: number) {}

  private roll(now: number) {
    const m = Math.floor(now / MINUTE);
    if (m !== this.minute) {
      this.minute = m;
      this.counts.clear();
    }
  }

  /** Throws 429 while this IP is over its failure budget for the current minute. */
  check(ip: string, now = Date.now()): void {
    this.roll(now);
    if ((this.counts.get(ip) ?? 0) < this.perMinute) return;
    const retryAfter = Math.ceil(((this.minute + 1) * MINUTE - now) / 1000);
    throw new AppError(429, 'rate_limited', 'Too many failed authentications from this address; slow down', undefined, {
      'retry-after': String(retryAfter),
    });
  }

  record(ip: string, now = Date.now()): void {
    this.roll(now);
    if (this.counts.size >= MAX_TRACKED_IPS) this.counts.clear();
    this.counts.set(ip, (this.counts.get(ip) ?? 0) + 1);
  }
}
