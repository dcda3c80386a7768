import robotsParserModule from 'robots-parser';
import { FetchError, fetchFeed, type FetchOptions, type FetchResult } from './fetcher.ts';

/** The product token robots.txt rules are matched against. */
export const ROBOTS_AGENT = 'Pulse';

export interface PoliteOptions {
  fetch: Omit<FetchOptions, 'etag' | 'lastModified' | 'signal'>;
  /** least time between two requests to one host; 0 turns politeness off (benchmarks) */
  hostDelayMs: number;
  /** honour robots.txt (fetched once per origin) */
  robots: boolean;
  /** longest Retry-After (or crawl-delay) Pulse waits; a longer one fails the URL */
  maxWaitMs: number;
  /** attempts after a 429 or 503 */
  retries: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

/** A URL robots.txt forbids Pulse to fetch. */
export class RobotsDisallowed extends FetchError {
  constructor(url: string) {
    super('http_status', `robots.txt disallows ${url}`, 0);
    this.name = 'RobotsDisallowed';
  }
}

type Robots = {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
};

// robots-parser is CommonJS: its default export is the function its types declare.
const robotsParser = robotsParserModule as unknown as (url: string, text: string) => Robots;

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new FetchError('timeout', 'aborted'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new FetchError('timeout', 'aborted'));
    });
  });

/**
 * The safe fetcher (address checks on every hop, caps, timeouts) with manners for crawling many
 * pages of one site: requests to a host spaced by the host delay (or the site's crawl-delay when
 * longer), robots.txt respected, 429/503 retried after Retry-After, and an identifying
 * User-Agent. One instance per crawl, shared by everything it fetches.
 */
export class PoliteFetcher {
  private readonly nextAt = new Map<string, number>();
  private readonly robots = new Map<string, Promise<Robots | null>>();
  private readonly sleep: NonNullable<PoliteOptions['sleep']>;
  /** requests made, robots.txt included */
  requests = 0;
  /** time spent waiting for hosts, in ms */
  waitedMs = 0;

  constructor(private readonly opts: PoliteOptions) {
    this.sleep = opts.sleep ?? defaultSleep;
  }

  /** Fetches a URL politely; throws RobotsDisallowed or FetchError. */
  async get(url: string): Promise<FetchResult> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new FetchError('bad_url', `not a URL: ${url.slice(0, 200)}`);
    }
    const robots = this.opts.robots ? await this.robotsFor(u) : null;
    if (robots && robots.isAllowed(url, ROBOTS_AGENT) === false) throw new RobotsDisallowed(url);
    const crawlDelayMs = Math.min((robots?.getCrawlDelay(ROBOTS_AGENT) ?? 0) * 1000, this.opts.maxWaitMs);
    for (let attempt = 0; ; attempt++) {
      await this.turn(u.host, Math.max(this.opts.hostDelayMs, crawlDelayMs));
      try {
        this.requests++;
        return await fetchFeed(url, { ...this.opts.fetch, signal: this.opts.signal });
      } catch (err) {
        if (!(err instanceof FetchError) || (err.status !== 429 && err.status !== 503) || attempt >= this.opts.retries) throw err;
        const wait = err.retryAfterMs ?? Math.max(this.opts.hostDelayMs, 1000) * 2 ** attempt;
        if (wait > this.opts.maxWaitMs) throw err;
        // the host asked for a pause: nothing else goes to it until the pause is over
        this.nextAt.set(u.host, Math.max(this.nextAt.get(u.host) ?? 0, Date.now() + wait));
      }
    }
  }

  /** The sitemaps robots.txt lists for a site (empty when robots are off or it lists none). */
  async sitemapsOf(siteUrl: string): Promise<string[]> {
    const robots = await this.robotsFor(new URL(siteUrl));
    return robots?.getSitemaps() ?? [];
  }

  /** Waits until this host's turn comes, and books the next one. */
  private async turn(host: string, gapMs: number): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.nextAt.get(host) ?? 0);
    this.nextAt.set(host, at + gapMs);
    if (at > now) {
      this.waitedMs += at - now;
      await this.sleep(at - now, this.opts.signal);
    }
  }

  /**
   * robots.txt of an origin, fetched once (RFC 9309): a 4xx means no rules; a 5xx or an
   * unreachable file means Pulse keeps off the site, as the RFC asks.
   */
  private robotsFor(u: URL): Promise<Robots | null> {
    const origin = u.origin;
    let p = this.robots.get(origin);
    if (!p) {
      p = (async () => {
        const robotsUrl = `${origin}/robots.txt`;
        await this.turn(u.host, this.opts.hostDelayMs);
        this.requests++;
        try {
          const res = await fetchFeed(robotsUrl, {
            ...this.opts.fetch,
            maxBytes: Math.min(this.opts.fetch.maxBytes, 500 * 1024),
            signal: this.opts.signal,
          });
          return robotsParser(robotsUrl, res.text);
        } catch (err) {
          if (err instanceof FetchError && err.status && err.status >= 400 && err.status < 500) return null;
          if (err instanceof FetchError && err.reason === 'blocked_address') throw err;
          return robotsParser(robotsUrl, 'User-agent: *\nDisallow: /');
        }
      })();
      this.robots.set(origin, p);
    }
    return p;
  }
}
