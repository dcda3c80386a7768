import { parseHTML } from './dom.ts';
import { parseLooseDate } from './dates.ts';
import type { FeedEntry, ParsedFeed } from './parse.ts';

/** CSS selectors that read an HTML list page: one `item` per story, the rest inside it. */
export interface PageSelectors {
  item: string;
  title: string;
  link: string;
  date?: string | undefined;
  summary?: string | undefined;
  dateFormat?: string | undefined;
}

/** A selector that does not parse, or a page on which it finds nothing. */
export class PageParseError extends Error {
  override name = 'PageParseError';
}

type El = { textContent: string | null; getAttribute(name: string): string | null; querySelector(s: string): El | null; tagName: string };

const text = (el: El | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

/** The link of an item: the `href` of the matched element, or of the first link inside it. */
function hrefOf(el: El | null): string | undefined {
  if (!el) return undefined;
  const href = el.getAttribute('href') ?? el.querySelector('a[href]')?.getAttribute('href');
  return href?.trim() || undefined;
}

/** A date from `<time datetime>`, a `content`/`datetime` attribute, or the element's text. */
function dateOf(el: El | null, format?: string): string | undefined {
  if (!el) return undefined;
  const attr = el.getAttribute('datetime') ?? el.getAttribute('content') ?? el.querySelector('time[datetime]')?.getAttribute('datetime');
  const parsed = (attr && !format ? parseLooseDate(attr) : undefined) ?? parseLooseDate(text(el), format);
  return parsed?.toISOString();
}

/**
 * Reads the stories of an HTML list page (a union's news page with no feed) with CSS selectors.
 * Relative links are resolved against `baseUrl`. An item with no link is left out.
 */
export function parsePage(html: string, baseUrl: string, sel: PageSelectors): ParsedFeed {
  const { document } = parseHTML(html);
  let nodes: El[];
  try {
    nodes = [...document.querySelectorAll(sel.item)] as unknown as El[];
  } catch (err) {
    throw new PageParseError(`item selector "${sel.item}" does not parse: ${(err as Error).message}`);
  }
  const entries: FeedEntry[] = [];
  const pick = (root: El, s: string | undefined, what: string) => {
    if (!s) return null;
    try {
      return s === ':scope' ? root : root.querySelector(s);
    } catch (err) {
      throw new PageParseError(`${what} selector "${s}" does not parse: ${(err as Error).message}`);
    }
  };
  for (const node of nodes) {
    const titleEl = pick(node, sel.title, 'title');
    const href = hrefOf(pick(node, sel.link, 'link'));
    if (!href) continue;
    let link: string;
    try {
      link = new URL(href, baseUrl).toString();
    } catch {
      continue;
    }
    entries.push({
      guid: undefined,
      link,
      title: text(titleEl),
      summary: text(pick(node, sel.summary, 'summary')),
      content: '',
      author: undefined,
      published: dateOf(pick(node, sel.date, 'date'), sel.dateFormat),
      imageUrl: undefined,
    });
  }
  const lang = document.documentElement?.getAttribute('lang') ?? undefined;
  return { title: text(document.querySelector('title') as unknown as El), language: lang || undefined, entries };
}
