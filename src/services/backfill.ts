import type { Db } from '../../db/client.ts';
import {
  claimBackfill,
  createOrFindBackfill,
  finishBackfill,
  getBackfill as getBackfillRow,
  knownUrls,
  resumableBackfills,
  saveBackfillProgress,
  type BackfillProgress,
  type BackfillRow,
} from '../../db/queries/backfills.ts';
import { storeFullText } from '../../db/queries/full-text.ts';
import { storeFetch } from '../../db/queries/ingest.ts';
import { rebuildDirtyDays } from '../../db/queries/rollups.ts';
import { getSource, type SourceRow } from '../../db/queries/sources.ts';
import type { StanceModel } from '../classify/model.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { FetchError, type FetchOptions } from '../ingest/fetcher.ts';
import { normaliseEntry, type NormalisedItem } from '../ingest/normalise.ts';
import type { FeedEntry } from '../ingest/parse.ts';
import type { PoliteFetcher } from '../ingest/polite.ts';
import { fetchUrlOf, parseSourceBody } from '../ingest/read-source.ts';
import { RESULT_CAP, splitWindow, dayWindows } from '../ingest/search.ts';
import { childMayHold, parseSitemap, urlInRange, type SitemapUrl } from '../ingest/sitemap.ts';
import { cdxQueryUrl, parseCdx } from '../ingest/wayback.ts';
import type { DiscoveryMethod } from '../labels.ts';
import type { Logger } from '../logger.ts';
import { fillFullText, failureReason, politeFetcher, readArticle } from './full-text.ts';
import { finishRun, startRun } from './jobs.ts';
import { invalid, notFound, conflict } from './errors.ts';
import { labelPending } from './labels.ts';

/** A backfill whose heartbeat is older than this belongs to a process that died; another may take it. */
export const BACKFILL_LEASE_MS = 60_000;
/** Pages of a paged feed walked at most (a site that ignores ?paged= is caught sooner). */
const MAX_FEED_PAGES = 2000;
/** Sitemaps read at most in one walk (index and children). */
const MAX_SITEMAPS = 2000;
/** Article pages fetched and stored together. */
const ARTICLE_BATCH = 50;
/** Well-known sitemap places, tried when robots.txt names none. */
const SITEMAP_PATHS = ['/sitemap_index.xml', '/sitemap.xml', '/wp-sitemap.xml', '/news-sitemap.xml'];

export type BackfillStage = 'paged_feed' | 'sitemap' | 'wayback' | 'search_window';

/** The stages that fit a source, in the order they are walked. */
export function stagesFor(source: Pick<SourceRow, 'type'>): BackfillStage[] {
  if (source.type === 'search') return ['search_window'];
  if (source.type === 'page') return ['sitemap', 'wayback'];
  if (source.type === 'feed') return ['paged_feed', 'sitemap', 'wayback'];
  return [];
}

export interface BackfillDeps {
  db: Db;
  config: Config;
  clock: Clock;
  model: StanceModel;
  logger?: Logger;
  /** host + pid + random */
  instance: string;
  allowPrivate?: FetchOptions['allowPrivate'];
}

export interface BackfillEvent {
  stage: BackfillStage;
  /** what just happened, for a plain line of output */
  message: string;
  counts: Record<string, number>;
}

export interface RunOptions {
  onProgress?: (e: BackfillEvent) => void;
  signal?: AbortSignal;
  /** overrides config.crawl.hostDelayMs (0: politeness off, for benchmarks) */
  hostDelayMs?: number;
  /** overrides BACKFILL_LEASE_MS */
  leaseMs?: number;
}

export const presentBackfill = (b: BackfillRow) => ({
  id: b.id,
  sourceId: b.sourceId,
  from: b.from,
  /** the last day included */
  to: new Date(Date.parse(b.to) - 86_400_000).toISOString().slice(0, 10),
  status: b.status,
  progress: b.progress,
  counts: b.counts,
  createdAt: b.createdAt.toISOString(),
  finishedAt: b.finishedAt?.toISOString() ?? null,
  error: b.error,
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Records a backfill of one source from `from` to `to`, both whole UTC days and both included
 * (stored as the half-open range [from, to + 1 day)), or finds the unfinished one over the same
 * range, which then carries on where it stopped.
 */
export async function requestBackfill(
  deps: Pick<BackfillDeps, 'db' | 'clock'>,
  p: { sourceId: number; from: string; to: string },
): Promise<{ backfill: BackfillRow; resumed: boolean }> {
  if (!DAY.test(p.from) || Number.isNaN(Date.parse(p.from))) throw invalid('from', 'expected a date YYYY-MM-DD');
  if (!DAY.test(p.to) || Number.isNaN(Date.parse(p.to))) throw invalid('to', 'expected a date YYYY-MM-DD');
  if (p.from > p.to) throw invalid('to', 'must not be before from');
  if (Date.parse(p.to) - Date.parse(p.from) > 5 * 366 * 86_400_000) throw invalid('to', 'at most five years in one backfill');
  const until = new Date(Date.parse(p.to) + 86_400_000).toISOString().slice(0, 10);
  const source = await getSource(deps.db, p.sourceId);
  if (!source) throw notFound(`source ${p.sourceId}`);
  if (!stagesFor(source).length) throw invalid('source', `a ${source.type} source has no history to walk`);
  const { row, resumed } = await createOrFindBackfill(deps.db, { sourceId: p.sourceId, from: p.from, to: until });
  return { backfill: row, resumed };
}

/** One backfill (of the given source, when one is named). */
export async function getBackfill(deps: Pick<BackfillDeps, 'db'>, p: { id: number; sourceId?: number }): Promise<BackfillRow> {
  const row = await getBackfillRow(deps.db, p.id);
  if (!row || (p.sourceId !== undefined && row.sourceId !== p.sourceId)) throw notFound(`backfill ${p.id}`);
  return row;
}

/** Backfills waiting to run or left behind by a process that died (the backfill job takes them). */
export async function pendingBackfills(
  deps: Pick<BackfillDeps, 'db' | 'clock'>,
  p: { limit: number; leaseMs?: number },
): Promise<BackfillRow[]> {
  return resumableBackfills(deps.db, {
    staleBefore: new Date(deps.clock.now().getTime() - (p.leaseMs ?? BACKFILL_LEASE_MS)),
    limit: p.limit,
  });
}

/** What one walk does with what it finds; shared by every stage. */
class Walk {
  readonly counts: Record<string, number> = {
    pages: 0,
    entries: 0,
    inserted: 0,
    duplicates: 0,
    outOfRange: 0,
    fullText: 0,
    fullTextFailed: 0,
    failedFetches: 0,
    blocked: 0,
    labelled: 0,
  };
  readonly from: Date;
  readonly to: Date;
  constructor(
    readonly deps: BackfillDeps,
    readonly source: SourceRow,
    readonly row: BackfillRow,
    readonly progress: BackfillProgress,
    readonly fetcher: PoliteFetcher,
    readonly opts: RunOptions,
  ) {
    this.from = new Date(`${row.from}T00:00:00Z`);
    this.to = new Date(`${row.to}T00:00:00Z`);
    Object.assign(this.counts, row.counts);
  }

  inRange(d: Date): boolean {
    return d >= this.from && d < this.to;
  }

  /** Normalises entries, keeps those dated in range, stores them with their discovery method. */
  async store(
    entries: FeedEntry[],
    baseUrl: string,
    via: DiscoveryMethod,
    opts: { fullTextDone?: boolean } = {},
  ): Promise<{ inRange: number; olderThanFrom: number }> {
    const fetchedAt = this.deps.clock.now();
    const keep: NormalisedItem[] = [];
    let olderThanFrom = 0;
    for (const e of entries) {
      this.counts.entries!++;
      const n = normaliseEntry(e, { feedUrl: baseUrl, fetchedAt, language: this.source.language });
      if (!n) continue;
      // history without a date cannot be placed in the range: it is left out, not dated today
      if (n.publishedEstimated || !this.inRange(n.publishedAt)) {
        this.counts.outOfRange!++;
        if (!n.publishedEstimated && n.publishedAt < this.from) olderThanFrom++;
        continue;
      }
      keep.push(n);
    }
    if (!keep.length) return { inRange: 0, olderThanFrom };
    const stored = await storeFetch(this.deps.db, { sourceId: this.source.id, entries: keep, discoveredVia: via });
    this.counts.inserted! += stored.inserted;
    this.counts.duplicates! += stored.duplicates;
    if (stored.fresh.length) {
      const byUrl = new Map(keep.map((k) => [k.url, k]));
      if (opts.fullTextDone) {
        await storeFullText(
          this.deps.db,
          stored.fresh.map((f) => {
            const k = byUrl.get(f.url)!;
            return { id: f.id, ok: true, content: k.content, studios: k.studios, unions: k.unions, areas: k.areas, relevant: k.relevant };
          }),
        );
        this.counts.fullText! += stored.fresh.length;
      } else if (this.source.fullText) {
        const full = await fillFullText(
          this.deps,
          this.fetcher,
          stored.fresh.map((f) => ({ ...f, title: byUrl.get(f.url)?.title ?? '', summary: byUrl.get(f.url)?.summary ?? '' })),
        );
        this.counts.fullText! += full.ok;
        this.counts.fullTextFailed! += full.failed;
      }
      const labelled = await labelPending(
        { db: this.deps.db, model: this.deps.model, clock: this.deps.clock, logger: this.deps.logger },
        { ids: stored.newIds },
      );
      this.counts.labelled! += labelled.classified;
    }
    return { inRange: keep.length, olderThanFrom };
  }

  /** A fetch that may fail: the failure is counted (blocked addresses apart) and undefined returned. */
  async get(url: string): Promise<{ text: string; url: string } | undefined> {
    try {
      this.counts.pages!++;
      return await this.fetcher.get(url);
    } catch (err) {
      if (this.opts.signal?.aborted) throw err;
      if (err instanceof FetchError && err.reason === 'blocked_address') this.counts.blocked!++;
      else this.counts.failedFetches!++;
      this.deps.logger?.debug({ url, reason: failureReason(err) }, 'backfill fetch failed');
      return undefined;
    }
  }

  async save(stage: BackfillStage, message: string): Promise<void> {
    this.progress.stage = stage;
    await saveBackfillProgress(this.deps.db, { id: this.row.id, progress: this.progress, counts: this.counts, now: this.deps.clock.now() });
    this.opts.onProgress?.({ stage, message, counts: { ...this.counts } });
  }

  checkStop(): void {
    if (this.opts.signal?.aborted) throw new StoppedError();
  }
}

class StoppedError extends Error {
  override name = 'StoppedError';
}

/** `?paged=N` on a feed URL, as WordPress pages its feeds (page 1 is the URL itself). */
export function pagedUrl(feedUrl: string, page: number): string {
  if (page === 1) return feedUrl;
  const u = new URL(feedUrl);
  u.searchParams.set('paged', String(page));
  return u.toString();
}

/** WordPress-style paged feed: newest first, page after page, until a page is all older than `from`. */
async function walkPagedFeed(w: Walk): Promise<void> {
  let previousFirst = w.progress.lastFirst;
  for (let page = w.progress.position ?? 1; page <= MAX_FEED_PAGES; page++) {
    w.checkStop();
    const res = await w.get(pagedUrl(w.source.url, page));
    if (!res) break; // past the last page WordPress answers 404
    let feed: Awaited<ReturnType<typeof parseSourceBody>>;
    try {
      feed = await parseSourceBody(w.source, res.text, res.url);
    } catch {
      break;
    }
    const first = feed.entries[0]?.link;
    // a site that ignores ?paged= answers every page with the first one
    if (!feed.entries.length || (page > 1 && first === previousFirst)) break;
    previousFirst = first;
    const r = await w.store(feed.entries, res.url, 'paged_feed');
    w.progress.position = page + 1;
    w.progress.lastFirst = first;
    await w.save('paged_feed', `page ${page}: ${r.inRange} in range`);
    // newest first: a page that reaches before `from` is the last one needed
    if (r.olderThanFrom > 0) {
      w.progress.reachedFrom = true;
      break;
    }
  }
}

/** The sitemap roots of a site: those robots.txt names, else the well-known places (`fallback`). */
async function sitemapRoots(w: Walk): Promise<{ roots: string[]; fallback: boolean }> {
  const site = new URL(w.source.url);
  const named = w.deps.config.crawl.respectRobots ? await w.fetcher.sitemapsOf(site.origin).catch(() => []) : [];
  return named.length
    ? { roots: named, fallback: false }
    : { roots: SITEMAP_PATHS.map((p) => new URL(p, site.origin).toString()), fallback: true };
}

/** Sitemap index → monthly and news sitemaps → article URLs dated in range, then each article page. */
async function walkSitemaps(w: Walk): Promise<void> {
  const { roots, fallback } = await sitemapRoots(w);
  const queue = [...roots];
  const seen = new Set<string>();
  const candidates = new Map<string, SitemapUrl>();
  let readAny = false;
  while (queue.length && seen.size < MAX_SITEMAPS) {
    w.checkStop();
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const res = await w.get(url);
    if (!res) continue;
    let map: ReturnType<typeof parseSitemap>;
    try {
      map = parseSitemap(res.text);
    } catch {
      continue;
    }
    // of the well-known places, the first that is a sitemap is the one the site keeps
    if (fallback && !readAny) queue.splice(0, queue.length, ...queue.filter((q) => !roots.includes(q)));
    readAny = true;
    for (const child of map.sitemaps) if (childMayHold(child, w.from, w.to)) queue.push(new URL(child.loc, res.url).toString());
    for (const u of map.urls) {
      if (!urlInRange(u, w.from, w.to)) {
        w.counts.outOfRange!++;
        continue;
      }
      let loc: string;
      try {
        loc = new URL(u.loc, res.url).toString();
      } catch {
        continue;
      }
      const had = candidates.get(loc);
      candidates.set(loc, { ...had, ...u, loc, published: u.published ?? had?.published, title: u.title ?? had?.title });
    }
  }
  const known = await knownUrls(w.deps.db, [...candidates.keys()]);
  const todo = [...candidates.values()].filter((c) => !known.has(new URL(c.loc).toString()));
  w.counts.duplicates! += candidates.size - todo.length;
  w.progress.sitemapFound = (w.progress.sitemapFound ?? 0) + candidates.size;
  await w.save('sitemap', `${seen.size} sitemaps read, ${candidates.size} article URLs in range, ${todo.length} not stored yet`);
  for (let i = 0; i < todo.length; i += ARTICLE_BATCH) {
    w.checkStop();
    const batch = todo.slice(i, i + ARTICLE_BATCH);
    const entries: FeedEntry[] = [];
    await Promise.all(
      batch.map(async (c) => {
        try {
          w.counts.pages!++;
          const a = await readArticle(w.fetcher, c.loc);
          entries.push({
            guid: undefined,
            link: c.loc,
            title: c.title ?? a.title,
            summary: a.excerpt,
            content: a.text,
            author: a.byline,
            published: c.published ?? a.published ?? c.lastmod,
            imageUrl: undefined,
          });
        } catch (err) {
          if (w.opts.signal?.aborted) throw err;
          if (err instanceof FetchError && err.reason === 'blocked_address') w.counts.blocked!++;
          else w.counts.failedFetches!++;
        }
      }),
    );
    const r = await w.store(entries, w.source.url, 'sitemap', { fullTextDone: true });
    await w.save('sitemap', `articles ${Math.min(i + ARTICLE_BATCH, todo.length)}/${todo.length}: ${r.inRange} in range`);
  }
}

/** Wayback Machine captures of the source URL in range, each read as the source reads its URL. */
async function walkWayback(w: Walk): Promise<void> {
  const cdxBase = w.deps.config.services.waybackCdxUrl;
  const res = await w.get(cdxQueryUrl(cdxBase, w.source.url, w.from, w.to));
  if (!res) return;
  let captures: ReturnType<typeof parseCdx>;
  try {
    captures = parseCdx(res.text, cdxBase);
  } catch {
    w.counts.failedFetches!++;
    return;
  }
  for (let i = w.progress.position ?? 0; i < captures.length; i++) {
    w.checkStop();
    const c = captures[i]!;
    const page = await w.get(c.replayUrl);
    if (page) {
      try {
        const feed = await parseSourceBody(w.source, page.text, c.original);
        await w.store(feed.entries, c.original, 'wayback');
      } catch {
        w.counts.failedFetches!++;
      }
    }
    w.progress.position = i + 1;
    await w.save('wayback', `capture ${i + 1}/${captures.length} (${c.timestamp})`);
  }
}

/** The query over the range in day windows, a window that reaches the service's cap split in halves. */
async function walkSearchWindows(w: Walk): Promise<void> {
  const q = w.source.settings.search;
  if (!q) throw invalid('source', 'a search source needs a query');
  const days = dayWindows(w.from, w.to);
  for (let i = w.progress.position ?? 0; i < days.length; i++) {
    const queue = [days[i]!];
    while (queue.length) {
      w.checkStop();
      const win = queue.shift()!;
      const res = await w.get(fetchUrlOf(w.source, w.deps.config.services, win));
      if (!res) continue;
      let feed: Awaited<ReturnType<typeof parseSourceBody>>;
      try {
        feed = await parseSourceBody(w.source, res.text, res.url);
      } catch {
        w.counts.failedFetches!++;
        continue;
      }
      const halves = feed.entries.length >= RESULT_CAP[q.provider] ? splitWindow(win, q.provider) : undefined;
      if (halves) {
        // the answer was cut at the cap: ask again in two halves
        w.counts.splitWindows = (w.counts.splitWindows ?? 0) + 1;
        queue.unshift(...halves);
      }
      await w.store(feed.entries, res.url, 'search_window');
    }
    w.progress.position = i + 1;
    await w.save('search_window', `${days[i]!.from.toISOString().slice(0, 10)} (${i + 1}/${days.length} days)`);
  }
}

const WALKERS: Record<BackfillStage, (w: Walk) => Promise<void>> = {
  paged_feed: walkPagedFeed,
  sitemap: walkSitemaps,
  wayback: walkWayback,
  search_window: walkSearchWindows,
};

/**
 * Runs (or resumes) a backfill: the stages that fit the source, in order, each storing what it
 * finds as ingest does (same dedup, so a rerun adds nothing), labelling it, and saving its place
 * after every page. A paged feed that reaches back past `from` makes the sitemap and archive
 * walks unnecessary; a sitemap that lists articles in range makes the archive walk unnecessary.
 * Recorded as a `backfill` job run with its counts; the rollups of touched days are rebuilt.
 * A stop (signal) leaves it queued, to carry on from where it was.
 */
export async function runBackfill(deps: BackfillDeps, p: { id: number }, opts: RunOptions = {}): Promise<BackfillRow> {
  const now = deps.clock.now();
  const existing = await getBackfill(deps, { id: p.id });
  if (existing.status === 'done') return existing;
  const runId = await startRun(deps, { job: 'backfill', instance: deps.instance });
  const row = await claimBackfill(deps.db, {
    id: p.id,
    instance: deps.instance,
    now,
    staleBefore: new Date(now.getTime() - (opts.leaseMs ?? BACKFILL_LEASE_MS)),
    jobRunId: runId,
  });
  if (!row) {
    await finishRun(deps, { id: runId, status: 'skipped', error: `backfill ${p.id} is being run by another process` });
    throw conflict(
      `backfill ${p.id} is being run by another process (${existing.claimedBy}); it can be taken over ${Math.round((opts.leaseMs ?? BACKFILL_LEASE_MS) / 1000)} s after its last heartbeat`,
    );
  }
  const source = await getSource(deps.db, row.sourceId);
  if (!source) throw notFound(`source ${row.sourceId}`);
  const progress: BackfillProgress = { ...row.progress, done: [...(row.progress.done ?? [])] };
  const fetcher = politeFetcher(deps, { signal: opts.signal, hostDelayMs: opts.hostDelayMs });
  const w = new Walk(deps, source, row, progress, fetcher, opts);
  let status: 'done' | 'failed' | 'queued' = 'done';
  let error: string | null = null;
  try {
    for (const stage of stagesFor(source)) {
      if (progress.done!.includes(stage)) continue;
      const covered = (stage === 'sitemap' || stage === 'wayback') && progress.reachedFrom;
      const listed = stage === 'wayback' && (progress.sitemapFound ?? 0) > 0;
      if (!covered && !listed) {
        if (progress.stage !== stage) progress.position = undefined;
        await w.save(stage, 'starting');
        await WALKERS[stage](w);
      }
      progress.done!.push(stage);
      progress.position = undefined;
      await w.save(stage, covered || listed ? 'not needed' : 'done');
    }
    await rebuildDirtyDays(deps.db, { limit: 100_000 });
  } catch (err) {
    if (err instanceof StoppedError || opts.signal?.aborted) {
      status = 'queued';
      error = 'stopped; run it again to carry on';
    } else {
      status = 'failed';
      error = (err as Error).message?.slice(0, 500) ?? String(err);
      deps.logger?.error({ err, backfill: p.id }, 'backfill failed');
    }
  }
  await finishBackfill(deps.db, { id: row.id, status, progress, counts: w.counts, error, now: deps.clock.now() });
  await finishRun(deps, { id: runId, status: status === 'done' ? 'ok' : 'failed', counts: w.counts, error });
  return getBackfill(deps, { id: row.id });
}
