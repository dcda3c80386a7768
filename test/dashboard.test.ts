import { defaultModel } from '../src/classify/model.ts';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
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
let unionId: number;
let newsId: number;
const specs: ItemSpec[] = [];
const count = (f: (s: ItemSpec) => boolean) => specs.filter(f).length;

beforeAll(async () => {
  database = await freshDatabase();
  unionId = await makeSource(database.db, 'union', 'Guild of Testers');
  newsId = await makeSource(database.db, 'news', 'Daily Test');
  for (let d = 0; d < 84; d++) {
    const at = new Date(Date.UTC(2025, 5, 2) + d * 86_400_000 + 10 * 3_600_000);
    const after = d >= 45;
    // the union says nothing in the week of 30 June (an empty bucket under kind=union)
    if (d < 28 || d > 34) {
      specs.push({
        sourceId: unionId,
        publishedAt: at,
        stance: after ? 'worry' : d % 3 ? 'neutral' : 'worry',
        studios: ['Netflix'],
        unions: ['SAG-AFTRA'],
        concerns: d % 2 ? ['job_displacement'] : ['consent_likeness'],
        title: `Union item ${d} <b>bold</b>`,
        sentence: `Union quote ${d}`,
        language: d % 4 === 0 ? 'es' : 'en',
      });
    }
    // the news desk writes more after the announcement: those weeks have 30 or more items
    for (let k = 0; k < (after ? 4 : 1); k++) {
      specs.push({
        sourceId: newsId,
        publishedAt: new Date(at.getTime() + (k + 1) * 3_600_000),
        stance: (d + k) % 2 ? 'excitement' : 'neutral',
        studios: ['Netflix'],
        title: `News item ${d}.${k}`,
        summary: d % 2 ? 'the render pipeline story' : 'a story',
        // labelled items carry the ISO 639-1 code the classifier detected
        language: 'en',
      });
    }
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

const statTotal = (html: string) => Number(/id="stat-total">(\d+)</.exec(html)?.[1]);

describe('explorer without JavaScript', () => {
  it('renders numbers, lists and links server-side, escaped, and every one follows the filters', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(statTotal(html)).toBe(specs.length);
    expect(html).toContain('Netflix discloses a generative AI shot');
    expect(html).toContain('Union item 83 &lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('id="concerns"');
    expect(html).toContain('id="top-sources"');
    expect(html).toMatch(/2025-07-18[\s\S]{0,400}Netflix/);
    expect(html).toContain('fewer than 30');

    const union = await (await fetch(`${base}/?kind=union`)).text();
    expect(statTotal(union)).toBe(count((s) => s.sourceId === unionId));
    expect(union).toMatch(/<option value="union" selected/);
    // the empty week is a gap, not a zero share
    expect(union).toMatch(/2025-06-30<\/td><td class="num">0<\/td>[\s\S]{0,300}no items/);
    // the latest items and top sources follow the filter too
    expect(union).not.toContain('News item');
    expect(union).not.toMatch(/<a href="[^"]*source=\d+">Daily Test<\/a>/);

    expect(statTotal(await (await fetch(`${base}/?source=${newsId}`)).text())).toBe(count((s) => s.sourceId === newsId));
    expect(statTotal(await (await fetch(`${base}/?lang=es`)).text())).toBe(count((s) => s.language === 'es'));
    expect(statTotal(await (await fetch(`${base}/?lang=en`)).text())).toBe(count((s) => s.language === 'en'));
    const search = await (await fetch(`${base}/?q=pipeline`)).text();
    expect(statTotal(search)).toBe(count((s) => !!s.summary?.includes('pipeline')));
    expect(search).toContain('<mark>pipeline</mark>');
    const concern = await (await fetch(`${base}/?concern=consent_likeness&granularity=month`)).text();
    expect(statTotal(concern)).toBe(count((s) => !!s.concerns?.includes('consent_likeness')));
    expect(concern).toContain('by month');
    const range = await (await fetch(`${base}/?from=2025-07-14&to=2025-07-21`)).text();
    expect(statTotal(range)).toBe(count((s) => s.publishedAt >= new Date('2025-07-14') && s.publishedAt < new Date('2025-07-21')));

    expect((await fetch(`${base}/?kind=pirates`)).status).toBe(400);
    expect((await fetch(`${base}/?from=2025-08-01&to=2025-07-01`)).status).toBe(400);
    expect((await fetch(`${base}/?colour=red`)).status).toBe(400);
    const reaction = await fetch(`${base}/announcements/1`);
    expect(await reaction.text()).toContain('id="reaction-table"');
    expect((await fetch(`${base}/announcements/999`)).status).toBe(404);
    expect((await json(await fetch(`${base}/assets/nope.js`))).error.code).toBe('not_found');
  });

  it('downloads exactly what is shown: the export has as many rows as the page counts', async () => {
    const html = await (await fetch(`${base}/?kind=union&lang=es`)).text();
    const total = statTotal(html);
    expect(total).toBe(count((s) => s.sourceId === unionId && s.language === 'es'));
    const links = [...html.matchAll(/href="(\/api\/v1\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    const csv = links.find((l) => l.includes('items/export') && l.includes('format=csv'))!;
    const ndjson = links.find((l) => l.includes('format=ndjson'))!;
    const series = links.find((l) => l.startsWith('/api/v1/trends'))!;
    const csvBody = await (await fetch(base + csv)).text();
    expect(csvBody.trim().split('\n').length - 1).toBe(total);
    const lines = (await (await fetch(base + ndjson)).text()).trim().split('\n');
    expect(lines.length).toBe(total);
    expect(lines.every((l) => JSON.parse(l).source_kind === 'union')).toBe(true);
    const seriesRes = await fetch(base + series);
    expect(seriesRes.headers.get('content-type')).toContain('text/csv');
    const rows = (await seriesRes.text()).trim().split('\n').slice(1);
    expect(rows.reduce((s, r) => s + Number(r.split(',')[3]), 0)).toBe(total);
  });
});

async function tabThrough(page: Page, steps: number): Promise<string[]> {
  // start from the top: the first link of the page
  await page.focus('header a');
  const seen: string[] = [];
  for (let i = 0; i < steps; i++) {
    await page.keyboard.press('Tab');
    seen.push(
      await page.evaluate<string>(
        "(() => { const e = document.activeElement; return e ? (e.id || e.getAttribute('name') || e.className || e.tagName) : '' })()",
      ),
    );
  }
  return seen;
}

describe.runIf(hasChromium)('explorer in headless Chromium', () => {
  it('draws both charts, filters every number with the URL as state, Back undoes, keyboard reaches every control, at desktop and phone widths', {
    timeout: 120_000,
  }, async () => {
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
        await page.waitForSelector('#volume-chart[data-state="ready"] canvas');
        expect(Number(await page.getAttribute('#chart', 'data-points'))).toBe(12);
        expect(Number(await page.getAttribute('#chart', 'data-total'))).toBe(specs.length);
        // ticks fall on bucket starts (Mondays)
        const ticks = (await page.getAttribute('#chart', 'data-ticks'))!.split(',');
        expect(ticks.length).toBeGreaterThan(2);
        for (const t of ticks) expect(new Date(t + 'T00:00:00Z').getUTCDay()).toBe(1);
        // the announcement sits on the time axis as a link
        expect(await page.locator('#chart .ann-mark').count()).toBe(1);
        await page.screenshot({ path: join(OUTPUT_DIR, `explorer-${name}.png`), fullPage: true });
        await page.locator('.charts').screenshot({ path: join(OUTPUT_DIR, `explorer-charts-${name}.png`) });
        await page.locator('#filters').screenshot({ path: join(OUTPUT_DIR, `explorer-form-${name}.png`) });

        const snapshot = async () =>
          page.evaluate<Record<string, string>>(`(() => {
            const t = (s) => (document.querySelector(s)?.textContent ?? '').replace(/\\s+/g, ' ').trim();
            return { total: t('#stat-total'), worry: t('#stat-worry'), sources: t('#top-sources'), items: t('#latest-items'), concerns: t('#concerns'), rows: t('#trend-rows'), chart: document.querySelector('#chart')?.getAttribute('data-total') ?? '' };
          })()`);
        const all = await snapshot();

        await page.selectOption('#filter-kind', 'union');
        await page.waitForSelector('#results[data-query="kind=union"]');
        await page.waitForSelector('#chart[data-state="ready"] canvas');
        expect(page.url()).toBe(`${base}/?kind=union`);
        const union = await snapshot();
        expect(Number(union.total)).toBe(count((s) => s.sourceId === unionId));
        expect(union.chart).toBe(union.total);
        // every number and list changed with the filter
        for (const k of ['total', 'worry', 'sources', 'items', 'concerns', 'rows'] as const) expect(union[k], k).not.toBe(all[k]);
        expect(union.items).not.toContain('News item');

        await page.selectOption('#filter-lang', 'es');
        await page.waitForSelector('#results[data-query="kind=union&lang=es"]');
        expect(Number((await snapshot()).total)).toBe(count((s) => s.sourceId === unionId && s.language === 'es'));
        if (name === 'desktop') await page.screenshot({ path: join(OUTPUT_DIR, `explorer-filtered-${name}.png`), fullPage: true });

        // Back undoes one filter at a time, form included
        await page.goBack();
        await page.waitForSelector('#results[data-query="kind=union"]');
        expect(await page.inputValue('#filter-lang')).toBe('');
        expect(await page.inputValue('#filter-kind')).toBe('union');
        expect((await snapshot()).total).toBe(union.total);
        await page.goBack();
        await page.waitForSelector('#results[data-query=""]');
        expect(page.url()).toBe(`${base}/`);
        expect(await page.inputValue('#filter-kind')).toBe('');
        expect((await snapshot()).total).toBe(all.total);

        // search applies on Enter
        await page.fill('#filter-q', 'pipeline');
        await page.press('#filter-q', 'Enter');
        await page.waitForSelector('#results[data-query="q=pipeline"]');
        expect(Number((await snapshot()).total)).toBe(count((s) => !!s.summary?.includes('pipeline')));
        expect(await page.locator('#latest-items mark').count()).toBeGreaterThan(0);

        // a concern link in the panel filters without leaving the page
        await page.click('#concerns a:text("consent likeness")');
        await page.waitForSelector('#results[data-query="q=pipeline&concern=consent_likeness"]');
        expect((await snapshot()).total).toBe('0');
        await page.goBack();
        await page.waitForSelector('#results[data-query="q=pipeline"]');

        // keyboard: every control of the form and the announcement mark are reached by Tab
        const controls = await page.evaluate<string[]>(
          "[...document.querySelectorAll('#filters input, #filters select, #filters button, #filters a')].map((e) => e.id || e.getAttribute('name') || e.tagName)",
        );
        const reached = await tabThrough(page, 60);
        for (const c of controls) expect(reached, c).toContain(c);
        expect(reached).toContain('ann-mark');

        // the announcement mark opens the reaction
        await page.click('#chart .ann-mark');
        await page.waitForSelector('#daily-chart[data-state="ready"] canvas');
        expect(page.url()).toBe(`${base}/announcements/1`);
        if (name === 'desktop') await page.screenshot({ path: join(OUTPUT_DIR, 'reaction-desktop.png'), fullPage: true });

        expect(errors).toEqual([]);
        expect(foreign).toEqual([]);
        if (name === 'phone') {
          await page.goto(`${base}/?kind=union`, { waitUntil: 'networkidle' });
          expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width + 1);
          await page.screenshot({ path: join(OUTPUT_DIR, 'explorer-filtered-phone.png'), fullPage: true });
          await page.waitForSelector('#chart[data-state="ready"] canvas');
          await page.locator('.charts').screenshot({ path: join(OUTPUT_DIR, 'explorer-charts-filtered-phone.png') });
          await page.locator('.panels').screenshot({ path: join(OUTPUT_DIR, 'explorer-panels-phone.png') });
        }
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
