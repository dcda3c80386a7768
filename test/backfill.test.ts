import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { items, jobRuns } from '../db/schema/index.ts';
import { defaultModel } from '../src/classify/model.ts';
import { fixedClock } from '../src/clock.ts';
import { childMayHold, parseSitemap, urlInRange } from '../src/ingest/sitemap.ts';
import { cdxQueryUrl, parseCdx } from '../src/ingest/wayback.ts';
import { silentLogger } from '../src/logger.ts';
import { pagedUrl, requestBackfill, runBackfill, stagesFor, type BackfillDeps } from '../src/services/backfill.ts';
import { addSource } from '../src/services/sources.ts';
import { testConfig } from './helpers/app.ts';
import { freshDatabase } from './helpers/db.ts';
import {
  eternautaArticle,
  startArchive,
  startGdelt,
  startGoogleNews,
  startTradePress,
  wordpressFeed,
  type Article,
} from './helpers/web-sites.ts';

const day = (m: number, d: number, h = 9) => new Date(Date.UTC(2025, m - 1, d, h));
/** Two articles a day from 20 June to 9 August 2025. */
function archive(prefix: string): Article[] {
  const out: Article[] = [];
  let i = 0;
  for (let t = day(6, 20).getTime(); t < day(8, 10).getTime(); t += 86_400_000) {
    out.push(eternautaArticle(i++, new Date(t), prefix), eternautaArticle(i++, new Date(t + 5 * 3_600_000), prefix));
  }
  return out;
}
const inJuly = (list: Article[]) => list.filter((a) => a.date >= day(7, 1, 0) && a.date < day(8, 1, 0)).length;

describe('sitemaps and CDX (pure)', () => {
  it('reads index, URL set and news sitemaps, and skips months outside the range', () => {
    const idx = parseSitemap(
      '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://s.example/post-sitemap-2025-06.xml</loc><lastmod>2025-06-30T10:00:00+00:00</lastmod></sitemap><sitemap><loc>https://s.example/news.xml</loc></sitemap></sitemapindex>',
    );
    expect(idx.sitemaps).toHaveLength(2);
    const from = day(7, 1, 0);
    const to = day(8, 1, 0);
    expect(idx.sitemaps.map((s) => childMayHold(s, from, to))).toEqual([false, true]);
    expect(childMayHold({ loc: 'https://s.example/sitemap-2025-08.xml', lastmod: undefined }, from, to)).toBe(false);
    expect(childMayHold({ loc: 'https://s.example/sitemap-2025-07.xml', lastmod: undefined }, from, to)).toBe(true);
    const news = parseSitemap(
      '<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://s.example/a</loc><news:news><news:publication_date>2025-07-17T10:00:00Z</news:publication_date><news:title>A &amp; B</news:title></news:news></url><url><loc>https://s.example/b</loc><lastmod>2025-06-01</lastmod></url></urlset>',
    );
    expect(news.urls[0]).toMatchObject({ loc: 'https://s.example/a', published: '2025-07-17T10:00:00.000Z', title: 'A & B' });
    expect(news.urls.map((u) => urlInRange(u, from, to))).toEqual([true, false]);
    expect(() => parseSitemap('<html></html>')).toThrow(/sitemapindex/);
  });

  it('asks CDX for successful, distinct captures in range and replays them without the toolbar', () => {
    const q = new URL(cdxQueryUrl('https://archive.example/cdx/search/cdx', 'https://s.example/feed/', day(7, 1, 0), day(8, 1, 0)));
    expect(Object.fromEntries(q.searchParams)).toMatchObject({
      url: 'https://s.example/feed/',
      from: '20250701',
      to: '20250731',
      output: 'json',
      filter: 'statuscode:200',
      collapse: 'digest',
    });
    const caps = parseCdx(
      JSON.stringify([
        ['timestamp', 'original', 'statuscode'],
        ['20250720000000', 'https://s.example/feed/', '200'],
        ['20250705000000', 'https://s.example/feed/', '200'],
        ['bad', 'x', '200'],
      ]),
      'https://archive.example/cdx/search/cdx',
    );
    expect(caps.map((c) => c.replayUrl)).toEqual([
      'https://archive.example/web/20250705000000id_/https://s.example/feed/',
      'https://archive.example/web/20250720000000id_/https://s.example/feed/',
    ]);
    expect(parseCdx('[]', 'https://a.example/cdx')).toEqual([]);
  });

  it('pages feeds the WordPress way and picks the stages that fit each source type', () => {
    expect(pagedUrl('https://s.example/feed/', 1)).toBe('https://s.example/feed/');
    expect(pagedUrl('https://s.example/?feed=rss2', 3)).toBe('https://s.example/?feed=rss2&paged=3');
    expect(stagesFor({ type: 'feed' })).toEqual(['paged_feed', 'sitemap', 'wayback']);
    expect(stagesFor({ type: 'page' })).toEqual(['sitemap', 'wayback']);
    expect(stagesFor({ type: 'search' })).toEqual(['search_window']);
    expect(stagesFor({ type: 'import' })).toEqual([]);
  });
});

describe('backfill against local look-alikes', () => {
  let database: Database;
  const clock = fixedClock('2025-08-10T12:00:00Z');
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await Promise.all(closers.map((c) => c()));
    await database.close();
  });
  const deps = (env: Record<string, string> = {}): BackfillDeps => ({
    db: database.db,
    config: testConfig({ PULSE_CRAWL_DELAY_MS: '0', ...env }),
    clock,
    model: defaultModel(),
    logger: silentLogger(),
    instance: 'test-a',
    // only the local look-alikes are trusted: every other private address stays refused
    allowPrivate: (host) => host === '127.0.0.1',
  });
  const countVia = async (sourceId: number, via: string) =>
    (
      await database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(items)
        .where(and(eq(items.sourceId, sourceId), sql`${items.discoveredVia} = ${via}`))
    )[0]!.n;

  it('walks a paged feed back to July, labels it, counts it in job_runs, and adds nothing the second time', async () => {
    const press = await startTradePress({ articles: archive('paged') });
    closers.push(press.close);
    const { row } = await addSource({ db: database.db }, { url: `${press.base}/feed/`, kind: 'news', fullText: true });
    const { backfill } = await requestBackfill(deps(), { sourceId: row.id, from: '2025-07-01', to: '2025-07-31' });
    const done = await runBackfill(deps(), { id: backfill.id });
    expect(done.status).toBe('done');
    expect(done.counts.inserted).toBe(inJuly(press.articles));
    expect(done.progress.reachedFrom).toBe(true);
    expect(done.progress.done).toEqual(['paged_feed', 'sitemap', 'wayback']);
    expect(await countVia(row.id, 'paged_feed')).toBe(inJuly(press.articles));
    // sitemaps and the archive were not needed: the feed reached back past 1 July
    expect(press.log.some((p) => p.includes('sitemap'))).toBe(false);
    const stored = await database.db.select().from(items).where(eq(items.sourceId, row.id));
    expect(stored.every((i) => i.status === 'classified' && i.fullTextStatus === 'ok' && i.content.length > 300)).toBe(true);
    expect(stored.every((i) => i.publishedAt >= day(7, 1, 0) && i.publishedAt < day(8, 1, 0))).toBe(true);
    const [run] = await database.db.select().from(jobRuns).where(eq(jobRuns.id, done.jobRunId!));
    expect(run).toMatchObject({ job: 'backfill', status: 'ok', counts: expect.objectContaining({ inserted: inJuly(press.articles) }) });
    expect((await database.db.execute(sql`select count(*)::int as n from rollup_dirty_days`)) as unknown).toBeDefined();

    const again = await requestBackfill(deps(), { sourceId: row.id, from: '2025-07-01', to: '2025-07-31' });
    expect(again.resumed).toBe(false);
    const second = await runBackfill(deps(), { id: again.backfill.id });
    expect(second.counts).toMatchObject({ inserted: 0, duplicates: inJuly(press.articles) });
  });

  it('falls back to sitemaps when the feed ignores ?paged=, and refuses a sitemap URL at a metadata address', async () => {
    const press = await startTradePress({
      articles: archive('maps'),
      paged: false,
      extraSitemapUrls: ['http://169.254.169.254/latest/meta-data/iam/'],
    });
    closers.push(press.close);
    const { row } = await addSource({ db: database.db }, { url: `${press.base}/feed/`, kind: 'news' });
    const { backfill } = await requestBackfill(deps(), { sourceId: row.id, from: '2025-07-01', to: '2025-07-31' });
    const done = await runBackfill(deps(), { id: backfill.id });
    expect(done.status).toBe('done');
    const viaMaps = await countVia(row.id, 'sitemap');
    expect(viaMaps + (await countVia(row.id, 'paged_feed'))).toBe(inJuly(press.articles));
    expect(viaMaps).toBeGreaterThan(50);
    expect(done.counts.blocked).toBeGreaterThanOrEqual(1);
    expect((await database.db.select().from(items).where(sql`${items.url} like '%169.254%'`)).length).toBe(0);
    // the June and August monthly sitemaps were never read
    expect(press.log).toContain('/post-sitemap-2025-07.xml');
    expect(press.log).not.toContain('/post-sitemap-2025-06.xml');
    expect(press.log).not.toContain('/post-sitemap-2025-08.xml');
    expect(done.progress.sitemapFound).toBeGreaterThan(0);
  });

  it('resumes after a stop from where it was, without duplicates', async () => {
    const press = await startTradePress({ articles: archive('resume') });
    closers.push(press.close);
    const { row } = await addSource({ db: database.db }, { url: `${press.base}/feed/`, kind: 'news' });
    const { backfill } = await requestBackfill(deps(), { sourceId: row.id, from: '2025-07-01', to: '2025-07-31' });
    const stop = new AbortController();
    let pages = 0;
    const first = await runBackfill(
      deps(),
      { id: backfill.id },
      { signal: stop.signal, onProgress: (e) => e.stage === 'paged_feed' && e.message.startsWith('page') && ++pages === 3 && stop.abort() },
    );
    expect(first.status).toBe('queued');
    expect(first.progress).toMatchObject({ stage: 'paged_feed', position: 4 });
    const partial = first.counts.inserted!;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(inJuly(press.articles));
    const before = press.log.length;
    const { backfill: same, resumed } = await requestBackfill(deps(), { sourceId: row.id, from: '2025-07-01', to: '2025-07-31' });
    expect([same.id, resumed]).toEqual([backfill.id, true]);
    const second = await runBackfill({ ...deps(), instance: 'test-b' }, { id: backfill.id });
    expect(second.status).toBe('done');
    expect(second.counts.inserted).toBe(inJuly(press.articles));
    // page 1 to 3 were not fetched again
    expect(
      press.log
        .slice(before)
        .filter((p) => p.startsWith('/feed/'))
        .some((p) => p === '/feed/' || /paged=[23]$/.test(p)),
    ).toBe(false);
  });

  it('reads Wayback captures of the feed when there is neither paging nor a sitemap', async () => {
    const list = archive('wb');
    const press = await startTradePress({ articles: list, paged: false, sitemaps: false, robots: () => 'User-agent: *\nAllow: /\n' });
    closers.push(press.close);
    const feedUrl = `${press.base}/feed/`;
    // a weekly capture of the feed through July: each shows the ten newest at that moment
    const captures = [];
    for (let d = 3; d <= 31; d += 4) {
      const at = day(7, d, 23);
      const visible = list
        .filter((a) => a.date <= at)
        .sort((a, b) => b.date.getTime() - a.date.getTime())
        .slice(0, 10);
      captures.push({
        timestamp: at.toISOString().replace(/\D/g, '').slice(0, 14),
        original: feedUrl,
        body: wordpressFeed(visible, press.base, 'Reel Ledger'),
      });
    }
    const wb = await startArchive(captures);
    closers.push(wb.close);
    const { row } = await addSource({ db: database.db }, { url: feedUrl, kind: 'news' });
    const env = { PULSE_WAYBACK_CDX_URL: wb.cdxUrl };
    const { backfill } = await requestBackfill(deps(env), { sourceId: row.id, from: '2025-07-01', to: '2025-07-31' });
    // the feed's own page 1 holds August only; the sitemap paths all answer 404
    const done = await runBackfill(deps(env), { id: backfill.id });
    expect(done.status).toBe('done');
    const viaArchive = await countVia(row.id, 'wayback');
    expect(viaArchive).toBeGreaterThan(40);
    expect(wb.queries[0]!.get('url')).toBe(feedUrl);
    const stored = await database.db.select().from(items).where(eq(items.sourceId, row.id));
    expect(stored.every((i) => i.publishedAt >= day(7, 1, 0) && i.publishedAt < day(8, 1, 0))).toBe(true);
  });

  it('walks a search over day windows, splitting a day that reaches GDELT’s cap', async () => {
    const hits = [];
    for (let k = 0; k < 260; k++)
      hits.push({
        url: `https://outlet${k % 7}.example/eternauta-${k}`,
        title: `Eternauta story ${k}`,
        date: new Date(day(7, 17, 0).getTime() + k * 300_000),
        outlet: `outlet${k % 7}.example`,
      });
    hits.push({ url: 'https://outlet1.example/late', title: 'A later one', date: day(7, 20), outlet: 'outlet1.example' });
    const gdelt = await startGdelt(hits);
    const gn = await startGoogleNews(hits);
    closers.push(gdelt.close, gn.close);
    const env = { PULSE_GDELT_URL: gdelt.url, PULSE_GOOGLE_NEWS_URL: gn.url };
    const a = await addSource(
      { db: database.db, config: testConfig(env) },
      { url: '', kind: 'news', type: 'search', search: { provider: 'gdelt', query: 'Eternauta' }, fullText: false },
    );
    const { backfill } = await requestBackfill(deps(env), { sourceId: a.row.id, from: '2025-07-16', to: '2025-07-21' });
    const done = await runBackfill(deps(env), { id: backfill.id });
    expect(done.counts).toMatchObject({ inserted: 261, splitWindows: 1 });
    expect(await countVia(a.row.id, 'search_window')).toBe(261);
    const windows = gdelt.queries.map((q) => `${q.get('startdatetime')}-${q.get('enddatetime')}`);
    expect(windows).toContain('20250717000000-20250717120000');
    const b = await addSource(
      { db: database.db, config: testConfig(env) },
      { url: '', kind: 'news', type: 'search', search: { provider: 'googlenews', query: 'Eternauta' }, fullText: false },
    );
    const r2 = await requestBackfill(deps(env), { sourceId: b.row.id, from: '2025-07-16', to: '2025-07-21' });
    const gnDone = await runBackfill(deps(env), { id: r2.backfill.id });
    // Google News gives 100 a day and cannot split below a day; everything it gave is known already
    expect(gnDone.counts).toMatchObject({ inserted: 0, duplicates: 101 });
    expect(gn.queries.map((q) => q.get('q'))).toContain('Eternauta after:2025-07-17 before:2025-07-18');
  });

  it('refuses ranges that make no sense', async () => {
    const { row } = await addSource({ db: database.db }, { url: 'https://x.example/feed', kind: 'news' });
    await expect(requestBackfill(deps(), { sourceId: row.id, from: '2025-07-31', to: '2025-07-01' })).rejects.toThrow(/before from/);
    await expect(requestBackfill(deps(), { sourceId: row.id, from: '2025-7-1', to: '2025-07-31' })).rejects.toThrow(/YYYY-MM-DD/);
    await expect(requestBackfill(deps(), { sourceId: 99999, from: '2025-07-01', to: '2025-07-31' })).rejects.toThrow(/not found/);
  });
});
