import Parser from 'rss-parser';
import { cutFeed, type FeedLimits } from './feed-cut.ts';
import { JsonFeedError, looksLikeJsonFeed, parseJsonFeed } from './json-feed.ts';
import { repairXml } from './repair.ts';

/** One entry as the feed gave it, before normalisation. */
export interface FeedEntry {
  guid: string | undefined;
  link: string | undefined;
  title: string;
  /** HTML or text: the entry's description/summary */
  summary: string;
  /** HTML or text: the full body (content:encoded, Atom content) */
  content: string;
  author: string | undefined;
  /** ISO time when the feed gave a parseable date */
  published: string | undefined;
  imageUrl: string | undefined;
  /** the publication that ran it, when a search service names one (Google News `<source>`) */
  outlet?: string | undefined;
}

export interface ParsedFeed {
  title: string | undefined;
  language: string | undefined;
  entries: FeedEntry[];
  /** set when entries were cut before parsing (see cutFeed): how many the document had, and why */
  cut?: { total: number; kept: number; reason: 'items' | 'bytes' } | undefined;
}

/** Parse limits when none are given: generous, but a hostile document still cannot stall the process. */
export const DEFAULT_FEED_LIMITS: FeedLimits = { maxItems: 5000, maxChars: 4 * 1024 * 1024 };

/** A feed that could not be read, with the parser's reason. */
export class FeedParseError extends Error {
  override name = 'FeedParseError';
}

type RawItem = Record<string, unknown> & Parser.Item;

/**
 * A parser for one document. rss-parser keeps one xml2js parser per instance, and after a
 * document fails that parser reports the next document's error wrongly ("Unable to parse XML."
 * for an unclosed tag that it had named the time before), so instances are never reused.
 */
const newParser = () =>
  new Parser<{ language?: string }, RawItem>({
    customFields: {
      feed: ['language'],
      item: [
        ['description', 'description'],
        ['dc:creator', 'dcCreator'],
        ['media:content', 'mediaContent', { keepArray: true }],
        ['media:thumbnail', 'mediaThumbnail'],
        ['enclosure', 'enclosure'],
        ['source', 'source'],
      ],
    },
  });

const str = (v: unknown): string | undefined => {
  if (typeof v === 'string') return v.trim() || undefined;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o._ === 'string') return o._.trim() || undefined;
    if (typeof o.name === 'string') return o.name.trim() || undefined;
    if (Array.isArray(v)) return str(v[0]);
  }
  return undefined;
};

function imageOf(item: RawItem): string | undefined {
  const media = item.mediaContent as { $?: { url?: string; medium?: string; type?: string } }[] | undefined;
  const fromMedia = media?.find((m) => m.$?.url && (m.$.medium === 'image' || m.$.type?.startsWith('image/') || !m.$.medium))?.$?.url;
  const thumb = (item.mediaThumbnail as { $?: { url?: string } } | undefined)?.$?.url;
  const enclosure = item.enclosure as { url?: string; type?: string } | undefined;
  return fromMedia ?? thumb ?? (enclosure?.type?.startsWith('image/') ? enclosure.url : undefined);
}

/** The text after a leading XML declaration and comments (an XHTML page or a CMS banner starts so). */
function skipProlog(head: string): string {
  let rest = head;
  for (;;) {
    const close = rest.startsWith('<?xml') ? '?>' : rest.startsWith('<!--') ? '-->' : undefined;
    const end = close ? rest.indexOf(close) : -1;
    if (end === -1) return rest;
    rest = rest.slice(end + close!.length).trimStart();
  }
}

/**
 * Parses RSS 0.9x/1.0/2.0, Atom or JSON Feed 1.1 text. Entries past `limits` are cut before
 * parsing XML (the result says so); undeclared entities and bare ampersands are repaired; anything
 * still broken throws FeedParseError with the parser's message.
 */
export async function parseFeed(xml: string, limits: FeedLimits = DEFAULT_FEED_LIMITS): Promise<ParsedFeed> {
  const head = xml.slice(0, 1024).trimStart();
  if (!head) throw new FeedParseError('empty body: no feed');
  if (looksLikeJsonFeed(xml)) {
    try {
      return parseJsonFeed(xml);
    } catch (err) {
      if (err instanceof JsonFeedError) throw new FeedParseError(`not a readable JSON Feed: ${err.message}`);
      throw err;
    }
  }
  if (/^(<!doctype html|<html)/i.test(skipProlog(head))) throw new FeedParseError('the server sent an HTML page, not a feed');
  const cut = cutFeed(xml, limits);
  if (!cut.xml) throw new FeedParseError(`the feed is larger than ${limits.maxChars} characters outside its entries`);
  let feed: Awaited<ReturnType<ReturnType<typeof newParser>['parseString']>>;
  try {
    feed = await newParser().parseString(repairXml(cut.xml));
  } catch (err) {
    // rss-parser's builders fail with a TypeError on a well-formed document missing its parts
    const msg =
      err instanceof TypeError
        ? 'no channel (RSS) or feed (Atom) element holding its entries'
        : ((err as Error).message || 'unreadable XML').split('\n').slice(0, 2).join(' ');
    throw new FeedParseError(`not a readable feed: ${msg}`);
  }
  const entries = (feed.items ?? []).map((item): FeedEntry => {
    const content = str(item['content:encoded']) ?? str(item.content) ?? '';
    const summary = str(item.description) ?? str(item.summary) ?? (content ? '' : str(item.contentSnippet)) ?? '';
    return {
      guid: str(item.guid) ?? str(item.id),
      link: str(item.link),
      title: str(item.title) ?? '',
      summary: summary === content ? '' : summary,
      content,
      author: str(item.dcCreator) ?? str(item.creator) ?? str(item.author),
      published: item.isoDate,
      imageUrl: imageOf(item),
      outlet: str(item.source),
    };
  });
  return {
    title: str(feed.title),
    language: str(feed.language),
    entries,
    cut: cut.reason ? { total: cut.total, kept: cut.kept, reason: cut.reason } : undefined,
  };
}
