import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { items } from '../db/schema/index.ts';
import { fixedClock } from '../src/clock.ts';
import { parseDateWithFormat, parseLooseDate } from '../src/ingest/dates.ts';
import { feedLinksIn } from '../src/ingest/discover.ts';
import { parsePage } from '../src/ingest/page.ts';
import { parseFeed } from '../src/ingest/parse.ts';
import { dayWindows, parseGdeltArtlist, searchUrl, splitWindow, tidyGoogleNewsEntry } from '../src/ingest/search.ts';
import { silentLogger } from '../src/logger.ts';
import { ingest } from '../src/services/ingest.ts';
import { discoverFeed, testSource } from '../src/services/source-probe.ts';
import { addSource } from '../src/services/sources.ts';
import { authHeader, json, testApp, testConfig } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { eternautaArticle, startGdelt, startGoogleNews, startTradePress, startUnionSite, type Site } from './helpers/web-sites.ts';

const JSON_FEED = JSON.stringify({
  version: 'https://jsonfeed.org/version/1.1',
  title: 'Frame & Pixel',
  language: 'en',
  authors: [{ name: 'Desk' }],
  items: [
    {
      id: 'a1',
      url: 'https://fp.example/a1',
      title: 'Guild on AI',
      summary: 'Short.',
      content_html: '<p>The <b>guild</b> spoke.</p>',
      date_published: '2025-07-18T10:00:00+02:00',
    },
    { id: 2, url: 'https://fp.example/a2', content_text: 'Only text, no title.', authors: [{ name: 'Ana' }, { name: 'Tom' }] },
    'not an item',
  ],
});

describe('feed types and pure readers', () => {
  it('reads JSON Feed 1.1: ids, dates in UTC, authors of the item or the feed', async () => {
    const feed = await parseFeed(JSON_FEED);
    expect(feed.title).toBe('Frame & Pixel');
    expect(feed.entries).toHaveLength(2);
    expect(feed.entries[0]).toMatchObject({
      guid: 'a1',
      link: 'https://fp.example/a1',
      published: '2025-07-18T08:00:00.000Z',
      author: 'Desk',
      content: '<p>The <b>guild</b> spoke.</p>',
    });
    expect(feed.entries[1]).toMatchObject({ guid: '2', author: 'Ana, Tom', content: 'Only text, no title.', published: undefined });
    await expect(parseFeed('{"version":"https://jsonfeed.org/version/1.1","items":3}')).rejects.toThrow(/JSON Feed/);
  });

  it('reads dates in the layouts pages use, and refuses impossible ones', () => {
    expect(parseDateWithFormat('17/07/2025', 'DD/MM/YYYY')?.toISOString()).toBe('2025-07-17T00:00:00.000Z');
    expect(parseDateWithFormat('Publicado el 17 de julio de 2025', 'D de MMMM de YYYY')?.toISOString()).toBe('2025-07-17T00:00:00.000Z');
    expect(parseDateWithFormat('31/02/2025', 'DD/MM/YYYY')).toBeUndefined();
    expect(parseLooseDate('July 17, 2025')?.toISOString()).toBe('2025-07-17T00:00:00.000Z');
    expect(parseLooseDate('17.07.2025')?.toISOString()).toBe('2025-07-17T00:00:00.000Z');
    // day first, as most of the world writes it
    expect(parseLooseDate('03/07/2025')?.toISOString()).toBe('2025-07-03T00:00:00.000Z');
    expect(parseLooseDate('2025-07-17T15:45:00-07:00')?.toISOString()).toBe('2025-07-17T22:45:00.000Z');
    expect(parseLooseDate('soon')).toBeUndefined();
  });

  it('reads a list page by selectors, resolving links and skipping items without one', () => {
    const html = `<html lang="es"><body><ul><li class="n"><h2><a href="/n/1">Uno</a></h2><span class="d">17/07/2025</span><p>Resumen</p></li>
      <li class="n"><h2>Sin enlace</h2></li><li class="n"><h2><a href="https://other.example/2">Dos</a></h2><time datetime="2025-07-18T10:00:00Z">ayer</time></li></ul></body></html>`;
    const feed = parsePage(html, 'https://union.example/news/', {
      item: 'li.n',
      title: 'h2',
      link: 'h2 a',
      date: '.d, time',
      summary: 'p',
      dateFormat: undefined,
    });
    expect(feed.language).toBe('es');
    expect(feed.entries.map((e) => [e.link, e.title, e.published, e.summary])).toEqual([
      ['https://union.example/n/1', 'Uno', '2025-07-17T00:00:00.000Z', 'Resumen'],
      ['https://other.example/2', 'Dos', '2025-07-18T10:00:00.000Z', ''],
    ]);
    expect(() => parsePage(html, 'https://u.example/', { item: 'li[', title: 'h2', link: 'a' })).toThrow(/item selector/);
  });

  it('builds search URLs for a window and reads GDELT and Google News answers', () => {
    const w = { from: new Date('2025-07-17T00:00:00Z'), to: new Date('2025-07-18T00:00:00Z') };
    const g = new URL(searchUrl('https://gdelt.example/api/v2/doc/doc', { provider: 'gdelt', query: '"El Eternauta"', lang: 'es' }, w));
    expect(Object.fromEntries(g.searchParams)).toMatchObject({
      query: '"El Eternauta" sourcelang:spanish',
      mode: 'artlist',
      format: 'json',
      maxrecords: '250',
      startdatetime: '20250717000000',
      enddatetime: '20250718000000',
    });
    const n = new URL(searchUrl('https://gn.example/rss/search', { provider: 'googlenews', query: 'Netflix AI' }, w));
    expect(n.searchParams.get('q')).toBe('Netflix AI after:2025-07-17 before:2025-07-18');
    const parsed = parseGdeltArtlist(
      JSON.stringify({
        articles: [{ url: 'https://a.example/1', title: 'T', seendate: '20250717T154500Z', domain: 'a.example' }, { title: 'no url' }],
      }),
    );
    expect(parsed.entries).toEqual([
      expect.objectContaining({ link: 'https://a.example/1', published: '2025-07-17T15:45:00.000Z', outlet: 'a.example' }),
    ]);
    expect(parseGdeltArtlist('{}').entries).toEqual([]);
    expect(() => parseGdeltArtlist('Your query was too short.')).toThrow(/GDELT/);
    const tidy = tidyGoogleNewsEntry({
      guid: 'g',
      link: 'l',
      title: 'Netflix uses AI - Variety',
      summary: '<a>Netflix uses AI</a>',
      content: '',
      author: undefined,
      published: undefined,
      imageUrl: undefined,
      outlet: 'Variety',
    });
    expect([tidy.title, tidy.summary]).toEqual(['Netflix uses AI', '']);
  });

  it('walks day windows and halves a capped one down to the provider minimum', () => {
    const days = dayWindows(new Date('2025-07-01T00:00:00Z'), new Date('2025-08-01T00:00:00Z'));
    expect(days).toHaveLength(31);
    const halves = splitWindow(days[0]!, 'gdelt')!;
    expect(halves.map((h) => h.to.toISOString())).toEqual(['2025-07-01T12:00:00.000Z', '2025-07-02T00:00:00.000Z']);
    expect(splitWindow(days[0]!, 'googlenews')).toBeUndefined();
    expect(splitWindow({ from: new Date(0), to: new Date(3_600_000) }, 'gdelt')).toBeUndefined();
  });

  it('finds announced feeds on a page, comment feeds last', () => {
    const html = `<head><link rel="alternate" type="application/rss+xml" title="Comments Feed" href="/comments/feed/"><link rel="alternate" type="application/atom+xml" href="/atom.xml"><link rel="stylesheet" href="/s.css"><link rel="alternate" type="application/feed+json" href="https://cdn.example/feed.json"></head>`;
    expect(feedLinksIn(html, 'https://site.example/blog/').map((f) => f.url)).toEqual([
      'https://site.example/atom.xml',
      'https://cdn.example/feed.json',
      'https://site.example/comments/feed/',
    ]);
  });
});

describe('page and search sources, autodiscovery, dry runs (local look-alikes)', () => {
  let database: Database;
  let press: Site;
  let union: Awaited<ReturnType<typeof startUnionSite>>;
  let gdelt: Awaited<ReturnType<typeof startGdelt>>;
  let news: Awaited<ReturnType<typeof startGoogleNews>>;
  const clock = fixedClock('2025-07-20T12:00:00Z');

  beforeAll(async () => {
    database = await freshDatabase();
    press = await startTradePress({ articles: [1, 2, 3].map((i) => eternautaArticle(i, new Date(Date.UTC(2025, 6, 17 + i)))) });
    union = await startUnionSite({
      statements: [1, 2, 3, 4].map((i) => eternautaArticle(i, new Date(Date.UTC(2025, 6, 14 + i)), 'statement')),
    });
    const hits = [1, 2].map((i) => ({
      url: `${press.base}/2025/07/${17 + i}/story-${i}/`,
      title: `Hit ${i} about Netflix`,
      date: new Date(Date.UTC(2025, 6, 20, i)),
      outlet: 'reel.example',
    }));
    gdelt = await startGdelt(hits);
    news = await startGoogleNews(hits);
  });
  afterAll(async () => {
    await Promise.all([press.close(), union.close(), gdelt.close(), news.close()]);
    await database.close();
  });

  const config = () => testConfig({ PULSE_GDELT_URL: gdelt.url, PULSE_GOOGLE_NEWS_URL: news.url, PULSE_CRAWL_DELAY_MS: '0' });
  const deps = () => ({ db: database.db, config: config(), logger: silentLogger(), clock, instance: 'test' });

  it('chooses the site feed from a home page (not the comments feed) and says how', async () => {
    const found = await discoverFeed({ config: config(), clock }, `${press.base}/`);
    expect(found).toMatchObject({ url: `${press.base}/feed/`, how: 'link' });
    expect(found.candidates).toHaveLength(2);
    const direct = await discoverFeed({ config: config(), clock }, `${press.base}/feed/`);
    expect(direct.how).toBe('given');
    await expect(discoverFeed({ config: config(), clock }, `${union.base}/news/`)).rejects.toThrow(/names no feed.*type page/);
  });

  it('dry-runs page selectors and stores nothing', async () => {
    const selectors = {
      item: 'article.news-teaser',
      title: 'h3',
      link: 'h3 a',
      date: '.date-display-single',
      summary: '.news-teaser__body',
      dateFormat: 'DD/MM/YYYY',
    };
    const report = await testSource({ config: config(), clock }, { url: `${union.base}/news/`, kind: 'union', type: 'page', selectors });
    expect(report.found).toBe(4);
    expect(report.entries[0]).toMatchObject({ url: `${union.base}/news/statement-4`, publishedAt: '2025-07-18T00:00:00.000Z' });
    expect(await database.db.select().from(items)).toHaveLength(0);
  });

  it('ingests a union news page with no feed, items found via the page', async () => {
    const selectors = {
      item: 'article.news-teaser',
      title: 'h3',
      link: 'h3 a',
      date: '.date-display-single',
      summary: '.news-teaser__body',
    };
    const { row } = await addSource(
      { db: database.db, config: config() },
      { url: `${union.base}/news/`, kind: 'union', type: 'page', selectors, fullText: true },
    );
    const { reports } = await ingest(deps(), { ids: [row.id] });
    expect(reports[0]).toMatchObject({ outcome: 'ok', inserted: 4, fullText: 4, fullTextFailed: 0 });
    const rows = await database.db.select().from(items).where(eq(items.sourceId, row.id));
    expect(rows.every((r) => r.discoveredVia === 'page' && r.fullTextStatus === 'ok' && r.content.length > 300)).toBe(true);
    expect(rows.find((r) => r.url.endsWith('statement-1'))!.publishedAt.toISOString()).toBe('2025-07-15T00:00:00.000Z');
  });

  it('adds search sources with full text on, and reads GDELT and Google News results with their outlet', async () => {
    const api = testApp(database, { env: { PULSE_GDELT_URL: gdelt.url, PULSE_GOOGLE_NEWS_URL: news.url } });
    const write = { ...(await authHeader(database)), 'Content-Type': 'application/json' };
    const res = await api.app.request('/api/v1/sources', {
      method: 'POST',
      headers: write,
      body: JSON.stringify({ type: 'search', provider: 'gdelt', query: 'Netflix AI', kind: 'news' }),
    });
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created).toMatchObject({
      type: 'search',
      fullText: true,
      name: 'gdelt: Netflix AI',
      search: { provider: 'gdelt', query: 'Netflix AI' },
    });
    expect(created.url.startsWith(gdelt.url)).toBe(true);
    const gn = await addSource(
      { db: database.db, config: config() },
      { url: '', kind: 'news', type: 'search', search: { provider: 'googlenews', query: 'Netflix AI' }, fullText: false },
    );
    const { reports } = await ingest(deps(), { ids: [created.id, gn.row.id] });
    expect(reports.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    const found = await database.db.select().from(items).where(eq(items.sourceId, created.id));
    expect(found).toHaveLength(2);
    expect(found[0]).toMatchObject({ outlet: 'reel.example', discoveredVia: 'search', fullTextStatus: 'ok' });
    // the same stories through Google News are duplicates, not new items
    expect(reports[1]).toMatchObject({ inserted: 0, duplicates: 2 });
    const missing = await api.app.request('/api/v1/sources', {
      method: 'POST',
      headers: write,
      body: JSON.stringify({ type: 'page', url: `${union.base}/news/`, kind: 'union' }),
    });
    expect(missing.status).toBe(400);
    expect((await json(missing)).error.message).toMatch(/selectors/);
  });

  it('dry-runs over HTTP with a write key, and keeps the old source shape working', async () => {
    const api = testApp(database);
    const write = { ...(await authHeader(database)), 'Content-Type': 'application/json' };
    const body = JSON.stringify({
      type: 'page',
      url: `${union.base}/news/`,
      itemSelector: 'article',
      titleSelector: 'h3',
      linkSelector: 'a',
      limit: 2,
    });
    expect(
      (await api.app.request('/api/v1/sources/test', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } })).status,
    ).toBe(401);
    const res = await api.app.request('/api/v1/sources/test', { method: 'POST', body, headers: write });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      found: 4,
      entries: [expect.objectContaining({ title: expect.stringContaining(' 4)') }), expect.anything()],
    });
    const old = await api.app.request('/api/v1/sources', {
      method: 'POST',
      headers: write,
      body: JSON.stringify({ url: 'https://old.example/rss', kind: 'news' }),
    });
    expect(await json(old)).toMatchObject({ type: 'feed', fullText: false, selectors: null, search: null });
  });
});
