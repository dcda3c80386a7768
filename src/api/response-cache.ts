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
  /** the key it is stored under, once stored */
  key?: string;
  /** bytes it holds in the cache: body, gzip form, key and headers */
  size: number;
}

export interface CacheLimits {
  /** budget for every entry together (bodies, gzip forms, keys, headers, aliases) */
  maxBytes: number;
  /** an answer larger than this is served but never stored (default: an eighth of maxBytes) */
  maxEntryBytes?: number;
  maxEntries?: number;
}

/** Bytes an entry costs beyond its body and strings: the objects around them. */
const ENTRY_OVERHEAD = 256;
/** Raw request spellings remembered per stored answer, so a repeated spelling skips validation. */
const ALIASES_PER_ENTRY = 4;

/**
 * A small in-process cache for expensive read answers (trends, reactions, the dashboard), keyed
 * by route and validated query, kept for `ttlMs` (no longer than the Cache-Control we send, so no
 * client sees older data than it was told it might). It holds at most `maxBytes` (bodies, their
 * gzip forms and keys counted), never stores an answer over `maxEntryBytes`, and drops expired
 * entries whenever it stores one. Least recently used entries go first. The ETag is computed once
 * per entry, so a 304 costs no hashing.
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();
  /** raw request key → the validated key its answer is stored under */
  private readonly aliases = new Map<string, string>();
  /** answers being computed, shared by the requests that arrive meanwhile */
  private readonly computing = new SingleFlight<CachedResponse>();
  /** counts invalidations: an answer computed across one is not stored */
  private generation = 0;
  private used = 0;
  readonly maxBytes: number;
  readonly maxEntryBytes: number;
  private readonly maxEntries: number;

  constructor(
    readonly ttlMs: number,
    limits: CacheLimits = { maxBytes: 64 * 1024 * 1024 },
  ) {
    this.maxBytes = limits.maxBytes;
    this.maxEntryBytes = Math.min(limits.maxEntryBytes ?? Math.floor(limits.maxBytes / 8), limits.maxBytes);
    this.maxEntries = limits.maxEntries ?? 500;
  }

  get enabled(): boolean {
    return this.ttlMs > 0 && this.maxBytes > 0;
  }

  /** Bytes held now (entries and aliases). */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The raw key for a request: its path plus its query parameters ordered by name (a stable
   * sort, so repeated parameters keep their order). Built from the raw text without parsing the
   * URL. Answers are stored under {@link validatedKey}; a raw key only points at one.
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
   * The key an answer is stored under: the canonical path and the query as validated (defaults
   * filled in, names resolved, unset values left out), in name order. Every spelling of one
   * request ("?granularity=week" or nothing, "studio=NETFLIX" or "studio=Netflix") shares it.
   */
  static validatedKey(path: string, query: Record<string, unknown>): string {
    const params = new URLSearchParams();
    for (const name of Object.keys(query).sort()) {
      const v = query[name];
      if (v !== undefined && v !== null) params.append(name, String(v));
    }
    const qs = params.toString();
    return qs ? `${path}?${qs}` : path;
  }

  /**
   * Forgets every answer whose key starts with `prefix` (after a write that changes them), and
   * keeps answers being computed now from being stored: they may have read the old data.
   */
  invalidate(prefix: string): void {
    this.generation++;
    for (const [key, entry] of [...this.entries]) if (key.startsWith(prefix)) this.remove(entry);
    for (const [raw, key] of [...this.aliases]) if (key.startsWith(prefix) || raw.startsWith(prefix)) this.dropAlias(raw);
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

  /** The live answer stored under `key`, or under the key a raw spelling points at. */
  get(key: string, now = Date.now()): CachedResponse | undefined {
    const target = this.aliases.get(key) ?? key;
    const hit = this.entries.get(target);
    if (!hit) return undefined;
    if (now - hit.storedAt > this.ttlMs) {
      this.remove(hit);
      return undefined;
    }
    this.entries.delete(target);
    this.entries.set(target, hit); // most recently used last
    return hit;
  }

  /** Lets a raw request spelling find the answer stored under its validated key. */
  alias(raw: string, key: string): void {
    if (!this.enabled || raw === key || !this.entries.has(key) || this.aliases.get(raw) === key) return;
    this.dropAlias(raw);
    this.aliases.set(raw, key);
    this.used += aliasSize(raw, key);
    while (this.aliases.size > this.maxEntries * ALIASES_PER_ENTRY) this.dropAlias(this.aliases.keys().next().value!);
    this.evict();
  }

  /** The entry's body gzipped, compressed on first use and kept with the entry (within the budget). */
  gzipped(entry: CachedResponse): Uint8Array<ArrayBuffer> {
    if (entry.gzip) return entry.gzip;
    const gz = new Uint8Array(gzipSync(entry.body));
    const stored = entry.key !== undefined && this.entries.get(entry.key) === entry;
    if (stored && entry.size + gz.byteLength <= this.maxEntryBytes) {
      entry.gzip = gz;
      entry.size += gz.byteLength;
      this.used += gz.byteLength;
      this.evict(entry);
    }
    return gz;
  }

  set(key: string, text: string, contentType: string, headers: Record<string, string> = {}, now = Date.now()): CachedResponse {
    const entry = this.build(text, contentType, headers, now);
    this.store(key, entry, now);
    return entry;
  }

  private build(text: string, contentType: string, headers: Record<string, string> = {}, now = Date.now()): CachedResponse {
    const body = new Uint8Array(Buffer.from(text, 'utf8'));
    let size = body.byteLength + ENTRY_OVERHEAD + contentType.length;
    for (const [k, v] of Object.entries(headers)) size += k.length + v.length;
    return { body, contentType, headers, etag: `"${createHash('sha1').update(body).digest('base64url')}"`, storedAt: now, size };
  }

  private store(key: string, entry: CachedResponse, now = Date.now()): void {
    if (!this.enabled) return;
    this.dropExpired(now);
    const previous = this.entries.get(key);
    if (previous) this.remove(previous);
    entry.size += key.length * 2;
    if (entry.size > this.maxEntryBytes) return; // served, never stored
    entry.key = key;
    this.entries.set(key, entry);
    this.used += entry.size;
    this.evict(entry);
  }

  /** Drops least recently used entries until the cache is within its budget (`keep` stays). */
  private evict(keep?: CachedResponse): void {
    while (this.used > this.maxBytes || this.entries.size > this.maxEntries) {
      let victim: CachedResponse | undefined;
      for (const e of this.entries.values()) {
        if (e !== keep) {
          victim = e;
          break;
        }
      }
      if (!victim) {
        const alias = this.aliases.keys().next().value;
        if (alias === undefined) break;
        this.dropAlias(alias);
        continue;
      }
      this.remove(victim);
    }
  }

  private dropExpired(now: number): void {
    for (const entry of [...this.entries.values()]) if (now - entry.storedAt > this.ttlMs) this.remove(entry);
  }

  private remove(entry: CachedResponse): void {
    if (entry.key === undefined || this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    this.used -= entry.size;
  }

  private dropAlias(raw: string): void {
    const key = this.aliases.get(raw);
    if (key === undefined) return;
    this.aliases.delete(raw);
    this.used -= aliasSize(raw, key);
  }
}

const aliasSize = (raw: string, key: string) => (raw.length + key.length) * 2 + 64;
