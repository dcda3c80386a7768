import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startPulse, stop } from './helpers/cli.ts';
import { hasChromium, launchBrowser, OUTPUT_DIR } from './helpers/browser.ts';

describe('pulse demo', () => {
  it('starts offline, answers every URL it prints, and stops cleanly on SIGINT', { timeout: 120_000 }, async () => {
    const started = Date.now();
    const demo = await startPulse(['demo', '--port', '0'], { PULSE_LOG_LEVEL: 'warn' }, /Press Ctrl-C to stop\./, 90_000);
    const elapsed = Date.now() - started;
    const out = demo.output();
    expect(out).toMatch(/ingested 400 items from 6 feeds \(0 failed\)/);
    const dir = /embedded database in (\S+)/.exec(out)![1]!;
    const urls = [...out.matchAll(/^ {2}\S.*?\s(http:\/\/\S+)$/gm)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const url of urls) {
      const res = await fetch(url);
      expect(res.status, url).toBe(200);
      await res.arrayBuffer();
    }
    const trends = (await (await fetch(urls.find((u) => u.includes('/trends'))!)).json()) as {
      series: { group: string; buckets: { counts: { worry: number }; total: number }[] }[];
    };
    const union = trends.series.find((s) => s.group === 'union')!;
    const worry = (weeks: { counts: { worry: number }; total: number }[]) =>
      weeks.reduce((s, b) => s + b.counts.worry, 0) / weeks.reduce((s, b) => s + b.total, 0);
    // the demo's story: union worry rises after the 17 July disclosure
    expect(worry(union.buckets.slice(7, 10))).toBeGreaterThan(worry(union.buckets.slice(0, 6)));
    if (hasChromium) {
      // the dashboard draws the demo data in a real browser, with nothing fetched from elsewhere
      const dashboard = urls.find((u) => u.endsWith('/'))!;
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const foreign: string[] = [];
        const errors: string[] = [];
        page.on('request', (r) => !r.url().startsWith(new URL(dashboard).origin) && foreign.push(r.url()));
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        await page.goto(dashboard, { waitUntil: 'networkidle' });
        await page.waitForSelector('#chart[data-state="ready"] canvas');
        expect(Number(await page.getAttribute('#chart', 'data-total'))).toBeGreaterThan(300);
        expect(await page.locator('ul.timeline li').count()).toBeGreaterThan(0);
        await page.screenshot({ path: join(OUTPUT_DIR, 'demo-dashboard.png'), fullPage: true });
        expect(foreign).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    }
    expect(await stop(demo.child, 'SIGINT')).toBe(0);
    expect(existsSync(dir)).toBe(false);
    console.log(`demo ready in ${elapsed} ms`);
  });
});
