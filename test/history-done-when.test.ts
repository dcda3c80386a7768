import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPulse, startPulse, stop } from './helpers/cli.ts';
import { createEmptyPgDatabase, testDatabaseUrl } from './helpers/db.ts';
import { eternautaArticle, startTradePress, startUnionSite, type Article } from './helpers/web-sites.ts';

/**
 * The done-when: from a fresh install pointed at local look-alikes of a trade-press site
 * and a union news page, one `pulse backfill` brings July 2025 in, and the El Eternauta reaction
 * (GET /api/v1/announcements/1/reaction) has numbers.
 */
const dir = mkdtempSync(join(tmpdir(), 'pulse-history-'));
let env: Record<string, string>;
let cleanup: () => Promise<void> = async () => {};
let press: Awaited<ReturnType<typeof startTradePress>>;
let union: Awaited<ReturnType<typeof startUnionSite>>;

function season(prefix: string, perDay: number, fromDay: number, toDay: number): Article[] {
  const out: Article[] = [];
  let i = 0;
  for (let d = fromDay; d <= toDay; d++)
    for (let k = 0; k < perDay; k++) out.push(eternautaArticle(i++, new Date(Date.UTC(2025, 6, d, 8 + k * 3)), prefix));
  return out;
}

beforeAll(async () => {
  // the trade press from late June to early August; the union's statements through July
  press = await startTradePress({
    articles: [...season('trade-jun', 2, -5, 0), ...season('trade', 3, 1, 31), ...season('trade-aug', 2, 32, 38)],
  });
  union = await startUnionSite({ statements: season('union', 1, 1, 31) });
  const base = { PULSE_ALLOW_PRIVATE_FEEDS: 'true', PULSE_SEED_SOURCES: 'false', PULSE_CRAWL_DELAY_MS: '0' };
  if (testDatabaseUrl) {
    const pg = await createEmptyPgDatabase();
    env = { ...base, DATABASE_URL: pg.url };
    cleanup = pg.drop;
  } else env = { ...base, PULSE_DATA_DIR: join(dir, 'data') };
});
afterAll(async () => {
  await Promise.all([press?.close(), union?.close()]);
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('history from a fresh install', () => {
  it('one pulse backfill brings July 2025 in, and the El Eternauta reaction has numbers', { timeout: 400_000 }, async () => {
    const feed = await runPulse(
      ['sources', 'add', '--url', `${press.base}/`, '--kind', 'news', '--name', 'Reel Ledger', '--full-text'],
      env,
    );
    expect(feed.code, feed.stderr).toBe(0);
    expect(feed.stdout).toMatch(/chose http:\/\/127\.0\.0\.1:\d+\/feed\//);
    const page = await runPulse(
      [
        'sources',
        'add',
        '--type',
        'page',
        '--url',
        `${union.base}/news/`,
        '--kind',
        'union',
        '--name',
        'Screen Crafts Union',
        '--item-selector',
        'article.news-teaser',
        '--title-selector',
        'h3',
        '--link-selector',
        'h3 a',
        '--date-selector',
        '.date-display-single',
        '--date-format',
        'DD/MM/YYYY',
        '--full-text',
      ],
      env,
    );
    expect(page.code, page.stderr).toBe(0);

    const backfill = await runPulse(['backfill', '--source', '1', '--source', '2', '--from', '2025-07-01', '--to', '2025-07-31'], env);
    expect(backfill.code, backfill.stdout + backfill.stderr).toBe(0);
    expect(backfill.stdout).toMatch(/backfill 1 done: 93 new/);
    expect(backfill.stdout).toMatch(/backfill 2 done: 31 new/);

    // the API as a fresh install serves it (serve seeds the announcements on first start)
    const server = await startPulse(
      ['serve', '--no-jobs'],
      { ...env, PORT: '0', HOST: '127.0.0.1', PULSE_LOG_LEVEL: 'info' },
      /listening on (http:\/\/[\d.]+:\d+)/,
    );
    try {
      const api = server.match[1]!;
      const res = await fetch(`${api}/api/v1/announcements/1/reaction`);
      expect(res.status).toBe(200);
      const r = (await res.json()) as {
        announcement: { title: string };
        before: { total: number };
        after: { total: number };
        byKind: Record<string, unknown>;
      };
      expect(r.announcement.title).toMatch(/El Eternauta/);
      expect(r.before.total).toBeGreaterThan(30);
      expect(r.after.total).toBeGreaterThan(30);
      expect(Object.keys(r.byKind).sort()).toEqual(['news', 'union']);
      const listed = (await (await fetch(`${api}/api/v1/items?from=2025-07-01T00:00:00Z&to=2025-08-01T00:00:00Z&limit=1`)).json()) as {
        total: number;
      };
      expect(listed.total).toBe(124);
    } finally {
      await stop(server.child);
    }
  });
});
