// Counts events per key in the current minute, in memory, for limits that only need to slow a
// flood down (failed sign-ins, public form submissions). Per node: with N nodes behind a balancer
// a flood gets N × the limit, which is documented wherever a limit is built on this.
const MINUTE = 60_000;

export class MinuteCounter {
  private minute = 0;
  private counts = new Map<string, number>();

  constructor(
    readonly perMinute: number,
    private readonly maxKeys = 100_000,
  ) {}

  private roll(now: number) {
    const m = Math.floor(now / MINUTE);
    if (m !== this.minute) {
      this.minute = m;
      this.counts.clear();
    }
  }

  /** Seconds until this key may act again, or 0 when it is within its budget. */
  retryAfter(key: string, now = Date.now()): number {
    this.roll(now);
    if ((this.counts.get(key) ?? 0) < this.perMinute) return 0;
    return Math.max(1, Math.ceil(((this.minute + 1) * MINUTE - now) / 1000));
  }

  add(key: string, now = Date.now()): void {
    this.roll(now);
    // A flood of distinct keys must not grow memory without bound; forgetting is the safe side.
    if (this.counts.size >= this.maxKeys) this.counts.clear();
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}
