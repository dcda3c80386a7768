import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  unique,
  customType,
  date,
} from 'drizzle-orm/pg-core';
import type { Concern } from '../../src/labels.ts';
import { discoveryMethod, fullTextStatus, itemStatus, stance } from './enums.ts';
import { sources } from './sources.ts';

/** The explanation stored with a label: what pushed the decision, and the sentence to quote. */
export interface Explanation {
  terms: { term: string; weight: number }[];
  sentence: string;
  /** one line in plain words: the label and its main reasons */
  summary?: string;
}

/** A direct quotation found in an item, with its speaker and the quote's own stance. */
export interface StoredQuote {
  text: string;
  speaker: string | null;
  speakerKind: 'studio' | 'union' | 'worker' | 'analyst' | 'other';
  stance?: 'excitement' | 'worry' | 'neutral';
}

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** One story, stored once however many feeds carry it. */
export const items = pgTable(
  'items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    url: text('url').notNull().unique(),
    guid: text('guid'),
    title: text('title').notNull(),
    summary: text('summary').notNull().default(''),
    content: text('content').notNull().default(''),
    author: text('author'),
    /** the publication that ran it, when a search service or import names one */
    outlet: text('outlet'),
    /** how Pulse found it: a regular fetch, or the way a backfill or import walked history */
    discoveredVia: discoveryMethod('discovered_via').notNull().default('feed'),
    /** whether the article page was fetched and read (null: never tried) */
    fullTextStatus: fullTextStatus('full_text_status'),
    /** why full text failed; the item keeps its summary */
    fullTextError: text('full_text_error'),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
    /** true when the feed gave no usable date (missing or in the future) and first-seen was used */
    publishedEstimated: boolean('published_estimated').notNull().default(false),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull(),
    contentHash: text('content_hash').notNull(),
    /** the content hash when the text is long enough to identify a story; unique, so two feeds
     * storing the same story at the same moment cannot both insert it */
    dedupKey: text('dedup_key').unique(),
    /** ISO 639-1 from the feed at ingest; the classifier's detected language once labelled */
    language: text('language'),
    studios: text('studios').array().notNull().default(sql`'{}'::text[]`),
    unions: text('unions').array().notNull().default(sql`'{}'::text[]`),
    areas: text('areas').array().notNull().default(sql`'{}'::text[]`),
    status: itemStatus('status').notNull().default('pending'),
    relevant: boolean('relevant'),
    stance: stance('stance'),
    confidence: real('confidence'),
    concerns: text('concerns').array().$type<Concern[]>().notNull().default(sql`'{}'::text[]`),
    explanation: jsonb('explanation').$type<Explanation>(),
    /** direct quotations with speaker, speaker kind and stance (set by the classifier) */
    quotes: jsonb('quotes').$type<StoredQuote[]>(),
    model: text('model'),
    classifiedAt: timestamp('classified_at', { withTimezone: true }),
    classifyAttempts: integer('classify_attempts').notNull().default(0),
    /** full-text index: headline weighs most, then summary, then body */
    search: tsvector('search').generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(summary, '')), 'B') || setweight(to_tsvector('english', left(coalesce(content, ''), 20000)), 'C')`,
    ),
  },
  (t) => [
    index('items_published_idx').on(t.publishedAt, t.id),
    index('items_source_idx').on(t.sourceId, t.publishedAt),
    index('items_pending_idx').on(t.id).where(sql`${t.status} = 'pending'`),
    // the newest labelled relevant item (where the dashboard opens, every answer's dataThrough):
    // without it the newest off-topic or unlabelled items were read one by one (20,000: 38 ms)
    index('items_labelled_relevant_published_idx').on(t.publishedAt).where(sql`${t.stance} is not null and ${t.relevant} is true`),
    // A small pending list: under steady ingest the default 4 MB list of not-yet-merged entries
    // is read by every search until vacuum merges it (a search went from 15 to 120 ms).
    index('items_search_idx').using('gin', t.search).with({ gin_pending_list_limit: 256 }),
  ],
);

/** Every place a story was seen: the feed and the URL it had there. A story carried by two feeds,
 * or re-posted under another URL, has one item and several sightings. */
export const sightings = pgTable(
  'item_sightings',
  {
    itemId: bigint('item_id', { mode: 'number' })
      .notNull()
      .references(() => items.id, { onDelete: 'cascade' }),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    url: text('url').notNull(),
    guid: text('guid'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sourceId, t.url] }),
    index('sightings_item_idx').on(t.itemId),
    unique('sightings_source_guid').on(t.sourceId, t.guid),
  ],
);

/** Days whose rollup rows no longer match the items (labels changed); the rollup job rebuilds them. */
export const dirtyDays = pgTable('rollup_dirty_days', {
  day: date('day', { mode: 'string' }).primaryKey(),
  /** bumped by every change; a rebuild clears the mark only if nothing changed meanwhile */
  version: bigint('version', { mode: 'number' }).notNull().default(1),
  markedAt: timestamp('marked_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Labelled items counted per UTC day, source kind, relevance and stance, once overall
 * (`dim` = 'all') and once per tag value of each tag dimension (`dim` = 'studio', 'union', 'area',
 * 'concern'). A query that involves at most one tag dimension reads a few rows per day from
 * here; one that combines two tag dimensions is answered from items. `dim` = 'source' (value: the
 * source id) and 'lang' (the ISO 639-1 code, '' when unknown) serve the dashboard's source table
 * and language menu.
 */
export const dailyRollups = pgTable(
  'daily_rollups',
  {
    day: date('day', { mode: 'string' }).notNull(),
    sourceKind: text('source_kind').notNull(),
    relevant: boolean('relevant').notNull(),
    stance: stance('stance').notNull(),
    dim: text('dim').notNull(),
    value: text('value').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [
    index('daily_rollups_dim_value_day_idx').on(t.dim, t.value, t.day),
    index('daily_rollups_day_idx').on(t.day),
    // a trend grouped by a dimension reads that dimension's rows of the range, not every row of each day
    index('daily_rollups_dim_day_idx').on(t.dim, t.day),
  ],
);

/**
 * Every tag value of the daily rollups (each dimension but 'all') with its labelled items over
 * all days, recounted after each rollup rebuild: the dashboard's filter menus read these few
 * rows instead of grouping every day's rollups.
 */
export const rollupValues = pgTable(
  'rollup_values',
  {
    dim: text('dim').notNull(),
    value: text('value').notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.dim, t.value] })],
);

/**
 * The search vectors of the newest items (those published at or after search_window.since),
 * copied by a trigger on items: a search first ranks the newest matches from this small index,
 * and reads the full one only when fewer than it needs are this recent. See db/queries/items.ts.
 */
export const recentSearch = pgTable(
  'recent_search',
  {
    itemId: bigint('item_id', { mode: 'number' })
      .primaryKey()
      .references(() => items.id, { onDelete: 'cascade' }),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
    search: tsvector('search').notNull(),
  },
  (t) => [
    index('recent_search_search_idx').using('gin', t.search).with({ gin_pending_list_limit: 256 }),
    index('recent_search_published_idx').on(t.publishedAt, t.itemId),
  ],
);

/** Where recent_search begins: every item published at or after `since` is in it. One row. */
export const searchWindow = pgTable('search_window', {
  id: integer('id').primaryKey().default(1),
  since: timestamp('since', { withTimezone: true }).notNull(),
  movedAt: timestamp('moved_at', { withTimezone: true }).notNull().defaultNow(),
});
