import { XMLParser } from 'fast-xml-parser';

export interface SitemapUrl {
  loc: string;
  /** ISO time of lastmod, or of news:publication_date when the sitemap is a news sitemap */
  lastmod: string | undefined;
  /** news:publication_date */
  published: string | undefined;
  /** news:title */
  title: string | undefined;
}

export interface Sitemap {
  /** child sitemaps of a sitemap index */
  sitemaps: { loc: string; lastmod: string | undefined }[];
  urls: SitemapUrl[];
}

/** A body that is neither a sitemap index nor a URL set. */
export class SitemapError extends Error {
  override name = 'SitemapError';
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => name === 'sitemap' || name === 'url',
});

const iso = (v: unknown): string | undefined => {
  if (typeof v !== 'string' || !v.trim()) return undefined;
  const t = Date.parse(v.trim());
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
};
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** Parses a sitemap index, a URL set, or a news sitemap (sitemaps.org 0.9, Google News 0.9). */
export function parseSitemap(xml: string): Sitemap {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    throw new SitemapError(`not readable XML: ${(err as Error).message.split('\n')[0]}`);
  }
  const index = doc.sitemapindex as { sitemap?: Record<string, unknown>[] } | undefined;
  const set = doc.urlset as { url?: Record<string, unknown>[] } | undefined;
  if (!index && !set) throw new SitemapError('neither a sitemapindex nor a urlset');
  const sitemaps = (index?.sitemap ?? []).flatMap((s) => (str(s.loc) ? [{ loc: str(s.loc)!, lastmod: iso(s.lastmod) }] : []));
  const urls = (set?.url ?? []).flatMap((u): SitemapUrl[] => {
    const loc = str(u.loc);
    if (!loc) return [];
    const news = u.news as Record<string, unknown> | undefined;
    const published = iso(news?.publication_date);
    return [{ loc, lastmod: iso(u.lastmod) ?? published, published, title: str(news?.title) }];
  });
  return { sitemaps, urls };
}

/**
 * Whether a child sitemap may hold URLs changed in [from, to): its lastmod is the newest change in
 * it, so one older than `from` holds nothing new enough; one with no lastmod is read. A monthly
 * sitemap named for a month (sitemap-2025-06.xml, post-sitemap2025-06.xml) outside the range is
 * skipped too.
 */
export function childMayHold(s: { loc: string; lastmod: string | undefined }, from: Date, to: Date): boolean {
  if (s.lastmod && Date.parse(s.lastmod) < from.getTime()) return false;
  const m = /(\d{4})[-_/]?(\d{2})(?:[-_/]?(\d{2}))?\D*$/.exec(new URL(s.loc).pathname.replace(/\.xml(\.gz)?$/, ''));
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) {
    const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1);
    const end = m[3] ? start + 86_400_000 : Date.UTC(Number(m[1]), Number(m[2]), 1);
    if (end <= from.getTime() || start >= to.getTime()) return false;
  }
  return true;
}

/** A URL whose date is in [from, to); one with no date at all is kept (its page says). */
export function urlInRange(u: SitemapUrl, from: Date, to: Date): boolean {
  const at = u.published ?? u.lastmod;
  if (!at) return true;
  const t = Date.parse(at);
  return t >= from.getTime() && t < to.getTime();
}
