import { createHash } from 'node:crypto';

export interface CachedResponse {
  body: string;
  contentType: string;
  etag: string;
  headers: Record<string, string>;
  storedAt: number;
}

/**
 * A small in-process cache for expensive read answers (trends, reactions), keyed by route and
 * normalised query, kept for `ttlMs` (no longer than the Cache-Control we send, so no client
 * sees older data than it was told it might). Least recently used entries go first. The ETag is
 * computed once per entry, so a 304 costs no hashing.
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 500,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** The key for a request: path plus its query parameters in a fixed order. */
  static key(url: string): string {
    const u = new URL(url);
    const params = [...u.searchParams].sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1));
    return `${u.pathname}?${new URLSearchParams(params).toString()}`;
  }

  get(key: string, now = Date.now()): CachedResponse | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (now - hit.storedAt > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, hit); // most recently used last
    return hit;
  }

  set(key: string, body: string, contentType: string, headers: Record<string, string> = {}, now = Date.now()): CachedResponse {
    const entry = { body, contentType, headers, etag: `"${createHash('sha1').update(body).digest('base64url')}"`, storedAt: now };
    if (this.enabled) {
      this.entries.set(key, entry);
      while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return entry;
  }
}
