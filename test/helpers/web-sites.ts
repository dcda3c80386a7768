import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Local look-alikes of the sites Pulse reads on the real web, on 127.0.0.1: a WordPress-style
 * trade-press site (paged feed, sitemap index with monthly and news sitemaps, article pages with
 * the markup such sites really carry), a union news page with no feed, a Wayback CDX server, and
 * GDELT- and Google-News-like search endpoints. Each counts the requests it gets.
 */

export type SiteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => unknown;

export interface Site {
  base: string;
  host: string;
  /** every request path (with query) in order */
  log: string[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 with one handler for every path. */
export async function startSite(handler: SiteHandler): Promise<Site> {
  const log: string[] = [];
  const sockets = new Set<Socket>();
  let base = '';
  const server = createServer(async (req, res) => {
    log.push(req.url ?? '/');
    try {
      await handler(req, res, new URL(req.url ?? '/', base));
    } catch (err) {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    base,
    host: `127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const send = (res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'Content-Type': type, ...headers }).end(body);

export interface Article {
  slug: string;
  title: string;
  /** publication time */
  date: Date;
  author: string;
  /** a one-sentence teaser, all the feed carries */
  teaser: string;
  paragraphs: string[];
}

const WORRY = [
  'Visual effects artists said the disclosure confirmed their fear that generative AI will replace crews and cut jobs.',
  'IATSE members warned that layoffs follow whenever a studio calls a tool cheaper and faster, and demanded protections.',
  'The union said members were never asked for consent before their work was used to train the model.',
  'Animators called it a threat to their livelihoods and said the savings come straight out of their pay.',
];
const EXCITED = [
  'Producers hailed the shot as a breakthrough that opens new creative possibilities for smaller productions.',
  'Executives were thrilled, saying the tool lets filmmakers realise ambitious scenes on a modest budget.',
  'Technologists praised the result as an exciting leap for virtual production and visual storytelling.',
];
const NEUTRAL = [
  'The company reported quarterly results on Thursday and discussed its production pipeline.',
  'The sequence, set in Buenos Aires, was completed during post-production last year.',
  'Analysts noted the remarks came during the second-quarter earnings call.',
];

/** A deterministic article about Netflix's El Eternauta disclosure, with a stance mix. */
export function eternautaArticle(i: number, date: Date, prefix = 'story'): Article {
  const stance = i % 3;
  const lead = stance === 0 ? WORRY : stance === 1 ? EXCITED : NEUTRAL;
  const title =
    stance === 0
      ? `VFX crews fear for their jobs after Netflix uses generative AI in El Eternauta (${prefix} ${i})`
      : stance === 1
        ? `Netflix's generative AI shot in El Eternauta thrills producers (${prefix} ${i})`
        : `Netflix discusses El Eternauta VFX on earnings call (${prefix} ${i})`;
  return {
    slug: `${prefix}-${i}`,
    title,
    date,
    author: ['Ana Ruiz', 'Tom Avery', 'Mei Chen'][i % 3]!,
    teaser: `Netflix said generative AI made a building collapse in El Eternauta (${prefix} ${i}).`,
    paragraphs: [
      `Netflix said on its earnings call that generative AI was used for a building-collapse shot in the Argentine series El Eternauta, ${prefix} ${i}.`,
      lead[i % lead.length]!,
      lead[(i + 1) % lead.length]!,
      NEUTRAL[i % NEUTRAL.length]!,
      `${lead[(i + 2) % lead.length]!} The debate over studio use of AI in visual effects continues (report ${i}).`,
    ],
  };
}

/** An article page with the clutter real trade-press pages have around the story. */
export function articleHtml(a: Article, site: string): string {
  const iso = a.date.toISOString();
  return `<!DOCTYPE html>
<html lang="en-US"><head><meta charset="utf-8"><title>${esc(a.title)} &#8211; ${site}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:type" content="article"><meta property="og:title" content="${esc(a.title)}"><meta property="og:site_name" content="${site}">
<meta property="article:published_time" content="${iso}"><meta name="author" content="${esc(a.author)}">
<link rel="alternate" type="application/rss+xml" title="${site} &raquo; Feed" href="/feed/">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":${JSON.stringify(a.title)},"datePublished":"${iso}"}</script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}</script>
<style>.ad{min-height:250px}</style></head>
<body class="post-template-default single single-post">
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. <button>Accept all</button> <a href="/privacy/">Privacy</a></div>
<header class="site-header"><a class="logo" href="/">${site}</a><nav class="main-nav"><ul><li><a href="/film/">Film</a></li><li><a href="/tv/">TV</a></li><li><a href="/tech/">Tech</a></li><li><a href="/subscribe/">Subscribe</a></li></ul></nav></header>
<div class="ad ad-leaderboard" data-ad-slot="top">Advertisement</div>
<main id="content"><article class="post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">${esc(a.title)}</h1>
<div class="entry-meta">By <a class="author" href="/author/${a.author.toLowerCase().replace(/ /g, '-')}/">${esc(a.author)}</a> &middot; <time class="entry-date published" datetime="${iso}">${a.date.toUTCString()}</time></div>
<div class="share-buttons"><a href="#">Share on X</a> <a href="#">Facebook</a> <a href="#">Email</a></div></header>
<div class="entry-content">
${a.paragraphs.map((p, k) => `<p>${esc(p)}</p>${k === 1 ? '\n<div class="ad ad-inline">Advertisement &ndash; story continues below</div>\n<figure class="wp-block-image"><img src="/wp-content/uploads/shot.jpg" alt=""><figcaption>A still from the series.</figcaption></figure>' : ''}`).join('\n')}
</div>
<footer class="entry-footer"><span class="tags">Tags: <a href="/tag/ai/">AI</a>, <a href="/tag/netflix/">Netflix</a></span></footer>
</article>
<section class="related-posts"><h3>Related</h3><ul><li><a href="/2025/06/01/other/">Box office roundup</a></li><li><a href="/2025/06/02/other2/">Festival lineup announced</a></li></ul></section>
<section id="comments"><h3>2 comments</h3><div class="comment">Great piece!</div><div class="comment">First!</div></section>
</main>
<aside class="sidebar"><div class="widget"><h4>Newsletter</h4><form><input type="email"><button>Sign up</button></form></div><div class="ad ad-sidebar">Advertisement</div></aside>
<footer class="site-footer"><p>&copy; 2025 ${site}. All rights reserved.</p><ul><li><a href="/about/">About</a></li><li><a href="/contact/">Contact</a></li></ul></footer>
<script src="/wp-includes/js/jquery.min.js"></script></body></html>`;
}

/** RSS 2.0 as WordPress writes it: teaser-only descriptions, dc:creator, guid by ?p=N. */
export function wordpressFeed(list: Article[], base: string, site: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>${site}</title><atom:link href="${base}/feed/" rel="self" type="application/rss+xml"/><link>${base}</link><description>Film and TV business</description><language>en-US</language><generator>https://wordpress.org/?v=6.6</generator>
${list
  .map(
    (a) =>
      `<item><title>${esc(a.title)}</title><link>${base}${articlePath(a)}</link><dc:creator><![CDATA[${a.author}]]></dc:creator><pubDate>${a.date.toUTCString()}</pubDate><category><![CDATA[Tech]]></category><guid isPermaLink="false">${base}/?p=${a.slug}</guid><description><![CDATA[${a.teaser} [&#8230;]]]></description></item>`,
  )
  .join('\n')}
</channel></rss>`;
}

export const articlePath = (a: Article) => `/${a.date.toISOString().slice(0, 10).replace(/-/g, '/')}/${a.slug}/`;

export interface TradePressOptions {
  name?: string;
  articles: Article[];
  perPage?: number;
  /** robots.txt body; default forbids /private/ and names the sitemap index */
  robots?: (base: string) => string;
  /** paths answered 429 with Retry-After the first time (then served) */
  throttle?: { paths: string[]; retryAfterSeconds: number };
  /** extra sitemap URLs to put in the news sitemap (e.g. a cloud metadata address) */
  extraSitemapUrls?: string[];
  /** serve ?paged=N (WordPress); false answers every page with page 1, as sites without paging do */
  paged?: boolean;
  /** false: the site has no sitemaps (every sitemap path answers 404) */
  sitemaps?: boolean;
}

/** A WordPress-like trade-press site. */
export async function startTradePress(opts: TradePressOptions): Promise<Site & { articles: Article[]; throttled: Map<string, number> }> {
  const name = opts.name ?? 'Reel Ledger';
  const perPage = opts.perPage ?? 10;
  const newest = [...opts.articles].sort((a, b) => b.date.getTime() - a.date.getTime());
  const byPath = new Map(newest.map((a) => [articlePath(a), a]));
  const throttled = new Map<string, number>();
  const months = [...new Set(newest.map((a) => a.date.toISOString().slice(0, 7)))].sort();
  const site = await startSite((req, res, url) => {
    const base = `http://${req.headers.host}`;
    const path = url.pathname;
    if (opts.throttle?.paths.includes(path)) {
      const n = throttled.get(path) ?? 0;
      throttled.set(path, n + 1);
      if (n === 0) return send(res, 429, 'text/plain', 'slow down', { 'Retry-After': String(opts.throttle.retryAfterSeconds) });
    }
    if (path === '/robots.txt')
      return send(
        res,
        200,
        'text/plain',
        opts.robots
          ? opts.robots(base)
          : `User-agent: *\nDisallow: /wp-admin/\nDisallow: /private/\n\nSitemap: ${base}/sitemap_index.xml\n`,
      );
    if (path === '/')
      return send(
        res,
        200,
        'text/html; charset=UTF-8',
        `<!doctype html><html><head><title>${name}</title><link rel="alternate" type="application/rss+xml" title="${name} &raquo; Comments Feed" href="${base}/comments/feed/"><link rel="alternate" type="application/rss+xml" title="${name} &raquo; Feed" href="${base}/feed/"></head><body><h1>${name}</h1></body></html>`,
      );
    if (path === '/feed/' || path === '/feed') {
      const page = opts.paged === false ? 1 : Number(url.searchParams.get('paged') ?? '1');
      const slice = newest.slice((page - 1) * perPage, page * perPage);
      if (!slice.length) return send(res, 404, 'text/html', '<html><body>Page not found</body></html>');
      return send(res, 200, 'application/rss+xml; charset=UTF-8', wordpressFeed(slice, base, name));
    }
    if (opts.sitemaps === false && /sitemap/.test(path)) return send(res, 404, 'text/html', '<html><body>Not found</body></html>');
    if (path === '/sitemap_index.xml') {
      const entries = months.map((m) => {
        const last = newest.find((a) => a.date.toISOString().startsWith(m))!;
        return `<sitemap><loc>${base}/post-sitemap-${m}.xml</loc><lastmod>${last.date.toISOString()}</lastmod></sitemap>`;
      });
      entries.push(`<sitemap><loc>${base}/news-sitemap.xml</loc></sitemap>`);
      return send(
        res,
        200,
        'application/xml',
        `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${entries.join('')}</sitemapindex>`,
      );
    }
    const monthly = /^\/post-sitemap-(\d{4}-\d{2})\.xml$/.exec(path);
    if (monthly) {
      const urls = newest
        .filter((a) => a.date.toISOString().startsWith(monthly[1]!))
        .map(
          (a) =>
            `<url><loc>${base}${articlePath(a)}</loc><lastmod>${a.date.toISOString()}</lastmod><image:image><image:loc>${base}/shot.jpg</image:loc></image:image></url>`,
        );
      return send(
        res,
        200,
        'application/xml',
        `<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="/sitemap.xsl"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">${urls.join('')}</urlset>`,
      );
    }
    if (path === '/news-sitemap.xml') {
      const recent = newest
        .slice(0, 5)
        .map(
          (a) =>
            `<url><loc>${base}${articlePath(a)}</loc><news:news><news:publication><news:name>${name}</news:name><news:language>en</news:language></news:publication><news:publication_date>${a.date.toISOString()}</news:publication_date><news:title>${esc(a.title)}</news:title></news:news></url>`,
        );
      const extra = (opts.extraSitemapUrls ?? []).map(
        (u) =>
          `<url><loc>${esc(u)}</loc><news:news><news:publication_date>2025-07-17T12:00:00Z</news:publication_date><news:title>Bait</news:title></news:news></url>`,
      );
      return send(
        res,
        200,
        'application/xml',
        `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">${[...recent, ...extra].join('')}</urlset>`,
      );
    }
    const article = byPath.get(path.endsWith('/') ? path : `${path}/`);
    if (article) return send(res, 200, 'text/html; charset=UTF-8', articleHtml(article, name));
    send(res, 404, 'text/html', '<html><body><h1>Not found</h1></body></html>');
  });
  return { ...site, articles: newest, throttled };
}

/** A union's news page with no feed: a list of statements with day-first dates, and their pages. */
export async function startUnionSite(opts: { statements: Article[]; name?: string }): Promise<Site & { statements: Article[] }> {
  const name = opts.name ?? 'Screen Crafts Union';
  const newest = [...opts.statements].sort((a, b) => b.date.getTime() - a.date.getTime());
  const dmy = (d: Date) =>
    `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
  const site = await startSite((req, res, url) => {
    const base = `http://${req.headers.host}`;
    const path = url.pathname;
    if (path === '/robots.txt') return send(res, 200, 'text/plain', `User-agent: *\nAllow: /\n\nSitemap: ${base}/sitemap.xml\n`);
    if (path === '/news/' || path === '/news') {
      const items = newest
        .slice(0, 20)
        .map(
          (a) =>
            `<div class="views-row"><article class="news-teaser"><h3 class="news-teaser__title"><a href="/news/${a.slug}">${esc(a.title)}</a></h3><div class="news-teaser__meta"><span class="date-display-single">${dmy(a.date)}</span> | Statements</div><div class="news-teaser__body"><p>${esc(a.teaser)}</p></div></article></div>`,
        )
        .join('\n');
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        `<!DOCTYPE html><html lang="en"><head><title>News | ${name}</title></head><body><div id="skip"><a href="#main">Skip to main content</a></div><header><nav><a href="/">Home</a> <a href="/join">Join</a> <a href="/news/">News</a></nav></header><main id="main"><h1>News and statements</h1><div class="view-content">${items}</div><nav class="pager"><a href="/news/?page=1">Next ›</a></nav></main><footer>${name} &copy; 2025</footer></body></html>`,
      );
    }
    if (path === '/sitemap.xml') {
      const urls = newest.map(
        (a) =>
          `<url><loc>${base}/news/${a.slug}</loc><lastmod>${a.date.toISOString().slice(0, 10)}</lastmod><changefreq>monthly</changefreq></url>`,
      );
      urls.push(`<url><loc>${base}/join</loc><lastmod>2024-01-01</lastmod></url>`);
      return send(
        res,
        200,
        'application/xml',
        `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>`,
      );
    }
    const m = /^\/news\/([\w-]+)$/.exec(path);
    const a = m && newest.find((s) => s.slug === m[1]);
    if (a) return send(res, 200, 'text/html; charset=utf-8', articleHtml(a, name));
    send(res, 404, 'text/html', '<html><body>Not found</body></html>');
  });
  return { ...site, statements: newest };
}

/** Captures of one feed: timestamp and body. */
export interface StoredCapture {
  timestamp: string;
  original: string;
  body: string;
}

/** A Wayback-like archive: the CDX API at /cdx/search/cdx and replays at /web/<ts>id_/<url>. */
export async function startArchive(captures: StoredCapture[]): Promise<Site & { cdxUrl: string; queries: URLSearchParams[] }> {
  const queries: URLSearchParams[] = [];
  const site = await startSite((_req, res, url) => {
    if (url.pathname === '/cdx/search/cdx') {
      queries.push(url.searchParams);
      const target = url.searchParams.get('url') ?? '';
      const from = url.searchParams.get('from') ?? '0';
      const to = (url.searchParams.get('to') ?? '99999999') + '999999';
      const rows = captures
        .filter((c) => c.original === target && c.timestamp >= from && c.timestamp <= to)
        .map((c) => [c.timestamp, c.original, '200', `D${c.timestamp}`]);
      return send(
        res,
        200,
        'application/json',
        JSON.stringify(rows.length ? [['timestamp', 'original', 'statuscode', 'digest'], ...rows] : []),
      );
    }
    const m = /^\/web\/(\d{14})id_\/(.+)$/.exec(url.pathname + url.search);
    const c = m && captures.find((x) => x.timestamp === m[1] && x.original === m[2]);
    if (c) return send(res, 200, 'application/rss+xml', c.body);
    send(res, 404, 'text/plain', 'not archived');
  });
  return { ...site, cdxUrl: `${site.base}/cdx/search/cdx`, queries };
}

export interface SearchHit {
  url: string;
  title: string;
  date: Date;
  outlet: string;
}

const gdeltTime = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** A GDELT DOC 2.0-like endpoint at /api/v2/doc/doc (artlist JSON, maxrecords capped at 250). */
export async function startGdelt(hits: SearchHit[]): Promise<Site & { url: string; queries: URLSearchParams[] }> {
  const queries: URLSearchParams[] = [];
  const parse = (s: string | null) =>
    s ? Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(8, 10), +s.slice(10, 12), +s.slice(12, 14)) : undefined;
  const site = await startSite((_req, res, url) => {
    if (url.pathname !== '/api/v2/doc/doc') return send(res, 404, 'text/plain', 'not found');
    const p = url.searchParams;
    queries.push(p);
    if (p.get('mode') !== 'artlist' || p.get('format') !== 'json') return send(res, 200, 'text/plain', 'Invalid mode.');
    const from = parse(p.get('startdatetime')) ?? Date.now() - 86_400_000;
    const to = parse(p.get('enddatetime')) ?? Date.now();
    const cap = Math.min(Number(p.get('maxrecords') ?? 75), 250);
    const found = hits
      .filter((h) => h.date.getTime() >= from && h.date.getTime() < to)
      .sort((a, b) => b.date.getTime() - a.date.getTime())
      .slice(0, cap);
    if (!found.length) return send(res, 200, 'application/json', '{}');
    const articles = found.map((h) => ({
      url: h.url,
      url_mobile: '',
      title: h.title,
      seendate: gdeltTime(h.date),
      socialimage: '',
      domain: h.outlet,
      language: 'English',
      sourcecountry: 'United States',
    }));
    send(res, 200, 'application/json', JSON.stringify({ articles }));
  });
  return { ...site, url: `${site.base}/api/v2/doc/doc`, queries };
}

/** A Google News RSS search-like endpoint at /rss/search (after:/before: days, at most 100 results). */
export async function startGoogleNews(hits: SearchHit[]): Promise<Site & { url: string; queries: URLSearchParams[] }> {
  const queries: URLSearchParams[] = [];
  const site = await startSite((_req, res, url) => {
    if (url.pathname !== '/rss/search') return send(res, 404, 'text/plain', 'not found');
    queries.push(url.searchParams);
    const q = url.searchParams.get('q') ?? '';
    const after = /after:(\d{4}-\d{2}-\d{2})/.exec(q)?.[1];
    const before = /before:(\d{4}-\d{2}-\d{2})/.exec(q)?.[1];
    const from = after ? Date.parse(after) : Date.now() - 86_400_000;
    const to = before ? Date.parse(before) : Date.now();
    const found = hits.filter((h) => h.date.getTime() >= from && h.date.getTime() < to).slice(0, 100);
    const items = found
      .map(
        (h) =>
          `<item><title>${esc(`${h.title} - ${h.outlet}`)}</title><link>${esc(h.url)}</link><guid isPermaLink="false">gn-${esc(h.url)}</guid><pubDate>${h.date.toUTCString()}</pubDate><description>&lt;a href="${esc(h.url)}"&gt;${esc(h.title)}&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font color="#6f6f6f"&gt;${esc(h.outlet)}&lt;/font&gt;</description><source url="https://${esc(h.outlet)}">${esc(h.outlet)}</source></item>`,
      )
      .join('');
    send(
      res,
      200,
      'application/rss+xml; charset=utf-8',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><generator>NFE/5.0</generator><title>"${esc(q)}" - Google News</title><link>https://news.google.com/search</link><language>en-US</language><description>Google News</description>${items}</channel></rss>`,
    );
  });
  return { ...site, url: `${site.base}/rss/search`, queries };
}
