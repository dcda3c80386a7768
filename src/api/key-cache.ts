import type { Context } from 'hono';
import { hashSecret } from '../services/keys.ts';
import type { AppEnv } from './env.ts';

interface Remembered<T> {
  value: T;
  until: number;
}

/** A map whose entries expire, oldest dropped first beyond `max`. */
class ExpiringMap<T> {
  private readonly m = new Map<string, Remembered<T>>();
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}
  get(k: string, now = Date.now()): T | undefined {
    const hit = this.m.get(k);
    if (!hit) return undefined;
    if (hit.until <= now) {
      this.m.delete(k);
      return undefined;
    }
    return hit.value;
  }
  set(k: string, value: T, now = Date.now()): void {
    this.m.delete(k);
    this.m.set(k, { value, until: now + this.ttlMs });
    while (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
  }
  delete(k: string): void {
    this.m.delete(k);
  }
}

/** How long a refused key is refused without asking the database again. */
export const REFUSED_TTL_MS = 60_000;

/**
 * What this process remembers about presented keys, by SHA-256 of the secret (never the secret):
 * keys refused recently, so a flood of wrong keys does not query the database once each, and
 * keys verified recently, only to choose the rate-limit bucket. Whether a request may proceed is
 * still decided by the database for every key not refused: revocation takes effect at once.
 */
export class KeyCache {
  private readonly refused = new ExpiringMap<'unknown' | 'revoked'>(REFUSED_TTL_MS, 10_000);
  private readonly known = new ExpiringMap<number>(10 * 60_000, 10_000);

  /** The presented key's hash, computed once per request (undefined without a Bearer key). */
  hashOf(c: Context<AppEnv>): string | undefined {
    const cached = c.get('keyHash');
    if (cached !== undefined) return cached;
    const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(c.req.header('authorization') ?? '');
    if (!m) return undefined;
    const hash = hashSecret(m[1]!);
    c.set('keyHash', hash);
    return hash;
  }
  knownKeyId(hash: string): number | undefined {
    return this.known.get(hash);
  }
  refusal(hash: string): 'unknown' | 'revoked' | undefined {
    return this.refused.get(hash);
  }
  remember(hash: string, outcome: { ok: true; id: number } | { ok: false; reason: 'unknown' | 'revoked' }): void {
    if (outcome.ok) {
      this.known.set(hash, outcome.id);
      this.refused.delete(hash);
    } else {
      this.refused.set(hash, outcome.reason);
      this.known.delete(hash);
    }
  }
}
