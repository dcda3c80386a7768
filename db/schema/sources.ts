import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { PageSelectors } from '../../src/ingest/page.ts';
import type { SearchQuery } from '../../src/ingest/search.ts';
import { sourceKind, sourceType } from './enums.ts';

/** What a source of type page or search needs besides its URL. */
export interface SourceSettings {
  selectors?: PageSelectors;
  search?: SearchQuery;
}

/** A feed Pulse reads, with its fetch health. Deleting a source only marks it deleted, so its
 * items keep their provenance and the default list never seeds it back. */
export const sources = pgTable(
  'sources',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    url: text('url').notNull().unique(),
    kind: sourceKind('kind').notNull(),
    /** how the source is read: feed (the default), page, search, or import (never fetched) */
    type: sourceType('type').notNull().default('feed'),
    /** selectors (page) or query (search) */
    settings: jsonb('settings').$type<SourceSettings>().notNull().default({}),
    /** fetch each new item's article page and keep its extracted text as the item's content */
    fullText: boolean('full_text').notNull().default(false),
    organisation: text('organisation'),
    country: text('country'),
    language: text('language'),
    enabled: boolean('enabled').notNull().default(true),
    fetchIntervalMinutes: integer('fetch_interval_minutes').notNull().default(60),
    lastFetchedAt: timestamp('last_fetched_at', { withTimezone: true }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    lastStatus: integer('last_status'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    nextFetchAt: timestamp('next_fetch_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    etag: text('etag'),
    lastModified: text('last_modified'),
    claimedBy: text('claimed_by'),
    claimExpiresAt: timestamp('claim_expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('sources_due_idx').on(t.nextFetchAt).where(sql`${t.enabled} and ${t.deletedAt} is null`)],
);
