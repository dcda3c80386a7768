import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { upsertAlert } from '../db/queries/alerts.ts';
import { rebuildDirtyDays } from '../db/queries/rollups.ts';
import { addSource } from '../db/queries/sources.ts';
import { items, sources } from '../db/schema/index.ts';
import { defaultModel } from '../src/classify/model.ts';
import { prepareSentences } from '../src/classify/prepare.ts';
import { extractQuotes } from '../src/classify/quotes.ts';
import { fixedClock } from '../src/clock.ts';
import { silentLogger } from '../src/logger.ts';
import { rebuildDigest } from '../src/services/digests.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { testConfig } from './helpers/app.ts';
import { hasChromium, launchBrowser, OUTPUT_DIR, unreachedByKeyboard, watchPage } from './helpers/browser.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource, type ItemSpec } from './helpers/factories.ts';

let database: Database;
let server: RunningServer;
let base: string;
let itemId: number;
let failingId: number;

beforeAll(async () => {
  database = await freshDatabase();
  const db = database.db;
  const { row: sag } = await addSource(db, {
    url: 'https://sag.example.org/feed',
    kind: 'union',
    name: 'SAG-AFTRA statements',
    organisation: 'SAG-AFTRA',
  });
  const news = await makeSource(db, 'news', 'Daily Test');
  const { row: broken } = await addSource(db, { url: 'https://broken.example.org/feed', kind: 'news', name: 'Broken Feed' });
  failingId = broken.id;
  await db
    .update(sources)
    .set({
      consecutiveFailures: 3,
      lastStatus: 503,
      lastError: 'HTTP 503 Service Unavailable',
      lastFetchedAt: new Date('2025-07-20T10:00:00Z'),
      nextFetchAt: new Date('2025-07-20T11:00:00Z'),
    })
    .where(eq(sources.id, broken.id));
  await db
    .update(sources)
    .set({ lastFetchedAt: new Date('2025-07-20T10:00:00Z'), lastStatus: 200 })
    .where(eq(sources.id, news));
  const specs: ItemSpec[] = [];
  for (let d = 0; d < 56; d++) {
    const at = new Date(Date.UTC(2025, 5, 30) + d * 86_400_000 + 9 * 3_600_000);
    specs.push({
      sourceId: sag.id,
      publishedAt: at,
      stance: 'worry',
      unions: ['SAG-AFTRA'],
      studios: ['Netflix'],
      concerns: ['consent_likeness'],
      title: `SAG-AFTRA statement ${d}`,
    });
    specs.push({
      sourceId: news,
      publishedAt: at,
      stance: d % 2 ? 'excitement' : 'neutral',
      unions: d % 3 ? [] : ['SAG-AFTRA'],
      studios: ['Netflix'],
      title: `Coverage ${d}`,
    });
  }
  const ids = await makeItems(db, specs);
  itemId = ids[0]!;
  await db
    .update(items)
    .set({
      content:
        '“We will not accept digital replicas made without consent,” said Maria Lopez, the union president. The studio said: "We respect performers and their likeness rights."',
      explanation: {
        terms: [
          { term: 'digital replica', weight: 1.4 },
          { term: 'consent', weight: 0.9 },
          { term: 'celebrate', weight: -0.3 },
        ],
        sentence: 'We will not accept digital replicas made without consent.',
      },
      model: 'pulse-test-1',
    })
    .where(eq(items.id, itemId));
  await rebuildDirtyDays(db, { limit: 500 });
  await upsertAlert(
    db,
    {
      day: '2025-07-18',
      entityType: 'union',
      entity: 'SAG-AFTRA',
      metric: 'worry_share',
      value: 0.9,
      baseline: 0.4,
      score: 4,
      pValue: 0.0001,
      count: 10,
      baselineCount: 60,
    },
    new Date('2025-07-18T23:00:00Z'),
  );
  const config = { ...testConfig(), port: 0, host: '127.0.0.1' };
  await rebuildDigest({ db, clock: fixedClock('2025-08-01T12:00:00Z'), config, model: defaultModel() }, { week: '2025-W30' });
  server = await startServer({ config, database, logger: silentLogger(), model: defaultModel() });
  base = server.url;
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe('quotations', () => {
  // an item labelled before quotes were stored: its page finds them in its text as the classifier does
  it('finds quotes with their speakers, each once, in order', () => {
    const found = (text: string) => extractQuotes(prepareSentences(text)).map((q) => ({ text: q.text, speaker: q.speaker }));
    expect(
      found(
        '“We will not accept replicas without consent,” said Maria Lopez, the president. Tom Reyes said: "This ends background work as we know it." And "a third quote with nobody named".',
      ),
    ).toEqual([
      { text: 'We will not accept replicas without consent', speaker: 'Maria Lopez' },
      { text: 'This ends background work as we know it.', speaker: 'Tom Reyes' },
      { text: 'a third quote with nobody named', speaker: null },
    ]);
    expect(found('"The studio said this is fine and good," the spokesperson said.')).toEqual([
      { text: 'The studio said this is fine and good', speaker: 'the spokesperson' },
    ]);
    expect(found('No quotes here.')).toEqual([]);
  });
});

describe('pages without JavaScript', () => {
  it('item page: labels, explanation, quotes with speakers, sightings, model', async () => {
    const res = await fetch(`${base}/items/${itemId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('SAG-AFTRA statement 0');
    expect(html).toContain('consent likeness');
    expect(html).toContain('digital replica');
    expect(html).toContain('— Maria Lopez');
    expect(html).toContain('We respect performers and their likeness rights.');
    expect(html).toMatch(/id="model">pulse-test-1/);
    expect(html).toContain('id="sightings"');
    expect(html).toContain('href="/unions/SAG-AFTRA"');
    // quotes the classifier stored win over the text's
    const other = (await database.db.select({ id: items.id }).from(items).where(eq(items.title, 'Coverage 1')))[0]!.id;
    await database.db
      .update(items)
      .set({ quotes: [{ text: 'Stored words from the classifier', speaker: 'Ana Stored', speakerKind: 'union', stance: 'worry' }] })
      .where(eq(items.id, other));
    const stored = await (await fetch(`${base}/items/${other}`)).text();
    expect(stored).toContain('Stored words from the classifier');
    expect(stored).toContain('— Ana Stored');
    expect((await fetch(`${base}/items/999999`)).status).toBe(404);
    expect((await fetch(`${base}/items/abc`)).status).toBe(400);
    expect((await fetch(`${base}/items/${itemId}?x=1`)).status).toBe(400);
  });

  it('union and studio pages: volume and stance, concerns, own statements, alerts; aliases resolve; unknown names are 404', async () => {
    const html = await (await fetch(`${base}/unions/sag-aftra`)).text();
    expect(html).toContain('<h2 id="entity-title">SAG-AFTRA</h2>');
    expect(html).toContain('SAG-AFTRA statements');
    expect(html).toMatch(/Latest statements <span class="muted">\(10 of 56\)/);
    expect(html).not.toMatch(/id="statements">[\s\S]*Coverage \d+[\s\S]*<\/ul>/);
    expect(html).toContain('id="trend-data"');
    expect(html).toContain('worry share spike');
    expect(html).toContain('consent likeness');
    const studio = await (await fetch(`${base}/studios/netflix`)).text();
    expect(studio).toContain('<h2 id="entity-title">Netflix</h2>');
    expect(studio).toMatch(/id="stat-total">112</);
    expect((await fetch(`${base}/unions/screen%20actors%20guild`)).status).toBe(200);
    expect((await fetch(`${base}/unions/pirates`)).status).toBe(404);
  });

  it('digests index and sources health', async () => {
    const digests = await (await fetch(`${base}/digests`)).text();
    expect(digests).toContain('2025-W30');
    expect(digests).toContain('href="/api/v1/digests/feed.xml"');
    expect(digests).toContain('format=md');
    const src = await (await fetch(`${base}/sources`)).text();
    expect(src).toContain('1 failing');
    expect(src).toMatch(/<tr class="failing">[\s\S]{0,400}Broken Feed/);
    expect(src).toContain('HTTP 503 Service Unavailable');
    // failing feeds come first
    expect(src.indexOf('Broken Feed')).toBeLessThan(src.indexOf('Daily Test'));
    expect(src).toContain(`href="/?source=${failingId}"`);
  });
});

describe.runIf(hasChromium)('pages in headless Chromium', () => {
  it('every page at desktop and phone widths: clean console, no foreign requests, keyboard reaches every control, nothing wider than a phone', {
    timeout: 120_000,
  }, async () => {
    const browser = await launchBrowser();
    try {
      for (const [name, viewport] of [
        ['desktop', { width: 1280, height: 900 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        for (const [slug, path] of [
          ['item', `/items/${itemId}`],
          ['union', '/unions/SAG-AFTRA'],
          ['studio', '/studios/Netflix'],
          ['digests', '/digests'],
          ['sources', '/sources'],
        ] as const) {
          const page = await browser.newPage({ viewport });
          const seen = watchPage(page, base);
          await page.goto(base + path, { waitUntil: 'networkidle' });
          if (slug === 'union' || slug === 'studio') await page.waitForSelector('#chart[data-state="ready"] canvas');
          await page.screenshot({ path: join(OUTPUT_DIR, `page-${slug}-${name}.png`), fullPage: true });
          expect(await unreachedByKeyboard(page), `${slug} ${name}`).toEqual([]);
          if (name === 'phone')
            expect(await page.evaluate<number>('document.documentElement.scrollWidth'), slug).toBeLessThanOrEqual(viewport.width + 1);
          expect(seen.errors, slug).toEqual([]);
          expect(seen.foreign, slug).toEqual([]);
          await page.close();
        }
      }
    } finally {
      await browser.close();
    }
  });
});
