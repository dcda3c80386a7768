import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.ts';
import { AppError } from './errors.ts';

export interface RateLimitSettings {
  /** sustained requests per minute for one client address */
  perMinute: number;
  /** sustained requests per minute for one API key */
  keyPerMinute: number;
  /** how many requests may come at once before the rate applies */
  burst: number;
  /** number of proxies in front of Pulse whose X-Forwarded-For is trusted (0: none) */
  trustProxy: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets per API key (when one is presented) or per client address. Limits are per
 * process: behind several replicas, each enforces its own share.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    private readonly s: RateLimitSettings,
    private readonly maxBuckets = 100_000,
  ) {}

  /** Takes a token; returns 0 when allowed, else the seconds until one is free. */
  take(id: string, perMinute: number, now = Date.now()): number {
    const rate = perMinute / 60_000;
    let b = this.buckets.get(id);
    if (!b) {
      if (this.buckets.size >= this.maxBuckets) this.buckets.delete(this.buckets.keys().next().value!);
      b = { tokens: this.s.burst, at: now };
    } else this.buckets.delete(id); // re-insert: the map stays in least-recently-used order
    b.tokens = Math.min(this.s.burst, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.buckets.set(id, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }
}

/** The client's address: the socket's, or from X-Forwarded-For when that many proxies are trusted. */
export function clientAddress(c: Context, trustProxy: number): string {
  if (trustProxy > 0) {
    const hops = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const client = hops[hops.length - trustProxy];
    if (client) return client;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // requests made in-process (tests) have no socket
  }
}

export function rateLimit(s: RateLimitSettings) {
  const limiter = new RateLimiter(s);
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = c.get('apiKey');
    const wait = key ? limiter.take(`key:${key.id}`, s.keyPerMinute) : limiter.take(`ip:${clientAddress(c, s.trustProxy)}`, s.perMinute);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      throw new AppError(429, 'rate_limited', `too many requests; retry in ${wait} s`);
    }
    await next();
  });
}
