/**
 * Backfill throughput: a local WordPress-like site with 5,000 articles (sitemap index, monthly
 * sitemaps, article pages with real-world clutter); one backfill over their whole range, with
 * politeness off (no host delay; robots.txt still read once). Prints articles/s, peak RSS and
 * what extraction alone costs per article (Readability over linkedom), then writes
 * bench/results/backfill.json.
 *
 *   node --import tsx bench/backfill.ts [ARTICLES]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { defaultModel } from '../src/classify/model.ts';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { extractArticle } from '../src/ingest/article.ts';
import { silentLogger } from '../src/logger.ts';
import { requestBackfill, runBackfill } from '../src/services/backfill.ts';
import { addSource } from '../src/services/sources.ts';
import { articleHtml, eternautaArticle, startTradePress } from '../test/helpers/web-sites.ts';
import { report, rssSampler } from './lib.ts';

const N = Number(process.argv[2] ?? 5000);
const START = Date.UTC(2025, 0, 1);
const SPAN_MS = 210 * 86_400_000; // January to July 2025
const articles = Array.from({ length: N }, (_, i) => eternautaArticle(i, new Date(START + Math.floor((i * SPAN_MS) / N)), 'bench'));

// extraction alone, on one representative page, after a warm-up
const sample = articleHtml(articles[0]!, 'Reel Ledger');
for (let i = 0; i < 20; i++) extractArticle(sample, 'http://bench.example/a');
const EXTRACT_RUNS = 200;
const t0 = performance.now();
for (let i = 0; i < EXTRACT_RUNS; i++) extractArticle(sample, 'http://bench.example/a');
const extractMs = (performance.now() - t0) / EXTRACT_RUNS;

const site = await startTradePress({ articles, paged: false });
const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-backfill-'));
const database = await openDatabase({ dataDir: dir });
try {
  await migrate(database);
  const config = loadConfig({ PULSE_ALLOW_PRIVATE_FEEDS: 'true', PULSE_DATA_DIR: dir, PULSE_CRAWL_DELAY_MS: '0' });
  const deps = { db: database.db, config, clock: systemClock, model: defaultModel(), logger: silentLogger(), instance: 'bench' };
  const { row } = await addSource(deps, { url: `${site.base}/feed/`, kind: 'news', fullText: true });
  const { backfill } = await requestBackfill(deps, { sourceId: row.id, from: '2025-01-01', to: '2025-07-31' });
  const baseline = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const sampler = rssSampler();
  const started = performance.now();
  const done = await runBackfill(deps, { id: backfill.id }, { hostDelayMs: 0 });
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = sampler.stop();
  const stored = done.counts.inserted ?? 0;
  report('backfill', {
    articles: N,
    stored,
    status: done.status,
    seconds: Number(seconds.toFixed(1)),
    articlesPerSecond: Number((stored / seconds).toFixed(1)),
    requests: done.counts.pages,
    extractMsPerArticle: Number(extractMs.toFixed(2)),
    extractShareOfTime: Number(((extractMs * stored) / 1000 / seconds).toFixed(2)),
    baselineRssMb: baseline,
    peakRssMb,
    database: 'pglite (file)',
    politeness: 'off (no host delay; robots.txt read once)',
    counts: done.counts,
  });
} finally {
  await database.close();
  await site.close();
  rmSync(dir, { recursive: true, force: true });
}
