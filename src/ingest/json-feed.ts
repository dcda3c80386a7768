import type { FeedEntry, ParsedFeed } from './parse.ts';

/** A JSON Feed that could not be read. */
export class JsonFeedError extends Error {
  override name = 'JsonFeedError';
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** True when a body looks like a JSON Feed (1.0 or 1.1) rather than XML. */
export function looksLikeJsonFeed(text: string): boolean {
  const head = text.slice(0, 2048).trimStart();
  return head.startsWith('{') && /"version"\s*:\s*"https:\/\/jsonfeed\.org\/version\/1(\.1)?"/.test(head + text.slice(2048, 8192));
}

function isoDate(v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/**
 * Parses a JSON Feed 1.1 (or 1.0) document: `items[]` with id, url, title, summary,
 * content_html/content_text, date_published, authors (1.1) or author (1.0), image.
 */
export function parseJsonFeed(text: string): ParsedFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new JsonFeedError(`not readable JSON: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray((doc as { items?: unknown }).items))
    throw new JsonFeedError('a JSON Feed needs an items array');
  const feed = doc as Record<string, unknown> & { items: unknown[] };
  const feedAuthor = authorOf(feed);
  const entries: FeedEntry[] = [];
  for (const raw of feed.items) {
    if (!raw || typeof raw !== 'object') continue;
    const item = raw as Record<string, unknown>;
    const content = str(item.content_html) ?? str(item.content_text) ?? '';
    entries.push({
      guid: str(item.id) ?? (typeof item.id === 'number' ? String(item.id) : undefined),
      link: str(item.url) ?? str(item.external_url),
      title: str(item.title) ?? '',
      summary: str(item.summary) ?? '',
      content,
      author: authorOf(item) ?? feedAuthor,
      published: isoDate(item.date_published) ?? isoDate(item.date_modified),
      imageUrl: str(item.image) ?? str(item.banner_image),
    });
  }
  return { title: str(feed.title), language: str(feed.language), entries };
}

function authorOf(o: Record<string, unknown>): string | undefined {
  const list = Array.isArray(o.authors) ? o.authors : o.author ? [o.author] : [];
  const names = list
    .map((a) => (a && typeof a === 'object' ? str((a as { name?: unknown }).name) : undefined))
    .filter((n): n is string => !!n);
  return names.length ? names.join(', ') : undefined;
}
