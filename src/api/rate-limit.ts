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

/**
 * The bucket a client address counts against: an IPv4 address itself, an IPv6 address by its /64
 * (one subscriber usually holds a whole /64, so per-/128 buckets would let them take 2^64), an
 * IPv4-mapped IPv6 address as the IPv4 address. Anything else (a forwarded value that is no
 * address) is cut to 64 characters.
 */
export function clientBucket(address: string): string {
  let a = address.trim().toLowerCase();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  if (!a.includes(':') || !/^[0-9a-f:.]{2,45}$/.test(a)) return a.slice(0, 64);
  const mapped = /^[0:]*:ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) return mapped[1]!;
  const groups = expandIpv6(a);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : a.slice(0, 64);
}

/** The eight 16-bit groups of an IPv6 address (an IPv4 tail counts as two), or undefined. */
function expandIpv6(a: string): string[] | undefined {
  const halves = a.split('::');
  if (halves.length > 2) return undefined;
  const part = (h: string) => {
    if (h === '') return [];
    const out: string[] = [];
    for (const g of h.split(':')) {
      if (g.includes('.'))
        out.push('0', '0'); // dotted IPv4 tail: past the /64 anyway
      else if (/^[0-9a-f]{1,4}$/.test(g)) out.push(g.replace(/^0+(?=.)/, ''));
      else return undefined;
    }
    return out;
  };
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...Array<string>(Math.max(0, missing)).fill('0'), ...tail];
}

/** Which rate-limit bucket a request's key counts against, when its key is known to be good. */
export interface KeyBuckets {
  /** the id of a key whose hash verified recently (and is not revoked, as far as this process knows) */
  knownKeyId(hash: string): number | undefined;
}

/**
 * Rate limits every request (but /health, which does no I/O and must answer while the process
 * lives) before anything else reads it. A request with a key that verified recently counts
 * against that key's bucket; one with no key against its client's bucket (IPv6 by /64); one with
 * a key not yet known good (a wrong key, a guessed one, or a good key seen for the first time)
 * against its client's key-check bucket, before the key is looked up. So guessing keys costs the
 * guesser their own rate and the database no more, and a good key still gets through from an
 * address whose anonymous bucket is empty. The identity is put on the context (`client`) for the
 * per-client cost gate.
 */
export function rateLimit(s: RateLimitSettings, keys: KeyBuckets & { hashOf(c: Context): string | undefined }) {
  const limiter = new RateLimiter(s);
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.path === '/health') return next();
    const address = clientBucket(clientAddress(c, s.trustProxy));
    const hash = keys.hashOf(c);
    const keyId = hash === undefined ? undefined : keys.knownKeyId(hash);
    c.set('client', keyId === undefined ? `ip:${address}` : `key:${keyId}`);
    const wait =
      keyId !== undefined
        ? limiter.take(`key:${keyId}`, s.keyPerMinute)
        : c.req.header('authorization') !== undefined
          ? limiter.take(`check:${address}`, s.perMinute)
          : limiter.take(`ip:${address}`, s.perMinute);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      throw new AppError(429, 'rate_limited', `too many requests; retry in ${wait} s`);
    }
    await next();
  });
}
