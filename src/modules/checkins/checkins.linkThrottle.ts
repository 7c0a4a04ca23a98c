import { tooManyRequests } from '../../platform/http/errors.ts';

/**
 * Per-IP limit on wrong personal links, in memory (as errands' links): a token is 32 random bytes, so
 * guessing is hopeless anyway; this keeps a scanner from even trying at speed. Only misses count, so
 * a subject tapping their own link every day is never slowed. Per instance by design.
 */
export class LinkThrottle {
  private readonly windows = new Map<string, { start: number; misses: number }>();

  constructor(private readonly missesPerMinute: number) {}

  check(ip: string, now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= 60_000) this.windows.delete(key);
    const window = this.windows.get(ip);
    if (window && window.misses >= this.missesPerMinute) {
      const retryAfter = Math.max(1, Math.ceil((window.start + 60_000 - now) / 1000));
      throw tooManyRequests('checkin.link_rate_limited', 'Too many wrong links from this address; wait a minute.', retryAfter);
    }
  }

  miss(ip: string, now: number): void {
    const window = this.windows.get(ip) ?? { start: now, misses: 0 };
    window.misses += 1;
    this.windows.set(ip, window);
  }
}
