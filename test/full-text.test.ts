import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { items } from '../db/schema/index.ts';
import { fixedClock } from '../src/clock.ts';
import { extractArticle, ExtractError } from '../src/ingest/article.ts';
import { PoliteFetcher, RobotsDisallowed } from '../src/ingest/polite.ts';
import { silentLogger } from '../src/logger.ts';
import { itemText } from '../src/services/labels.ts';
import { ingest } from '../src/services/ingest.ts';
import { addSource } from '../src/services/sources.ts';
import { testConfig } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { articleHtml, articlePath, eternautaArticle, startSite, startTradePress } from './helpers/web-sites.ts';

const fetchOpts = { timeoutMs: 5000, connectTimeoutMs: 2000, maxBytes: 1 << 20, allowPrivate: (h: string) => h === '127.0.0.1' };

describe('article extraction', () => {
  it('keeps the story and drops navigation, ads, cookie banners, related links and comments', () => {
    const a = eternautaArticle(0, new Date('2025-07-18T09:30:00Z'));
    const got = extractArticle(articleHtml(a, 'Reel Ledger'), 'https://reel.example/2025/07/18/story-0/');
    expect(got.published).toBe('2025-07-18T09:30:00.000Z');
    for (const p of a.paragraphs) expect(got.text).toContain(p);
    for (const junk of ['Accept all', 'Subscribe', 'Advertisement', 'Box office roundup', 'First!', 'All rights reserved', 'Sign up'])
      expect(got.text).not.toContain(junk);
    expect(got.text.split('\n\n').length).toBeGreaterThanOrEqual(a.paragraphs.length);
  });
  it('refuses a page with no article body', () => {
    expect(() => extractArticle('<html><body><nav><a href="/">Home</a></nav><p>Short.</p></body></html>', 'https://x.example/')).toThrow(
      ExtractError,
    );
  });
  it('lets the classifier read the body when there is one', () => {
    expect(itemText({ title: 'T', summary: 'teaser', content: 'a much longer article body' })).toContain('a much longer article body');
    expect(itemText({ title: 'T', summary: 'teaser only', content: '' })).toContain('teaser only');
  });
});

describe('polite fetching', () => {
  it('respects robots.txt, spaces requests to a host and waits out Retry-After', async () => {
    let calls = 0;
    const times: number[] = [];
    const site = await startSite((_req, res, url) => {
      if (url.pathname === '/robots.txt')
        return res.writeHead(200).end('User-agent: *\nDisallow: /private/\n\nUser-agent: Pulse\nDisallow: /members/\nCrawl-delay: 0\n');
      times.push(Date.now());
      if (url.pathname === '/busy' && calls++ === 0) return res.writeHead(429, { 'Retry-After': '1' }).end();
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>ok</html>');
    });
    try {
      const slept: number[] = [];
      const f = new PoliteFetcher({ fetch: fetchOpts, hostDelayMs: 200, robots: true, maxWaitMs: 5000, retries: 2 });
      await expect(f.get(`${site.base}/members/list`)).rejects.toBeInstanceOf(RobotsDisallowed);
      await expect(f.get(`${site.base}/private/x`)).resolves.toBeDefined(); // the Pulse group replaces the * group
      const started = Date.now();
      const res = await f.get(`${site.base}/busy`);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      await f.get(`${site.base}/a`);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(180);
      expect(site.log.filter((p) => p === '/robots.txt')).toHaveLength(1);
      // a Retry-After longer than the longest wait fails the URL instead of stalling the crawl
      calls = 0;
      const impatient = new PoliteFetcher({
        fetch: fetchOpts,
        hostDelayMs: 0,
        robots: false,
        maxWaitMs: 100,
        retries: 2,
        sleep: async (ms) => void slept.push(ms),
      });
      await expect(impatient.get(`${site.base}/busy`)).rejects.toMatchObject({ status: 429 });
    } finally {
      await site.close();
    }
  });

  it('keeps off a site whose robots.txt answers 5xx, and reads one whose robots.txt is missing', async () => {
    const down = await startSite((_q, res, url) => res.writeHead(url.pathname === '/robots.txt' ? 503 : 200).end('x'));
    const none = await startSite((_q, res, url) => res.writeHead(url.pathname === '/robots.txt' ? 404 : 200).end('x'));
    try {
      const f = new PoliteFetcher({ fetch: fetchOpts, hostDelayMs: 0, robots: true, maxWaitMs: 100, retries: 0 });
      await expect(f.get(`${down.base}/page`)).rejects.toBeInstanceOf(RobotsDisallowed);
      await expect(f.get(`${none.base}/page`)).resolves.toMatchObject({ status: 200 });
    } finally {
      await Promise.all([down.close(), none.close()]);
    }
  });
});

describe('full text on ingest', () => {
  let database: Database;
  let press: Awaited<ReturnType<typeof startTradePress>>;
  const articles = [1, 2, 3, 4].map((i) => eternautaArticle(i, new Date(Date.UTC(2025, 6, 17, i))));
  beforeAll(async () => {
    database = await freshDatabase();
    // story-3 lives under a path robots.txt forbids; story-2 is throttled once
    articles[2]!.slug = 'story-3';
    press = await startTradePress({
      articles,
      robots: (base) => `User-agent: *\nDisallow: /2025/07/17/story-3/\nSitemap: ${base}/sitemap_index.xml\n`,
      throttle: { paths: [articlePath(articles[1]!)], retryAfterSeconds: 1 },
    });
  });
  afterAll(async () => {
    await press.close();
    await database.close();
  });

  it('stores each new article beside its summary; a refused page keeps its summary and says why', async () => {
    const config = testConfig({ PULSE_CRAWL_DELAY_MS: '0' });
    const { row } = await addSource({ db: database.db, config }, { url: `${press.base}/feed/`, kind: 'news', fullText: true });
    const { reports } = await ingest(
      { db: database.db, config, logger: silentLogger(), clock: fixedClock('2025-07-20T00:00:00Z'), instance: 't' },
      { ids: [row.id] },
    );
    expect(reports[0]).toMatchObject({ inserted: 4, fullText: 3, fullTextFailed: 1 });
    const rows = await database.db.select().from(items).where(eq(items.sourceId, row.id));
    const refused = rows.find((r) => r.url.includes('story-3'))!;
    expect(refused).toMatchObject({ fullTextStatus: 'failed' });
    expect(refused.content.length).toBeLessThan(120); // the feed's teaser, not an article
    expect(refused.fullTextError).toMatch(/^robots: robots.txt disallows/);
    expect(refused.summary).toMatch(/generative AI made a building collapse/);
    const read = rows.filter((r) => r.fullTextStatus === 'ok');
    expect(read).toHaveLength(3);
    for (const r of read) expect(r.content).toMatch(/earnings call/);
    expect(press.throttled.get(articlePath(articles[1]!))).toBe(2);
    expect(press.log.some((p) => p.includes('story-3'))).toBe(false);
  });
});
