import {
  countMatching,
  exportBatch,
  getItem as getItemRow,
  listItems as listItemRows,
  type ItemFilters,
  type ItemListRow,
} from '../../db/queries/items.ts';
import type { Db } from '../../db/client.ts';
import { latestLabelledAt } from '../../db/queries/dashboard.ts';
import { modelKnown } from '../../db/queries/models.ts';
import { labelView, RELEVANCE_MODES, type AnswerMeta, type LabelMode } from './trends.ts';
import type { Logger } from '../logger.ts';
import { SingleFlight } from '../util/single-flight.ts';
import { replicaOf, type ReadDeps, type ServiceDeps } from './deps.ts';
import { invalid, notFound } from './errors.ts';
import { decodeCursor, encodeCursor } from './item-cursor.ts';
import { csvHeader, csvLine, exportRecord } from './item-export.ts';
import { extractQuotes } from '../classify/quotes.ts';
import { prepareSentences } from '../classify/prepare.ts';

export type { ItemFilters, ItemListRow } from '../../db/queries/items.ts';

/** A confidence to three decimals, as every item answer shows it. */
export const round3 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

/** An item in a list, as the API and the dashboard show it. */
export function presentItem(r: ItemListRow) {
  return {
    id: r.id,
    url: r.url,
    title: r.title,
    summary: r.summary,
    author: r.author,
    publishedAt: r.publishedAt.toISOString(),
    publishedEstimated: r.publishedEstimated,
    language: r.language,
    source: { id: r.sourceId, name: r.sourceName, kind: r.sourceKind },
    relevant: r.relevant,
    studios: r.studios,
    unions: r.unions,
    areas: r.areas,
    status: r.status,
    stance: r.stance,
    confidence: round3(r.confidence),
    concerns: r.concerns,
    model: r.model,
    labelSource: r.labelSource,
    ...(r.rank !== null ? { rank: Number(r.rank), snippet: r.snippet ?? '' } : {}),
  };
}

function checkRange(f: ItemFilters) {
  if (f.from && f.to && f.from >= f.to) throw invalid('to', 'must be after from');
}

/**
 * Counting every match is the slow part of a page at millions of items, and the count is the
 * same for every page of one filter: it is reused for as long as other answers are cached.
 * One counter per database, so several apps in one process (tests) never share counts.
 */
class MatchCounter {
  private readonly totals = new Map<string, { n: number; at: number }>();
  private readonly counting = new SingleFlight<number>();
  constructor(private readonly db: Db) {}

  count(filters: ItemFilters, ttlMs: number): Promise<number> {
    const key = JSON.stringify(filters);
    const hit = this.totals.get(key);
    if (ttlMs > 0 && hit && Date.now() - hit.at < ttlMs) return Promise.resolve(hit.n);
    // pages asked for at once share one count
    return this.counting.run(key, async () => {
      const n = await countMatching(this.db, filters);
      if (ttlMs > 0) {
        if (this.totals.size > 1000) this.totals.delete(this.totals.keys().next().value!);
        this.totals.set(key, { n, at: Date.now() });
      }
      return n;
    });
  }
}
const counters = new WeakMap<object, MatchCounter>();
function counterFor(db: Db): MatchCounter {
  let c = counters.get(db);
  if (!c) counters.set(db, (c = new MatchCounter(db)));
  return c;
}

export interface ListItemsInput {
  filters: ItemFilters;
  limit: number;
  cursor?: string | undefined;
}

/** A page of items, newest first (best match first with a query), its total and the next cursor. */
export async function listItems(deps: Pick<ServiceDeps, 'db' | 'readDb' | 'config'>, p: ListItemsInput) {
  const db = replicaOf(deps);
  const cursor = p.cursor ? decodeCursor(p.cursor, !!p.filters.q) : undefined;
  if (p.cursor && !cursor) throw invalid('cursor', 'not a cursor this API returned for this query');
  checkRange(p.filters);
  const counter = counterFor(db);
  const page = await listItemRows(db, {
    filters: p.filters,
    limit: p.limit,
    cursor,
    countTotal: (f) => counter.count(f, deps.config.cacheTtlMs),
  });
  return { rows: page.rows, nextCursor: page.next ? encodeCursor(page.next) : null, total: page.total, totalRelation: page.totalRelation };
}

/** One item in full: labels, explanation, entities, source and every sighting. */
export async function getItem(deps: ReadDeps, p: { id: number }) {
  const found = await getItemRow(replicaOf(deps), p.id);
  if (!found) throw notFound(`item ${p.id}`);
  return presentDetail(found);
}

function presentDetail(found: NonNullable<Awaited<ReturnType<typeof getItemRow>>>) {
  const i = found.item;
  return {
    id: i.id,
    url: i.url,
    guid: i.guid,
    title: i.title,
    summary: i.summary,
    content: i.content,
    author: i.author,
    publishedAt: i.publishedAt.toISOString(),
    publishedEstimated: i.publishedEstimated,
    fetchedAt: i.fetchedAt.toISOString(),
    language: i.language,
    source: found.source,
    entities: { studios: i.studios, unions: i.unions, areas: i.areas },
    labels: {
      status: i.status,
      relevant: i.relevant,
      stance: i.stance,
      confidence: round3(i.confidence),
      concerns: i.concerns,
      explanation: i.explanation,
      model: i.model,
      classifiedAt: i.classifiedAt?.toISOString() ?? null,
    },
    sightings: found.sightings.map((s) => ({ ...s, firstSeenAt: s.firstSeenAt.toISOString() })),
  };
}
export type ItemDetail = Awaited<ReturnType<typeof getItem>>;

/**
 * One item for its page: everything getItem gives, and the quotations in its text with their
 * speakers (as the classifier stored them; found in the text for an item labelled before quotes
 * were kept).
 */
export async function itemPage(deps: ReadDeps, p: { id: number }) {
  const found = await getItemRow(replicaOf(deps), p.id);
  if (!found) throw notFound(`item ${p.id}`);
  const i = found.item;
  const quotes = i.quotes ?? extractQuotes(prepareSentences(`${i.summary}\n${i.content}`));
  return { ...presentDetail(found), quotes };
}

/**
 * Rows per export batch: sized to take about EXPORT_BATCH_MS to read and write, between 100 and
 * 1,000. On the embedded database, which runs on the server's thread, a batch holds every other
 * request while it runs (1,000 rows of 50,000 held it 120 ms); on PostgreSQL it stays near 1,000
 * (2,000-row batches took a 1M-row export's server from 164 to 197 MB).
 */
const EXPORT_BATCH = { first: 500, min: 100, max: 1000 };
const EXPORT_BATCH_MS = 25;

/** The next batch size: scaled toward the target time, at most doubling or halving at once. */
export function nextBatchSize(size: number, tookMs: number, targetMs = EXPORT_BATCH_MS): number {
  const scaled = tookMs > 0 ? (size * targetMs) / tookMs : size * 2;
  const bounded = Math.min(size * 2, Math.max(size / 2, scaled));
  return Math.round(Math.min(EXPORT_BATCH.max, Math.max(EXPORT_BATCH.min, bounded)));
}
/** Characters per written piece of an export (well under V8's large-object size). */
const EXPORT_CHUNK_CHARS = 16 * 1024;

/**
 * Every matching item as CSV or NDJSON, as a pull-based stream: the next batch is read only
 * when the reader has taken the last one, so memory stays flat whatever the size.
 */
export function exportItems(
  deps: ReadDeps & { logger?: Logger | undefined },
  p: { filters: ItemFilters; format: 'csv' | 'ndjson' },
): ReadableStream<Uint8Array> {
  checkRange(p.filters);
  let afterId = 0;
  let batch = EXPORT_BATCH.first;
  let headerSent = false;
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let text = '';
        if (!headerSent && p.format === 'csv') text += csvHeader();
        headerSent = true;
        const started = performance.now();
        const limit = batch;
        const rows = await exportBatch(replicaOf(deps), { filters: p.filters, afterId, limit });
        for (const r of rows) {
          const rec = exportRecord(r);
          text += p.format === 'csv' ? csvLine(rec) : JSON.stringify(rec) + '\n';
          // Small pieces: a batch as one string would be a large object, allocated straight
          // in V8's old generation and left there until a full collection, which took the
          // server from 137 to 232 MB over a 1M-row export.
          if (text.length >= EXPORT_CHUNK_CHARS) {
            controller.enqueue(encoder.encode(text));
            text = '';
          }
        }
        if (text) controller.enqueue(encoder.encode(text));
        if (rows.length < limit) controller.close();
        else {
          afterId = rows.at(-1)!.id;
          batch = nextBatchSize(limit, performance.now() - started);
        }
      } catch (err) {
        deps.logger?.error({ err }, 'export failed mid-stream');
        controller.error(err);
      }
    },
  });
}

/**
 * Filters with the label view a request asked for (`model`, `labels`); an unknown model version
 * is a 400 naming it.
 */
export async function withLabelView(
  deps: Pick<ServiceDeps, 'db' | 'model'>,
  filters: ItemFilters,
  q: { model?: string | undefined; labels?: LabelMode | undefined },
): Promise<ItemFilters> {
  const labels = labelView(deps.model.version, q);
  if (labels.model && !(await modelKnown(deps.db, labels.model)))
    throw invalid('model', `no labels stored for model ${labels.model}; GET /api/v1/models lists them`);
  return { ...filters, labels };
}

/** The items filter for a relevance mode: true, false, or all (no filter). */
export const relevantFilter = (mode: 'true' | 'false' | 'all'): boolean | undefined => (mode === 'all' ? undefined : mode === 'true');

/** What an item answer was made with: model, filters as applied, relevance mode, when, data through when. */
export async function itemsMeta(
  deps: Pick<ServiceDeps, 'db' | 'readDb' | 'clock' | 'model'>,
  applied: Record<string, unknown>,
): Promise<AnswerMeta> {
  const filters: Record<string, string> = {};
  for (const [k, v] of Object.entries(applied)) {
    if (v === undefined || k === 'cursor' || k === 'limit') continue;
    filters[k] = v instanceof Date ? v.toISOString() : String(v);
  }
  const through = await latestLabelledAt(replicaOf(deps));
  const mode = (applied.relevant as 'true' | 'false' | 'all' | undefined) ?? 'all';
  const labels = (applied.labels as LabelMode | undefined) ?? 'best';
  return {
    model: (applied.model as string | undefined) ?? deps.model.version,
    labels,
    filters,
    relevance: RELEVANCE_MODES[mode],
    generatedAt: deps.clock.now().toISOString(),
    dataThrough: through?.toISOString() ?? null,
  };
}
