import type { Config } from '../config.ts';
import { COMMON_FEED_PATHS, feedLinksIn, looksLikeHtml } from '../ingest/discover.ts';
import { FetchError, fetchFeed, userAgentFor, type FetchOptions, type FetchResult } from '../ingest/fetcher.ts';
import { normaliseEntry } from '../ingest/normalise.ts';
import { PageParseError } from '../ingest/page.ts';
import { FeedParseError, parseFeed } from '../ingest/parse.ts';
import { parseSourceBody, SourceSettingsError } from '../ingest/read-source.ts';
import { SearchParseError } from '../ingest/search.ts';
import { invalid, unavailable, type ServiceError } from './errors.ts';
import { searchSourceUrl, validateFeedUrl, type SourceInput } from './sources.ts';

export interface ProbeDeps {
  config: Config;
  clock: { now(): Date };
  allowPrivate?: FetchOptions['allowPrivate'];
}

function get(deps: ProbeDeps, url: string): Promise<FetchResult> {
  const c = deps.config;
  return fetchFeed(url, {
    timeoutMs: c.fetch.timeoutMs,
    connectTimeoutMs: c.fetch.connectTimeoutMs,
    maxBytes: c.fetch.maxBytes,
    allowPrivate: deps.allowPrivate ?? c.allowPrivateFeeds,
    userAgent: userAgentFor(c.publicUrl),
  });
}

/** A URL could not be fetched; the message says why. */
function unreachable(url: string, err: unknown): ServiceError {
  const why = err instanceof FetchError ? `${err.reason}: ${err.message}` : (err as Error).message;
  return unavailable(`could not fetch ${url}: ${why}`);
}

export interface Discovery {
  /** the feed chosen */
  url: string;
  /** how it was found: the URL was a feed, the page linked it, or a common path answered */
  how: 'given' | 'link' | 'path';
  /** every feed the page announced, in page order */
  candidates: string[];
  title: string | undefined;
}

async function isFeed(deps: ProbeDeps, url: string): Promise<{ title: string | undefined } | undefined> {
  try {
    const res = await get(deps, url);
    if (looksLikeHtml(res.text)) return undefined;
    const feed = await parseFeed(res.text);
    return { title: feed.title };
  } catch {
    return undefined;
  }
}

/**
 * Finds the feed behind a site's address: the URL itself when it is a feed; else the feeds its
 * page announces (link rel=alternate, comment feeds last), the first that parses; else the common
 * feed paths of the site. Fails with a message that says what was tried.
 */
export async function discoverFeed(deps: ProbeDeps, rawUrl: string): Promise<Discovery> {
  const checked = validateFeedUrl(rawUrl);
  if (!checked.ok) throw invalid('url', checked.message);
  let res: FetchResult;
  try {
    res = await get(deps, checked.url);
  } catch (err) {
    throw unreachable(checked.url, err);
  }
  if (!looksLikeHtml(res.text)) {
    try {
      const feed = await parseFeed(res.text);
      return { url: checked.url, how: 'given', candidates: [checked.url], title: feed.title };
    } catch (err) {
      throw invalid('url', `${checked.url} is neither a feed nor an HTML page: ${(err as Error).message}`);
    }
  }
  const links = feedLinksIn(res.text, res.url);
  for (const link of links) {
    const feed = await isFeed(deps, link.url);
    if (feed) return { url: link.url, how: 'link', candidates: links.map((l) => l.url), title: link.title ?? feed.title };
  }
  for (const path of COMMON_FEED_PATHS) {
    const url = new URL(path, res.url).toString();
    const feed = await isFeed(deps, url);
    if (feed) return { url, how: 'path', candidates: links.map((l) => l.url), title: feed.title };
  }
  throw invalid(
    'url',
    `${checked.url} is an HTML page that names no feed, and none of ${COMMON_FEED_PATHS.join(', ')} is one; add it with type page and CSS selectors`,
  );
}

export interface ProbeEntry {
  title: string;
  url: string;
  publishedAt: string | null;
  /** true when the page gave no date and the time of the fetch would be used */
  publishedEstimated: boolean;
  summary: string;
  outlet: string | null;
}

/**
 * Fetches a source as it would be fetched and shows what it yields, storing nothing: for a page
 * source, what the selectors extract. For trying selectors before adding a source.
 */
export async function testSource(
  deps: ProbeDeps,
  input: SourceInput,
  opts: { limit?: number } = {},
): Promise<{ url: string; type: string; found: number; entries: ProbeEntry[] }> {
  const type = input.type ?? 'feed';
  if (type === 'page' && !(input.selectors?.item && input.selectors.title && input.selectors.link))
    throw invalid('selectors', 'a page source needs item, title and link selectors');
  if (type === 'search' && !input.search?.query.trim()) throw invalid('query', 'a search source needs a query');
  let url: string;
  if (type === 'search') url = searchSourceUrl(deps.config.services, input.search!);
  else {
    const checked = validateFeedUrl(input.url);
    if (!checked.ok) throw invalid('url', checked.message);
    url = checked.url;
  }
  let res: FetchResult;
  try {
    res = await get(deps, url);
  } catch (err) {
    throw unreachable(url, err);
  }
  const source = { url, type, settings: { selectors: input.selectors, search: input.search } };
  let feed: Awaited<ReturnType<typeof parseSourceBody>>;
  try {
    feed = await parseSourceBody(source, res.text, res.url);
  } catch (err) {
    if (
      err instanceof FeedParseError ||
      err instanceof PageParseError ||
      err instanceof SearchParseError ||
      err instanceof SourceSettingsError
    )
      throw invalid(type === 'page' ? 'selectors' : 'url', err.message);
    throw err;
  }
  const now = deps.clock.now();
  const entries: ProbeEntry[] = [];
  for (const e of feed.entries) {
    const n = normaliseEntry(e, { feedUrl: res.url, fetchedAt: now });
    if (!n) continue;
    entries.push({
      title: n.title,
      url: n.url,
      publishedAt: n.publishedEstimated ? null : n.publishedAt.toISOString(),
      publishedEstimated: n.publishedEstimated,
      summary: n.summary,
      outlet: n.outlet,
    });
  }
  return { url, type, found: entries.length, entries: entries.slice(0, opts.limit ?? 50) };
}
