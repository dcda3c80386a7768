/**
 * What the feed caps buy (docs/decisions/0007): event-loop time of parseFeed on a hostile
 * 80,000-item feed with and without the caps, on 2,000 bulky items, and what a worker thread
 * would cost instead (start with rss-parser loaded, and handing it the document).
 *
 *   node --import tsx bench/parse-cap.ts
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { DEFAULT_FEED_LIMITS, parseFeed } from '../src/ingest/parse.ts';
import { manyItems, rss } from '../test/helpers/feed-server.ts';
import { report } from './lib.ts';

const big = rss(manyItems(80_000, 'https://m.example.org'));
const bulky = rss(manyItems(2000, 'https://m.example.org').map((i) => ({ ...i, description: 'x'.repeat(2000) })));
const ms = async (f: () => Promise<unknown>) => {
  const s = performance.now();
  await f();
  return Math.round(performance.now() - s);
};
const figures: Record<string, unknown> = {
  limits: DEFAULT_FEED_LIMITS,
  hostileFeedMB: Math.round(big.length / 1e5) / 10,
  bulkyFeedMB: Math.round(bulky.length / 1e5) / 10,
};
figures.uncappedMs = await ms(() => parseFeed(big, { maxItems: 1e7, maxChars: 1e9 }));
figures.cappedMs = await ms(() => parseFeed(big));
figures.bulky2000CappedMs = await ms(() => parseFeed(bulky));
figures.plain2000Ms = await ms(() => parseFeed(rss(manyItems(2000, 'https://m.example.org'))));
const parserPath = createRequire(import.meta.url).resolve('rss-parser');
const w0 = performance.now();
const w = new Worker(`require(${JSON.stringify(parserPath)}); require('node:worker_threads').parentPort.postMessage('ready')`, {
  eval: true,
});
await new Promise((r) => w.once('message', r));
figures.workerStartMs = Math.round(performance.now() - w0);
figures.postHostileDocToWorkerMs = await ms(async () => w.postMessage(big));
await w.terminate();
report('parse-cap', figures);
