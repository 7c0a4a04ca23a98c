import { tooManyRequests } from '../../platform/http/errors.ts';

/**
 * Per-IP limit on login attempts (LOGIN_RATE_PER_IP per minute), in memory: it slows password
 * guessing across many accounts, which the per-account lock alone does not. Per instance by design;
 * the account lock, which is in the database, is the shared line of defence.
 */
export class LoginThrottle {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly perMinute: number) {}

  /** Counts one attempt from `ip` at `now`, or throws 429 when the minute's allowance is spent. */
  take(ip: string, now: number): void {
    this.prune(now);
    const window = this.windows.get(ip) ?? { start: now, count: 0 };
    if (window.count >= this.perMinute) {
      const retryAfter = Math.max(1, Math.ceil((window.start + 60_000 - now) / 1000));
      throw tooManyRequests('auth.rate_limited', 'Too many sign-in attempts from this address; wait a minute.', retryAfter);
    }
    window.count += 1;
    this.windows.set(ip, window);
  }

  private prune(now: number): void {
    for (const [ip, window] of this.windows) if (now - window.start >= 60_000) this.windows.delete(ip);
  }
}
