import { tooManyRequests } from './errors.ts';

/**
 * Per-IP limit on wrong single-purpose links (a resident's errand confirmation, a subject's "I'm
 * fine" link), in memory: a token is 32 random bytes, so guessing is hopeless anyway; this keeps a
 * scanner from even trying at speed. Only misses count, so someone opening their own link is never
 * slowed. Per instance by design, like the sign-in limit.
 */
export class LinkThrottle {
  private readonly windows = new Map<string, { start: number; misses: number }>();

  /** `errorCode`: the stable code of the 429, e.g. `errand.link_rate_limited`. */
  constructor(
    private readonly missesPerMinute: number,
    private readonly errorCode: string,
  ) {}

  /** Throws 429 while `ip` has spent its minute's allowance of misses. */
  check(ip: string, now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= 60_000) this.windows.delete(key);
    const window = this.windows.get(ip);
    if (window && window.misses >= this.missesPerMinute) {
      const retryAfter = Math.max(1, Math.ceil((window.start + 60_000 - now) / 1000));
      throw tooManyRequests(this.errorCode, 'Too many wrong links from this address; wait a minute.', retryAfter);
    }
  }

  miss(ip: string, now: number): void {
    const window = this.windows.get(ip) ?? { start: now, misses: 0 };
    window.misses += 1;
    this.windows.set(ip, window);
  }
}
