import type { FeedLimits } from './feed-cut.ts';
import type { SourceType } from '../labels.ts';
import type { PageSelectors } from './page.ts';
import { parsePage } from './page.ts';
import { parseFeed, type ParsedFeed } from './parse.ts';
import { parseGdeltArtlist, searchUrl, tidyGoogleNewsEntry, type SearchQuery } from './search.ts';

/** What reading a source needs to know about it. */
export interface ReadableSource {
  url: string;
  type: SourceType;
  settings: { selectors?: PageSelectors | undefined; search?: SearchQuery | undefined };
}

/** A source whose settings do not let it be read (a page without selectors, a search without a query). */
export class SourceSettingsError extends Error {
  override name = 'SourceSettingsError';
}

export interface SearchBases {
  gdeltUrl: string;
  googleNewsUrl: string;
}

/** The URL a regular fetch of the source asks for (a search source asks for its recent results). */
export function fetchUrlOf(source: ReadableSource, bases: SearchBases, window?: { from: Date; to: Date }): string {
  if (source.type !== 'search') return source.url;
  const q = source.settings.search;
  if (!q) throw new SourceSettingsError('a search source needs a provider and a query');
  return searchUrl(q.provider === 'gdelt' ? bases.gdeltUrl : bases.googleNewsUrl, q, window);
}

/**
 * Reads a fetched body the way the source's type says: a feed (RSS, Atom, RDF, JSON Feed), an
 * HTML list page through its selectors, or a search service's answer.
 */
export async function parseSourceBody(source: ReadableSource, text: string, url: string, limits?: FeedLimits): Promise<ParsedFeed> {
  if (source.type === 'page') {
    if (!source.settings.selectors) throw new SourceSettingsError('a page source needs item, title and link selectors');
    return parsePage(text, url, source.settings.selectors);
  }
  if (source.type === 'search') {
    const q = source.settings.search;
    if (!q) throw new SourceSettingsError('a search source needs a provider and a query');
    if (q.provider === 'gdelt') return parseGdeltArtlist(text);
    const feed = await parseFeed(text, limits);
    return { ...feed, entries: feed.entries.map(tidyGoogleNewsEntry) };
  }
  return parseFeed(text, limits);
}
