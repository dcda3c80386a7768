import type { Readability } from '@mozilla/readability';
import { parseHTML, readabilityModule } from './dom.ts';
import { parseLooseDate } from './dates.ts';
import { htmlToText } from './text.ts';

export interface Article {
  title: string;
  /** the article's text, paragraphs separated by blank lines */
  text: string;
  excerpt: string;
  byline: string | undefined;
  siteName: string | undefined;
  /** ISO time from article:published_time, JSON-LD datePublished or the first <time datetime> */
  published: string | undefined;
  lang: string | undefined;
}

/** A page with no article Readability can find (a list page, a paywall stub, a login form). */
export class ExtractError extends Error {
  override name = 'ExtractError';
}

/** Below this many characters an "article" is a stub (a teaser, a cookie wall), not a body. */
export const MIN_ARTICLE_CHARS = 200;

/** Elements inside article bodies that are never the story. */
const CLUTTER =
  '[data-ad-slot], .ad, .ads, .advert, .advertisement, [class*="ad-slot"], .share-buttons, .social-share, .sharedaddy, .newsletter-signup';

type Doc = ReturnType<typeof parseHTML>['document'];

function meta(doc: Doc, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = doc.querySelector(`meta[property="${n}"], meta[name="${n}"], meta[itemprop="${n}"]`)?.getAttribute('content')?.trim();
    if (v) return v;
  }
  return undefined;
}

function jsonLdDate(doc: Doc): string | undefined {
  for (const s of doc.querySelectorAll('script[type="application/ld+json"]')) {
    const m = /"datePublished"\s*:\s*"([^"]+)"/.exec(s.textContent ?? '');
    if (m) return m[1];
  }
  return undefined;
}

/** The publication time a page states about itself, in the order publishers are most reliable. */
function publishedOf(doc: Doc): string | undefined {
  const raw =
    meta(doc, 'article:published_time', 'datePublished', 'pubdate', 'date', 'dc.date') ??
    jsonLdDate(doc) ??
    doc.querySelector('time[datetime]')?.getAttribute('datetime') ??
    undefined;
  return raw ? parseLooseDate(raw)?.toISOString() : undefined;
}

/**
 * Extracts the article of a page with Mozilla's Readability over linkedom's DOM (no scripts
 * run, nothing fetched). Throws ExtractError when there is no article body worth the name.
 */
export function extractArticle(html: string, url: string): Article {
  const { document } = parseHTML(html);
  const published = publishedOf(document);
  const lang = document.documentElement?.getAttribute('lang') || undefined;
  const pageTitle = meta(document, 'og:title', 'twitter:title') ?? document.querySelector('title')?.textContent?.trim() ?? '';
  // Ad slots and share bars sit inside the story's own container, where Readability keeps them.
  for (const el of document.querySelectorAll(CLUTTER)) el.remove();
  // Readability resolves relative links against the document's URL; linkedom has none of its own.
  if (!document.querySelector('base[href]') && document.head) {
    const base = document.createElement('base');
    base.setAttribute('href', url);
    document.head.appendChild(base);
  }
  let parsed: ReturnType<Readability<string>['parse']>;
  try {
    parsed = new (readabilityModule().Readability)(document as unknown as ConstructorParameters<typeof Readability>[0], {
      charThreshold: MIN_ARTICLE_CHARS,
    }).parse();
  } catch (err) {
    throw new ExtractError(`readability failed: ${(err as Error).message}`);
  }
  // Paragraphs from the cleaned HTML: textContent would run a heading into the first paragraph.
  const text = (parsed?.content ?? '')
    .replace(/<\/(p|h[1-6]|li|blockquote|figcaption|pre|div|section|tr)\s*>|<br\s*\/?>/gi, '$&\u0000')
    .split('\u0000')
    .map((p) => htmlToText(p))
    .filter(Boolean)
    .join('\n\n');
  if (text.length < MIN_ARTICLE_CHARS) throw new ExtractError(`no article found (${text.length} characters of text)`);
  return {
    title: parsed?.title?.trim() || pageTitle,
    text,
    excerpt: parsed?.excerpt?.replace(/\s+/g, ' ').trim() ?? '',
    byline: parsed?.byline?.trim() || meta(document, 'author') || undefined,
    siteName: parsed?.siteName?.trim() || meta(document, 'og:site_name') || undefined,
    published,
    lang,
  };
}
