import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { SingleFlight } from '../util/single-flight.ts';

export interface CachedResponse {
  /** UTF-8, encoded once: a string body is encoded again on every write */
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  etag: string;
  headers: Record<string, string>;
  storedAt: number;
  /** the body gzipped, made the first time a client asks for it */
  gzip?: Uint8Array<ArrayBuffer>;
}

/**
 * A small in-process cache for expensive read answers (trends, reactions), keyed by route and
 * normalised query, kept for `ttlMs` (no longer than the Cache-Control we send, so no client
 * sees older data than it was told it might). Least recently used entries go first. The ETag is
 * computed once per entry, so a 304 costs no hashing.
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  /** answers being computed, shared by the requests that arrive meanwhile */
  private readonly computing = new SingleFlight<CachedResponse>();
  /** counts invalidations: an answer computed across one is not stored */
  private generation = 0;

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 500,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /**
   * The key for a request: its path plus its query parameters ordered by name (a stable sort,
   * so repeated parameters keep their order). Built from the raw text without parsing the URL:
   * two spellings of one value ("a%20b", "a+b") are two keys, which costs a miss, never a wrong
   * answer.
   */
  static key(url: string): string {
    const start = url.indexOf('/', url.indexOf('//') + 2);
    const q = url.indexOf('?', start);
    if (q < 0) return url.slice(start);
    const name = (p: string) => {
      const eq = p.indexOf('=');
      return eq < 0 ? p : p.slice(0, eq);
    };
    const params = url
      .slice(q + 1)
      .split('&')
      .filter((p) => p !== '')
      .sort((a, b) => {
        const [x, y] = [name(a), name(b)];
        return x < y ? -1 : x > y ? 1 : 0;
      });
    return `${url.slice(start, q)}?${params.join('&')}`;
  }

  /**
   * Forgets every answer whose key starts with `prefix` (after a write that changes them), and
   * keeps answers being computed now from being stored: they may have read the old data.
   */
  invalidate(prefix: string): void {
    this.generation++;
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  /**
   * The answer for `key`, computed once for the callers that ask meanwhile. It is stored unless
   * an invalidation came while it was computed; callers that arrive after an invalidation start
   * a computation of their own rather than wait for one that may have read the old data.
   */
  fill(
    key: string,
    compute: () => Promise<{ body: string; contentType: string; headers?: Record<string, string> }>,
  ): Promise<CachedResponse> {
    const generation = this.generation;
    return this.computing.run(`${generation} ${key}`, async () => {
      const fresh = await compute();
      const entry = this.build(fresh.body, fresh.contentType, fresh.headers);
      if (generation === this.generation) this.store(key, entry);
      return entry;
    });
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

  /** The entry's body gzipped, compressed on first use and kept with the entry. */
  gzipped(entry: CachedResponse): Uint8Array<ArrayBuffer> {
    return (entry.gzip ??= new Uint8Array(gzipSync(entry.body)));
  }

  set(key: string, text: string, contentType: string, headers: Record<string, string> = {}, now = Date.now()): CachedResponse {
    const entry = this.build(text, contentType, headers, now);
    this.store(key, entry);
    return entry;
  }

  private build(text: string, contentType: string, headers: Record<string, string> = {}, now = Date.now()): CachedResponse {
    const body = new Uint8Array(Buffer.from(text, 'utf8'));
    return { body, contentType, headers, etag: `"${createHash('sha1').update(body).digest('base64url')}"`, storedAt: now };
  }

  private store(key: string, entry: CachedResponse): void {
    if (!this.enabled) return;
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
