import type { Db } from '../../db/client.ts';
import { storeFullText, type FullTextResult } from '../../db/queries/full-text.ts';
import type { Config } from '../config.ts';
import { extractArticle, type Article } from '../ingest/article.ts';
import { looksRelevant, tagEntities } from '../ingest/entities.ts';
import { FetchError, userAgentFor, type FetchOptions } from '../ingest/fetcher.ts';
import { PoliteFetcher } from '../ingest/polite.ts';
import { truncate } from '../ingest/text.ts';
import type { Logger } from '../logger.ts';
import { Semaphore } from '../util/semaphore.ts';

/** Longest article text kept, as for feed content. */
const MAX_CONTENT = 100_000;
/** Article pages read at once (each host still gets its own delay). */
const CONCURRENCY = 4;

export interface CrawlDeps {
  config: Config;
  /** overrides config.allowPrivateFeeds (a predicate trusts some hosts only) */
  allowPrivate?: FetchOptions['allowPrivate'];
}

/**
 * The polite fetcher every crawl uses: the safe fetcher's address checks, caps and timeouts, plus
 * the host delay, robots.txt and Retry-After of config.crawl. `hostDelayMs` 0 turns the delay off.
 */
export function politeFetcher(deps: CrawlDeps, opts: { signal?: AbortSignal; hostDelayMs?: number } = {}): PoliteFetcher {
  const c = deps.config;
  return new PoliteFetcher({
    fetch: {
      timeoutMs: c.fetch.timeoutMs,
      connectTimeoutMs: c.fetch.connectTimeoutMs,
      maxBytes: c.fetch.maxBytes,
      allowPrivate: deps.allowPrivate ?? c.allowPrivateFeeds,
      userAgent: userAgentFor(c.publicUrl),
    },
    hostDelayMs: opts.hostDelayMs ?? c.crawl.hostDelayMs,
    robots: c.crawl.respectRobots,
    maxWaitMs: c.crawl.maxWaitMs,
    retries: 3,
    signal: opts.signal,
  });
}

/** Why a page gave no article, as stored on the item. */
export function failureReason(err: unknown): string {
  if (err instanceof FetchError) return `${err.name === 'RobotsDisallowed' ? 'robots' : err.reason}: ${err.message}`;
  return `extract: ${(err as Error).message ?? String(err)}`;
}

/** Fetches and extracts one article page. */
export async function readArticle(fetcher: PoliteFetcher, url: string): Promise<Article & { url: string }> {
  const res = await fetcher.get(url);
  return { ...extractArticle(res.text, res.url), url: res.url };
}

export interface FullTextTarget {
  id: number;
  url: string;
  title: string;
  summary: string;
}

/**
 * Reads the article page of each new item and stores its text as the item's content, with
 * entity tags from headline, summary and body. A page that cannot be fetched or read leaves the
 * item with its summary, and the reason on the item.
 */
export async function fillFullText(
  deps: { db: Db; logger?: Logger },
  fetcher: PoliteFetcher,
  targets: FullTextTarget[],
): Promise<{ ok: number; failed: number }> {
  const slots = new Semaphore(CONCURRENCY);
  const results: FullTextResult[] = await Promise.all(
    targets.map((t) =>
      slots.run(async (): Promise<FullTextResult> => {
        try {
          const article = await readArticle(fetcher, t.url);
          const content = truncate(article.text, MAX_CONTENT);
          const tags = tagEntities(`${t.title}\n${t.summary}\n${content}`);
          return {
            id: t.id,
            ok: true,
            content,
            studios: tags.studios,
            unions: tags.unions,
            areas: tags.areas,
            relevant: looksRelevant(tags),
          };
        } catch (err) {
          return { id: t.id, ok: false, error: failureReason(err) };
        }
      }),
    ),
  );
  await storeFullText(deps.db, results);
  const ok = results.filter((r) => r.ok).length;
  if (results.length - ok) deps.logger?.debug({ failed: results.length - ok }, 'full text fell back to summaries');
  return { ok, failed: results.length - ok };
}
