import type { SearchProvider } from '../labels.ts';
import type { FeedEntry, ParsedFeed } from './parse.ts';

/** The query a search source runs. */
export interface SearchQuery {
  provider: SearchProvider;
  query: string;
  /** a language code such as "en" or "es" */
  lang?: string | undefined;
}

/** Most results one request returns: GDELT DOC 2.0 caps artlist at 250, Google News RSS at about 100. */
export const RESULT_CAP: Record<SearchProvider, number> = { gdelt: 250, googlenews: 100 };
/** The shortest window a capped window is split down to (Google News dates have day precision). */
export const MIN_WINDOW_MS: Record<SearchProvider, number> = { gdelt: 3_600_000, googlenews: 86_400_000 };

const GDELT_LANGS: Record<string, string> = {
  en: 'english',
  es: 'spanish',
  fr: 'french',
  de: 'german',
  it: 'italian',
  pt: 'portuguese',
  ja: 'japanese',
  ko: 'korean',
  zh: 'chinese',
};

/** GDELT's YYYYMMDDHHMMSS. */
const gdeltTime = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The request URL for a query, over [from, to) when given, else the service's recent results.
 * `base` is PULSE_GDELT_URL or PULSE_GOOGLE_NEWS_URL.
 */
export function searchUrl(base: string, q: SearchQuery, window?: { from: Date; to: Date }): string {
  const u = new URL(base);
  if (q.provider === 'gdelt') {
    const lang = q.lang ? ` sourcelang:${GDELT_LANGS[q.lang.toLowerCase()] ?? q.lang}` : '';
    u.searchParams.set('query', q.query + lang);
    u.searchParams.set('mode', 'artlist');
    u.searchParams.set('format', 'json');
    u.searchParams.set('maxrecords', String(RESULT_CAP.gdelt));
    u.searchParams.set('sort', 'datedesc');
    if (window) {
      u.searchParams.set('startdatetime', gdeltTime(window.from));
      u.searchParams.set('enddatetime', gdeltTime(window.to));
    } else u.searchParams.set('timespan', '1d');
    return u.toString();
  }
  // Google News: after: is inclusive of the day, before: exclusive, both whole days (an end
  // inside a day takes that whole day).
  const end = window && new Date(Math.ceil(window.to.getTime() / 86_400_000) * 86_400_000);
  const range = window ? ` after:${day(window.from)} before:${day(end!)}` : ' when:1d';
  u.searchParams.set('q', q.query + range);
  const hl = q.lang ?? 'en';
  u.searchParams.set('hl', hl);
  u.searchParams.set('gl', 'US');
  u.searchParams.set('ceid', `US:${hl}`);
  return u.toString();
}

/** A search answer that is not what the service sends. */
export class SearchParseError extends Error {
  override name = 'SearchParseError';
}

/** GDELT's "20250717T154500Z" as ISO. */
function fromGdeltTime(s: unknown): string | undefined {
  const m = typeof s === 'string' ? /^(\d{4})(\d{2})(\d{2})T?(\d{2})(\d{2})(\d{2})Z?$/.exec(s.trim()) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z` : undefined;
}

/**
 * A GDELT DOC 2.0 artlist JSON answer as entries: title, link, date (seendate) and outlet
 * (domain). GDELT answers an empty result with `{}`, and a bad query with a plain-text message.
 */
export function parseGdeltArtlist(text: string): ParsedFeed {
  const body = text.trim();
  if (!body) return { title: undefined, language: undefined, entries: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new SearchParseError(`GDELT did not answer JSON: ${body.slice(0, 200)}`);
  }
  const articles = (doc as { articles?: unknown }).articles;
  if (articles === undefined) return { title: undefined, language: undefined, entries: [] };
  if (!Array.isArray(articles)) throw new SearchParseError('GDELT answer: articles is not a list');
  const entries: FeedEntry[] = [];
  for (const a of articles as Record<string, unknown>[]) {
    if (!a || typeof a.url !== 'string') continue;
    entries.push({
      guid: undefined,
      link: a.url,
      title: typeof a.title === 'string' ? a.title : '',
      summary: '',
      content: '',
      author: undefined,
      published: fromGdeltTime(a.seendate),
      imageUrl: typeof a.socialimage === 'string' && a.socialimage ? a.socialimage : undefined,
      outlet: typeof a.domain === 'string' ? a.domain : undefined,
    });
  }
  return { title: 'GDELT DOC 2.0', language: undefined, entries };
}

/** Google News titles end in " - Outlet"; the outlet is kept on its own. */
export function tidyGoogleNewsEntry(e: FeedEntry): FeedEntry {
  const suffix = e.outlet ? ` - ${e.outlet}` : undefined;
  const title = suffix && e.title.endsWith(suffix) ? e.title.slice(0, -suffix.length) : e.title;
  // Google's description is a link list repeating the title; it says nothing of its own.
  return { ...e, title, summary: '' };
}

/**
 * Splits [from, to) into windows: whole UTC days, in order. A window whose answer reached the
 * service's cap is split further by `splitWindow`.
 */
export function dayWindows(from: Date, to: Date): { from: Date; to: Date }[] {
  const out: { from: Date; to: Date }[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += 86_400_000)
    out.push({ from: new Date(t), to: new Date(Math.min(t + 86_400_000, to.getTime())) });
  return out;
}

/** Halves a window that hit the cap, unless it is already the provider's shortest. */
export function splitWindow(w: { from: Date; to: Date }, provider: SearchProvider): { from: Date; to: Date }[] | undefined {
  const span = w.to.getTime() - w.from.getTime();
  if (span / 2 < MIN_WINDOW_MS[provider]) return undefined;
  const mid = new Date(w.from.getTime() + Math.floor(span / 2 / 1000) * 1000);
  return [
    { from: w.from, to: mid },
    { from: mid, to: w.to },
  ];
}
