import { join } from 'node:path';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { insertAnnouncement } from '../db/queries/announcements.ts';
import { rebuildDirtyDays } from '../db/queries/rollups.ts';
import { renderHtml } from '../src/digest/render-html.ts';
import { renderMarkdown, sparkline } from '../src/digest/render-markdown.ts';
import { digestData, lastCompleteWeek } from '../src/services/digests.ts';
import { fixedClock } from '../src/clock.ts';
import { testConfig } from './helpers/app.ts';
import { authHeader, json, testApp } from './helpers/app.ts';
import { hasChromium, launchBrowser, OUTPUT_DIR } from './helpers/browser.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource, type ItemSpec } from './helpers/factories.ts';

let database: Database;
const ctx = { timeZone: 'UTC', model: 'test-model', now: new Date('2025-07-28T09:00:00Z') };
const deps = () => ({
  db: database.db,
  clock: fixedClock(ctx.now.toISOString()),
  config: testConfig(),
  model: { version: ctx.model } as never,
});
const buildDigestData = (_db: unknown, q: { week: string; union?: string }) => digestData(deps(), q);

beforeAll(async () => {
  database = await freshDatabase();
  const union = await makeSource(database.db, 'union', 'Actors Guild');
  const news = await makeSource(database.db, 'news', 'Trade Daily');
  const at = (day: string, h = 10) => new Date(`${day}T${String(h).padStart(2, '0')}:00:00Z`);
  const specs: ItemSpec[] = [];
  // week 2025-W29 (14-20 July): 2 worry, 4 excitement, 2 neutral
  for (let i = 0; i < 2; i++)
    specs.push({ sourceId: news, publishedAt: at('2025-07-15'), stance: 'worry', studios: ['Netflix'], concerns: ['compensation'] });
  for (let i = 0; i < 4; i++) specs.push({ sourceId: news, publishedAt: at('2025-07-16'), stance: 'excitement', studios: ['Netflix'] });
  for (let i = 0; i < 2; i++) specs.push({ sourceId: news, publishedAt: at('2025-07-17'), stance: 'neutral' });
  // week 2025-W30 (21-27 July): 6 worry (4 from the union), 2 excitement, 2 neutral, 1 off-topic
  for (let i = 0; i < 6; i++)
    specs.push({
      sourceId: i < 4 ? union : news,
      publishedAt: at('2025-07-22', 8 + i),
      stance: 'worry',
      studios: ['Netflix'],
      unions: i < 4 ? ['SAG-AFTRA'] : [],
      concerns: i < 3 ? ['job_displacement', 'consent_likeness'] : ['job_displacement'],
      confidence: 0.6 + i / 20,
      title: `Worry story ${i}`,
      sentence: `Members fear losing work, statement ${i}.`,
    });
  specs.push({
    sourceId: news,
    publishedAt: at('2025-07-23'),
    stance: 'excitement',
    studios: ['Disney'],
    confidence: 0.9,
    title: 'Disney artists hail AI previs tool',
    sentence: 'Artists hail the tool.',
  });
  specs.push({
    sourceId: news,
    publishedAt: at('2025-07-24'),
    stance: 'excitement',
    studios: ['Netflix'],
    confidence: 0.7,
    title: 'Netflix effects praised',
  });
  specs.push({ sourceId: news, publishedAt: at('2025-07-25'), stance: 'neutral', title: 'Explainer <b>on</b> AI rules' });
  specs.push({ sourceId: news, publishedAt: at('2025-07-26'), stance: 'neutral', title: 'Second explainer' });
  specs.push({ sourceId: news, publishedAt: at('2025-07-26'), stance: 'neutral', relevant: false, title: 'Box office' });
  await makeItems(database.db, specs);
  await rebuildDirtyDays(database.db, { limit: 100 });
  await insertAnnouncement(database.db, { title: 'A test announcement', studio: 'Netflix', date: '2025-07-23', keywords: [] });
});
afterAll(async () => {
  await database?.close();
});

describe('digest data', () => {
  it('gives exact numbers, changes and ordering for a fixed week', async () => {
    const d = await buildDigestData(database.db, { week: '2025-W30' });
    expect(d).toMatchObject({ week: '2025-W30', start: '2025-07-21', end: '2025-07-28', empty: false, incomplete: false });
    expect(d.headline).toMatchObject({
      total: 10,
      previousTotal: 8,
      counts: { worry: 6, excitement: 2, neutral: 2 },
      net: -0.4,
      previousNet: 0.25,
      lowN: true,
    });
    const worry = d.headline.shares.find((s) => s.stance === 'worry')!;
    expect(worry.now!.value).toBe(0.6);
    expect(worry.before!.value).toBe(0.25);
    expect(worry.change).toBe(0.35);
    expect(worry.significant).toBe(false); // too few items to call it beyond noise
    expect(d.chart).toHaveLength(8);
    expect(d.chart.map((c) => c.total)).toEqual([0, 0, 0, 0, 0, 0, 8, 10]);
    expect(d.topStories.worry.map((s) => s.title)).toEqual(['Worry story 5', 'Worry story 4', 'Worry story 3']);
    expect(d.topStories.excitement[0]).toMatchObject({ title: 'Disney artists hail AI previs tool', quote: 'Artists hail the tool.' });
    expect(d.unionStatements).toHaveLength(4);
    expect(d.unionStatements.every((s) => s.kind === 'union')).toBe(true);
    expect(d.studios).toEqual([
      {
        studio: 'Netflix',
        total: 7,
        worryShare: expect.closeTo(0.8571, 3),
        previousWorryShare: expect.closeTo(0.3333, 3),
        change: expect.closeTo(0.5238, 3),
      },
      { studio: 'Disney', total: 1, worryShare: 0, previousWorryShare: null, change: null },
    ]);
    // only rises are listed (compensation fell from 2 to 0), each as a share of the week's relevant items
    expect(d.risingConcerns.map((c) => [c.concern, c.count, c.previous, c.share.value, c.change, c.beyondNoise])).toEqual([
      ['job_displacement', 6, 0, 0.6, 0.6, false],
      ['consent_likeness', 3, 0, 0.3, 0.3, false],
    ]);
    expect(d.announcements).toHaveLength(1);
    // the same event study as the reaction page, and it says which window it used
    expect(d.announcements[0]).toMatchObject({ windowDays: 14 });
    expect(d.summary).toMatch(/^In 2025-W30 Pulse read 10 relevant items \(8 the week before\)\. 60% voiced/);
    expect(d.summary).toMatch(/worry share was up 35 points on the previous week, within week-to-week noise/);
    expect(d.method.sources).toBe(2);
    expect(d.method.queries.headline).toContain('/api/v1/trends?granularity=week&from=2025-07-14&to=2025-07-28');
  });

  it('focuses on one union, and says so for an empty week', async () => {
    const guild = await buildDigestData(database.db, { week: '2025-W30', union: 'sag-aftra' });
    expect(guild.filters.union).toBe('SAG-AFTRA'); // any case, resolved to the canonical name
    expect(guild.headline.total).toBe(4);
    expect(guild.summary).toMatch(/mentioning SAG-AFTRA/);
    // the week before had no SAG-AFTRA items: there is no change from nothing, and nothing says +100 pts
    expect(guild.headline.previousTotal).toBe(0);
    expect(guild.headline.shares.every((s) => s.change === null && s.before === null)).toBe(true);
    expect(guild.headline.previousNet).toBeNull();
    expect(guild.summary).not.toMatch(/points on the previous week/);
    const guildMd = renderMarkdown(guild);
    expect(guildMd).not.toMatch(/\+100 pts/);
    expect(guildMd).toMatch(/\| worry \| 100% \| \d+%–100% \| n\/a \| no \|/);
    // empty weeks are gaps in the sparkline, not the lowest bar
    expect(guildMd).toMatch(/worry {6} {7}█/);
    const empty = await buildDigestData(database.db, { week: '2024-W10' });
    expect(empty.empty).toBe(true);
    expect(empty.summary).toMatch(/found no relevant items in 2024-W10/);
    expect(renderMarkdown(empty)).toContain('No relevant items were published this week.');
  });

  it('draws a sparkline and finds the last complete week', () => {
    expect(sparkline([0, 0.5, 1])).toBe('▁▅█');
    expect(lastCompleteWeek(new Date('2025-07-28T09:00:00Z'), 'UTC')).toBe('2025-W30');
    expect(lastCompleteWeek(new Date('2025-07-27T23:30:00Z'), 'Europe/Madrid')).toBe('2025-W30');
  });
});

describe('digest API', () => {
  it('renders live on GET without storing, stores only on a keyed rebuild, and serves every format', async () => {
    const { app } = testApp(database, { now: '2025-07-28T09:00:00Z' });
    const first = await app.request('/api/v1/digests/2025-W30?format=md');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(first.headers.get('content-disposition')).toBe('attachment; filename="pulse-digest-2025-W30.md"');
    expect(first.headers.get('x-pulse-digest-stored')).toBe('false');
    const md = await first.text();
    expect(md).toContain('# Pulse weekly digest: 2025-W30');
    // a GET never writes: nothing is listed, and the next GET is live again
    expect((await json(await app.request('/api/v1/digests'))).digests).toEqual([]);
    expect((await app.request('/api/v1/digests/2025-W30?format=md')).headers.get('x-pulse-digest-stored')).toBe('false');

    expect((await app.request('/api/v1/digests/2025-W30/rebuild', { method: 'POST' })).status).toBe(401);
    expect((await app.request('/api/v1/digests/2025-W30?rebuild=true')).status).toBe(401);
    const key = await authHeader(database, 'write');
    const stored = await app.request('/api/v1/digests/2025-W30/rebuild', { method: 'POST', headers: key });
    expect(stored.status).toBe(200);
    expect((await json(stored)).version).toBe(1);
    const again = await app.request('/api/v1/digests/2025-W30?format=md');
    expect(again.headers.get('x-pulse-digest-stored')).toBe('true');
    expect(await again.text()).toBe(md.replace(/\r?\n/g, '\n'));
    // the old spelling still stores, and says it is deprecated
    const rebuilt = await app.request('/api/v1/digests/2025-W30?format=json&rebuild=true', { headers: key });
    expect(rebuilt.headers.get('x-pulse-digest-version')).toBe('2');
    expect(rebuilt.headers.get('deprecation')).toBe('true');
    expect((await json(rebuilt)).version).toBe(2);
    expect((await app.request('/api/v1/digests/2025-W30/rebuild?studio=Netflix', { method: 'POST', headers: key })).status).toBe(200);

    const csv = await (await app.request('/api/v1/digests/2025-W30?format=csv')).text();
    expect(csv.split('\n')[0]).toBe(
      'id,published_at,title,url,source,source_kind,relevant,stance,confidence,concerns,studios,unions,quote,model',
    );
    expect(csv.trim().split('\n')).toHaveLength(12);
    const html = await app.request('/api/v1/digests/2025-W30?format=html&studio=Netflix');
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-disposition')).toBe('inline; filename="pulse-digest-2025-W30-netflix.html"');

    const list = await json(await app.request('/api/v1/digests'));
    expect(list.digests.map((d: { week: string; version: number; studio: string | null }) => `${d.week}/${d.version}/${d.studio}`)).toEqual(
      expect.arrayContaining(['2025-W30/1/null', '2025-W30/2/null', '2025-W30/1/Netflix']),
    );
    for (const [q, param] of [
      ['2025-W54', 'week'],
      ['2025-30', 'week'],
      ['2025-W30?format=pdf', 'format'],
      ['2025-W30?studio=Netflix&union=WGA', 'union'],
      ['1970-W01', 'week'],
      ['2030-W01', 'week'],
      ['2025-W30?studio=Nope', 'studio'],
    ]) {
      const res = await app.request(`/api/v1/digests/${q}`);
      expect(res.status, q).toBe(400);
      expect((await json(res)).error.message).toMatch(new RegExp(`^${param}: `));
    }
  });

  it('lists stored digests in an Atom feed that rss-parser reads back', async () => {
    const { app } = testApp(database);
    const res = await app.request('/api/v1/digests/feed.xml');
    expect(res.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const feed = await new Parser().parseString(await res.text());
    expect(feed.title).toBe('Pulse weekly digests');
    expect(feed.items.length).toBeGreaterThanOrEqual(3);
    expect(feed.items.some((i) => /2025-W30 \(version 2\)/.test(i.title ?? ''))).toBe(true);
    expect(feed.items[0]!.link).toMatch(/\/api\/v1\/digests\/2025-W30\?format=html/);
  });
});

describe.runIf(hasChromium)('the HTML digest in a real browser', () => {
  it('draws the chart, has every section, fetches nothing, and prints a screenshot', { timeout: 60_000 }, async () => {
    const d = await buildDigestData(database.db, { week: '2025-W30' });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.setContent(renderHtml(d), { waitUntil: 'load' });
      const box = await page.locator('#trend-chart').boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      // six empty weeks then two with items: the line starts at the first week that has a share
      expect(await page.locator('#trend-chart path.worry').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/);
      expect(await page.locator('#trend-chart circle.worry').count()).toBe(2);
      for (const id of ['summary', 'headline', 'chart', 'top-stories', 'unions', 'studios', 'announcements', 'concerns', 'method'])
        expect(await page.locator(`section#${id}`).count(), id).toBe(1);
      expect(await page.locator('#top-stories li').count()).toBeGreaterThan(3);
      expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(OUTPUT_DIR, 'digest-2025-W30.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
