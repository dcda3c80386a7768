import type { Db } from '../../db/client.ts';
import { storeFetch, recordHealth } from '../../db/queries/ingest.ts';
import { claimSources, releaseClaims, type SourceRow } from '../../db/queries/sources.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { FetchError, fetchFeed, userAgentFor, type FetchOptions } from '../ingest/fetcher.ts';
import { healthAfterFetch, type FetchOutcome } from '../ingest/health.ts';
import { normaliseEntry, type NormalisedItem } from '../ingest/normalise.ts';
import { PageParseError } from '../ingest/page.ts';
import { FeedParseError } from '../ingest/parse.ts';
import { fetchUrlOf, parseSourceBody, SourceSettingsError } from '../ingest/read-source.ts';
import { SearchParseError } from '../ingest/search.ts';
import type { DiscoveryMethod } from '../labels.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { KeyedSemaphore } from '../util/semaphore.ts';
import { fillFullText, politeFetcher } from './full-text.ts';

/** Entries normalised between two yields to the event loop. */
const NORMALISE_SLICE = 100;

export interface IngestDeps {
  db: Db;
  config: Config;
  logger: Logger;
  clock: Clock;
  /** who claims the sources: host + pid + random, unique per process */
  instance: string;
  random?: () => number;
  /** overrides config.allowPrivateFeeds (a predicate trusts some hosts only) */
  allowPrivate?: FetchOptions['allowPrivate'];
  metrics?: Pick<Metrics, 'itemsIngested' | 'fetchFailures'>;
  /** called with the ids of newly stored items (the classifier labels them) */
  afterStore?: (ids: number[]) => Promise<void>;
}

export interface IngestOptions {
  /** only these sources, due or not */
  ids?: number[];
  /** every enabled source, due or not */
  all?: boolean;
  /** called as each source finishes, for progress output */
  onSource?: (report: SourceReport) => void;
  signal?: AbortSignal;
}

export type SourceOutcome = 'ok' | 'not_modified' | 'failed';

export interface SourceReport {
  sourceId: number;
  name: string;
  url: string;
  outcome: SourceOutcome;
  status: number | null;
  entries: number;
  inserted: number;
  duplicates: number;
  /** entries with no usable link or text */
  skipped: number;
  /** entries cut before parsing (PULSE_FETCH_MAX_ITEMS, PULSE_FETCH_MAX_PARSE_BYTES) */
  cut: number;
  /** new items whose article page was read (sources with full text on) */
  fullText: number;
  /** new items whose article page could not be read; they keep their summary */
  fullTextFailed: number;
  error: string | null;
  durationMs: number;
}

export interface IngestTotals {
  sources: number;
  failed: number;
  inserted: number;
  duplicates: number;
  skipped: number;
}

/**
 * Fetches the due sources (or the chosen ones) and stores what is new. Sources are claimed a few
 * at a time, as fetch slots free up, so several processes share a round evenly and a claim only
 * has to outlive one fetch. Concurrency is bounded overall and per host. One source's failure is
 * recorded on its row and never touches another source.
 */
export async function ingest(deps: IngestDeps, opts: IngestOptions = {}): Promise<{ reports: SourceReport[]; totals: IngestTotals }> {
  const perHost = new KeyedSemaphore(deps.config.fetch.perHost);
  const slots = deps.config.fetch.concurrency;
  const reports: SourceReport[] = [];
  const taken = new Set<number>();
  const running = new Set<Promise<void>>();
  for (;;) {
    if (opts.signal?.aborted) break;
    const free = slots - running.size;
    const claimed =
      free > 0
        ? await claimSources(deps.db, {
            now: deps.clock.now(),
            instance: deps.instance,
            leaseMs: deps.config.claimLeaseMs,
            limit: free,
            ids: opts.ids,
            all: opts.all,
            exclude: [...taken],
          })
        : [];
    for (const source of claimed) {
      taken.add(source.id);
      const task = perHost.run(hostOf(source.url), async () => {
        const report = await ingestSource(deps, source, opts.signal);
        reports.push(report);
        opts.onSource?.(report);
      });
      const tracked = task.finally(() => running.delete(tracked));
      running.add(tracked);
    }
    if (!running.size) break;
    await Promise.race(running);
  }
  const totals: IngestTotals = { sources: reports.length, failed: 0, inserted: 0, duplicates: 0, skipped: 0 };
  for (const r of reports) {
    totals.failed += r.outcome === 'failed' ? 1 : 0;
    totals.inserted += r.inserted;
    totals.duplicates += r.duplicates;
    totals.skipped += r.skipped;
  }
  reports.sort((a, b) => a.sourceId - b.sourceId);
  return { reports, totals };
}

/** How far back a regular fetch of a search source looks. */
const RECENT_SEARCH_MS = 86_400_000;

/** How a regular fetch of each type of source found its items. */
const DISCOVERED_BY_TYPE: Record<SourceRow['type'], DiscoveryMethod> = { feed: 'feed', page: 'page', search: 'search', import: 'import' };

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Fetch → parse → normalise → store for one claimed source. Never throws. */
export async function ingestSource(deps: IngestDeps, source: SourceRow, signal?: AbortSignal): Promise<SourceReport> {
  const started = performance.now();
  const report: SourceReport = {
    sourceId: source.id,
    name: source.name,
    url: source.url,
    outcome: 'ok',
    status: null,
    entries: 0,
    inserted: 0,
    duplicates: 0,
    skipped: 0,
    cut: 0,
    fullText: 0,
    fullTextFailed: 0,
    error: null,
    durationMs: 0,
  };
  const random = deps.random ?? Math.random;
  const health = (outcome: FetchOutcome) => healthAfterFetch(source, outcome, deps.clock.now(), random());
  const fail = async (error: string, status: number | null, retryAfterMs?: number) => {
    report.outcome = 'failed';
    report.error = error;
    deps.metrics?.fetchFailures.inc({ reason: error.split(':')[0] });
    report.status = status;
    await recordHealth(deps.db, source.id, health({ ok: false, status, error, retryAfterMs })).catch((err) =>
      deps.logger.error({ err, sourceId: source.id }, 'could not record fetch failure'),
    );
  };

  try {
    if (source.type === 'import') throw new SourceSettingsError('an import source is never fetched');
    // a search source asks for the last day's results, by the clock (so tests can set it)
    const now = deps.clock.now();
    const res = await fetchFeed(fetchUrlOf(source, deps.config.services, { from: new Date(now.getTime() - RECENT_SEARCH_MS), to: now }), {
      timeoutMs: deps.config.fetch.timeoutMs,
      connectTimeoutMs: deps.config.fetch.connectTimeoutMs,
      maxBytes: deps.config.fetch.maxBytes,
      allowPrivate: deps.allowPrivate ?? deps.config.allowPrivateFeeds,
      userAgent: userAgentFor(deps.config.publicUrl),
      etag: source.etag,
      lastModified: source.lastModified,
      signal,
    });
    report.status = res.status;
    const okHealth = () => health({ ok: true, status: res.status, etag: res.etag, lastModified: res.lastModified });
    if (res.notModified) {
      report.outcome = 'not_modified';
      await recordHealth(deps.db, source.id, okHealth());
    } else {
      const feed = await parseSourceBody(source, res.text, res.url, {
        maxItems: deps.config.fetch.maxItems,
        maxChars: deps.config.fetch.maxParseBytes,
      });
      let cutNote: string | null = null;
      if (feed.cut) {
        report.cut = feed.cut.total - feed.cut.kept;
        const limit =
          feed.cut.reason === 'items'
            ? `PULSE_FETCH_MAX_ITEMS=${deps.config.fetch.maxItems}`
            : `PULSE_FETCH_MAX_PARSE_BYTES=${deps.config.fetch.maxParseBytes}`;
        // recorded on the source (health.lastError, while the fetch still counts as a success) and logged
        cutNote = `cut: read ${feed.cut.kept} of ${feed.cut.total} entries (${limit})`;
        deps.logger.warn(
          { sourceId: source.id, total: feed.cut.total, kept: feed.cut.kept, reason: feed.cut.reason },
          'feed cut before parsing',
        );
      }
      const fetchedAt = deps.clock.now();
      const normalised: NormalisedItem[] = [];
      for (const [i, entry] of feed.entries.entries()) {
        // let other work (HTTP answers) run between slices of a large feed
        if (i > 0 && i % NORMALISE_SLICE === 0) await new Promise((r) => setImmediate(r));
        const item = normaliseEntry(entry, { feedUrl: res.url, fetchedAt, language: source.language ?? feed.language });
        if (item) normalised.push(item);
        else report.skipped++;
      }
      report.entries = feed.entries.length;
      const stored = await storeFetch(deps.db, {
        sourceId: source.id,
        entries: normalised,
        health: { ...okHealth(), error: cutNote },
        discoveredVia: DISCOVERED_BY_TYPE[source.type],
      });
      report.inserted = stored.inserted;
      if (stored.inserted) deps.metrics?.itemsIngested.inc({ kind: source.kind }, stored.inserted);
      report.duplicates = stored.duplicates;
      if (stored.fresh.length && source.fullText) {
        const byUrl = new Map(normalised.map((e) => [e.url, e]));
        const targets = stored.fresh.map((f) => ({ ...f, title: byUrl.get(f.url)?.title ?? '', summary: byUrl.get(f.url)?.summary ?? '' }));
        const full = await fillFullText(deps, politeFetcher(deps, { signal }), targets);
        report.fullText = full.ok;
        report.fullTextFailed = full.failed;
      }
      if (stored.newIds.length && deps.afterStore) {
        await deps
          .afterStore(stored.newIds)
          .catch((err) => deps.logger.warn({ err, sourceId: source.id }, 'labelling after ingest failed; items stay pending'));
      }
    }
  } catch (err) {
    if (signal?.aborted) {
      // The process is stopping: give the source back untouched rather than count a failure.
      report.outcome = 'failed';
      report.error = 'stopped: the process is shutting down';
      await releaseClaims(deps.db, { instance: deps.instance, ids: [source.id] }).catch(() => {});
    } else if (err instanceof FetchError) await fail(`${err.reason}: ${err.message}`, err.status ?? null, err.retryAfterMs);
    else if (err instanceof FeedParseError || err instanceof PageParseError || err instanceof SearchParseError)
      await fail(`parse: ${err.message}`, report.status);
    else if (err instanceof SourceSettingsError) await fail(`settings: ${err.message}`, report.status);
    else {
      deps.logger.error({ err, sourceId: source.id }, 'ingest failed');
      await fail(`store: ${(err as Error).message ?? String(err)}`.slice(0, 500), report.status);
    }
  }
  report.durationMs = Math.round(performance.now() - started);
  deps.logger.debug({ ...report }, 'source fetched');
  return report;
}
