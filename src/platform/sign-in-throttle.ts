// Growing delays for failed sign-ins, per account. Never a lockout (an attacker could lock an
// owner out with it): each attempt on an account that recently failed waits before its password
// is even checked — nothing after the first three failures, then 1 s, 2 s, 4 s … capped at 30 s.
// Attempts already waiting on the account count as failures in the schedule, so a burst of
// parallel guesses is spread out instead of checked at once. Parallelism from many addresses is
// bounded by the per-IP failure limit (auth-failures.ts).
//
// Kept in memory per node, like the per-IP limit: with N nodes behind a balancer an attacker
// gets at most N × this rate against one account. A success, or a quiet hour, forgets the count.
import { BoundedMap } from './bounded-map.ts';

const FREE_FAILURES = 3;
const FORGET_AFTER_MS = 3600_000;
const MAX_ACCOUNTS = 100_000;

interface AccountState {
  failures: number;
  waiting: number;
  lastFailureAt: number;
}

export class SignInThrottle {
  /** The first paid delay; doubled for every further failure. Tests shrink it. */
  baseDelayMs = 1000;
  maxDelayMs = 30_000;
  private accounts = new BoundedMap<string, AccountState>(MAX_ACCOUNTS);

  /** The wait before checking a password after `failures` recent failures: 0,0,0,1s,2s,4s…30s. */
  delayFor(failures: number): number {
    if (failures < FREE_FAILURES) return 0;
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(30, failures - FREE_FAILURES));
  }

  private state(account: string, now: number): AccountState | undefined {
    const s = this.accounts.get(account);
    if (s && s.waiting === 0 && now - s.lastFailureAt > FORGET_AFTER_MS) {
      this.accounts.delete(account);
      return undefined;
    }
    return s;
  }

  /**
   * Runs `check` (the password verification) after the account's current delay, and counts its
   * outcome: a false result is a failure, a true one clears the account.
   */
  async attempt(account: string, check: () => Promise<boolean>): Promise<boolean> {
    const now = Date.now();
    let s = this.state(account, now);
    if (!s) this.accounts.set(account, (s = { failures: 0, waiting: 0, lastFailureAt: now }));
    const delay = this.delayFor(s.failures + s.waiting);
    s.waiting++;
    let ok: boolean;
    try {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      ok = await check();
    } finally {
      s.waiting--; // a check that threw (a database error) is no failure of the person's
    }
    if (ok) {
      this.accounts.delete(account);
    } else {
      s.failures++;
      s.lastFailureAt = Date.now();
      // A map entry dropped meanwhile (a success, the bound) must not hide this failure.
      if (this.accounts.get(account) !== s) this.accounts.set(account, s);
    }
    return ok;
  }

  /** Recent failures on an account (for tests and diagnostics). */
  failuresOf(account: string): number {
    return this.state(account, Date.now())?.failures ?? 0;
  }
}
