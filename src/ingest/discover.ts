import { parseHTML } from './dom.ts';

/** Paths tried when a home page names no feed, most common first (WordPress, Ghost, Hugo, Jekyll). */
export const COMMON_FEED_PATHS = [
  '/feed',
  '/rss',
  '/feed.xml',
  '/rss.xml',
  '/atom.xml',
  '/index.xml',
  '/feed.json',
  '/news/feed',
  '/?feed=rss2',
];

const FEED_TYPES = [
  'application/rss+xml',
  'application/atom+xml',
  'application/feed+json',
  'application/json',
  'application/rdf+xml',
  'text/xml',
  'application/xml',
];

export interface FeedLink {
  url: string;
  type: string;
  title: string | undefined;
}

/**
 * The feeds a page announces with `<link rel="alternate" type="application/rss+xml" href>` (and
 * Atom, RDF and JSON Feed), resolved against the page URL, in page order; comment feeds last.
 */
export function feedLinksIn(html: string, pageUrl: string): FeedLink[] {
  const { document } = parseHTML(html);
  const base = document.querySelector('base[href]')?.getAttribute('href') ?? pageUrl;
  const out: FeedLink[] = [];
  for (const el of document.querySelectorAll('link[rel][href]')) {
    const rel = (el.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    const type = (el.getAttribute('type') ?? '').toLowerCase().split(';')[0]!.trim();
    if (!rel.includes('alternate') || !FEED_TYPES.includes(type)) continue;
    try {
      const url = new URL(el.getAttribute('href')!, new URL(base, pageUrl)).toString();
      if (!out.some((f) => f.url === url)) out.push({ url, type, title: el.getAttribute('title')?.trim() || undefined });
    } catch {}
  }
  const comments = (f: FeedLink) => /comment/i.test(`${f.title ?? ''} ${f.url}`);
  return [...out.filter((f) => !comments(f)), ...out.filter(comments)];
}

/** True when a body looks like HTML rather than a feed. */
export function looksLikeHtml(text: string): boolean {
  return /^(\uFEFF)?\s*(<!doctype html|<html|<head|<body)/i.test(text.slice(0, 1024));
}
