import { defaultModel } from '../src/classify/model.ts';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { upsertAlert } from '../db/queries/alerts.ts';
import { insertAnnouncement } from '../db/queries/announcements.ts';
import { rebuildDirtyDays } from '../db/queries/rollups.ts';
import { silentLogger } from '../src/logger.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { json, testConfig } from './helpers/app.ts';
import { hasChromium, launchBrowser, OUTPUT_DIR } from './helpers/browser.ts';
import { freshDatabase } from './helpers/db.ts';
import { makeItems, makeSource, type ItemSpec } from './helpers/factories.ts';

let database: Database;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  database = await freshDatabase();
  const union = await makeSource(database.db, 'union', 'Guild of Testers');
  const news = await makeSource(database.db, 'news', 'Daily Test');
  const specs: ItemSpec[] = [];
  for (let d = 0; d < 84; d++) {
    const at = new Date(Date.UTC(2025, 5, 2) + d * 86_400_000 + 10 * 3_600_000);
    const after = d >= 45;
    specs.push({
      sourceId: union,
      publishedAt: at,
      stance: after ? 'worry' : d % 3 ? 'neutral' : 'worry',
      studios: ['Netflix'],
      unions: ['SAG-AFTRA'],
      concerns: ['job_displacement'],
      title: `Union item ${d} <b>bold</b>`,
      sentence: `Union quote ${d}`,
    });
    specs.push({
      sourceId: news,
      publishedAt: new Date(at.getTime() + 3_600_000),
      stance: d % 2 ? 'excitement' : 'neutral',
      studios: ['Netflix'],
      title: `News item ${d}`,
    });
  }
  await makeItems(database.db, specs);
  await rebuildDirtyDays(database.db, { limit: 500 });
  await insertAnnouncement(database.db, {
    title: 'Netflix discloses a generative AI shot',
    studio: 'Netflix',
    date: '2025-07-17',
    keywords: ['Eternauta'],
    description: 'Test announcement.',
  });
  // an alert inside the charted range but weeks before its end (the panel used to show only the last 14 days)
  await upsertAlert(
    database.db,
    {
      day: '2025-07-18',
      entityType: 'studio',
      entity: 'Netflix',
      metric: 'volume',
      value: 40,
      baseline: 4,
      score: 5,
      pValue: 0.0001,
      count: 40,
      baselineCount: 112,
    },
    new Date('2025-07-18T23:00:00Z'),
  );
  server = await startServer({
    config: { ...testConfig(), port: 0, host: '127.0.0.1' },
    database,
    logger: silentLogger(),
    model: defaultModel(),
  });
  base = server.url;
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe('dashboard without JavaScript', () => {
  it('renders numbers, lists and links server-side, escaped', async () => {
    const res = await fetch(`${base}/?kind=union`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<table');
    expect(html).toContain('Netflix discloses a generative AI shot');
    expect(html).toContain('Union item 83 &lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toMatch(/<option value="union" selected/);
    expect(html).toContain('href="/docs"');
    // the alerts panel shows the alerts of the displayed range
    expect(html).toMatch(/2025-07-18[\s\S]{0,400}Netflix|Netflix[\s\S]{0,400}2025-07-18/);
    expect(html).not.toContain('No spikes detected');
    expect((await fetch(`${base}/?kind=pirates`)).status).toBe(400);
    const reaction = await fetch(`${base}/announcements/1`);
    expect(await reaction.text()).toContain('id="reaction-table"');
    expect((await fetch(`${base}/announcements/999`)).status).toBe(404);
    expect((await json(await fetch(`${base}/assets/nope.js`))).error.code).toBe('not_found');
  });
});

describe.runIf(hasChromium)('dashboard in headless Chromium', () => {
  it('loads cleanly, draws the chart, filters it, opens a reaction view, at desktop and phone widths', { timeout: 90_000 }, async () => {
    const browser = await launchBrowser();
    try {
      for (const [name, viewport] of [
        ['desktop', { width: 1280, height: 900 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        const page = await browser.newPage({ viewport });
        const errors: string[] = [];
        const foreign: string[] = [];
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('request', (r) => !r.url().startsWith(base) && foreign.push(r.url()));
        await page.goto(`${base}/`, { waitUntil: 'networkidle' });
        await page.waitForSelector('#chart[data-state="ready"] canvas');
        expect(Number(await page.getAttribute('#chart', 'data-points'))).toBe(12);
        const allTotal = Number(await page.getAttribute('#chart', 'data-total'));
        expect(allTotal).toBe(168);
        await page.screenshot({ path: join(OUTPUT_DIR, `dashboard-${name}.png`), fullPage: true });

        if (name === 'desktop') {
          await page.selectOption('#filter-kind', 'union');
          // polled from the test, not evaluated in the page: the page's CSP (script-src 'self') forbids eval
          await page.locator('#chart[data-query="kind=union"]').waitFor();
          await page.waitForSelector('#chart[data-state="ready"]');
          expect(page.url()).toBe(`${base}/?kind=union`);
          expect(Number(await page.getAttribute('#chart', 'data-total'))).toBe(84);
          // keyboard: the filters are reachable and labelled
          expect(await page.locator('label:has(#filter-studio)').textContent()).toContain('Studio');
          await page.click('text=Netflix discloses a generative AI shot');
          await page.waitForSelector('#daily-chart[data-state="ready"] canvas');
          expect(await page.locator('#reaction-table').count()).toBe(1);
          await page.screenshot({ path: join(OUTPUT_DIR, 'reaction-desktop.png'), fullPage: true });
        }
        expect(errors).toEqual([]);
        expect(foreign).toEqual([]);
        // nothing wider than the screen on a phone
        if (name === 'phone')
          expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width + 1);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
